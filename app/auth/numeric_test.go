package auth

import "testing"

// Expectations are Python's str.isdigit(), which Django uses.
func TestIsNumeric(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"ascii digits", "12345678", true},
		{"single digit", "7", true},
		{"empty", "", false},
		{"space inside", "1234 5678", false},
		{"trailing letter", "12345678a", false},
		{"sign", "-1", false},
		{"plus sign", "+1", false},
		{"decimal point", "٣.١٤", false},
		{"arabic-indic digits", "١٢٣٤٥٦٧٨", true},
		{"fullwidth digits", "１２３", true},
		{"mathematical bold digits", "𝟏𝟐", true},
		{"superscripts", "²³", true},
		{"circled digits", "①②③", true},
		{"parenthesized digit", "⑴", true},
		{"dingbat negative circled digit", "❶", true},
		{"vulgar fraction", "½", false},
		{"roman numeral", "Ⅻ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := isNumeric(tt.password); got != tt.want {
				t.Errorf("isNumeric(%q) = %v, want %v", tt.password, got, tt.want)
			}
		})
	}
}

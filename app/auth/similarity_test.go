package auth

import (
	"slices"
	"testing"
)

// The expectations come from running Django's algorithm in Python (difflib
// and re from the standard library) on the same inputs.
func TestTooSimilar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		user     UserAttributes
		want     string // "" when not too similar
	}{
		{"username plus digits below threshold", "boss1234", UserAttributes{Username: "boss"}, ""},
		{"username plus fewer digits", "boss123", UserAttributes{Username: "boss"}, "username"},
		{"equal to username", "johnsmith42", UserAttributes{Username: "johnsmith42"}, "username"},
		{"case ignored", "JohnSmith42", UserAttributes{Username: "johnsmith42"}, "username"},
		{"order ignored", "abcdefg", UserAttributes{Username: "gfedcba"}, "username"},
		{"shorter than username", "sob", UserAttributes{Username: "boss"}, "username"},
		{"email local part", "jeandupont", UserAttributes{Username: "zorro", Email: "jean.dupont@example.com"}, "email address"},
		{"one word of the email", "dupont1985", UserAttributes{Username: "zorro", Email: "jean.dupont@example.com"}, "email address"},
		{"first name", "alexandra!", UserAttributes{Username: "zz", FirstName: "Alexandra"}, "first name"},
		{"last name reversed", "tnopud", UserAttributes{LastName: "Dupont"}, "last name"},
		{"first attribute reported only", "marie-curie", UserAttributes{Username: "mcurie", FirstName: "Marie", LastName: "Curie"}, "username"},
		{"username before email", "4meromance!", UserAttributes{Username: "4meRomance", Email: "4me@romance.fr"}, "username"},
		{"multibyte letters count once", "ÉLODIE123", UserAttributes{Username: "Élodie"}, "username"},
		{"underscore is a word character", "p@ss_word", UserAttributes{Username: "pass_word"}, "username"},
		{"long random password, short attributes", "Xq7#vLp9!mZ2@rT5", UserAttributes{Username: "bob", FirstName: "Al", LastName: "Li", Email: "bob@ex.io"}, ""},
		{"two names in a passphrase", "correct horse battery", UserAttributes{FirstName: "Horse", LastName: "Battery"}, ""},
		{"part ten times shorter is skipped", "aaaaaaaaaa", UserAttributes{Username: "a"}, ""},
		{"prefix too short", "abcdefghij", UserAttributes{Username: "abc"}, ""},
		{"separators only", "zzzz", UserAttributes{Username: "zz__..zz"}, ""},
		{"no attributes", "password", UserAttributes{}, ""},
		// An empty password meets the empty part that a trailing separator
		// leaves, and difflib rates two empty strings 1.0.
		{"empty password, trailing separator", "", UserAttributes{Username: "a."}, "username"},
		{"empty password, plain username", "", UserAttributes{Username: "ab"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := ""
			if tt.want != "" {
				want = "The password is too similar to the " + tt.want + "."
			}
			got, failed := tooSimilar(tt.password, tt.user)
			if got != want || failed != (want != "") {
				t.Errorf("tooSimilar(%q, %+v) = %q, %v; want %q", tt.password, tt.user, got, failed, want)
			}
		})
	}
}

func TestQuickRatio(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b string
		want float64
	}{
		{"both empty", "", "", 1},
		{"one empty", "abc", "", 0},
		{"prefix", "boss1234", "boss", 2.0 * 4 / 12},
		{"multiset, not set", "aab", "abb", 2.0 * 2 / 6},
		{"anagram", "abcdefg", "gfedcba", 1},
		{"runes, not bytes", "élodie123", "élodie", 0.8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := quickRatio([]rune(tt.a), []rune(tt.b)); got != tt.want {
				t.Errorf("quickRatio(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// Expectations are Python's re.split(r"\W+", s).
func TestSplitNonWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"email", "jean.dupont@example.com", []string{"jean", "dupont", "example", "com"}},
		{"trailing separator", "a@", []string{"a", ""}},
		{"leading separator", "@a", []string{"", "a"}},
		{"separator only", "@", []string{"", ""}},
		{"no separator", "abc", []string{"abc"}},
		{"empty", "", []string{""}},
		{"run of separators, underscores kept", "a--b__c", []string{"a", "b__c"}},
		{"accented letters", "é.ü", []string{"é", "ü"}},
		{"combining mark separates", "x\u0301y", []string{"x", "y"}},
		{"whitespace", "a b\tc", []string{"a", "b", "c"}},
		{"other digits", "١٢٣-x", []string{"١٢٣", "x"}},
		{"superscript is a word character", "a²b", []string{"a²b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := splitNonWord(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("splitNonWord(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

package auth

import (
	"strings"
	"testing"
	"unicode"
)

func TestCommonPasswordList(t *testing.T) {
	t.Parallel()
	set, err := readPasswordList(commonPasswordsGz)
	if err != nil {
		t.Fatalf("readPasswordList: %v", err)
	}
	if got := len(set); got < 20_000 {
		t.Errorf("list has %d passwords, want at least 20,000", got)
	}
	for p := range set {
		// Lookups lower-case and trim the password, so an entry with upper
		// case or surrounding space could never match.
		if p != strings.ToLower(p) || p != strings.TrimSpace(p) {
			t.Errorf("entry %q is not lower-case and trimmed", p)
		}
		if strings.IndexFunc(p, unicode.IsControl) >= 0 {
			t.Errorf("entry %q holds a control character", p)
		}
	}
}

func TestReadPasswordListRejectsGarbage(t *testing.T) {
	t.Parallel()
	if _, err := readPasswordList("not gzip"); err == nil {
		t.Errorf("readPasswordList(not gzip): got nil error, want one")
	}
}

func TestIsCommonPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"password", "password", true},
		{"123456", "123456", true},
		{"qwerty", "qwerty", true},
		{"12345678", "12345678", true},
		{"upper case", "PassWord", true},
		{"surrounding spaces", "  password  ", true},
		{"tab and newline", "\tqwerty\n", true},
		{"inner space is kept", "pass word", false},
		{"strong random", "vT9#qLx2!mZr8@Kd", false},
		{"empty", "", false},
		{"spaces only", "   ", false},
		{"listed with punctuation", "password!", true},
		{"unlisted variation", "password!?x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := isCommonPassword(tt.password); got != tt.want {
				t.Errorf("isCommonPassword(%q) = %v, want %v", tt.password, got, tt.want)
			}
		})
	}
}

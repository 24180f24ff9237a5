package auth

import (
	"strings"
	"testing"
)

func TestUnusablePassword(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for range 100 {
		got := UnusablePassword()
		if len(got) != 41 || !strings.HasPrefix(got, "!") {
			t.Fatalf("UnusablePassword() = %q, want \"!\" and 40 characters", got)
		}
		if i := strings.IndexFunc(got[1:], func(r rune) bool { return !strings.ContainsRune(randomAlphabet, r) }); i >= 0 {
			t.Fatalf("UnusablePassword() = %q, want only letters and digits after \"!\"", got)
		}
		if seen[got] {
			t.Fatalf("UnusablePassword() returned %q twice, want random suffixes", got)
		}
		seen[got] = true
		if IsUsable(got) {
			t.Fatalf("IsUsable(%q) = true, want false", got)
		}
	}
}

// Every character of the alphabet turns up: the rejection sampling does not
// lose the last ones.
func TestRandomStringCoversAlphabet(t *testing.T) {
	t.Parallel()
	var counts [256]int
	for _, c := range []byte(randomString(62 * 200)) {
		counts[c]++
	}
	for _, c := range []byte(randomAlphabet) {
		if counts[c] == 0 {
			t.Errorf("character %q never drawn in 12,400 draws", c)
		}
	}
}

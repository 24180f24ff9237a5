package auth

import (
	"fmt"
	"strings"
	"unicode"
)

// maxSimilarity is UserAttributeSimilarityValidator's default threshold.
const maxSimilarity = 0.7

// tooSimilar ports Django's UserAttributeSimilarityValidator. Like Django, it
// reports only the first attribute that is too similar.
func tooSimilar(password string, user UserAttributes) (string, bool) {
	pwd := []rune(strings.ToLower(password))
	attributes := [...]struct{ value, verboseName string }{
		{user.Username, "username"},
		{user.FirstName, "first name"},
		{user.LastName, "last name"},
		{user.Email, "email address"},
	}
	for _, attr := range attributes {
		if attr.value == "" {
			continue
		}
		value := strings.ToLower(attr.value)
		// Each word of the value is compared, then the value as a whole.
		for _, part := range append(splitNonWord(value), value) {
			p := []rune(part)
			if exceedsMaximumLengthRatio(len(pwd), len(p)) {
				continue
			}
			if quickRatio(pwd, p) >= maxSimilarity {
				return fmt.Sprintf(msgTooSimilarF, attr.verboseName), true
			}
		}
	}
	return "", false
}

// exceedsMaximumLengthRatio is Django's shortcut: a part ten times shorter
// than the password cannot reach the threshold, so it is not compared.
func exceedsMaximumLengthRatio(pwdLen, partLen int) bool {
	return pwdLen >= 10*partLen && float64(partLen) < maxSimilarity/2*float64(pwdLen)
}

// quickRatio is Python's difflib.SequenceMatcher(a=a, b=b).quick_ratio():
// twice the size of the multiset intersection of the characters, over the
// total length. It is an upper bound of ratio() and ignores order.
func quickRatio(a, b []rune) float64 {
	total := len(a) + len(b)
	if total == 0 {
		return 1 // difflib's value for two empty sequences
	}
	avail := make(map[rune]int, len(b))
	for _, r := range b {
		avail[r]++
	}
	matches := 0
	for _, r := range a {
		if avail[r] > 0 {
			matches++
		}
		avail[r]--
	}
	return 2 * float64(matches) / float64(total)
}

// splitNonWord is Python's re.split(r"\W+", s) on a str: it cuts at runs of
// characters that are not letters, digits or underscores, and keeps the empty
// strings a leading or trailing run leaves behind.
func splitNonWord(s string) []string {
	var parts []string
	start, inRun := 0, false
	for i, r := range s {
		switch word := isWordRune(r); {
		case !word && !inRun:
			parts = append(parts, s[start:i])
			inRun = true
		case word && inRun:
			start, inRun = i, false
		}
	}
	if inRun {
		return append(parts, "")
	}
	return append(parts, s[start:])
}

// isWordRune approximates Python's Unicode \w: str.isalnum() or "_".
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

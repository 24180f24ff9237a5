package auth

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Describe summarises an encoded password for the admin without revealing
// it, as Django's ReadOnlyPasswordHashWidget does: the algorithm, its
// parameters, and the salt and hash with all but their first characters
// masked.
func Describe(encoded string) string {
	if encoded == "" || strings.HasPrefix(encoded, unusablePrefix) {
		return "No password set."
	}
	algorithm, v, ok := parse(encoded)
	if !ok {
		return "Invalid password format or unknown hashing algorithm."
	}
	switch h := v.(type) {
	case *argon2Hash:
		return fmt.Sprintf("algorithm: %s variety: %s version: 19 memory cost: %d time cost: %d parallelism: %d salt: %s hash: %s",
			algorithm, h.variant, h.memory, h.time, h.threads, mask(encodeB64Raw(h.salt)), mask(encodeB64Raw(h.key)))
	case *pbkdf2Hash:
		return fmt.Sprintf("algorithm: %s iterations: %d salt: %s hash: %s",
			algorithm, h.iterations, mask(h.salt), mask(h.key))
	}
	return "algorithm: " + algorithm
}

// mask keeps Django's six first characters of a salt or a hash.
func mask(s string) string {
	const show = 6
	n := utf8.RuneCountInString(s)
	if n <= show {
		return strings.Repeat("*", n)
	}
	return string([]rune(s)[:show]) + strings.Repeat("*", n-show)
}

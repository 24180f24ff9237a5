package auth

import "crypto/rand"

// unusableSuffixLength is Django's UNUSABLE_PASSWORD_SUFFIX_LENGTH. The random
// suffix keeps unusable hashes distinct, so they reveal nothing when compared.
const unusableSuffixLength = 40

// randomAlphabet is Django's RANDOM_STRING_CHARS.
const randomAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// UnusablePassword returns a value to store for a user who must not log in
// with a password: "!" and 40 random letters and digits. No password
// verifies against it.
func UnusablePassword() string {
	return unusablePrefix + randomString(unusableSuffixLength)
}

// randomString draws n characters uniformly from randomAlphabet.
func randomString(n int) string {
	// Bytes at or above the largest multiple of the alphabet size are
	// dropped, so that the modulo does not favour the first letters.
	const limit = 256 - 256%len(randomAlphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4)
	for len(out) < n {
		rand.Read(buf) // never fails since Go 1.24; it crashes the program instead
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, randomAlphabet[int(b)%len(randomAlphabet)])
			}
		}
	}
	return string(out)
}

package auth

import "strings"

// unusablePrefix marks a password that can never match (Django's
// UNUSABLE_PASSWORD_PREFIX). No hasher's encoding starts with it.
const unusablePrefix = "!"

// verifier is a parsed, bounds-checked encoded hash.
type verifier interface {
	// verify reports whether password derives the stored key.
	verify(password string) bool
	// outdated reports whether the hash differs from what the hasher makes
	// (algorithm or any parameter, weaker or stronger, as Django's
	// must_update), so a successful login should replace it.
	outdated(Hasher) bool
}

// parse recognises an encoded hash. It returns the Django algorithm name and
// a verifier, or ok=false for anything unusable, malformed, unsupported or
// too expensive to check.
func parse(encoded string) (algorithm string, v verifier, ok bool) {
	if strings.HasPrefix(encoded, unusablePrefix) {
		return "", nil, false
	}
	algorithm, rest, found := strings.Cut(encoded, "$")
	if !found {
		return "", nil, false
	}
	switch algorithm {
	case argon2Algorithm:
		v, ok = parseArgon2(rest)
	case pbkdf2SHA256Algorithm, pbkdf2SHA1Algorithm:
		v, ok = parsePBKDF2(algorithm, rest)
	}
	if !ok {
		return "", nil, false
	}
	return algorithm, v, true
}

// Hasher makes and checks hashes at one Argon2id cost. Production uses
// Default; tests of code that signs people in use a cheaper one, as Django's
// own tests swap in a fast hasher.
type Hasher struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default is the cost of every hash the application makes. Its methods
// compute at once; the application calls them through accounts.Service,
// which bounds how many run at the same time.
func Default() Hasher {
	return Hasher{Memory: argon2Memory, Time: argon2Time, Threads: argon2Threads}
}

// Hash returns a new Argon2id hash of password with a random salt, in
// Django's Argon2PasswordHasher encoding.
func (hs Hasher) Hash(password string) (string, error) {
	h, err := newArgon2id(password, hs.Memory, hs.Time, hs.Threads)
	if err != nil {
		return "", err
	}
	return h.encode(), nil
}

// Check reports whether password matches encoded and, when it does, whether
// encoded should be replaced by Hash(password) because its algorithm or
// parameters are not the hasher's. Unusable, malformed, unknown or
// over-expensive encodings never match, at once: code answering a visitor
// calls Burn for them instead (accounts does), so that the answer takes as
// long. The comparison of derived keys is constant-time.
func (hs Hasher) Check(password, encoded string) (ok, needsRehash bool) {
	_, v, parsed := parse(encoded)
	if !parsed || !v.verify(password) {
		return false, false
	}
	return true, v.outdated(hs)
}

// Burn spends the time and memory Check takes on a hash made by Hash. Call
// it when the user does not exist or has no usable password, so that the
// response time does not tell an attacker which accounts are real.
func (hs Hasher) Burn(password string) {
	hs.Check(password, burnHash(hs.Memory, hs.Time, hs.Threads))
}

// IsUsable reports whether encoded is a hash Check could ever accept.
// Unlike Django, which calls anything not starting with "!" usable, an empty
// or unrecognised encoding is reported unusable: here it can never verify.
func IsUsable(encoded string) bool {
	_, _, ok := parse(encoded)
	return ok
}

// Algorithm returns the Django algorithm name of encoded ("argon2",
// "pbkdf2_sha256", "pbkdf2_sha1"), or "" when IsUsable(encoded) is false.
func Algorithm(encoded string) string {
	algorithm, _, _ := parse(encoded)
	return algorithm
}

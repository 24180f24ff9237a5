package auth

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"strings"
)

// Django's PBKDF2PasswordHasher and PBKDF2SHA1PasswordHasher. We only verify
// them: every such hash is upgraded to Argon2id after a successful login.
const (
	pbkdf2SHA256Algorithm = "pbkdf2_sha256"
	pbkdf2SHA1Algorithm   = "pbkdf2_sha1"
)

// maxPBKDF2Iterations bounds the work a stored hash can demand. Django 5.2
// uses 1,000,000; ten times that still fails fast on a planted hash.
const maxPBKDF2Iterations = 10_000_000

// pbkdf2Hash is a decoded "pbkdf2_…$<iterations>$<salt>$<b64 key>" hash.
type pbkdf2Hash struct {
	newHash    func() hash.Hash
	keyLen     int // the digest size, as Django passes dklen=None
	iterations int
	salt       string
	key        string // padded standard base64, compared as text like Django
}

// parsePBKDF2 decodes what follows "<algorithm>$".
func parsePBKDF2(algorithm, rest string) (*pbkdf2Hash, bool) {
	// Django splits with maxsplit=3, so the key field takes any further "$";
	// such a key is not valid base64 and simply never matches.
	fields := strings.SplitN(rest, "$", 3)
	if len(fields) != 3 || fields[1] == "" {
		return nil, false
	}
	iterations, ok := parseDecimal(fields[0])
	if !ok || iterations < 1 || iterations > maxPBKDF2Iterations {
		return nil, false
	}
	h := &pbkdf2Hash{iterations: int(iterations), salt: fields[1], key: fields[2]}
	switch algorithm {
	case pbkdf2SHA256Algorithm:
		h.newHash, h.keyLen = sha256.New, sha256.Size
	case pbkdf2SHA1Algorithm:
		h.newHash, h.keyLen = sha1.New, sha1.Size
	default:
		return nil, false
	}
	return h, true
}

// verify re-derives the key and compares its encoding with the stored one,
// as Django does by re-encoding the whole hash.
func (h *pbkdf2Hash) verify(password string) bool {
	key, err := pbkdf2.Key(h.newHash, password, []byte(h.salt), h.iterations, h.keyLen)
	if err != nil {
		return false
	}
	got := base64.StdEncoding.EncodeToString(key)
	return subtle.ConstantTimeCompare([]byte(got), []byte(h.key)) == 1
}

func (h *pbkdf2Hash) outdated(Hasher) bool { return true }

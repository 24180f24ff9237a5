package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

const argon2Algorithm = "argon2"

// Argon2 variants as spelled in the PHC string. Django made argon2i hashes
// before 3.2; argon2d is not offered by x/crypto and is rejected.
// Argon2Memory is the memory (KiB) a new password hash holds while it
// runs (see the parameters below): what a server budgets a sign-in.
const Argon2Memory = 19 * 1024

const (
	argon2idVariant = "argon2id"
	argon2iVariant  = "argon2i"
)

// Parameters of new hashes: OWASP's first Argon2id recommendation (19 MiB,
// 2 passes, 1 lane), with a 128-bit salt and a 256-bit tag. The cost of a
// hash is its memory, held for its whole duration, and every concurrent
// check holds its own: accounts.Service bounds how many run at once, so the
// worst case is that bound times 19 MiB (see docs/security.md), where RFC
// 9106's 64 MiB would let eight simultaneous logins take half a gigabyte.
// One lane, because the concurrency comes from the requests. Changing any of
// them makes Check ask for every other hash to be replaced.
const (
	argon2Memory  = Argon2Memory
	argon2Time    = 2
	argon2Threads = 1
	argon2KeyLen  = 32
	argon2SaltLen = 16
)

// Bounds on parameters read from a stored hash, so that a planted or corrupt
// hash cannot make one login allocate gigabytes or run for minutes. The
// minimums are libargon2's, which Django (through argon2-cffi) enforces too.
const (
	maxArgon2Memory  = 1 << 20 // KiB, i.e. 1 GiB
	maxArgon2Time    = 100
	maxArgon2Threads = 255 // x/crypto takes the lane count as a uint8
	minArgon2SaltLen = 8
	minArgon2KeyLen  = 4
	maxArgon2KeyLen  = 1024
)

// argon2Hash is a decoded "argon2$…" hash.
type argon2Hash struct {
	variant string
	memory  uint32 // KiB
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// newArgon2id hashes password with a fresh random salt. The costs are
// parameters so that tests can exercise the path cheaply.
func newArgon2id(password string, memory, time uint32, threads uint8) (*argon2Hash, error) {
	salt := make([]byte, argon2SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("auth: reading salt: %w", err)
	}
	h := &argon2Hash{variant: argon2idVariant, memory: memory, time: time, threads: threads, salt: salt}
	h.key = h.derive(password, argon2KeyLen)
	return h, nil
}

// burnHash is a well-formed hash with the given parameters that no password
// matches in practice; checking against it costs what a real check costs.
func burnHash(memory, time uint32, threads uint8) string {
	h := argon2Hash{
		variant: argon2idVariant,
		memory:  memory,
		time:    time,
		threads: threads,
		salt:    make([]byte, argon2SaltLen),
		key:     make([]byte, argon2KeyLen),
	}
	return h.encode()
}

// encode renders Django's format: its algorithm name followed by the PHC
// string argon2-cffi produces (unpadded standard base64).
func (h *argon2Hash) encode() string {
	return fmt.Sprintf("%s$%s$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2Algorithm, h.variant, argon2.Version,
		h.memory, h.time, h.threads,
		encodeB64Raw(h.salt), encodeB64Raw(h.key))
}

func (h *argon2Hash) derive(password string, keyLen uint32) []byte {
	if h.variant == argon2iVariant {
		return argon2.Key([]byte(password), h.salt, h.time, h.memory, h.threads, keyLen)
	}
	return argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, keyLen)
}

func (h *argon2Hash) verify(password string) bool {
	got := h.derive(password, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

func (h *argon2Hash) outdated(want Hasher) bool {
	return h.variant != argon2idVariant ||
		h.memory != want.Memory ||
		h.time != want.Time ||
		h.threads != want.Threads ||
		len(h.key) != argon2KeyLen ||
		len(h.salt) != argon2SaltLen
}

// parseArgon2 decodes what follows "argon2$": the PHC string
// "<variant>$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>", with the
// field order and number syntax libargon2 accepts.
func parseArgon2(phc string) (*argon2Hash, bool) {
	fields := strings.Split(phc, "$")
	// Hashes from before Argon2 1.3 lack the "v=" field. They need the
	// version 1.0 algorithm, which x/crypto does not implement.
	if len(fields) != 5 || fields[1] != fmt.Sprintf("v=%d", argon2.Version) {
		return nil, false
	}
	h := &argon2Hash{variant: fields[0]}
	if h.variant != argon2idVariant && h.variant != argon2iVariant {
		return nil, false
	}
	m, t, p, ok := parseArgon2Params(fields[2])
	if !ok || t < 1 || t > maxArgon2Time || p < 1 || p > maxArgon2Threads ||
		m < 8*p || m > maxArgon2Memory {
		return nil, false
	}
	h.memory, h.time, h.threads = m, t, uint8(p)
	if h.salt, ok = decodeB64Raw(fields[3]); !ok || len(h.salt) < minArgon2SaltLen {
		return nil, false
	}
	if h.key, ok = decodeB64Raw(fields[4]); !ok || len(h.key) < minArgon2KeyLen || len(h.key) > maxArgon2KeyLen {
		return nil, false
	}
	return h, true
}

// parseArgon2Params reads "m=<n>,t=<n>,p=<n>" in exactly that order.
func parseArgon2Params(s string) (m, t, p uint32, ok bool) {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return 0, 0, 0, false
	}
	values := [3]uint32{}
	for i, name := range [3]string{"m=", "t=", "p="} {
		digits, found := strings.CutPrefix(parts[i], name)
		if !found {
			return 0, 0, 0, false
		}
		if values[i], ok = parseDecimal(digits); !ok {
			return 0, 0, 0, false
		}
	}
	return values[0], values[1], values[2], true
}

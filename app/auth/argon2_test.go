package auth

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Known answers made by other implementations, so that our parser cannot be
// consistent with our encoder and still wrong about Django's format.
func TestCheckPasswordArgon2KnownAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		encoded  string
	}{
		{
			// Django's own test suite (auth_tests.test_hashers, test_argon2).
			name:     "django argon2i v19",
			password: "secret",
			encoded:  "argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q",
		},
		{
			// Django's own test suite (test_argon2_version_upgrade), with
			// Django's default costs before 4.0. The dearest check here.
			name:     "django argon2id m=102400 t=2 p=8",
			password: "secret",
			encoded:  "argon2$argon2id$v=19$m=102400,t=2,p=8$Y041dExhNkljRUUy$TMa6A8fPJhCAUXRhJXCXdw",
		},
		{
			// The Argon2 reference implementation's test vectors
			// (phc-winner-argon2 src/test.c), prefixed the way Django stores them.
			name:     "reference argon2i m=256 t=2 p=2",
			password: "password",
			encoded:  "argon2$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E",
		},
		{
			name:     "reference argon2id m=256 t=2 p=1",
			password: "password",
			encoded:  "argon2$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
		},
		{
			name:     "reference argon2id m=256 t=2 p=2",
			password: "password",
			encoded:  "argon2$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Other parameters than the current ones: a rehash is due.
			wantVerified(t, tt.password, tt.encoded, true, "argon2")
		})
	}
}

// Wrong passwords are tried on the cheap vectors only: a check of Django's
// argon2id vector costs a 100 MiB derivation.
func TestCheckPasswordArgon2WrongPassword(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		encoded  string
	}{
		{"django argon2i, wrong password", "wrong", "argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q"},
		{"django argon2i, case differs", "Secret", "argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q"},
		{"reference argon2i, empty password", "", "argon2$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E"},
		{"reference argon2id, wrong password", "passwore", "argon2$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"},
		{"argon2i key checked as argon2id", "password", "argon2$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E"},
		{"key truncated to 31 bytes", "password", "argon2$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oqw"},
		{"salt changed", "password", "argon2$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHU$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRefused(t, tt.password, tt.encoded)
		})
	}
}

// TestArgon2EncodingFieldOrder derives a key straight from x/crypto and
// writes the encoding by hand, then checks that our encoder produces the same
// text and that the parser reads each number into the right parameter.
func TestArgon2EncodingFieldOrder(t *testing.T) {
	t.Parallel()
	// Distinct values, so that swapping any two would change the key.
	const (
		memory  = 64
		time    = 2
		threads = 3
	)
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("lètmein"), salt, time, memory, threads, 32)
	want := "argon2$argon2id$v=19$m=64,t=2,p=3$" +
		base64.RawStdEncoding.EncodeToString(salt) + "$" +
		base64.RawStdEncoding.EncodeToString(key)

	h := argon2Hash{variant: argon2idVariant, memory: memory, time: time, threads: threads, salt: salt, key: key}
	if got := h.encode(); got != want {
		t.Errorf("encode() = %q, want %q", got, want)
	}
	if ok, _ := Default().Check("lètmein", want); !ok {
		t.Errorf("Default().Check(hand-made encoding) = false, want true")
	}
	swapped := strings.Replace(want, "m=64,t=2,p=3", "m=64,t=3,p=2", 1)
	if ok, _ := Default().Check("lètmein", swapped); ok {
		t.Errorf("Default().Check(t and p swapped) = true, want false")
	}
}

// Django's hashes from before Argon2 1.3 have no "v=" field and need the
// version 1.0 algorithm, which x/crypto lacks: they are refused, not
// mis-verified. Such a user must reset the password.
func TestCheckPasswordArgon2Version10Rejected(t *testing.T) {
	t.Parallel()
	const encoded = "argon2$argon2i$m=8,t=1,p=1$c29tZXNhbHQ$gwQOXSNhxiOxPOA0+PY10P9QFO" +
		"4NAYysnqRt1GSQLE55m+2GYDt9FEjPMHhP2Cuf0nOEXXMocVrsJAtNSsKyfg"
	wantRefused(t, "secret", encoded)
	wantUnusable(t, encoded)
}

func TestParseArgon2Malformed(t *testing.T) {
	t.Parallel()
	salt := base64.RawStdEncoding.EncodeToString([]byte("saltsalt"))
	key := base64.RawStdEncoding.EncodeToString(make([]byte, 16))
	enc := func(variant, version, params, salt, key string) string {
		return strings.Join([]string{"argon2", variant, version, params, salt, key}, "$")
	}
	tests := []struct {
		name    string
		encoded string
	}{
		{"argon2d variant", enc("argon2d", "v=19", "m=8,t=1,p=1", salt, key)},
		{"unknown variant", enc("argon2x", "v=19", "m=8,t=1,p=1", salt, key)},
		{"version 16", enc("argon2id", "v=16", "m=8,t=1,p=1", salt, key)},
		{"version missing", "argon2$argon2id$m=8,t=1,p=1$" + salt + "$" + key},
		{"extra field", enc("argon2id", "v=19", "m=8,t=1,p=1", salt, key) + "$x"},
		{"params out of order", enc("argon2id", "v=19", "t=1,m=8,p=1", salt, key)},
		{"params missing one", enc("argon2id", "v=19", "m=8,t=1", salt, key)},
		{"params extra", enc("argon2id", "v=19", "m=8,t=1,p=1,x=1", salt, key)},
		{"params with space", enc("argon2id", "v=19", "m=8, t=1,p=1", salt, key)},
		{"leading zero", enc("argon2id", "v=19", "m=08,t=1,p=1", salt, key)},
		{"sign", enc("argon2id", "v=19", "m=+8,t=1,p=1", salt, key)},
		{"not a number", enc("argon2id", "v=19", "m=eight,t=1,p=1", salt, key)},
		{"empty number", enc("argon2id", "v=19", "m=,t=1,p=1", salt, key)},
		{"overflows uint32", enc("argon2id", "v=19", "m=4294967296,t=1,p=1", salt, key)},
		{"time zero", enc("argon2id", "v=19", "m=8,t=0,p=1", salt, key)},
		{"lanes zero", enc("argon2id", "v=19", "m=8,t=1,p=0", salt, key)},
		{"memory below 8 per lane", enc("argon2id", "v=19", "m=15,t=1,p=2", salt, key)},
		{"memory above 1 GiB", enc("argon2id", "v=19", "m=1048577,t=1,p=1", salt, key)},
		{"time above 100", enc("argon2id", "v=19", "m=8,t=101,p=1", salt, key)},
		{"lanes above 255", enc("argon2id", "v=19", "m=2048,t=1,p=256", salt, key)},
		{"salt shorter than 8 bytes", enc("argon2id", "v=19", "m=8,t=1,p=1", "c2FsdA", key)},
		{"salt padded", enc("argon2id", "v=19", "m=8,t=1,p=1", salt+"=", key)},
		{"salt not base64", enc("argon2id", "v=19", "m=8,t=1,p=1", "c2Fsd*Nhb", key)},
		{"salt with newline", enc("argon2id", "v=19", "m=8,t=1,p=1", "c2Fsd\nHNhbHQ", key)},
		{"key non-zero trailing bits", enc("argon2id", "v=19", "m=8,t=1,p=1", salt, "AAAAAAAAAAAAAAAAAAAAAB")},
		{"key shorter than 4 bytes", enc("argon2id", "v=19", "m=8,t=1,p=1", salt, "AAA")},
		{"key longer than 1024 bytes", enc("argon2id", "v=19", "m=8,t=1,p=1", salt, base64.RawStdEncoding.EncodeToString(make([]byte, 1025)))},
		{"key empty", enc("argon2id", "v=19", "m=8,t=1,p=1", salt, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRefused(t, "password", tt.encoded)
			wantUnusable(t, tt.encoded)
		})
	}
}

// The bounds are inclusive: the largest accepted values still parse (they
// are not checked, which would take a gigabyte and a long time).
func TestParseArgon2Bounds(t *testing.T) {
	t.Parallel()
	salt := base64.RawStdEncoding.EncodeToString([]byte("saltsalt"))
	key := base64.RawStdEncoding.EncodeToString(make([]byte, 1024))
	params := fmt.Sprintf("m=%d,t=%d,p=%d", maxArgon2Memory, maxArgon2Time, maxArgon2Threads)
	encoded := "argon2$argon2id$v=19$" + params + "$" + salt + "$" + key
	if !IsUsable(encoded) {
		t.Errorf("IsUsable(%q) = false, want true", params)
	}
	if _, ok := parseArgon2("argon2id$v=19$m=16,t=1,p=2$" + salt + "$AAAAAA"); !ok {
		t.Errorf("parseArgon2(m = 8 per lane, 4-byte key) failed, want ok")
	}
}

// Any difference from the current parameters asks for a new hash, stronger
// ones too, as Django's must_update does: a 64 MiB hash costs every later
// check 64 MiB.
func TestArgon2Outdated(t *testing.T) {
	t.Parallel()
	current := argon2Hash{
		variant: argon2idVariant, memory: argon2Memory, time: argon2Time, threads: argon2Threads,
		salt: make([]byte, argon2SaltLen), key: make([]byte, argon2KeyLen),
	}
	tests := []struct {
		name   string
		change func(h *argon2Hash)
		want   bool
	}{
		{"current", func(*argon2Hash) {}, false},
		{"stronger everywhere", func(h *argon2Hash) {
			h.memory, h.time, h.threads = 2*argon2Memory, argon2Time+1, argon2Threads+1
			h.salt, h.key = make([]byte, 32), make([]byte, 64)
		}, true},
		{"more memory", func(h *argon2Hash) { h.memory = argon2Memory + 1 }, true},
		{"more passes", func(h *argon2Hash) { h.time = argon2Time + 1 }, true},
		{"more lanes", func(h *argon2Hash) { h.threads = argon2Threads + 1 }, true},
		{"longer key", func(h *argon2Hash) { h.key = make([]byte, argon2KeyLen+1) }, true},
		{"longer salt", func(h *argon2Hash) { h.salt = make([]byte, argon2SaltLen+1) }, true},
		{"the 64 MiB hashes of before", func(h *argon2Hash) { h.memory, h.time, h.threads = 65536, 3, 4 }, true},
		{"argon2i", func(h *argon2Hash) { h.variant = argon2iVariant }, true},
		{"less memory", func(h *argon2Hash) { h.memory = argon2Memory - 1 }, true},
		{"fewer passes", func(h *argon2Hash) { h.time = argon2Time - 1 }, true},
		{"shorter key", func(h *argon2Hash) { h.key = make([]byte, argon2KeyLen-1) }, true},
		{"shorter salt", func(h *argon2Hash) { h.salt = make([]byte, argon2SaltLen-1) }, true},
		{"django 5 defaults", func(h *argon2Hash) { h.memory, h.time, h.threads = 102400, 2, 8 }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := current
			tt.change(&h)
			if got := h.outdated(Default()); got != tt.want {
				t.Errorf("outdated() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCurrentArgon2Parameters(t *testing.T) {
	t.Parallel()
	// OWASP's first recommended Argon2id configuration.
	if argon2Memory != 19456 || argon2Time != 2 || argon2Threads != 1 || argon2KeyLen != 32 || argon2SaltLen != 16 {
		t.Errorf("parameters m=%d t=%d p=%d key=%d salt=%d, want m=19456 t=2 p=1 key=32 salt=16",
			argon2Memory, argon2Time, argon2Threads, argon2KeyLen, argon2SaltLen)
	}
	if argon2.Version != 19 {
		t.Errorf("argon2.Version = %d, want 19", argon2.Version)
	}
}

package auth

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// wantVerified wants password to match encoded under the default hasher,
// with a rehash asked for or not, and encoded to name algorithm.
func wantVerified(t *testing.T, password, encoded string, rehash bool, algorithm string) {
	t.Helper()
	if ok, gotRehash := Default().Check(password, encoded); !ok || gotRehash != rehash {
		t.Errorf("Default().Check(%q, %q) = %v, %v; want true, %v", password, encoded, ok, gotRehash, rehash)
	}
	if got := Algorithm(encoded); got != algorithm {
		t.Errorf("Algorithm(%q) = %q, want %q", encoded, got, algorithm)
	}
}

// wantRefused wants password not to match encoded, and no rehash asked for.
func wantRefused(t *testing.T, password, encoded string) {
	t.Helper()
	if ok, rehash := Default().Check(password, encoded); ok || rehash {
		t.Errorf("Default().Check(%q, %q) = %v, %v; want false, false", password, encoded, ok, rehash)
	}
}

// wantUnusable wants encoded to be no usable hash.
func wantUnusable(t *testing.T, encoded string) {
	t.Helper()
	if IsUsable(encoded) {
		t.Errorf("IsUsable(%q) = true, want false", encoded)
	}
}

// TestHashPassword makes one hash at full cost and checks its format and a
// round trip; the cheaper tests below cover the rest of the path.
func TestHashPassword(t *testing.T) {
	t.Parallel()
	encoded, err := Default().Hash("lètmein")
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	const prefix = "argon2$argon2id$v=19$m=19456,t=2,p=1$"
	if !strings.HasPrefix(encoded, prefix) {
		t.Fatalf("HashPassword = %q, want prefix %q", encoded, prefix)
	}
	salt, key, _ := strings.Cut(strings.TrimPrefix(encoded, prefix), "$")
	if b, err := base64.RawStdEncoding.DecodeString(salt); err != nil || len(b) != 16 {
		t.Errorf("salt %q: %d bytes, error %v; want 16 bytes", salt, len(b), err)
	}
	if b, err := base64.RawStdEncoding.DecodeString(key); err != nil || len(b) != 32 {
		t.Errorf("key %q: %d bytes, error %v; want 32 bytes", key, len(b), err)
	}
	wantVerified(t, "lètmein", encoded, false, "argon2")
}

func TestNewArgon2idRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		wrong    string
	}{
		{"accented", "lètmein", "lètmeinz"},
		{"accent decomposed is another password", "lètmein", "le\u0300tmein"},
		{"blank", "", " "},
		{"long", strings.Repeat("long ", 1000), strings.Repeat("long ", 999)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := newArgon2id(tt.password, 64, 1, 2)
			if err != nil {
				t.Fatalf("newArgon2id: %v", err)
			}
			encoded := h.encode()
			// Cheaper costs than the current ones: a rehash is due.
			wantVerified(t, tt.password, encoded, true, "argon2")
			wantRefused(t, tt.wrong, encoded)
		})
	}
}

func TestNewArgon2idSaltsDiffer(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for range 20 {
		h, err := newArgon2id("same", 8, 1, 1)
		if err != nil {
			t.Fatalf("newArgon2id: %v", err)
		}
		if seen[string(h.salt)] {
			t.Fatalf("salt %x drawn twice, want random salts", h.salt)
		}
		seen[string(h.salt)] = true
	}
}

// Nothing that is not a usable hash may verify, and refusing it must not
// cost a key derivation.
func TestCheckPasswordUnusable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		encoded  string
	}{
		{"empty encoding", "", ""},
		{"empty encoding, password", "lètmein", ""},
		{"unusable prefix only", "", "!"},
		{"unusable password", "", UnusablePassword()},
		{"unusable password checked against itself", "!x", "!x"},
		{"unusable prefix before a valid hash", "", "!pbkdf2_sha256$1$seasalt$7uPyO44geqCt/Nv3ztly1adSqh5hHCYtGPDoMYOOBWU="},
		{"no dollar", "x", "x"},
		{"algorithm only", "", "argon2"},
		{"algorithm and dollar", "", "argon2$"},
		{"raw PHC string without Django prefix", "password", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"},
		{"bcrypt_sha256", "", "bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuK0ZS6uRr6Xb.3S3/C2E4Xb2nHqdm36W"},
		{"md5", "lètmein", "md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3"},
		{"sha1", "lètmein", "sha1$seasalt$cff36ea83f5706ce9aa7454e63e431fc726b2dc8"},
		{"unsalted md5", "lètmein", "88a434c88cca4e900f7874cd98123f43"},
		{"scrypt", "", "scrypt$salt$16384$8$1$aGFzaA=="},
		{"not UTF-8", "", "\xff\xfe$\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			for range 1000 {
				if ok, rehash := Default().Check(tt.password, tt.encoded); ok || rehash {
					t.Fatalf("Default().Check(%q, %q) = %v, %v; want false, false", tt.password, tt.encoded, ok, rehash)
				}
			}
			// A thousand refusals in a second rules out any key derivation.
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("1000 refusals took %v, want well under a second", elapsed)
			}
			if IsUsable(tt.encoded) {
				t.Errorf("IsUsable(%q) = true, want false", tt.encoded)
			}
			if got := Algorithm(tt.encoded); got != "" {
				t.Errorf("Algorithm(%q) = %q, want \"\"", tt.encoded, got)
			}
		})
	}
}

func TestAlgorithm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		encoded string
		want    string
	}{
		{"argon2id", "argon2$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "argon2"},
		{"argon2i", "argon2$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$YC9+jJCrQhs5R6db7LlN8Q", "argon2"},
		{"pbkdf2_sha256", "pbkdf2_sha256$180000$p35UH2yYInHF$4LTphT2basUmvfLq+XHETVvKONZrWUsLfKu1K8/Hqdk=", "pbkdf2_sha256"},
		{"pbkdf2_sha1", "pbkdf2_sha1$390000$seasalt2$aDapRanzW8aHTz97v2TcfHzWD+I=", "pbkdf2_sha1"},
		{"malformed argon2", "argon2$argon2id$v=19$m=65536,t=2$c29tZXNhbHQ$CTFh", ""},
		{"unknown", "md5$seasalt$3f86d0d3d465b7b458c231bf3555c0e3", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Algorithm(tt.encoded); got != tt.want {
				t.Errorf("Algorithm = %q, want %q", got, tt.want)
			}
			if got, want := IsUsable(tt.encoded), tt.want != ""; got != want {
				t.Errorf("IsUsable = %v, want %v", got, want)
			}
		})
	}
}

// BurnPasswordCheck costs what a real check costs only if its hash takes the
// same path with the same parameters as one HashPassword makes today. (It is
// not run here: a full-cost derivation is slow under -race; the benchmark
// runs it next to CheckPassword.)
func TestBurnHashMatchesCurrentParameters(t *testing.T) {
	t.Parallel()
	algorithm, v, ok := parse(burnHash(argon2Memory, argon2Time, argon2Threads))
	if !ok || algorithm != "argon2" {
		t.Fatalf("parse(burnHash()) = %q, %v; want argon2, true", algorithm, ok)
	}
	h, isArgon2 := v.(*argon2Hash)
	if !isArgon2 {
		t.Fatalf("burnHash parsed as %T, want *argon2Hash", v)
	}
	if h.outdated(Default()) {
		t.Errorf("burnHash parameters %+v are not the current ones", *h)
	}
	if h.variant != argon2idVariant || h.memory != argon2Memory || h.time != argon2Time ||
		h.threads != argon2Threads || len(h.key) != argon2KeyLen || len(h.salt) != argon2SaltLen {
		t.Errorf("burnHash parameters %+v, want exactly the current ones", *h)
	}
}

// A hasher asks to replace every hash made with other parameters than its
// own, dearer ones too.
func TestHasherCost(t *testing.T) {
	t.Parallel()
	cheap := Hasher{Memory: 64, Time: 1, Threads: 1}
	h, err := cheap.Hash("Tangerine-Harbour-42")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "argon2$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("got %q, want the hasher's parameters in the encoding", h)
	}
	if ok, rehash := cheap.Check("Tangerine-Harbour-42", h); !ok || rehash {
		t.Errorf("cheap.Check = %v, %v; want true, false", ok, rehash)
	}
	if ok, rehash := Default().Check("Tangerine-Harbour-42", h); !ok || !rehash {
		t.Errorf("Default().Check = %v, %v; want true, true", ok, rehash)
	}
	if ok, _ := cheap.Check("wrong", h); ok {
		t.Error("got a wrong password accepted")
	}
	dearer, err := Hasher{Memory: 128, Time: 2, Threads: 1}.Hash("Tangerine-Harbour-42")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash := cheap.Check("Tangerine-Harbour-42", dearer); !ok || !rehash {
		t.Errorf("cheap.Check(a dearer hash) = %v, %v; want true, true", ok, rehash)
	}
	cheap.Burn("anything") // must not panic on its own parameters
}

func TestDescribe(t *testing.T) {
	t.Parallel()
	tests := []struct{ encoded, want string }{
		{"pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=",
			"algorithm: pbkdf2_sha256 iterations: 390000 salt: seasal* hash: 8xBlGd" + strings.Repeat("*", 38)},
		{"", "No password set."},
		{"!abc", "No password set."},
		{"md5$x$y", "Invalid password format or unknown hashing algorithm."},
	}
	for _, tt := range tests {
		if got := Describe(tt.encoded); got != tt.want {
			t.Errorf("Describe(%q) = %q, want %q", tt.encoded, got, tt.want)
		}
	}
	h, _ := Hasher{Memory: 64, Time: 1, Threads: 1}.Hash("x")
	got := Describe(h)
	if !strings.HasPrefix(got, "algorithm: argon2 variety: argon2id version: 19 memory cost: 64 time cost: 1 parallelism: 1 salt: ") ||
		strings.Contains(got, strings.Split(h, "$")[5]) {
		t.Errorf("got %q, want the parameters and a masked hash", got)
	}
}

package auth

import (
	"strings"
	"testing"
)

func TestCheckPasswordPBKDF2KnownAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		password  string
		encoded   string
		algorithm string
	}{
		{
			// Django's test_hashers test_pbkdf2.
			name:      "django pbkdf2_sha256 seasalt",
			password:  "lètmein",
			encoded:   "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=",
			algorithm: "pbkdf2_sha256",
		},
		{
			// Django's test_hashers test_low_level_pbkdf2_sha1 has this
			// password and salt at 390,000 iterations; 1,000 keep the test
			// fast. Python: hashlib.pbkdf2_hmac("sha1", "lètmein".encode(),
			// b"seasalt2", 1000), which is what Django calls.
			name:      "pbkdf2_sha1 seasalt2",
			password:  "lètmein",
			encoded:   "pbkdf2_sha1$1000$seasalt2$4O6tM3Kd5cOD3UmnpGuCKdAiHa8=",
			algorithm: "pbkdf2_sha1",
		},
		{
			// The admin user of the Django site's database (Django 3.0, whose
			// README gives the password).
			name:      "oc lettings admin",
			password:  "Abc1234!",
			encoded:   "pbkdf2_sha256$180000$p35UH2yYInHF$4LTphT2basUmvfLq+XHETVvKONZrWUsLfKu1K8/Hqdk=",
			algorithm: "pbkdf2_sha256",
		},
		{
			// Python: base64.b64encode(hashlib.pbkdf2_hmac("sha256", b"", b"seasalt", 1)).
			name:      "blank password, one iteration",
			password:  "",
			encoded:   "pbkdf2_sha256$1$seasalt$7uPyO44geqCt/Nv3ztly1adSqh5hHCYtGPDoMYOOBWU=",
			algorithm: "pbkdf2_sha256",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// A match always asks for a rehash: PBKDF2 is upgraded to Argon2id.
			wantVerified(t, tt.password, tt.encoded, true, tt.algorithm)
		})
	}
}

func TestCheckPasswordPBKDF2Mismatch(t *testing.T) {
	t.Parallel()
	const blank = "pbkdf2_sha256$1$seasalt$7uPyO44geqCt/Nv3ztly1adSqh5hHCYtGPDoMYOOBWU="
	tests := []struct {
		name     string
		password string
		encoded  string
	}{
		{"wrong password", "lètmein", blank},
		{"space for blank", " ", blank},
		{"other iteration count", "", strings.Replace(blank, "$1$", "$2$", 1)},
		{"other salt", "", strings.Replace(blank, "seasalt", "seasalu", 1)},
		{"sha1 name on a sha256 key", "", strings.Replace(blank, "pbkdf2_sha256", "pbkdf2_sha1", 1)},
		{"key without padding", "", strings.TrimSuffix(blank, "=")},
		{"key with extra padding", "", blank + "="},
		{"key with trailing field", "", blank + "$x"},
		{"key empty", "", "pbkdf2_sha256$1$seasalt$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRefused(t, tt.password, tt.encoded)
		})
	}
}

func TestParsePBKDF2Malformed(t *testing.T) {
	t.Parallel()
	const key = "7uPyO44geqCt/Nv3ztly1adSqh5hHCYtGPDoMYOOBWU="
	tests := []struct {
		name    string
		encoded string
	}{
		{"no fields", "pbkdf2_sha256"},
		{"iterations only", "pbkdf2_sha256$1"},
		{"no key field", "pbkdf2_sha256$1$seasalt"},
		{"empty salt", "pbkdf2_sha256$1$$" + key},
		{"zero iterations", "pbkdf2_sha256$0$seasalt$" + key},
		{"negative iterations", "pbkdf2_sha256$-1$seasalt$" + key},
		{"leading zero", "pbkdf2_sha256$01$seasalt$" + key},
		{"iterations not a number", "pbkdf2_sha256$many$seasalt$" + key},
		{"iterations empty", "pbkdf2_sha256$$seasalt$" + key},
		{"iterations above bound", "pbkdf2_sha256$10000001$seasalt$" + key},
		{"iterations overflow", "pbkdf2_sha256$99999999999999999999$seasalt$" + key},
		{"pbkdf2_sha512 is not a Django hasher", "pbkdf2_sha512$1$seasalt$" + key},
		{"algorithm in upper case", "PBKDF2_SHA256$1$seasalt$" + key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantUnusable(t, tt.encoded)
			wantRefused(t, "", tt.encoded)
		})
	}
}

func TestParsePBKDF2Bound(t *testing.T) {
	t.Parallel()
	// Parsed, not checked: ten million iterations take seconds.
	if !IsUsable("pbkdf2_sha256$10000000$seasalt$7uPyO44geqCt/Nv3ztly1adSqh5hHCYtGPDoMYOOBWU=") {
		t.Errorf("IsUsable(10,000,000 iterations) = false, want true")
	}
}

package auth

import "testing"

// These give the cost of one login on the machine at hand: look at them
// before changing the Argon2 parameters.

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := Default().Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckPasswordArgon2id(b *testing.B) {
	encoded, err := Default().Hash("correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Default().Check("correct horse battery staple", encoded)
	}
}

func BenchmarkBurnPasswordCheck(b *testing.B) {
	for b.Loop() {
		Default().Burn("correct horse battery staple")
	}
}

// BenchmarkCheckPBKDF2 checks a hash made with Django 4.1's 390,000 iterations.
func BenchmarkCheckPBKDF2(b *testing.B) {
	const encoded = "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="
	for b.Loop() {
		Default().Check("lètmein", encoded)
	}
}

package auth

import (
	"bufio"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
)

// commonPasswordsGz holds the 30,000 most common passwords of zxcvbn 4.4.2,
// lower-cased, one per line; see COMMON-PASSWORDS.md for its origin.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz string

// commonPasswords is built on first use: most processes (the public site)
// never validate a password and need not pay for the set.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set, err := readPasswordList(commonPasswordsGz)
	if err != nil {
		// The list is compiled into the binary; a test reads it.
		panic("auth: embedded common password list: " + err.Error())
	}
	return set
})

// readPasswordList reads a gzip-compressed list with one password per line.
func readPasswordList(gz string) (map[string]struct{}, error) {
	zr, err := gzip.NewReader(strings.NewReader(gz))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	set := make(map[string]struct{}, 32_000)
	lines := bufio.NewScanner(zr)
	for lines.Scan() {
		if line := lines.Text(); line != "" {
			set[line] = struct{}{}
		}
	}
	return set, lines.Err()
}

// isCommonPassword is CommonPasswordValidator's test: the password, trimmed
// and lower-cased, is on the list.
func isCommonPassword(password string) bool {
	_, found := commonPasswords()[strings.ToLower(strings.TrimSpace(password))]
	return found
}

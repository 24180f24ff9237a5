package auth

import (
	"encoding/base64"
	"strings"
)

// parseDecimal reads a canonical unsigned decimal: digits only, no sign, no
// leading zero. Django re-renders the numbers it parses, and libargon2
// rejects leading zeros, so a non-canonical number can never verify there
// either.
func parseDecimal(s string) (uint32, bool) {
	if s == "" || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<32-1 {
		return 0, false
	}
	return uint32(n), true
}

func encodeB64Raw(b []byte) string {
	return base64.RawStdEncoding.EncodeToString(b)
}

// decodeB64Raw decodes unpadded standard base64 as strictly as libargon2:
// no padding, zero trailing bits. Go's decoder skips CR and LF even in strict
// mode, so those are refused first.
func decodeB64Raw(s string) ([]byte, bool) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, false
	}
	b, err := base64.RawStdEncoding.Strict().DecodeString(s)
	return b, err == nil
}

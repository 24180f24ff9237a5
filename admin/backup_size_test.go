package admin

import "testing"

// TestByteSizeStaysInTerabytes: sizes past 1,024 TB stay in TB, which no
// file a test can make through the backup page reaches (ext4 refuses one).
func TestByteSizeStaysInTerabytes(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{2 << 50: "2048.0 TB", 1 << 40: "1.0 TB", 1023: "1023 bytes", 1: "1 byte"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d): got %q, want %q", n, got, want)
		}
	}
}

package admin

import (
	"testing"
	"time"
)

func TestBackupWords(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{durationWords(24 * time.Hour), "24 hours"},
		{durationWords(time.Hour), "1 hour"},
		{durationWords(90 * time.Minute), "90 minutes"},
		{durationWords(time.Minute), "1 minute"},
		{durationWords(90 * time.Second), "1m30s"},
		{byteSize(0), "0 bytes"},
		{byteSize(1), "1 byte"},
		{byteSize(1023), "1023 bytes"},
		{byteSize(204800), "200.0 KB"},
		{byteSize(5 << 20), "5.0 MB"},
		{byteSize(3 << 30), "3.0 GB"},
		{byteSize(2 << 50), "2048.0 TB"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

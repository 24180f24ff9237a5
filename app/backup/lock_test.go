package backup

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// A download waits while a scheduled backup copies, and gives up when its
// client goes away instead of waiting on.
func TestOneCopyAtATime(t *testing.T) {
	t.Parallel()
	s := New(Options{Source: "site.sqlite3", Dir: t.TempDir()}, slog.New(slog.DiscardHandler))
	if err := s.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Snapshot(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v while another copy runs, want to wait until the deadline", err)
	}
	if _, err := s.Scheduled(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v while another copy runs, want to wait until the deadline", err)
	}
	s.release()
	if err := s.acquire(context.Background()); err != nil {
		t.Errorf("got %v, want the lock free again", err)
	}
}

package logging

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an output the test can read while the Writer writes to it,
// counting the writes it receives.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Lines written by many goroutines at once come out whole, each once, each
// goroutine's in its order, and in far fewer writes than lines.
func TestWriterKeepsLinesWholeAndInOrder(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	w := NewWriter(&out, time.Millisecond)
	const writers, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range lines {
				_, _ = fmt.Fprintf(w, "{\"writer\":%d,\"line\":%d,\"pad\":%q}\n", g, i, strings.Repeat("x", i%300))
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	for _, line := range got {
		var g, i int
		if _, err := fmt.Sscanf(line, "{\"writer\":%d,\"line\":%d,", &g, &i); err != nil || !strings.HasSuffix(line, `"}`) {
			t.Fatalf("got a broken line %q", line)
		}
		if i != next[g] {
			t.Fatalf("writer %d: got line %d, want %d", g, i, next[g])
		}
		next[g]++
	}
	if len(got) != writers*lines {
		t.Errorf("got %d lines, want %d", len(got), writers*lines)
	}
	if out.writes >= writers*lines/10 {
		t.Errorf("got %d writes for %d lines, want them batched", out.writes, writers*lines)
	}
}

// Lines held when the process stops are written out by Close; a line
// written after Close goes straight through.
func TestWriterCloseWritesWhatItHolds(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	w := NewWriter(&out, time.Hour) // the timer never comes: only Close writes
	logger := New(w, slog.LevelInfo, "json")
	for i := range 100 {
		logger.Info("request", "n", i)
	}
	if got := out.String(); got != "" {
		t.Fatalf("got %q written before the interval, want the lines held", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), `"msg":"request"`); n != 100 {
		t.Errorf("got %d lines after Close, want 100", n)
	}
	logger.Info("late")
	if !strings.HasSuffix(out.String(), "\"msg\":\"late\"}\n") {
		t.Errorf("got %q, want the line after Close written at once", out.String())
	}
}

// A line does not wait for more: the timer writes it out on its own.
func TestWriterWritesOnItsOwn(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	w := NewWriter(&out, time.Millisecond)
	defer w.Close()
	for round := range 3 { // an idle Writer starts its timer again
		line := fmt.Sprintf("line %d\n", round)
		_, _ = w.Write([]byte(line))
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), line); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("got %q, want %q written without Flush or Close", out.String(), line)
			}
		}
	}
}

// An ERROR line, and those before it, are written out at once: they may be
// the last a failing process writes.
func TestErrorLinesAreWrittenAtOnce(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	w := NewWriter(&out, time.Hour)
	defer w.Close()
	logger := New(w, slog.LevelInfo, "json")
	logger.Info("before")
	logger.With("part", "x").Error("disk on fire")
	got := out.String()
	if !strings.Contains(got, `"msg":"before"`) || !strings.Contains(got, `"msg":"disk on fire"`) ||
		strings.Index(got, "before") > strings.Index(got, "disk on fire") {
		t.Errorf("got %q, want both lines, in order, without Flush", got)
	}
}

// However fast lines come, the Writer holds at most about bufferLimit:
// past it, the line that would overflow writes the rest out.
func TestWriterHoldsABoundedAmount(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	w := NewWriter(&out, time.Hour)
	defer w.Close()
	line := []byte(strings.Repeat("x", 199) + "\n")
	total := 0
	for range 5 * bufferLimit / len(line) {
		_, _ = w.Write(line)
		total += len(line)
		if held := total - len(out.String()); held > bufferLimit {
			t.Fatalf("got %d bytes held, want at most %d", held, bufferLimit)
		}
	}
	if len(out.String()) < 4*bufferLimit {
		t.Errorf("got %d bytes written, want all but the last batch", len(out.String()))
	}
}

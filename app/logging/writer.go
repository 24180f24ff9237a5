package logging

import (
	"io"
	"sync"
	"time"
)

// FlushInterval is the longest a line waits in a serving process's Writer:
// all that a crash (a fatal error, SIGKILL, the second signal's immediate
// exit) can take with it. An ERROR line does not wait (see Handler.Handle).
const FlushInterval = 5 * time.Millisecond

// bufferLimit is how much a Writer holds before the line that would pass it
// writes the rest out itself; with a stalled output, writers wait there
// rather than fill the memory.
const bufferLimit = 64 << 10

// Writer batches log lines for out: a busy site writes one line per request,
// and a write(2) for each cost about as much as the rest of serving a page
// from memory. Lines are kept whole (each Write is one line, and a batch is
// lines end to end) and in order. They go out at the latest interval after
// the first of a batch, when the batch is full, on Flush, and on Close;
// after Close, lines go straight through. An idle Writer keeps no timer
// running.
type Writer struct {
	out      io.Writer
	interval time.Duration

	// flushMu makes the writes to out one at a time, batches in order.
	flushMu sync.Mutex

	mu     sync.Mutex
	buf    []byte
	spare  []byte // the last batch's buffer, for the next one
	timer  *time.Timer
	armed  bool // the timer will flush what is in buf
	closed bool
}

// NewWriter returns a Writer for out.
func NewWriter(out io.Writer, interval time.Duration) *Writer {
	w := &Writer{out: out, interval: interval}
	w.timer = time.AfterFunc(time.Hour, func() { _ = w.Flush() })
	w.timer.Stop()
	return w
}

// Write takes one whole line (slog's handlers write a record in one call).
// It never fails: an error of the output belongs to the flush that meets it.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	if !w.closed && len(w.buf) > 0 && len(w.buf)+len(p) > bufferLimit {
		w.mu.Unlock()
		_ = w.Flush()
		w.mu.Lock()
	}
	if w.closed {
		w.mu.Unlock()
		w.flushMu.Lock()
		defer w.flushMu.Unlock()
		return w.out.Write(p)
	}
	w.buf = append(w.buf, p...)
	if !w.armed {
		w.armed = true
		w.timer.Reset(w.interval)
	}
	w.mu.Unlock()
	return len(p), nil
}

// Flush writes out the lines held, and returns when they are written.
func (w *Writer) Flush() error {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	batch := w.buf
	w.buf, w.spare = w.spare[:0], nil
	if w.armed {
		w.armed = false
		w.timer.Stop()
	}
	w.mu.Unlock()
	if len(batch) == 0 {
		w.keep(batch)
		return nil
	}
	_, err := w.out.Write(batch)
	w.keep(batch)
	return err
}

// keep saves a written batch's buffer for a later batch.
func (w *Writer) keep(batch []byte) {
	if cap(batch) > 2*bufferLimit {
		return // grown by a huge line; let it go
	}
	w.mu.Lock()
	if w.spare == nil {
		w.spare = batch[:0]
	}
	w.mu.Unlock()
}

// Close writes out the lines held; later lines are written as they come.
func (w *Writer) Close() error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return w.Flush()
}

// Package logging builds the application's structured logger, writes the
// line every HTTP request leaves without going through a slog.Record, and
// batches the lines of a serving process (see Writer).
package logging

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
)

// New returns a logger writing JSON, or text for people reading a terminal.
// Its handler is a *Handler: it writes request lines (LogRequest) itself,
// and hands an ERROR line to w at once when w is a Writer.
func New(w io.Writer, level slog.Level, format string) *slog.Logger {
	return slog.New(NewHandler(w, level, format))
}

// NewHandler is New's handler.
func NewHandler(w io.Writer, level slog.Level, format string) *Handler {
	if _, ok := w.(*Writer); !ok {
		// The request lines written here and the records slog writes must
		// not interleave; slog's own lock is out of reach.
		w = &lockedWriter{w: w}
	}
	opts := &slog.HandlerOptions{Level: level}
	h := &Handler{w: w, level: level, json: format != "text"}
	if h.json {
		h.Handler = slog.NewJSONHandler(w, opts)
	} else {
		h.Handler = slog.NewTextHandler(w, opts)
	}
	return h
}

// Handler is the printing handler: slog's JSON (or text) handler, plus a
// way to write the request line by hand.
type Handler struct {
	slog.Handler
	w     io.Writer
	level slog.Level
	json  bool
	// derived is set on handlers made by WithAttrs and WithGroup: their
	// lines carry what was added, which only slog knows how to write.
	derived bool
}

// Handle writes the record, and gets an ERROR (a failure an operator may be
// paged for, or the last words of a process about to fail) out of the
// Writer's buffer at once.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelError {
		if f, ok := h.w.(*Writer); ok {
			f.Flush()
		}
	}
	return err
}

// WithAttrs and WithGroup keep the handler a *Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{Handler: h.Handler.WithAttrs(attrs), w: h.w, level: h.level, json: h.json, derived: true}
}

func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{Handler: h.Handler.WithGroup(name), w: h.w, level: h.level, json: h.json, derived: true}
}

// Request is what the line logged for each answered HTTP request says.
// Nothing else of the request is written: not its query string, headers or
// body, where passwords, tokens and session ids travel.
type Request struct {
	ID       string
	Method   string
	Path     string
	Route    string
	Status   int
	Bytes    int64
	Duration time.Duration
	Client   string
}

// RequestMessage is the request line's "msg".
const RequestMessage = "request"

// RequestLogger is a handler that writes request lines its own way.
// Handlers that wrap another (monitoring's) implement it to pass the line
// on.
type RequestLogger interface {
	LogRequest(ctx context.Context, level slog.Level, at time.Time, req Request) error
}

// LogRequest writes req's line at level, time at, through h: by hand when
// h is a RequestLogger, else as the record slog would have made of it.
// The caller has checked that h takes level.
func LogRequest(ctx context.Context, h slog.Handler, level slog.Level, at time.Time, req Request) error {
	if rl, ok := h.(RequestLogger); ok {
		return rl.LogRequest(ctx, level, at, req)
	}
	return h.Handle(ctx, req.record(level, at))
}

// record is the line as a slog.Record, with the keys in the order the hand
// encoder writes them.
func (req Request) record(level slog.Level, at time.Time) slog.Record {
	r := slog.NewRecord(at, level, RequestMessage, 0)
	r.AddAttrs(
		slog.String("request_id", req.ID),
		slog.String("method", req.Method),
		slog.String("path", req.Path),
		slog.String("route", req.Route),
		slog.Int("status", req.Status),
		slog.Int64("bytes", req.Bytes),
		slog.Duration("duration", req.Duration),
		slog.String("client", req.Client),
	)
	return r
}

// LogRequest writes the line one request leaves. In JSON, it is encoded
// here into a pooled buffer, byte for byte what slog's JSON handler writes
// for the same record (the tests compare them), at a fraction of the cost:
// no record, no attributes, no reflection, no allocation. The text format,
// for people at a terminal, and derived handlers go through slog.
func (h *Handler) LogRequest(ctx context.Context, level slog.Level, at time.Time, req Request) error {
	if !h.json || h.derived {
		return h.Handle(ctx, req.record(level, at))
	}
	if y := at.Year(); y < 0 || y >= 10000 {
		return h.Handle(ctx, req.record(level, at)) // slog reports the odd year its own way
	}
	bp := linePool.Get().(*[]byte)
	b := append((*bp)[:0], `{"time":"`...)
	b = at.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":`...)
	b = appendString(b, level.String())
	b = append(b, `,"msg":"`+RequestMessage+`","request_id":`...)
	b = appendString(b, req.ID)
	b = append(b, `,"method":`...)
	b = appendString(b, req.Method)
	b = append(b, `,"path":`...)
	b = appendString(b, req.Path)
	b = append(b, `,"route":`...)
	b = appendString(b, req.Route)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(req.Status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, req.Bytes, 10)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(req.Duration), 10)
	b = append(b, `,"client":`...)
	b = appendString(b, req.Client)
	b = append(b, "}\n"...)
	_, err := h.w.Write(b)
	if cap(b) <= maxPooledLine {
		*bp = b
		linePool.Put(bp)
	}
	return err
}

// maxPooledLine keeps a line made long by a long path from staying in the
// pool.
const maxPooledLine = 4 << 10

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// lockedWriter serializes the writes of slog's handler and of LogRequest.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

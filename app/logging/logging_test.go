package logging

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The request line written by hand is the line slog's JSON handler writes
// for the same record, byte for byte, whatever the strings hold and
// whatever the time.
func TestRequestLineIsSlogsLine(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("Paris", 3600)
	times := []time.Time{
		time.Date(2026, 11, 28, 16, 53, 45, 772705624, time.UTC),
		time.Date(2026, 11, 28, 16, 53, 45, 0, time.UTC),      // no fraction
		time.Date(2026, 11, 28, 16, 53, 45, 120000000, paris), // trailing zeros, another zone
		time.Now(), // a monotonic reading, the local zone
	}
	strs := []string{"", "/lettings/", `"quoted"\back`, "line\nbreak\r\ttab\x00nul\x1fus\x7fdel", "<b>&amp;</b>",
		"\xff\xfe bad", "\u2028\u2029", "café 🏠", strings.Repeat("/long", 2000)}
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelInfo + 2}
	for i, s := range strs {
		req := Request{ID: "id-" + s, Method: "GET" + s, Path: s, Route: s + "/{id}/", Status: 200 + i, Bytes: int64(i) * 12345,
			Duration: time.Duration(i) * 1234567, Client: s}
		for j, at := range times {
			level := levels[(i+j)%len(levels)]
			var want, got bytes.Buffer
			_ = slog.NewJSONHandler(&want, &slog.HandlerOptions{Level: slog.LevelDebug}).Handle(context.Background(), req.record(level, at))
			_ = LogRequest(context.Background(), NewHandler(&got, slog.LevelDebug, "json"), level, at, req)
			if got.String() != want.String() {
				t.Errorf("got  %s\nwant %s", got.String(), want.String())
			}
		}
	}
	// A negative size or duration, however unlikely, is written as slog would.
	var want, got bytes.Buffer
	req := Request{Status: -1, Bytes: -5, Duration: -time.Second}
	_ = slog.NewJSONHandler(&want, nil).Handle(context.Background(), req.record(slog.LevelInfo, times[0]))
	_ = LogRequest(context.Background(), NewHandler(&got, slog.LevelInfo, "json"), slog.LevelInfo, times[0], req)
	if got.String() != want.String() {
		t.Errorf("got  %s\nwant %s", got.String(), want.String())
	}
}

// Through a handler that is not this package's (a test's slog handler), a
// derived one (its attributes) or the text format, the line is slog's own.
func TestRequestLineThroughOtherHandlers(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 28, 16, 53, 45, 772705624, time.UTC)
	req := Request{ID: "abc", Method: "GET", Path: "/x/", Route: "/x/", Status: 200, Bytes: 10, Duration: 5, Client: "192.0.2.1"}
	for _, tc := range []struct {
		name      string
		want, got func(w io.Writer) slog.Handler
	}{
		{"text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
			func(w io.Writer) slog.Handler { return NewHandler(w, slog.LevelInfo, "text") }},
		{"derived", func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, nil).WithAttrs([]slog.Attr{slog.String("app", "x")})
		},
			func(w io.Writer) slog.Handler {
				return NewHandler(w, slog.LevelInfo, "json").WithAttrs([]slog.Attr{slog.String("app", "x")})
			}},
		{"slog's own", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
			func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want, got bytes.Buffer
			_ = tc.want(&want).Handle(context.Background(), req.record(slog.LevelInfo, at))
			_ = LogRequest(context.Background(), tc.got(&got), slog.LevelInfo, at, req)
			if got.String() != want.String() || !strings.Contains(got.String(), "abc") {
				t.Errorf("got  %s\nwant %s", got.String(), want.String())
			}
		})
	}
}

// Writing the request line allocates nothing: no record, no attributes, no
// buffer of its own.
func TestRequestLineAllocatesNothing(t *testing.T) {
	out := NewWriter(io.Discard, time.Hour)
	defer out.Close()
	h := NewHandler(out, slog.LevelInfo, "json")
	req := Request{ID: "9f05061657530c574f7a9470", Method: "GET", Path: "/lettings/", Route: "/lettings/", Status: 200,
		Bytes: 2129, Duration: 5167, Client: "127.0.0.1"}
	ctx := context.Background()
	at := time.Now()
	if n := testing.AllocsPerRun(1000, func() { _ = LogRequest(ctx, h, slog.LevelInfo, at, req) }); n != 0 {
		t.Errorf("got %v allocations per line, want 0", n)
	}
}

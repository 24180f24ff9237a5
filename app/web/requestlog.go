package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"oclettings/app/logging"
)

// RequestIDHeader carries a request's id in and out, so a proxy's id and
// ours name the same request in both logs.
const RequestIDHeader = "X-Request-Id"

// wellFormedID reports whether an incoming id may be kept: 1 to 128 of
// A-Z a-z 0-9 . _ : -. Anything else (too long, spaces, control characters
// that could forge log lines) is replaced.
func wellFormedID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if f := factsOf(ctx); f != nil {
		return f.id
	}
	return ""
}

// RequestLog gives every request an id and logs one line for it once it is
// answered. Health checks are logged at debug level only: a platform asks
// every few seconds, and those lines would drown the rest.
type RequestLog struct {
	Logger *slog.Logger
	Quiet  []string // paths logged at debug level
}

// Middleware wraps the whole router.
func (l *RequestLog) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !wellFormedID(id) {
			id = newRequestID()
		}
		w.Header()[RequestIDHeader] = []string{id}
		r, f := withFacts(r)
		f.id = id
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)

		level := slog.LevelInfo
		if slices.Contains(l.Quiet, r.URL.Path) {
			level = slog.LevelDebug
		}
		// The line is built only for a handler that takes it (LOG_LEVEL=warn
		// without Sentry takes none), and written by hand where the handler
		// can (see logging.LogRequest): it was the costliest part of a
		// request served from memory.
		ctx := r.Context()
		if !l.Logger.Enabled(ctx, level) {
			return
		}
		end := time.Now()
		_ = logging.LogRequest(ctx, l.Logger.Handler(), level, end, logging.Request{
			ID:       id,
			Method:   r.Method,
			Path:     r.URL.Path,
			Route:    RoutePattern(r),
			Status:   rec.status,
			Bytes:    rec.bytes,
			Duration: end.Sub(start),
			Client:   ClientAddr(r),
		})
	})
}

// RoutePattern is the route that answered, as declared ("/lettings/{id}/"):
// the patterns of the nested routers joined, keeping the trailing slash
// chi's own RoutePattern drops.
func RoutePattern(r *http.Request) string { return RoutePatternContext(r.Context()) }

// RoutePatternContext is RoutePattern for a request's context.
func RoutePatternContext(ctx context.Context) string {
	rc := chi.RouteContext(ctx)
	if rc == nil {
		return ""
	}
	p := strings.Join(rc.RoutePatterns, "")
	for strings.Contains(p, "/*/") {
		p = strings.ReplaceAll(p, "/*/", "/")
	}
	return p
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return hex.EncodeToString(b)
}

// statusRecorder notes the status and size of a response as it passes.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

func (s *statusRecorder) WriteHeader(status int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = status, true
	}
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wroteHeader = true
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// RequestIDHeader carries a request's id in and out, so a proxy's id and
// ours name the same request in both logs.
const RequestIDHeader = "X-Request-Id"

// wellFormedID is what an incoming id may look like; anything else (too
// long, spaces, control characters that could forge log lines) is replaced.
var wellFormedID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
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
		if !wellFormedID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)

		level := slog.LevelInfo
		if slices.Contains(l.Quiet, r.URL.Path) {
			level = slog.LevelDebug
		}
		// The line is built only for a handler that takes it (LOG_LEVEL=warn
		// without Sentry takes none): it is the costliest part of a request.
		if !l.Logger.Enabled(r.Context(), level) {
			return
		}
		route := RoutePattern(r)
		l.Logger.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("client", ClientAddr(r)),
		)
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

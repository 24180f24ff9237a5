package monitoring_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getsentry/sentry-go"
	"github.com/go-chi/chi/v5"

	"oclettings/app/config"
	"oclettings/app/monitoring"
	"oclettings/app/web"
)

// page stands for a rendered page of the size of /lettings/.
var page = make([]byte, 9000)

func benchSite(b *testing.B, dsn string, rate float64) http.Handler {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	b.Cleanup(srv.Close)
	if dsn != "" {
		dsn = "http://k@" + srv.Listener.Addr().String() + "/1"
	}
	if err := monitoring.Init(&config.Config{SentryDSN: dsn, SentryTracesSampleRate: rate}, web.Build{}, nil); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sentry.Init(sentry.ClientOptions{}) })
	logger := slog.New(monitoring.NewLogHandler(slog.NewJSONHandler(io.Discard, nil)))
	r := chi.NewRouter()
	r.Use(monitoring.Middleware, (&web.RequestLog{Logger: logger}).Middleware)
	r.Get("/lettings/{id}/", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(page) })
	return r
}

// discard is a ResponseWriter that keeps nothing, so that only the middleware is measured.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkRequest is the cost of the request log and Sentry around a page
// served from memory, without a DSN and with one, tracing at 0 and 0.1.
func BenchmarkRequest(b *testing.B) {
	for _, c := range []struct {
		name string
		dsn  string
		rate float64
	}{{"no-dsn", "", 0}, {"dsn-traces-0", "x", 0}, {"dsn-traces-0.1", "x", 0.1}} {
		b.Run(c.name, func(b *testing.B) {
			h := benchSite(b, c.dsn, c.rate)
			req := httptest.NewRequest(http.MethodGet, "/lettings/3/", nil)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discard{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					h.ServeHTTP(w, req)
				}
			})
		})
	}
}

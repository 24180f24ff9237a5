package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/go-chi/chi/v5"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/logging"
)

// logSite is the site-wide router, as the binary builds it, in front of a
// cached page and a plain one, logging to logger.
func logSite(t testing.TB, logger *slog.Logger) http.Handler {
	t.Helper()
	pages, err := NewErrorPages(func(status int, _ string) ([]byte, error) { return []byte("error page"), nil }, logger)
	if err != nil {
		t.Fatal(err)
	}
	assets, err := NewAssets(fstest.MapFS{"css/a.css": {Data: []byte("a{}")}}, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	cache := NewPageCache(func(context.Context) (database.ContentVersion, error) { return 1, nil }, 1<<20)
	page := bytes.Repeat([]byte("<p>a letting</p>\n"), 120)
	h, err := NewSiteRouter(SiteOptions{
		Config:  &config.Config{AllowedHosts: []string{"example.com"}, MaxBodyBytes: 1 << 20},
		Logger:  logger,
		Pages:   pages,
		Assets:  assets,
		Ready:   func(context.Context) error { return nil },
		Monitor: func(h http.Handler) http.Handler { return h },
		Mount: func(r chi.Router) {
			r.With(cache.Page()).Get("/lettings/", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				_, _ = w.Write(page)
			})
			r.Get("/lettings/{id}/", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("one letting")) })
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// secrets travel in the query, the headers and the body of requests; the
// request line names none of them.
var secrets = []string{"QUERY-SECRET", "PASSWORD-SECRET", "SESSION-SECRET", "AUTH-SECRET", "CSRF-SECRET", "BODY-SECRET"}

func secretRequest(method, target string) *http.Request {
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader("password=BODY-SECRET")
	}
	sep := "?"
	if strings.Contains(target, "?") {
		sep = "&"
	}
	req := httptest.NewRequest(method, target+sep+"token=QUERY-SECRET&password=PASSWORD-SECRET", body)
	req.Header.Set("Cookie", "sessionid=SESSION-SECRET")
	req.Header.Set("Authorization", "Bearer AUTH-SECRET")
	req.Header.Set("X-CSRFToken", "CSRF-SECRET")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// requestTargets are paths a client may send: plain, with what JSON must
// escape (quotes, backslashes, control characters as %-escapes), what it
// must not (<, >, &), invalid UTF-8 and the JavaScript line separators.
var requestTargets = []string{
	"/lettings/",
	"/lettings/7/",
	"/lettings/%22quoted%22%5Cslash/",
	"/lettings/line%0Abreak%0D%09tab%00nul%1Fus/",
	"/lettings/%3Cb%3E&amp;/",
	"/lettings/%FF%FE/",
	"/lettings/%E2%80%A8%E2%80%A9/",
	"/lettings/caf%C3%A9-%F0%9F%8F%A0/",
	"/no/such/page/",
	"/healthz",
}

var lineTime = regexp.MustCompile(`"time":"[^"]*"`)
var lineDuration = regexp.MustCompile(`"duration":\d+`)

// The line a request leaves, written by hand (logging's handler), is the
// line slog's JSON handler wrote for it before, byte for byte but for the
// time and the duration, which differ from one request to the next.
func TestRequestLineIsTheSlogLine(t *testing.T) {
	t.Parallel()
	var bySlog, byHand bytes.Buffer
	slogSite := logSite(t, slog.New(slog.NewJSONHandler(&bySlog, &slog.HandlerOptions{Level: slog.LevelDebug})))
	handSite := logSite(t, logging.New(&byHand, slog.LevelDebug, "json"))
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
		for _, target := range requestTargets {
			for _, h := range []http.Handler{slogSite, handSite} {
				req := secretRequest(method, target)
				req.Header.Set(RequestIDHeader, "fixed-id")
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		}
	}
	normal := func(b *bytes.Buffer) []string {
		s := lineDuration.ReplaceAllString(lineTime.ReplaceAllString(b.String(), `"time":"T"`), `"duration":1`)
		return strings.SplitAfter(s, "\n")
	}
	want, got := normal(&bySlog), normal(&byHand)
	if len(got) != len(want) || len(want) < 3*len(requestTargets) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), byHand.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\ngot  %s\nwant %s", i, got[i], want[i])
		}
	}
}

// Whatever a request carries, its line says only what it always said: its
// id, method, path, route, status, size, duration and client. No query
// string, header, cookie or body makes it into the log.
func TestRequestLineLeavesSecretsOut(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	h := logSite(t, logging.New(&logs, slog.LevelInfo, "json"))
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		for _, target := range requestTargets {
			h.ServeHTTP(httptest.NewRecorder(), secretRequest(method, target))
		}
	}
	for _, secret := range secrets {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("got %s in the log:\n%s", secret, logs.String())
		}
	}
	wantKeys := []string{"bytes", "client", "duration", "level", "method", "msg", "path", "request_id", "route", "status", "time"}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2*(len(requestTargets)-1) { // no line for the health check at info level
		t.Errorf("got %d lines, want %d", len(lines), 2*(len(requestTargets)-1))
	}
	for _, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("got a line that is not JSON (%v): %q", err, line)
		}
		if keys := slices.Sorted(maps.Keys(m)); !slices.Equal(keys, wantKeys) {
			t.Errorf("got keys %v, want %v", keys, wantKeys)
		}
	}
}

// A request served from the page cache, through all the site's middleware,
// with its line written to a batching Writer (what every visitor costs),
// and without a line (LOG_LEVEL=warn): the difference is the line's cost.
func BenchmarkCachedPage(b *testing.B) {
	for _, c := range []struct {
		name  string
		level slog.Level
	}{{"line", slog.LevelInfo}, {"no-line", slog.LevelWarn}} {
		b.Run(c.name, func(b *testing.B) {
			out := logging.NewWriter(io.Discard, logging.FlushInterval)
			defer out.Close()
			h := logSite(b, logging.New(out, c.level, "json"))
			req := httptest.NewRequest(http.MethodGet, "/lettings/", nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps nothing, so that only the
// site's work is measured.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

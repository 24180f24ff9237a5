package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"oclettings/app/accounts"
	"oclettings/app/auth"
	"oclettings/app/backup"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/sitetest"
	"oclettings/app/web"
	"oclettings/migrations/testdb"
	"oclettings/public"
)

// testConfig is the configuration of a test site, as package sitetest
// gives it to the front ends' tests.
func testConfig(t testing.TB, vars ...string) *config.Config {
	t.Helper()
	return sitetest.Config(t, vars...)
}

// cheapHasher keeps the many sign-ins of the tests quick; the cost of real
// hashes is app/auth's concern.
var cheapHasher = auth.Hasher{Memory: 64, Time: 1, Threads: 1}

// newRouter builds the whole router on db; now is the admin's clock (nil:
// the real one).
func newRouter(t testing.TB, db *database.DB, cfg *config.Config, cacheBytes int, now func() time.Time) http.Handler {
	t.Helper()
	if now == nil {
		now = time.Now
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := router(site{DB: db, Config: cfg, Logger: logger,
		Build: web.Build{Version: "test"}, CacheBytes: cacheBytes,
		Accounts: &accounts.Service{DB: db, Hasher: cheapHasher, Now: now},
		// In the test's own directory: the configured default is beside
		// the configuration's database, not the test's.
		Backups: backup.New(backup.Options{Source: db.Path, Dir: filepath.Join(t.TempDir(), "backups"), Keep: cfg.BackupKeep}, logger)})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newSite returns the whole router on a fresh, seeded database.
func newSite(t testing.TB) (http.Handler, *database.DB) {
	t.Helper()
	db := testdb.Seeded(t)
	return newRouter(t, db, testConfig(t), public.DefaultCacheBytes, nil), db
}

// scenario is one request and what its answer must be.
type scenario struct {
	name     string
	method   string // GET when empty
	path     string
	header   map[string]string
	body     string // sent as the request body
	status   int
	location string            // the Location header, when set
	headers  map[string]string // other headers that must have these values
	contains []string
	excludes []string
}

func (sc scenario) run(t *testing.T, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	var reqBody io.Reader
	if sc.body != "" {
		reqBody = strings.NewReader(sc.body)
	}
	req := httptest.NewRequest(method, sc.path, reqBody)
	for k, v := range sc.header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != sc.status {
		t.Fatalf("%s %s: got status %d, want %d\n%s", method, sc.path, rec.Code, sc.status, body)
	}
	if sc.location != "" && rec.Header().Get("Location") != sc.location {
		t.Errorf("%s %s: got Location %q, want %q", method, sc.path, rec.Header().Get("Location"), sc.location)
	}
	for k, v := range sc.headers {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s %s: got %s %q, want %q", method, sc.path, k, got, v)
		}
	}
	for _, s := range sc.contains {
		if !strings.Contains(body, s) {
			t.Errorf("%s %s: got a body without %q", method, sc.path, s)
		}
	}
	for _, s := range sc.excludes {
		if strings.Contains(body, s) {
			t.Errorf("%s %s: got a body with %q", method, sc.path, s)
		}
	}
	return rec
}

func runScenarios(t *testing.T, h http.Handler, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, h) })
	}
}

// TestRouterWiring checks what the binary adds to the packages' own tests:
// one router holds the site-wide routes and both front ends, on one
// database, and what matches no front end gets the public not-found page.
// The pages themselves are tested in public/, admin/ and app/web.
func TestRouterWiring(t *testing.T) {
	h, _ := newSite(t)
	runScenarios(t, h, []scenario{
		{name: "public site", path: "/", status: 200, contains: []string{"<h1>Welcome to Holiday Homes</h1>"}},
		{name: "public page from the database", path: "/lettings/1/", status: 200, contains: []string{"<h1>Joshua Tree Green Haus /w Hot Tub</h1>"}},
		{name: "admin", path: "/admin/login/", status: 200, contains: []string{`value="Log in"`},
			headers: map[string]string{"Cache-Control": "no-cache, no-store, must-revalidate, private"}},
		{name: "admin paths go to the admin", path: "/admin/nowhere/", status: 302, location: "/admin/login/?next=%2Fadmin%2Fnowhere%2F"},
		{name: "static files", path: "/static/css/site.css", status: 200, headers: map[string]string{"Content-Type": "text/css; charset=utf-8"}},
		{name: "health", path: "/healthz", status: 200, contains: []string{`"version":"test"`}},
		{name: "readiness", path: "/readyz", status: 200, contains: []string{`{"status":"ready"}`}},
		{name: "no front end's path", path: "/nowhere/", status: 404, contains: []string{"<h1>Page Not Found</h1>", `href="/lettings/"`}},
		{name: "site-wide headers", path: "/", status: 200, headers: map[string]string{"X-Frame-Options": "DENY"}},
	})
}

package sitetest_test

import (
	"bytes"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/app/web"
)

// errorPages are the tiny front end's error pages.
func errorPages(t testing.TB) *web.ErrorPages {
	t.Helper()
	pages, err := web.NewErrorPages(func(status int, message string) ([]byte, error) {
		return fmt.Appendf(nil, "<!doctype html><title>Error</title><h1>Error %d</h1><p>%s</p>", status, html.EscapeString(message)), nil
	}, sitetest.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// mount registers a tiny front end: a page listing the seeded lettings, a
// cookie setter, a page echoing the cookie, a redirect and a form.
func mount(db *database.DB, pages *web.ErrorPages) func(chi.Router) {
	return func(r chi.Router) {
		r.Method(http.MethodGet, "/", pages.Handle(func(w http.ResponseWriter, r *http.Request) error {
			n, err := models.CountLettings(r.Context(), db.Read, "")
			if err != nil {
				return err
			}
			web.WriteHTML(w, r, http.StatusOK, fmt.Appendf(nil,
				"<!doctype html><title>Home</title><h1>  Home\n  page </h1><ul><li class=a>one</li><li class=b data-n=2>two</li></ul><p id=count>%d</p>", n))
			return nil
		}))
		r.Method(http.MethodGet, "/set/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "flavour", Value: r.URL.Query().Get("v"), Path: "/"})
			http.Redirect(w, r, "/get/", http.StatusSeeOther)
		}))
		r.Method(http.MethodGet, "/get/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ck, err := r.Cookie("flavour")
			value := "none"
			if err == nil {
				value = ck.Value
			}
			web.WriteHTML(w, r, http.StatusOK, []byte("<!doctype html><title>Get</title><p id=flavour>"+html.EscapeString(value)+"</p>"))
		}))
		r.Method(http.MethodPost, "/form/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = fmt.Fprintf(w, "name=%s", r.PostForm.Get("name"))
		}))
		r.Method(http.MethodGet, "/panic/", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	}
}

// site is the tiny front end on a seeded database behind the site-wide
// middleware.
func site(t testing.TB, opts ...sitetest.Option) http.Handler {
	t.Helper()
	db := sitetest.DB(t)
	pages := errorPages(t)
	return sitetest.Handler(t, sitetest.Config(t), db, pages, mount(db, pages), opts...)
}

func TestConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		vars  []string
		debug bool
		hosts []string
	}{
		{name: "defaults", debug: true, hosts: []string{"example.com", "127.0.0.1"}},
		{name: "overridden", vars: []string{"DEBUG", "false", "ALLOWED_HOSTS", "site.test"}, debug: false, hosts: []string{"site.test"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := sitetest.Config(t, tt.vars...)
			if cfg.Debug != tt.debug {
				t.Errorf("got Debug %v, want %v", cfg.Debug, tt.debug)
			}
			if got := strings.Join(cfg.AllowedHosts, ","); got != strings.Join(tt.hosts, ",") {
				t.Errorf("got AllowedHosts %q, want %q", got, tt.hosts)
			}
			if cfg.SecretKey != sitetest.SecretKey {
				t.Errorf("got SECRET_KEY %q, want %q", cfg.SecretKey, sitetest.SecretKey)
			}
		})
	}
}

func TestDatabases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		open func(testing.TB) *database.DB
		want bool // lettings present
	}{
		{name: "seeded", open: sitetest.DB, want: true},
		{name: "empty", open: sitetest.EmptyDB, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := tt.open(t)
			n, err := models.CountLettings(t.Context(), db.Read, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := n > 0; got != tt.want {
				t.Errorf("got %d lettings, want some: %v", n, tt.want)
			}
		})
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	db, cfg := sitetest.DBConfig(t)
	other := sitetest.Reopen(t, cfg)
	if err := models.DeleteLetting(t.Context(), other.Write, 1); err != nil {
		t.Fatal(err)
	}
	n, err := models.CountLettings(t.Context(), db.Read, "")
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("got %d lettings after the other handle deleted one of 6, want 5", n)
	}
}

// TestSiteWideMiddleware checks that Handler puts the routes behind the
// binary's middleware and site-wide routes, not a test copy of them.
func TestSiteWideMiddleware(t *testing.T) {
	h := site(t)
	sitetest.Run(t, h, []sitetest.Scenario{
		{Name: "a route of the front end", Path: "/", Status: 200,
			WantHeader: map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Content-Type": "text/html; charset=utf-8"},
			Has:        []sitetest.Element{{Sel: "h1", Text: "Home page"}, {Sel: "#count", Text: "6"}}},
		{Name: "HEAD answered by GET", Method: http.MethodHead, Path: "/", Status: 200},
		{Name: "health", Path: "/healthz", Status: 200, BodyHas: []string{`"version":"test"`}},
		{Name: "health for any host", Path: "/healthz", Header: map[string]string{"Host": "10.0.0.7:8000"}, Status: 200},
		{Name: "readiness", Path: "/readyz", Status: 200, BodyHas: []string{`{"status":"ready"}`}},
		{Name: "static files", Path: "/static/css/site.css", Status: 200,
			WantHeader: map[string]string{"Content-Type": "text/css; charset=utf-8"}},
		{Name: "unknown path", Path: "/nowhere/", Status: 404, Has: []sitetest.Element{{Sel: "h1", Text: "Error 404"}}},
		{Name: "slash appended", Path: "/get", Status: 301, Location: "/get/"},
		{Name: "method not allowed", Method: http.MethodPost, Path: "/", Status: 405,
			WantHeader: map[string]string{"Allow": "GET, HEAD"}, Has: []sitetest.Element{{Sel: "h1", Text: "Error 405"}}},
		{Name: "host not allowed", Path: "/", Header: map[string]string{"Host": "evil.test"}, Status: 400},
		{Name: "panic", Path: "/panic/", Status: 500, Has: []sitetest.Element{{Sel: "h1", Text: "Error 500"}}, BodyLacks: []string{"boom"}},
		{Name: "form", Path: "/form/", Form: url.Values{"name": {"Ada & Bob"}}, Status: 200, BodyHas: []string{"name=Ada & Bob"}},
		{Name: "raw body", Path: "/form/", Body: "name=x", Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			Status: 200, BodyHas: []string{"name=x"}},
	})
}

func TestLogger(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil))
	c := sitetest.NewClient(t, site(t, sitetest.WithLogger(logger), sitetest.WithBuild(web.Build{Version: "v9"})))
	c.Get("/healthz").Want(t, 200)
	if res := c.Get("/healthz"); !strings.Contains(res.Body, `"version":"v9"`) {
		t.Errorf("got /healthz %s, want version v9", res.Body)
	}
	c.Get("/lettings-nowhere/").Want(t, 404)
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(buf.String(), "/lettings-nowhere/") {
		t.Errorf("got logs %q, want the request's line", buf.String())
	}
}

type lockedWriter struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func TestClient(t *testing.T) {
	t.Parallel()
	h := site(t)
	c := sitetest.NewClient(t, h)

	if got := c.Get("/get/").Want(t, 200).Text("#flavour"); got != "none" {
		t.Errorf("before any cookie: got %q, want none", got)
	}
	res := c.Get("/set/?v=mint").Want(t, http.StatusSeeOther)
	if res.Location() != "/get/" {
		t.Errorf("got Location %q, want /get/ (not followed)", res.Location())
	}
	if got := c.Get("/get/").Text("#flavour"); got != "mint" {
		t.Errorf("after Set-Cookie: got %q, want mint", got)
	}
	if v, ok := c.Cookie("flavour"); !ok || v != "mint" {
		t.Errorf("got cookie %q, %v, want mint", v, ok)
	}
	c.SetCookie(&http.Cookie{Name: "flavour", Value: "forged", Path: "/"})
	if got := c.Get("/get/").Text("#flavour"); got != "forged" {
		t.Errorf("after SetCookie: got %q, want forged", got)
	}
	if got := sitetest.NewClient(t, h).Get("/get/").Text("#flavour"); got != "none" {
		t.Errorf("another client: got %q, want none", got)
	}
	if got := c.Get("/get/", "Host", "127.0.0.1").Text("#flavour"); got != "none" {
		t.Errorf("another host: got %q, want none (cookies are per host)", got)
	}
	if res := c.Post("/form/", url.Values{"name": {"Zoë"}}).Want(t, 200); res.Body != "name=Zoë" {
		t.Errorf("got %q, want name=Zoë", res.Body)
	}

	home := c.Get("/").Want(t, 200)
	if got := home.Text("h1"); got != "Home page" {
		t.Errorf("got Text %q, want %q", got, "Home page")
	}
	if got := strings.Join(home.Texts("li"), ","); got != "one,two" {
		t.Errorf("got Texts %q, want one,two", got)
	}
	if v, ok := home.Attr("li.b", "data-n"); !ok || v != "2" {
		t.Errorf("got Attr %q, %v, want 2, true", v, ok)
	}
	if _, ok := home.Attr("li.a", "data-n"); ok {
		t.Error("got an attribute li.a does not have")
	}
	if got := home.Count("li"); got != 2 {
		t.Errorf("got Count %d, want 2", got)
	}
	if first, again := home.Doc(), home.Doc(); first != again {
		t.Error("got the body parsed twice, want once")
	}
}

// recorder stands in for a test to see what a check reports.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// check runs sc against h and returns what it reported.
func check(t *testing.T, h http.Handler, sc sitetest.Scenario) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc.Check(r, sitetest.NewClient(t, h))
	}()
	<-done
	return r.failures
}

// TestScenarioFailures checks that a scenario reports what is wrong, and
// only that: a check that cannot fail would prove nothing.
func TestScenarioFailures(t *testing.T) {
	t.Parallel()
	h := site(t)
	tests := []struct {
		name string
		sc   sitetest.Scenario
		want []string // substrings of the failures, in order; none: it passes
	}{
		{name: "passes", sc: sitetest.Scenario{Path: "/", Status: 200,
			Has:   []sitetest.Element{{Sel: "li", Text: "two", Attr: "data-n", Value: "2"}, {Sel: "li", Attr: "class"}},
			Lacks: []sitetest.Element{{Sel: "li", Text: "three"}, {Sel: "li", Attr: "data-n", Value: "3"}, {Sel: "li.a", Attr: "data-n"}}}},
		{name: "status", sc: sitetest.Scenario{Path: "/", Status: 404}, want: []string{"got status 200, want 404"}},
		{name: "location", sc: sitetest.Scenario{Path: "/set/", Status: 303, Location: "/elsewhere/"},
			want: []string{`got Location "/get/", want "/elsewhere/"`}},
		{name: "header", sc: sitetest.Scenario{Path: "/", Status: 200, WantHeader: map[string]string{"X-Frame-Options": "SAMEORIGIN"}},
			want: []string{`got X-Frame-Options "DENY", want "SAMEORIGIN"`}},
		{name: "text is exact", sc: sitetest.Scenario{Path: "/", Status: 200, Has: []sitetest.Element{{Sel: "h1", Text: "Home"}}},
			want: []string{`got no h1 with text "Home", want one`}},
		{name: "text holds", sc: sitetest.Scenario{Path: "/", Status: 200,
			Has: []sitetest.Element{{Sel: "h1", Contains: "Home p"}, {Sel: "h1", Contains: "Away"}}},
			want: []string{`got no h1 with text holding "Away", want one`}},
		{name: "attribute value", sc: sitetest.Scenario{Path: "/", Status: 200, Has: []sitetest.Element{{Sel: "li", Attr: "data-n", Value: "3"}}},
			want: []string{`got no li[data-n="3"], want one`}},
		{name: "lacks", sc: sitetest.Scenario{Path: "/", Status: 200, Lacks: []sitetest.Element{{Sel: "li"}}},
			want: []string{"got 2 of li, want none"}},
		{name: "body", sc: sitetest.Scenario{Path: "/healthz", Status: 200, BodyHas: []string{"nope"}, BodyLacks: []string{"version"}},
			want: []string{`got a body without "nope"`, `got a body with "version"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := check(t, h, tt.sc)
			if len(got) != len(tt.want) {
				t.Fatalf("got failures %q, want %d like %q", got, len(tt.want), tt.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("got failure %q, want one saying %q", got[i], tt.want[i])
				}
			}
		})
	}
}

package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"oclettings/app/database"
	"oclettings/app/models"
)

func testPages(t *testing.T, logs io.Writer) *ErrorPages {
	t.Helper()
	p, err := NewErrorPages(func(status int, message string) ([]byte, error) {
		return []byte(fmt.Sprintf("<h1>error %d</h1>%s", status, message)), nil
	}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func serve(h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestErrorPagesRespond(t *testing.T) {
	var logs bytes.Buffer
	p := testPages(t, &logs)
	tests := []struct {
		name   string
		err    error
		status int
		logged bool
	}{
		{"status error", Status(http.StatusForbidden), 403, false},
		{"not found from the models", fmt.Errorf("letting 9: %w", models.ErrNotFound), 404, false},
		{"internal", errors.New("disk on fire"), 500, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			rec := serve(p.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err }), "GET", "/x", nil)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), fmt.Sprintf("error %d", tt.status)) {
				t.Errorf("got %d %q, want %d and its page", rec.Code, rec.Body, tt.status)
			}
			if strings.Contains(rec.Body.String(), "disk on fire") {
				t.Error("got the internal error shown to the visitor")
			}
			if got := strings.Contains(logs.String(), "disk on fire"); got != tt.logged {
				t.Errorf("got logged=%v, want %v", got, tt.logged)
			}
		})
	}
	t.Run("client gone", func(t *testing.T) {
		logs.Reset()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequest("GET", "/x", nil).WithContext(ctx)
		rec := httptest.NewRecorder()
		p.Handle(func(http.ResponseWriter, *http.Request) error { return context.Canceled }).ServeHTTP(rec, req)
		if logs.Len() != 0 || rec.Body.Len() != 0 {
			t.Errorf("got %q logged and %q written, want silence", logs.String(), rec.Body)
		}
	})
}

func TestErrorPagesFallback(t *testing.T) {
	calls := 0
	p, err := NewErrorPages(func(status int, _ string) ([]byte, error) {
		calls++
		if calls > 5 { // fine at start-up, broken afterwards
			return nil, errors.New("template broke")
		}
		return []byte(fmt.Sprintf("page %d", status)), nil
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	rec := serve(p.Handle(func(http.ResponseWriter, *http.Request) error { return Status(404) }), "GET", "/", nil)
	if rec.Code != 500 || rec.Body.String() != "page 500" {
		t.Errorf("got %d %q, want the pre-rendered server error page", rec.Code, rec.Body)
	}
	if _, err := NewErrorPages(func(int, string) ([]byte, error) { return nil, errors.New("no") }, slog.Default()); err == nil {
		t.Error("got no error for pages that cannot render, want the start to fail")
	}
}

func TestRecover(t *testing.T) {
	var logs bytes.Buffer
	p := testPages(t, &logs)
	h := p.Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom at line 12") }))
	rec := serve(h, "GET", "/", nil)
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("got %d %q, want the 500 page without the panic", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "boom at line 12") {
		t.Errorf("got logs %q, want the panic logged", logs.String())
	}
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("got %v, want ErrAbortHandler passed on to the server", v)
		}
	}()
	p.Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}

func TestSecurityHeaders(t *testing.T) {
	rec := serve(SecurityHeaders(http.NotFoundHandler()), "GET", "/", nil)
	want := map[string]string{
		"X-Frame-Options":            "DENY",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	for k, v := range want {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("got %s %q, want %q", k, got, v)
		}
	}
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("got CSP %q, want self only, no inline, no framing", csp)
	}
}

func TestHealthz(t *testing.T) {
	rec := serve(Healthz(Build{Version: "1.0", Commit: "abc", Date: "today"}), "GET", "/healthz", nil)
	if rec.Code != 200 || rec.Body.String() != `{"status":"ok","version":"1.0","commit":"abc","date":"today"}` {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
}

func TestAccepts(t *testing.T) {
	tests := []struct {
		header, coding string
		want           bool
	}{
		{"gzip, deflate, br", "br", true},
		{"gzip, deflate", "br", false},
		{"BR", "br", true},
		{"br;q=0", "br", false},
		{"br; q=0.0", "br", false},
		{"br;q=0.5", "br", true},
		{"br;q=junk", "br", false},
		{"", "gzip", false},
		{"x-gzip", "gzip", false},
	}
	for _, tt := range tests {
		t.Run(tt.header+"/"+tt.coding, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Accept-Encoding", tt.header)
			if got := accepts(r, tt.coding); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAssetsRefuseUnknownTypes(t *testing.T) {
	if _, err := NewAssets(fstest.MapFS{"x.exe": {Data: []byte("MZ")}}, "/static/"); err == nil {
		t.Error("got no error for a file of unknown type, want the start to fail")
	}
	a, err := NewAssets(fstest.MapFS{"css/a.css": {Data: []byte("a{}")}, "img/p.png": {Data: []byte("\x89PNG")}}, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.URL("css/missing.css"); err == nil {
		t.Error("got a URL for a missing file, want an error")
	}
	rec := serve(testPages(t, io.Discard).Handle(a.Serve), "GET", "/static/img/p.png", map[string]string{"Accept-Encoding": "br"})
	if rec.Header().Get("Content-Encoding") != "" {
		t.Error("got a compressed PNG, want images sent as they are")
	}
	rec = serve(testPages(t, io.Discard).Handle(a.Serve), "GET", "/static/css/a.css", map[string]string{"Accept-Encoding": "br"})
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != "a{}" {
		t.Error("got a 3-byte file compressed, want it sent as is when compressing does not help")
	}
}

// cacheFixture is a handler counting its renders behind a page cache whose
// data version the test moves by hand.
type cacheFixture struct {
	version database.ContentVersion
	renders int
	cache   *PageCache
	h       http.Handler
}

func newCacheFixture(maxBytes int, handler func(w http.ResponseWriter, r *http.Request, n int)) *cacheFixture {
	f := &cacheFixture{}
	f.cache = NewPageCache(func(context.Context) (database.ContentVersion, error) { return f.version, nil }, maxBytes)
	f.h = f.cache.Page("q", "page")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.renders++
		handler(w, r, f.renders)
	}))
	return f
}

func TestPageCache(t *testing.T) {
	page := func(w http.ResponseWriter, r *http.Request, n int) {
		WriteHTML(w, r, http.StatusOK, []byte(fmt.Sprintf("render %d of %s", n, r.URL.RequestURI())))
	}
	f := newCacheFixture(1<<20, page)

	first := serve(f.h, "GET", "/a/", nil)
	second := serve(f.h, "GET", "/a/", nil)
	if f.renders != 1 || second.Body.String() != "render 1 of /a/" || second.Header().Get("ETag") != first.Header().Get("ETag") {
		t.Fatalf("got %d renders and %q, want the second answer from the cache", f.renders, second.Body)
	}
	if second.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("got %q, want the content type kept", second.Header().Get("Content-Type"))
	}
	if rec := serve(f.h, "GET", "/a/", map[string]string{"If-None-Match": first.Header().Get("ETag")}); rec.Code != 304 || f.renders != 1 {
		t.Errorf("got %d after %d renders, want 304 from the cache", rec.Code, f.renders)
	}
	if serve(f.h, "GET", "/a/?page=2", nil); f.renders != 2 {
		t.Error("got the query ignored, want another page for another query")
	}

	f.version++ // a commit somewhere
	if rec := serve(f.h, "GET", "/a/", nil); rec.Body.String() != "render 3 of /a/" {
		t.Errorf("got %q, want a fresh render after the data changed", rec.Body)
	}
	if serve(f.h, "HEAD", "/b/", nil); serve(f.h, "GET", "/b/", nil).Body.String() != "render 5 of /b/" {
		t.Error("got a HEAD response cached, want only GET bodies kept")
	}
	if serve(f.h, "POST", "/a/", nil); f.renders != 6 {
		t.Error("got a POST answered from the cache")
	}
	long := "/a/?q=" + strings.Repeat("x", 600)
	serve(f.h, "GET", long, nil)
	if serve(f.h, "GET", long, nil); f.renders != 8 {
		t.Error("got a very long address cached")
	}
}

func TestPageCacheKeepsOnlyPlainSuccesses(t *testing.T) {
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request, n int)
	}{
		{"not found", func(w http.ResponseWriter, r *http.Request, n int) { WriteHTML(w, r, 404, []byte("nope")) }},
		{"redirect", func(w http.ResponseWriter, r *http.Request, n int) { http.Redirect(w, r, "/b/", http.StatusFound) }},
		{"sets a cookie", func(w http.ResponseWriter, r *http.Request, n int) {
			http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "secret"})
			WriteHTML(w, r, 200, []byte("private"))
		}},
		{"says no-store", func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Cache-Control", "no-store")
			WriteHTML(w, r, 200, []byte("private"))
		}},
		{"too large", func(w http.ResponseWriter, r *http.Request, n int) {
			WriteHTML(w, r, 200, bytes.Repeat([]byte("x"), maxCachedPage+1))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCacheFixture(1<<20, tt.handler)
			serve(f.h, "GET", "/a/", nil)
			serve(f.h, "GET", "/a/", nil)
			if f.renders != 2 {
				t.Errorf("got %d renders, want the response never served from the cache", f.renders)
			}
		})
	}
}

func TestPageCacheStaysWithinItsSize(t *testing.T) {
	f := newCacheFixture(100, func(w http.ResponseWriter, r *http.Request, n int) {
		WriteHTML(w, r, 200, bytes.Repeat([]byte("x"), 40))
	})
	for _, p := range []string{"/1/", "/2/", "/3/"} {
		serve(f.h, "GET", p, nil)
	}
	if f.cache.size > 100 {
		t.Errorf("got %d bytes kept, want at most 100", f.cache.size)
	}
	serve(f.h, "GET", "/3/", nil)
	if f.renders != 3 {
		t.Errorf("got %d renders, want the newest page kept", f.renders)
	}
}

func TestAppendSlashAndAllow(t *testing.T) {
	p := testPages(t, io.Discard)
	r := chi.NewRouter()
	r.Get("/things/", func(w http.ResponseWriter, r *http.Request) {})
	r.Post("/things/", func(w http.ResponseWriter, r *http.Request) {})
	r.NotFound(p.NotFound(r))
	r.MethodNotAllowed(p.MethodNotAllowed(r, ""))
	tests := []struct {
		method, target string
		status         int
		location       string
		allow          string
	}{
		{"GET", "/things", 301, "/things/", ""},
		{"GET", "/things?a=1&b=2", 301, "/things/?a=1&b=2", ""},
		{"POST", "/things", 404, "", ""},
		{"GET", "/other", 404, "", ""},
		{"GET", `/\evil.example`, 404, "", ""},
		{"DELETE", "/things/", 405, "", "GET, HEAD, POST"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			rec := serve(r, tt.method, tt.target, nil)
			if rec.Code != tt.status || rec.Header().Get("Location") != tt.location || rec.Header().Get("Allow") != tt.allow {
				t.Errorf("got %d Location=%q Allow=%q, want %d %q %q", rec.Code, rec.Header().Get("Location"), rec.Header().Get("Allow"), tt.status, tt.location, tt.allow)
			}
		})
	}
}

func TestTemplates(t *testing.T) {
	fsys := fstest.MapFS{
		"layout/layout.html": {Data: []byte(`<title>{{.}}</title>{{template "content" .}}`)},
		"pages/a.html":       {Data: []byte(`{{define "content"}}<p>{{.}}</p>{{end}}`)},
	}
	tmpl, err := ParseTemplates(fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tmpl.Execute("a", "<b>")
	if err != nil || string(got) != "<title>&lt;b&gt;</title><p>&lt;b&gt;</p>" {
		t.Errorf("got %q (%v), want the page escaped", got, err)
	}
	if _, err := tmpl.Execute("missing", nil); err == nil {
		t.Error("got a missing page rendered")
	}
	broken := fstest.MapFS{"layout/layout.html": {Data: []byte(`{{template "content" .}}`)}, "pages/b.html": {Data: []byte(`{{define "content"}}{{.Nope`)}}
	if _, err := ParseTemplates(broken, nil); err == nil {
		t.Error("got a broken page parsed, want the start to fail")
	}
}

func TestCSRFMiddleware(t *testing.T) {
	var logs bytes.Buffer
	pages := testPages(t, &logs)
	sm := scs.New() // memory store
	csrf := &CSRF{Sessions: sm, Pages: pages}
	var token string
	h := sm.LoadAndSave(csrf.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token = csrf.Token(r)
		_, _ = io.WriteString(w, "done")
	})))

	first := serve(h, "GET", "/", nil)
	cookie := first.Result().Cookies()[0]
	withCookie := func(header map[string]string) map[string]string {
		if header == nil {
			header = map[string]string{}
		}
		header["Cookie"] = cookie.Name + "=" + cookie.Value
		return header
	}
	post := func(body string, header map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range withCookie(header) {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	logs.Reset()
	if rec := post("csrfmiddlewaretoken=nope", nil); rec.Code != 403 || !strings.Contains(rec.Body.String(), CSRFMessage) {
		t.Errorf("got %d %q, want 403 with Django's message", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "CSRF verification failed") || strings.Contains(logs.String(), token) || strings.Contains(logs.String(), "nope") {
		t.Errorf("got log %q, want a warning without any token", logs.String())
	}
	if rec := post("csrfmiddlewaretoken="+token, nil); rec.Code != 200 {
		t.Errorf("got %d with the right token, want 200", rec.Code)
	}
	if rec := post("", map[string]string{CSRFHeader: token}); rec.Code != 200 {
		t.Errorf("got %d with the token in the header, want 200", rec.Code)
	}
	if rec := post("%zz", nil); rec.Code != 400 {
		t.Errorf("got %d for a malformed form, want 400", rec.Code)
	}
	noSession := httptest.NewRequest("POST", "/", strings.NewReader("csrfmiddlewaretoken="+token))
	noSession.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if rec := httptest.NewRecorder(); func() int { h.ServeHTTP(rec, noSession); return rec.Code }() != 403 {
		t.Error("got a token accepted without its session")
	}
}

func TestRoutePattern(t *testing.T) {
	var got string
	capture := func(w http.ResponseWriter, r *http.Request) { got = RoutePattern(r) }
	r := chi.NewRouter()
	r.Get("/lettings/{id}/", capture)
	r.Get("/static/*", capture)
	r.Route("/admin", func(r chi.Router) {
		r.Route("/lettings/letting", func(r chi.Router) {
			r.Get("/{id}/change/", capture)
		})
	})
	for path, want := range map[string]string{
		"/lettings/3/":                      "/lettings/{id}/",
		"/static/css/site.css":              "/static/*",
		"/admin/lettings/letting/3/change/": "/admin/lettings/letting/{id}/change/",
	} {
		got = ""
		serve(r, "GET", path, nil)
		if got != want {
			t.Errorf("%s: got %q, want %q", path, got, want)
		}
	}
	if RoutePattern(httptest.NewRequest("GET", "/", nil)) != "" {
		t.Error("got a pattern outside the router")
	}
}

package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"oclettings/migrations/testdb"
)

// The perimeter is the whole site's: the same hosts, headers and limits
// whichever front end answers, /healthz and the static files included.
func TestPerimeter(t *testing.T) {
	t.Parallel()
	h, _ := newSite(t)
	allowed := newRouter(t, testdb.Seeded(t), testConfig(t, "ALLOWED_HOSTS", ".example.org,shop.example.com,[::1],127.0.0.1"), 0, nil)
	anyHost := newRouter(t, testdb.Seeded(t), testConfig(t, "ALLOWED_HOSTS", "*"), 0, nil)
	prod := newRouter(t, testdb.Seeded(t), testConfig(t, "DEBUG", "false", "TRUST_PROXY_HEADERS", "true", "MAX_BODY_BYTES", "4096"), 0, nil)
	redirecting := newRouter(t, testdb.Seeded(t), testConfig(t, "DEBUG", "false", "TRUST_PROXY_HEADERS", "true", "SECURE_SSL_REDIRECT", "true"), 0, nil)
	debugTLS := newRouter(t, testdb.Seeded(t), testConfig(t, "TRUST_PROXY_HEADERS", "true"), 0, nil)

	bad := []string{"Bad Request (400)"}
	hsts := map[string]string{"Strict-Transport-Security": "max-age=31536000"}
	for _, tt := range []struct {
		name string
		h    http.Handler
		sc   scenario
	}{
		{"unknown host", h, scenario{path: "/", header: map[string]string{"Host": "evil.example"}, status: 400, contains: bad}},
		{"unknown host on a missing page", h, scenario{path: "/nowhere/", header: map[string]string{"Host": "evil.example"}, status: 400, contains: bad}},
		{"unknown host on the admin", h, scenario{path: "/admin/login/", header: map[string]string{"Host": "evil.example"}, status: 400, contains: bad}},
		{"allowed host with a port", h, scenario{path: "/", header: map[string]string{"Host": "example.com:8000"}, status: 200}},
		{"allowed host, other case", h, scenario{path: "/", header: map[string]string{"Host": "EXAMPLE.com"}, status: 200}},
		{"health answers any host", h, scenario{path: "/healthz", header: map[string]string{"Host": "10.0.0.7:8000"}, status: 200}},
		{"domain", allowed, scenario{path: "/", header: map[string]string{"Host": "example.org"}, status: 200}},
		{"subdomain", allowed, scenario{path: "/", header: map[string]string{"Host": "www.example.org"}, status: 200}},
		{"lookalike domain", allowed, scenario{path: "/", header: map[string]string{"Host": "evilexample.org"}, status: 400}},
		{"exact name only", allowed, scenario{path: "/", header: map[string]string{"Host": "www.shop.example.com"}, status: 400}},
		{"ipv6", allowed, scenario{path: "/", header: map[string]string{"Host": "[::1]:8000"}, status: 200}},
		{"any host", anyHost, scenario{path: "/", header: map[string]string{"Host": "whatever.example"}, status: 200}},

		{"HSTS over HTTPS in production", prod, scenario{path: "/", header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200, headers: hsts}},
		{"no HSTS over plain HTTP", prod, scenario{path: "/", status: 200, headers: map[string]string{"Strict-Transport-Security": ""}}},
		{"no HSTS with DEBUG", debugTLS, scenario{path: "/", header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200, headers: map[string]string{"Strict-Transport-Security": ""}}},
		{"forwarded proto ignored without trust", h, scenario{path: "/", header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200, headers: map[string]string{"Strict-Transport-Security": ""}}},
		{"redirect to HTTPS", redirecting, scenario{path: "/lettings/?q=a", status: 301, location: "https://example.com/lettings/?q=a"}},
		{"no redirect once on HTTPS", redirecting, scenario{path: "/", header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200}},
		{"health is not redirected", redirecting, scenario{path: "/healthz", status: 200}},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.sc.run(t, tt.h) })
	}

	t.Run("headers on every response", func(t *testing.T) {
		common := map[string]string{
			"X-Frame-Options":            "DENY",
			"X-Content-Type-Options":     "nosniff",
			"Referrer-Policy":            "same-origin",
			"Cross-Origin-Opener-Policy": "same-origin",
			"Content-Security-Policy":    "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'",
		}
		for _, path := range []string{"/", "/lettings/1/", "/nowhere/", "/static/css/site.css", "/admin/login/", "/admin/", "/admin/nope/"} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
			for k, v := range common {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s: got %s %q, want %q", path, k, got, v)
				}
			}
			admin := strings.HasPrefix(path, "/admin/")
			if got := w.Header().Get("Cache-Control"); admin && got != "no-cache, no-store, must-revalidate, private" {
				t.Errorf("%s: got Cache-Control %q, want no caching", path, got)
			}
		}
	})
	t.Run("request bodies are limited", func(t *testing.T) {
		big := "username=" + strings.Repeat("x", 5000)
		form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		scenario{method: http.MethodPost, path: "/admin/login/", header: form, body: big, status: 413,
			contains: []string{"Request Too Large"}}.run(t, prod)
		scenario{method: http.MethodPost, path: "/admin/login/", header: form, body: "username=boss", status: 403}.run(t, prod)
		// A body that hides its size (chunked) is cut off when read; without
		// a session token it is not read at all.
		chunked := func(session *http.Cookie) int {
			req := httptest.NewRequest(http.MethodPost, "https://example.com/admin/login/", io.NopCloser(strings.NewReader(big)))
			req.ContentLength = -1
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if session != nil {
				req.AddCookie(session)
			}
			w := httptest.NewRecorder()
			prod.ServeHTTP(w, req)
			return w.Code
		}
		if code := chunked(nil); code != 403 {
			t.Errorf("got %d for a chunked body without a session, want 403 before reading it", code)
		}
		login := httptest.NewRecorder()
		prod.ServeHTTP(login, httptest.NewRequest(http.MethodGet, "https://example.com/admin/login/", nil))
		var session *http.Cookie
		for _, c := range login.Result().Cookies() {
			if c.Name == "sessionid" {
				session = c
			}
		}
		if code := chunked(session); session == nil || code != 413 {
			t.Errorf("got %d for a chunked body over the limit (session %v), want 413", code, session)
		}
	})
	t.Run("cross-origin posts are refused site-wide", func(t *testing.T) {
		scenario{method: http.MethodPost, path: "/", header: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403,
			contains: []string{"CSRF verification failed. Request aborted."}}.run(t, h)
	})
}

package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestStaticFiles(t *testing.T) {
	h, _ := newSite(t)
	home := scenario{path: "/", status: 200}.run(t, h).Body.String()
	css := regexp.MustCompile(`/static/css/site\.[0-9a-f]{12}\.css`).FindString(home)
	logo := regexp.MustCompile(`/static/img/logo\.[0-9a-f]{12}\.svg`).FindString(home)
	if css == "" || logo == "" {
		t.Fatalf("got no hashed stylesheet or logo in the home page:\n%s", home)
	}

	immutable := "public, max-age=31536000, immutable"
	raw := scenario{path: css, status: 200, headers: map[string]string{
		"Content-Type": "text/css; charset=utf-8", "Cache-Control": immutable, "Vary": "Accept-Encoding", "Content-Encoding": ""}}.run(t, h)
	original := raw.Body.Bytes()
	if !bytes.Contains(original, []byte("--rust")) {
		t.Fatal("got a stylesheet without the site's colours")
	}
	etag := raw.Header().Get("ETag")

	runScenarios(t, h, []scenario{
		{name: "plain name, short lifetime", path: "/static/css/site.css", status: 200, headers: map[string]string{"Cache-Control": "public, max-age=300"}},
		{name: "svg", path: logo, status: 200, headers: map[string]string{"Content-Type": "image/svg+xml", "Cache-Control": immutable}},
		{name: "not modified", path: css, header: map[string]string{"If-None-Match": etag}, status: 304},
		{name: "brotli preferred", path: css, header: map[string]string{"Accept-Encoding": "gzip, deflate, br"}, status: 200,
			headers: map[string]string{"Content-Encoding": "br", "ETag": strings.TrimSuffix(etag, `"`) + `-br"`}},
		{name: "gzip", path: css, header: map[string]string{"Accept-Encoding": "gzip"}, status: 200, headers: map[string]string{"Content-Encoding": "gzip"}},
		{name: "brotli refused with q=0", path: css, header: map[string]string{"Accept-Encoding": "br;q=0, gzip"}, status: 200, headers: map[string]string{"Content-Encoding": "gzip"}},
		{name: "identity only", path: css, header: map[string]string{"Accept-Encoding": "identity"}, status: 200, headers: map[string]string{"Content-Encoding": ""}},
		{name: "compressed not modified", path: css, header: map[string]string{"Accept-Encoding": "br", "If-None-Match": strings.TrimSuffix(etag, `"`) + `-br"`}, status: 304},
		{name: "missing file", path: "/static/css/missing.css", status: 404, contains: notFoundPage},
		{name: "wrong hash", path: "/static/css/site.000000000000.css", status: 404},
		{name: "directory", path: "/static/css/", status: 404},
		{name: "the embedding Go file", path: "/static/static.go", status: 404},
		{name: "POST", method: http.MethodPost, path: css, status: 405},
	})

	t.Run("compressed bodies decode to the file", func(t *testing.T) {
		for _, enc := range []string{"br", "gzip"} {
			req := httptest.NewRequest(http.MethodGet, css, nil)
			req.Header.Set("Accept-Encoding", enc)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var r io.Reader = brotli.NewReader(rec.Body)
			if enc == "gzip" {
				gz, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				r = gz
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, original) {
				t.Errorf("%s: got %d bytes (%v), want the %d bytes of the file", enc, len(got), err, len(original))
			}
			if rec.Body.Len() != 0 {
				t.Errorf("%s: got trailing bytes", enc)
			}
		}
	})

	t.Run("path tricks", func(t *testing.T) {
		// Sent raw, as an attacker would: no client cleans these paths first.
		for _, target := range []string{
			"/static/../go.mod", "/static/%2e%2e/go.mod", "/static/css/../../go.mod", "/static/..%2fgo.mod",
			"/static/%2e%2e%2f%2e%2e%2fetc/passwd", "/static//etc/passwd", `/static/..\go.mod`,
		} {
			req := &http.Request{Method: http.MethodGet, URL: mustParseRequestURI(t, target), Header: http.Header{}, Host: "example.com", RequestURI: target}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotFound && rec.Code != http.StatusMovedPermanently {
				t.Errorf("%s: got %d, want 404", target, rec.Code)
			}
			if strings.Contains(rec.Body.String(), "module oclettings") || strings.Contains(rec.Body.String(), "root:") {
				t.Errorf("%s: got a file from outside static/", target)
			}
		}
	})
}

func mustParseRequestURI(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.ParseRequestURI(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

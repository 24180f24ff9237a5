package public_test

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

	"oclettings/app/sitetest"
)

// TestStaticFiles follows the pages' links to the stylesheet and the logo:
// they are served under hashed names, cached for good, compressed on
// request, and nothing else is served under /static/.
func TestStaticFiles(t *testing.T) {
	t.Parallel()
	h, _ := newSite(t)
	c := sitetest.NewClient(t, h)
	home := c.Get("/").Want(t, 200)
	css, _ := home.Attr(`link[rel="stylesheet"]`, "href")
	logo, _ := home.Attr("header img", "src")
	icon, _ := home.Attr(`link[rel="icon"]`, "href")
	hashed := func(name, ext string) *regexp.Regexp {
		return regexp.MustCompile(`^/static/` + name + `\.[0-9a-f]{12}\.` + ext + `$`)
	}
	if !hashed("css/site", "css").MatchString(css) || !hashed("img/logo", "svg").MatchString(logo) || !hashed("img/favicon", "svg").MatchString(icon) {
		t.Fatalf("got stylesheet %q, logo %q, icon %q in the home page, want hashed names under /static/", css, logo, icon)
	}

	immutable := "public, max-age=31536000, immutable"
	raw := c.Get(css).Want(t, 200)
	for k, v := range map[string]string{"Content-Type": "text/css; charset=utf-8", "Cache-Control": immutable, "Vary": "Accept-Encoding", "Content-Encoding": ""} {
		if got := raw.Header.Get(k); got != v {
			t.Errorf("%s: got %s %q, want %q", css, k, got, v)
		}
	}
	original := []byte(raw.Body)
	if !bytes.Contains(original, []byte("--rust")) {
		t.Fatal("got a stylesheet without the site's colours")
	}
	etag := raw.Header.Get("ETag")

	sitetest.Run(t, h, []sitetest.Scenario{
		{Name: "plain name, short lifetime", Path: "/static/css/site.css", Status: 200, WantHeader: map[string]string{"Cache-Control": "public, max-age=300"}},
		{Name: "svg", Path: logo, Status: 200, WantHeader: map[string]string{"Content-Type": "image/svg+xml", "Cache-Control": immutable}},
		{Name: "not modified", Path: css, Header: map[string]string{"If-None-Match": etag}, Status: 304},
		{Name: "brotli preferred", Path: css, Header: map[string]string{"Accept-Encoding": "gzip, deflate, br"}, Status: 200,
			WantHeader: map[string]string{"Content-Encoding": "br", "ETag": strings.TrimSuffix(etag, `"`) + `-br"`}},
		{Name: "gzip", Path: css, Header: map[string]string{"Accept-Encoding": "gzip"}, Status: 200, WantHeader: map[string]string{"Content-Encoding": "gzip"}},
		{Name: "brotli refused with q=0", Path: css, Header: map[string]string{"Accept-Encoding": "br;q=0, gzip"}, Status: 200,
			WantHeader: map[string]string{"Content-Encoding": "gzip"}},
		{Name: "identity only", Path: css, Header: map[string]string{"Accept-Encoding": "identity"}, Status: 200, WantHeader: map[string]string{"Content-Encoding": ""}},
		{Name: "compressed not modified", Path: css, Header: map[string]string{"Accept-Encoding": "br", "If-None-Match": strings.TrimSuffix(etag, `"`) + `-br"`}, Status: 304},
		{Name: "missing file", Path: "/static/css/missing.css", Status: 404, Has: notFoundPage},
		{Name: "wrong hash", Path: "/static/css/site.000000000000.css", Status: 404},
		{Name: "directory", Path: "/static/css/", Status: 404},
		{Name: "the embedding Go file", Path: "/static/static.go", Status: 404},
		{Name: "POST", Method: http.MethodPost, Path: css, Status: 405},
	})

	t.Run("compressed bodies decode to the file", func(t *testing.T) {
		t.Parallel()
		for _, enc := range []string{"br", "gzip"} {
			res := sitetest.NewClient(t, h).Get(css, "Accept-Encoding", enc).Want(t, 200)
			body := strings.NewReader(res.Body)
			var r io.Reader = brotli.NewReader(body)
			if enc == "gzip" {
				gz, err := gzip.NewReader(body)
				if err != nil {
					t.Fatal(err)
				}
				r = gz
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, original) {
				t.Errorf("%s: got %d bytes (%v), want the %d bytes of the file", enc, len(got), err, len(original))
			}
			if body.Len() != 0 {
				t.Errorf("%s: got trailing bytes", enc)
			}
		}
	})

	t.Run("path tricks", func(t *testing.T) {
		t.Parallel()
		// Sent raw, as an attacker would: no client cleans these paths first.
		for _, target := range []string{
			"/static/../go.mod", "/static/%2e%2e/go.mod", "/static/css/../../go.mod", "/static/..%2fgo.mod",
			"/static/%2e%2e%2f%2e%2e%2fetc/passwd", "/static//etc/passwd", `/static/..\go.mod`,
		} {
			u, err := url.ParseRequestURI(target)
			if err != nil {
				t.Fatal(err)
			}
			req := &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}, Host: "example.com", RequestURI: target}
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

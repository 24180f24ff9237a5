package admin_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkSignedInCachedChangelist is a signed-in superuser's lettings
// changelist served from the admin's page cache, through the site-wide
// middleware: what every request of a browsing member of staff costs. The
// response is discarded, so that what it allocates is the site's alone.
func BenchmarkSignedInCachedChangelist(b *testing.B) {
	s := newSite(b, withVars("DEBUG", "false"))
	s.superuser(b, "boss")
	c := s.signedIn(b, "boss")
	c.get(lettingsList).Want(b, http.StatusOK)
	req := httptest.NewRequest(http.MethodGet, "https://example.com"+lettingsList, nil)
	req.Header.Set("Cookie", "sessionid="+c.session())
	b.ReportAllocs()
	for b.Loop() {
		w := &discard{header: http.Header{}, status: http.StatusOK}
		s.Handler.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("got %d", w.status)
		}
	}
}

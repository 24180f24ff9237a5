package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPerimeterRefusesUnreadableAddresses(t *testing.T) {
	p := &Perimeter{AllowedHosts: []string{"example.com"}, MaxBodyBytes: 1024, Exempt: []string{"/healthz"}, Pages: testPages(t, io.Discard)}
	reached := false
	h := p.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached = true
		_, _ = io.WriteString(w, "page")
	}))
	tests := []struct {
		target string
		status int
	}{
		{"/lettings/?q=caf%C3%A9", 200},
		{"/lettings/?q=%25&page=2", 200},
		{"/lettings/?q=", 200},
		{"/profiles/Ren%C3%A9e/", 200},
		{"/profiles/a%2Fb/", 200},
		{"/lettings/?q=%00", 400},
		{"/lettings/?q=a%00b", 400},
		{"/lettings/?%00=x", 400},
		{"/lettings/?q=%FF", 400},
		{"/lettings/?q=%C0%80", 400},    // an over-long NUL
		{"/lettings/?q=%ED%A0%80", 400}, // a lone surrogate
		{"/profiles/%00/", 400},
		{"/profiles/%FF/", 400},
		{"/healthz?x=%00", 400},
		{"/lettings/?q=%zz", 400},
		{"/lettings/?q=a;page=2", 400},
		{"/lettings/?q=100%", 400},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			reached = false
			rec := serve(h, "GET", tt.target, map[string]string{"Host": "example.com"})
			if rec.Code != tt.status {
				t.Fatalf("got %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 400 && (reached || !strings.Contains(rec.Body.String(), "error 400")) {
				t.Errorf("got the handler reached (%v) or page %q, want the 400 page only", reached, rec.Body)
			}
		})
	}
	t.Run("the host check comes first", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/lettings/?q=%00", nil)
		req.Host = "evil.example"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 400 || rec.Body.String() != badHost {
			t.Errorf("got %d %q, want the fixed bad-host answer", rec.Code, rec.Body)
		}
	})
}

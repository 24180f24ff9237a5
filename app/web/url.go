package web

import (
	"context"
	"net/http"
	"strings"
)

// Origin decides the scheme and host of the site's absolute links.
type Origin struct {
	SiteURL string  // the configured canonical address ("https://example.com"); empty: each request's own
	Proxies Proxies // whether a request came over HTTPS, when no SiteURL is set
}

type baseURLKey struct{}

// Middleware finds the site's address once, for BaseURL, and for the page
// cache to keep pages with absolute links per address.
func (o Origin) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := o.SiteURL
		if base == "" {
			scheme := "http"
			if o.Proxies.IsSecure(r) {
				scheme = "https"
			}
			base = scheme + "://" + strings.ToLower(r.Host)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), baseURLKey{}, base)))
	})
}

// BaseURL is the scheme and host for absolute links (the sitemap's): the
// configured site address, or the one the request reached, as
// Origin.Middleware found it. The host has passed the allowed-hosts check
// by then.
func BaseURL(r *http.Request) string {
	if base, ok := r.Context().Value(baseURLKey{}).(string); ok {
		return base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + strings.ToLower(r.Host)
}

package web

import (
	"net/http"
	"strings"
)

// Origin decides the scheme and host of the site's absolute links.
type Origin struct {
	SiteURL string  // the configured canonical address ("https://example.com"); empty: each request's own
	Proxies Proxies // whether a request came over HTTPS, when no SiteURL is set
}

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
		r, f := withFacts(r)
		f.base = base
		next.ServeHTTP(w, r)
	})
}

// BaseURL is the scheme and host for absolute links (the sitemap's): the
// configured site address, or the one the request reached, as
// Origin.Middleware found it. The host has passed the allowed-hosts check
// by then.
func BaseURL(r *http.Request) string {
	if f := factsOf(r.Context()); f != nil && f.base != "" {
		return f.base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + strings.ToLower(r.Host)
}

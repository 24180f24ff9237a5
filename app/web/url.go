package web

import "net/http"

// BaseURL is the scheme and host the request reached, for absolute links
// (the sitemap's). The host has passed the allowed-hosts check by then.
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

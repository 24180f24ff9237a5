package public

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Routes registers the public pages on r. Every one of them is served from
// the page cache while the content has not changed, kept under what its
// handler reads of the request: the path, the query parameters named here,
// and for pages with absolute links the site's address.
func (s *Site) Routes(r chi.Router) {
	h := s.errors.Handle
	page, absolute := s.cached(false), s.cached(true)
	r.With(page()).Method("GET", "/", h(s.home))
	r.With(page("q", "page")).Method("GET", "/lettings/", h(s.lettings))
	r.With(page()).Method("GET", "/lettings/{id}/", h(s.letting))
	r.With(page("page")).Method("GET", "/profiles/", h(s.profiles))
	r.With(page()).Method("GET", "/profiles/{username}/", h(s.profile))
	r.With(absolute()).Method("GET", "/robots.txt", h(s.robots))
	r.With(absolute()).Method("GET", "/sitemap.xml", h(s.sitemap))
	r.With(absolute()).Method("GET", "/sitemap-{part}.xml", h(s.sitemapPart))
}

// cached declares what a route's page depends on; without a cache it
// changes nothing.
func (s *Site) cached(absolute bool) func(params ...string) func(http.Handler) http.Handler {
	return func(params ...string) func(http.Handler) http.Handler {
		switch {
		case s.cache == nil:
			return func(next http.Handler) http.Handler { return next }
		case absolute:
			return s.cache.AbsolutePage(params...)
		default:
			return s.cache.Page(params...)
		}
	}
}

package public

import (
	"github.com/go-chi/chi/v5"
)

// Routes registers the public pages on r. Every one of them is served from
// the page cache while the database has not changed.
func (s *Site) Routes(r chi.Router) {
	h := s.errors.Handle
	r.Group(func(r chi.Router) {
		if s.cache != nil {
			r.Use(s.cache.Middleware)
		}
		r.Method("GET", "/", h(s.home))
		r.Method("GET", "/lettings/", h(s.lettings))
		r.Method("GET", "/lettings/{id}/", h(s.letting))
		r.Method("GET", "/profiles/", h(s.profiles))
		r.Method("GET", "/profiles/{username}/", h(s.profile))
		r.Method("GET", "/robots.txt", h(s.robots))
		r.Method("GET", "/sitemap.xml", h(s.sitemap))
		r.Method("GET", "/sitemap-{part}.xml", h(s.sitemapPart))
	})
}

// Package public is the visitors' HTTP front end: the home page, lettings and
// member profiles, in the site's own design. It builds on package app and its
// sub-packages and never imports package admin.
package public

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"oclettings/app/database"
	"oclettings/app/web"
)

//go:embed templates
var templateFiles embed.FS

// pageSize is how many lettings or profiles a list page shows.
const pageSize = 20

// DefaultCacheBytes bounds the memory the rendered pages may take.
const DefaultCacheBytes = 8 << 20

// Site serves the public pages.
type Site struct {
	db        *database.DB
	templates *web.Templates
	errors    *web.ErrorPages
	cache     *web.PageCache
	now       func() time.Time
	// sitemapLimit is sitemapLimit, except in tests of the sitemap index,
	// which would otherwise need 50,000 rows.
	sitemapLimit int
}

// New parses the templates and prepares the error pages, so that a broken
// template stops the start rather than a visitor's request. Rendered pages
// are kept in at most cacheBytes of memory; 0 turns the cache off.
func New(db *database.DB, assets *web.Assets, logger *slog.Logger, cacheBytes int) (*Site, error) {
	sub, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	templates, err := web.ParseTemplates(sub, template.FuncMap{"static": assets.URL})
	if err != nil {
		return nil, err
	}
	s := &Site{db: db, templates: templates, now: time.Now, sitemapLimit: sitemapLimit}
	if cacheBytes > 0 {
		s.cache = web.NewPageCache(db.ContentVersion, cacheBytes)
	}
	if s.errors, err = web.NewErrorPages(s.renderError, logger); err != nil {
		return nil, err
	}
	return s, nil
}

// Errors answers failures with the public site's error pages; the root
// router uses it for paths that belong to no front end.
func (s *Site) Errors() *web.ErrorPages { return s.errors }

// view is what the layout needs from every page.
type view struct {
	Title       string
	Description string
	Section     string // highlights "lettings" or "profiles" in the navigation
	Year        int
	Content     any
}

// render sends a page with status 200.
func (s *Site) render(w http.ResponseWriter, r *http.Request, page string, v view) error {
	v.Year = s.now().Year()
	body, err := s.templates.Execute(page, v)
	if err != nil {
		return err
	}
	web.WriteHTML(w, r, http.StatusOK, body)
	return nil
}

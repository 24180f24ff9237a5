package public

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"oclettings/app/models"
	"oclettings/app/paging"
	"oclettings/app/web"
)

func (s *Site) lettings(w http.ResponseWriter, r *http.Request) error {
	query := models.Search(r.URL.Query().Get("q"))
	total, err := models.CountLettings(r.Context(), s.db.Read, query)
	if err != nil {
		return err
	}
	links, err := resolvePage(r, "/lettings/", query, total)
	if err != nil {
		return err
	}
	page := links.Page
	lettings, err := models.ListLettings(r.Context(), s.db.Read, query, page.Size, page.Offset())
	if err != nil {
		return err
	}
	return s.render(w, r, "lettings", view{
		Title:       links.title("Lettings"),
		Description: "Every holiday home Orange County Lettings lets, with a search by title, city or state.",
		Section:     "lettings",
		Content: struct {
			Query     string
			MaxLength int
			Lettings  []models.Letting
			Page      paging.Page
			Links     pageLinks
		}{query, models.MaxSearchLength, lettings, page, links},
	})
}

func (s *Site) letting(w http.ResponseWriter, r *http.Request) error {
	id, ok := parseID(chi.URLParam(r, "id"))
	if !ok {
		return web.Status(http.StatusNotFound)
	}
	l, err := models.GetLetting(r.Context(), s.db.Read, id)
	if err != nil {
		return err
	}
	a := l.Address
	return s.render(w, r, "letting", view{
		Title:       l.Title,
		Description: l.Title + ", a holiday home at " + a.City + ", " + a.State + ", let by Orange County Lettings.",
		Section:     "lettings",
		Content:     l,
	})
}

// parseID accepts what Django's <int:…> path converter accepts, digits
// only, and refuses zero and numbers too large for an id.
func parseID(raw string) (int64, bool) {
	if raw == "" || strings.TrimLeft(raw, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	return id, err == nil && id > 0
}

// resolvePage reads the page a list was asked for. A page that does not
// exist is answered with a redirect to the nearest one that does.
func resolvePage(r *http.Request, path, query string, total int) (pageLinks, error) {
	links := pageLinks{Path: path, Query: query}
	page, ok := paging.Resolve(r.URL.Query().Get("page"), total, pageSize)
	if !ok {
		return links, web.Redirect(links.URL(page.Number))
	}
	links.Page = page
	return links, nil
}

// title is a list's page title, with the page number past the first.
func (l pageLinks) title(base string) string {
	if l.Page.Number > 1 {
		return base + " (page " + strconv.Itoa(l.Page.Number) + ")"
	}
	return base
}

// pageLinks builds the links of a paginated list, keeping its search.
type pageLinks struct {
	Path  string
	Query string
	Page  paging.Page
}

// URL is the address of page n of the list; the first page has no number.
func (l pageLinks) URL(n int) string {
	v := url.Values{}
	if l.Query != "" {
		v.Set("q", l.Query)
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return l.Path
	}
	return l.Path + "?" + v.Encode()
}

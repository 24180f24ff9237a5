package public

import (
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"oclettings/app/models"
	"oclettings/app/paging"
	"oclettings/app/web"
)

func (s *Site) profiles(w http.ResponseWriter, r *http.Request) error {
	total, err := models.CountProfiles(r.Context(), s.db.Read)
	if err != nil {
		return err
	}
	links, err := resolvePage(r, "/profiles/", "", total)
	if err != nil {
		return err
	}
	page := links.Page
	profiles, err := models.ListProfiles(r.Context(), s.db.Read, page.Size, page.Offset())
	if err != nil {
		return err
	}
	return s.render(w, r, "profiles", view{
		Title:       links.title("Profiles"),
		Description: "The members of Orange County Lettings.",
		Section:     "profiles",
		Content: struct {
			Profiles []models.Profile
			Page     paging.Page
			Links    pageLinks
		}{profiles, page, links},
	})
}

func (s *Site) profile(w http.ResponseWriter, r *http.Request) error {
	// The router matches the escaped path when the request had escapes in
	// it; usernames never contain "%", so decoding here is always safe.
	username, err := url.PathUnescape(chi.URLParam(r, "username"))
	if err != nil {
		return web.Status(http.StatusNotFound)
	}
	p, err := models.GetProfileByUsername(r.Context(), s.db.Read, username)
	if err != nil {
		return err
	}
	return s.render(w, r, "profile", view{
		Title:       p.User.Username,
		Description: "The profile of " + p.User.Username + ", a member of Orange County Lettings.",
		Section:     "profiles",
		Content:     p,
	})
}

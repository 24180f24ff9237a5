package admin

import "net/http"

// logout ends the session; it answers POST only, as in Django 5, so a link
// or an image on another site cannot sign anyone out.
func (s *Site) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "logged_out", page{
		Title:       "Logged out",
		Breadcrumbs: []crumb{{Label: "Home", URL: "/admin/"}},
		signedOut:   true,
	})
}

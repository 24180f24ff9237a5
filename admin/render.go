package admin

import (
	"context"
	"net/http"
	"strconv"

	"oclettings/app/models"
	"oclettings/app/web"
)

// page is what the admin's layout needs from every page.
type page struct {
	Title       string // the <title>, before " | OC Lettings site admin"
	Heading     string // the <h1>, when the page has one
	BodyClass   string
	User        *models.User // signed-in staff; nil on the login pages
	CSRF        string
	Breadcrumbs []crumb
	Messages    []message
	Content     any
	// Form says the page has a form of its own, which needs the CSRF token
	// even when nobody is signed in (the login page).
	Form bool
	// signedOut leaves the user tools out after the session has ended.
	signedOut bool
}

// crumb is one step of the breadcrumbs; the last one has no link.
type crumb struct {
	Label string
	URL   string
}

// topPage is a page one step below the index, as the site-wide pages
// (password change, backups, the import) are: its title is its heading,
// and its breadcrumbs lead home.
func topPage(title, label string, content any) page {
	return page{Title: title, Heading: title, Content: content,
		Breadcrumbs: []crumb{{Label: "Home", URL: "/admin/"}, {Label: label}}}
}

// render sends a page. Admin pages always say who is signed in and carry
// the session's CSRF token for their forms.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) error {
	if p.User == nil && !p.signedOut {
		p.User = currentUser(r)
	}
	if p.User != nil || p.Form {
		p.CSRF = s.csrf.Token(r)
	}
	p.Messages = s.popMessages(r)
	body, err := s.templates.Execute(name, p)
	if err != nil {
		return err
	}
	web.WriteHTML(w, r, status, body)
	return nil
}

// renderCached sends a page of a signed-in user that depends on nothing but
// the data, the user and the address (a list): while the content version
// stands, the page is sent as rendered before, and build does not run.
// build reads through the context it is given, which outlives the request
// that happened to start it (others may be waiting for the page).
// Pages with messages to show are always built afresh.
func (s *Site) renderCached(w http.ResponseWriter, r *http.Request, name string, build func(ctx context.Context) (page, error)) error {
	user := currentUser(r)
	token := s.csrf.Token(r)
	if messages := s.popMessages(r); len(messages) > 0 {
		p, err := build(r.Context())
		if err != nil {
			return err
		}
		p.User, p.CSRF, p.Messages = user, token, messages
		body, err := s.templates.Execute(name, p)
		if err != nil {
			return err
		}
		web.WriteHTML(w, r, http.StatusOK, body)
		return nil
	}
	key := name + " " + strconv.FormatInt(user.ID, 10) + " " + r.URL.RequestURI()
	body, err := s.pages.render(r.Context(), s.memo, key, token, func(ctx context.Context, marker string) ([]byte, error) {
		p, err := build(ctx)
		if err != nil {
			return nil, err
		}
		p.User, p.CSRF = user, marker
		return s.templates.Execute(name, p)
	})
	if err != nil {
		return err
	}
	web.WriteHTML(w, r, http.StatusOK, body)
	return nil
}

// renderError renders the admin's error page for a status, in Django's
// admin words.
func (s *Site) renderError(status int, message string) ([]byte, error) {
	text := web.ErrorWords(web.AdminVoice, status, message)
	return s.templates.Execute("error", page{
		Title:   text.Title,
		Heading: text.Title,
		Content: text.Message,
	})
}

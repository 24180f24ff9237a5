package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

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

	// What the layout adds around every page, from the request (see frame).

	// IsPopup is Django's is_popup: the page opened in a popup window (the
	// request carries _popup) shows no header, breadcrumbs or sidebar.
	IsPopup bool
	// Sidebar is the navigation sidebar's list, the index's list of what
	// the user may see; nil where Django shows none.
	Sidebar []appEntry
	// CurrentApp and CurrentModel ("lettings", "lettings.letting") mark the
	// sidebar's entries of the page's model.
	CurrentApp, CurrentModel string
	// UTCOffset is the configured time zone's offset now, in seconds, for
	// the date widgets' "You are N hours ahead of server time".
	UTCOffset int
}

// sidebarless are the pages Django shows without the navigation sidebar
// even to signed-in staff: the index lists the same models already, and
// the others are not pages of the site's content.
var sidebarless = map[string]bool{"index": true, "login": true, "logged_out": true, "popup_response": true}

// frame fills in what the layout shows around the page of name.
func (s *Site) frame(r *http.Request, name string, p *page) {
	p.IsPopup = isPopup(r)
	_, p.UTCOffset = time.Now().In(s.loc).Zone()
	if p.IsPopup || p.signedOut || sidebarless[name] || !isStaff(r) {
		return
	}
	// The same list as the index's, computed in one place: the registry.
	p.Sidebar = s.registry.visible(permissions(r), "")
	for _, app := range p.Sidebar {
		if !strings.HasPrefix(r.URL.Path, "/admin/"+app.Label+"/") {
			continue
		}
		p.CurrentApp = app.Label
		for _, m := range app.Models {
			if strings.HasPrefix(r.URL.Path, m.URL()) {
				p.CurrentModel = m.Key()
			}
		}
	}
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
	s.frame(r, name, &p)
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
//
// The key is the user and the address: the frame around the page depends on
// nothing else but the user's permissions (the sidebar), which are content,
// so a change moves the version; the address says whether it is a popup;
// the time zone's offset, which moves twice a year without the content,
// goes in the key.
func (s *Site) renderCached(w http.ResponseWriter, r *http.Request, name string, build func(ctx context.Context) (page, error)) error {
	user := currentUser(r)
	token := s.csrf.Token(r)
	if messages := s.popMessages(r); len(messages) > 0 {
		p, err := build(r.Context())
		if err != nil {
			return err
		}
		p.User, p.CSRF, p.Messages = user, token, messages
		s.frame(r, name, &p)
		body, err := s.templates.Execute(name, p)
		if err != nil {
			return err
		}
		web.WriteHTML(w, r, http.StatusOK, body)
		return nil
	}
	_, offset := time.Now().In(s.loc).Zone()
	// One allocation for the key, not one per piece: every request the
	// cache answers makes it.
	var b [256]byte
	k := append(b[:0], "page:"...)
	k = append(append(k, name...), ' ')
	k = append(strconv.AppendInt(k, user.ID, 10), ' ')
	k = append(strconv.AppendInt(k, int64(offset), 10), ' ')
	key := string(append(k, r.URL.RequestURI()...))
	body, err := s.pages.render(r.Context(), s.memo, key, token, func(ctx context.Context, marker string) ([]byte, error) {
		p, err := build(ctx)
		if err != nil {
			return nil, err
		}
		p.User, p.CSRF = user, marker
		// The frame is built with the page, not on every request the cache
		// answers; its offset is the one the key was made with.
		s.frame(r, name, &p)
		p.UTCOffset = offset
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

package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/migrations/testdb"
	"oclettings/public"
)

// What the admin says and the password of every test user.
const (
	invalidLogin = "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive."
	throttled    = "Too many failed login attempts. Please try again later."
	bossPassword = "Tangerine-Harbour-42"
)

// adminSite is a running site for admin tests: a real HTTP server on a
// fresh seeded database, with a clock the test moves.
type adminSite struct {
	t     *testing.T
	srv   *httptest.Server
	db    *database.DB
	clock *sitetest.Clock
}

// newAdminSite starts a site; vars change its configuration (DEBUG off
// serves it over TLS, as production would be).
func newAdminSite(t *testing.T, vars ...string) *adminSite {
	t.Helper()
	return adminSiteOn(t, testdb.Seeded(t), vars...)
}

// adminSiteOn starts a site on a database the test prepared.
func adminSiteOn(t *testing.T, db *database.DB, vars ...string) *adminSite {
	t.Helper()
	cfg := testConfig(t, vars...)
	c := sitetest.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	h := newRouter(t, db, cfg, public.DefaultCacheBytes, c.Now)
	var srv *httptest.Server
	if cfg.Debug {
		srv = httptest.NewServer(h)
	} else {
		srv = httptest.NewTLSServer(h)
	}
	t.Cleanup(srv.Close)
	return &adminSite{t: t, srv: srv, db: db, clock: c}
}

// user creates a user with a password; options set staff, superuser, inactive.
func (s *adminSite) user(username, password string, staff, superuser, active bool) *models.User {
	s.t.Helper()
	hash, err := cheapHasher.Hash(password)
	if err != nil {
		s.t.Fatal(err)
	}
	u := &models.User{Username: username, Password: hash, IsStaff: staff, IsSuperuser: superuser, IsActive: active, FirstName: ""}
	if err := models.CreateUser(context.Background(), s.db.Write, u); err != nil {
		s.t.Fatal(err)
	}
	return u
}

// staff signs in a new browser as a new staff user holding the given
// permissions ("lettings.view_letting"); superuser for "*".
func (s *adminSite) staff(t *testing.T, username string, perms ...string) *browser {
	t.Helper()
	ctx := context.Background()
	super := len(perms) == 1 && perms[0] == "*"
	u := s.user(username, bossPassword, true, super, true)
	var ids []int64
	for _, p := range perms {
		if super {
			break
		}
		app, codename, _ := strings.Cut(p, ".")
		perm, err := models.GetPermission(ctx, s.db.Read, app, codename)
		if err != nil {
			t.Fatalf("permission %s: %v", p, err)
		}
		ids = append(ids, perm.ID)
	}
	if err := models.SetUserPermissions(ctx, s.db.Write, u.ID, ids); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.login(username, bossPassword).redirect(t, "/admin/")
	return b
}

// browser is a client that keeps cookies and does not follow redirects, so
// that tests see each answer as it is.
type browser struct {
	site   *adminSite
	client *http.Client
	header http.Header // sent with every request
}

func (s *adminSite) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	client := *s.srv.Client() // a copy: the server hands out one shared client
	client.Jar = jar
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{site: s, client: &client, header: http.Header{}}
}

// page is an answer.
type page struct {
	status   int
	header   http.Header
	body     string
	location string
}

func (b *browser) do(method, path string, form url.Values, header map[string]string) page {
	b.site.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.site.srv.URL+path, body)
	if err != nil {
		b.site.t.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return b.send(req)
}

// send sends a request the caller built, with the browser's cookies.
func (b *browser) send(req *http.Request) page {
	b.site.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.site.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.site.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(raw), location: resp.Header.Get("Location")}
}

func (b *browser) get(path string) page {
	b.site.t.Helper()
	return b.do(http.MethodGet, path, nil, nil)
}

// post sends a form with the CSRF token of the browser's session.
func (b *browser) post(path string, form url.Values) page {
	b.site.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrfmiddlewaretoken") == "" {
		form.Set("csrfmiddlewaretoken", b.csrfToken())
	}
	return b.do(http.MethodPost, path, form, nil)
}

var csrfInput = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([^"]+)"`)

// csrfToken reads the token from a page with a form: the login page for
// someone signed out, the index for staff.
func (b *browser) csrfToken() string {
	b.site.t.Helper()
	p := b.get("/admin/login/")
	if p.status == http.StatusFound {
		p = b.get("/admin/")
	}
	m := csrfInput.FindStringSubmatch(p.body)
	if m == nil {
		b.site.t.Fatalf("no CSRF token on the page:\n%s", p.body)
	}
	return m[1]
}

// login signs in and returns the answer to the login form.
func (b *browser) login(username, password string, next ...string) page {
	b.site.t.Helper()
	form := url.Values{"username": {username}, "password": {password}}
	if len(next) > 0 {
		form.Set("next", next[0])
	}
	return b.post("/admin/login/", form)
}

func (p page) want(t *testing.T, status int, contains ...string) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("got status %d (Location %q), want %d\n%s", p.status, p.location, status, p.body)
	}
	for _, s := range contains {
		if !strings.Contains(p.body, s) {
			t.Errorf("got a page without %q\n%s", s, p.body)
		}
	}
	return p
}

func (p page) redirect(t *testing.T, location string) {
	t.Helper()
	if p.status != http.StatusFound && p.status != http.StatusMovedPermanently {
		t.Fatalf("got status %d, want a redirect to %s\n%s", p.status, location, p.body)
	}
	if p.location != location {
		t.Errorf("got Location %q, want %q", p.location, location)
	}
}

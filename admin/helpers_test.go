// admin harness: READY

package admin_test

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"

	"oclettings/admin"
	"oclettings/app/accounts"
	"oclettings/app/auth"
	"oclettings/app/backup"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/app/web"
)

// password is every test user's password.
const password = "Tangerine-Harbour-42"

// The admin's words the tests look for, as Django writes them.
const (
	msgInvalidLogin = "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive."
	msgThrottled    = "Too many failed login attempts. Please try again later."
)

// countingHasher is a cheap hasher that counts the key derivations the
// admin asks for and can hold them at a gate, so that a test sees what was
// checked and can keep a hash running while it sends another request.
type countingHasher struct {
	auth.Hasher

	mu          sync.Mutex
	derivations int
	gate        chan struct{}
	entered     chan struct{}
}

func (h *countingHasher) derive() {
	h.mu.Lock()
	h.derivations++
	gate, entered := h.gate, h.entered
	h.mu.Unlock()
	if entered != nil {
		entered <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
}

func (h *countingHasher) Check(password, encoded string) (bool, bool) {
	if auth.IsUsable(encoded) {
		h.derive()
	}
	return h.Hasher.Check(password, encoded)
}

func (h *countingHasher) Burn(password string) {
	h.derive()
	h.Hasher.Burn(password)
}

func (h *countingHasher) Hash(password string) (string, error) {
	h.derive()
	return h.Hasher.Hash(password)
}

// count is how many derivations the admin has asked for.
func (h *countingHasher) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.derivations
}

// hold makes the derivations from now on wait for release; entered
// receives once for each derivation that starts waiting.
func (h *countingHasher) hold() (entered <-chan struct{}, release func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gate, h.entered = make(chan struct{}), make(chan struct{}, 64)
	gate := h.gate
	var once sync.Once
	return h.entered, func() { once.Do(func() { close(gate) }) }
}

// site is the admin behind the site-wide middleware, on a test database,
// with a counting hasher and a clock the test moves.
type site struct {
	DB       *database.DB
	Config   *config.Config
	Clock    *sitetest.Clock
	Hasher   *countingHasher
	Accounts *accounts.Service
	Handler  http.Handler
	// base is what request paths are resolved against: https:// when
	// DEBUG is off, so that the session cookie, marked Secure, travels as
	// it would from a browser to the production site.
	base string
}

// siteOptions are what an option may change.
type siteOptions struct {
	db      *database.DB
	vars    []string
	logger  *slog.Logger
	backups *backup.Service
	extra   []sitetest.Option
	build   func(admin.Config) (*admin.Site, error)
}

// option changes how newSite builds the site.
type option func(*siteOptions)

// onDB builds the site on a database the test prepared (a seeded one
// otherwise).
func onDB(db *database.DB) option { return func(o *siteOptions) { o.db = db } }

// withVars changes the configuration: NAME, value pairs as in the
// environment.
func withVars(vars ...string) option {
	return func(o *siteOptions) { o.vars = append(o.vars, vars...) }
}

// withLogger sends the admin's logs and the site-wide ones to logger.
func withLogger(logger *slog.Logger) option {
	return func(o *siteOptions) { o.logger = logger }
}

// withBackups gives the admin the backup service its pages use.
func withBackups(b *backup.Service) option { return func(o *siteOptions) { o.backups = b } }

// withAdmin builds the admin with build instead of admin.New (a registry
// changed by a test of package admin, exported by its _test files).
func withAdmin(build func(admin.Config) (*admin.Site, error)) option {
	return func(o *siteOptions) { o.build = build }
}

// withSiteOptions passes options on to sitetest.Handler.
func withSiteOptions(opts ...sitetest.Option) option {
	return func(o *siteOptions) { o.extra = append(o.extra, opts...) }
}

// newSite builds the admin as the binary does and mounts it behind the
// site-wide middleware.
func newSite(t testing.TB, opts ...option) *site {
	t.Helper()
	o := siteOptions{logger: sitetest.Discard}
	for _, opt := range opts {
		opt(&o)
	}
	if o.db == nil {
		o.db = sitetest.DB(t)
	}
	cfg := sitetest.Config(t, o.vars...)
	s := &site{
		DB:     o.db,
		Config: cfg,
		Clock:  sitetest.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)),
		Hasher: &countingHasher{Hasher: auth.Hasher{Memory: 64, Time: 1, Threads: 1}},
		base:   "http://example.com",
	}
	if !cfg.Debug {
		s.base = "https://example.com"
	}
	s.Accounts = &accounts.Service{DB: o.db, Hasher: s.Hasher, Now: s.Clock.Now}
	build := admin.New
	if o.build != nil {
		build = o.build
	}
	adm, err := build(admin.Config{
		DB:            o.db,
		SecureCookies: !cfg.Debug,
		Assets:        sitetest.Assets(t),
		Logger:        o.logger,
		SecretKey:     cfg.SecretKey,
		Accounts:      s.Accounts,
		Backups:       o.backups,
		TimeZone:      cfg.TimeZone,
	})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := web.NewErrorPages(func(status int, message string) ([]byte, error) {
		return fmt.Appendf(nil, "<!doctype html><title>%d</title><h1>%s</h1><p>%s</p>",
			status, http.StatusText(status), html.EscapeString(message)), nil
	}, o.logger)
	if err != nil {
		t.Fatal(err)
	}
	siteOpts := append([]sitetest.Option{sitetest.WithLogger(o.logger)}, o.extra...)
	s.Handler = sitetest.Handler(t, cfg, o.db, pages, func(r chi.Router) { adm.Routes(r) }, siteOpts...)
	return s
}

// user creates u with password (unless u has a password of its own).
func (s *site) user(t testing.TB, u models.User) *models.User {
	t.Helper()
	if u.Password == "" {
		hash, err := s.Hasher.Hasher.Hash(password)
		if err != nil {
			t.Fatal(err)
		}
		u.Password = hash
	}
	if err := models.CreateUser(context.Background(), s.DB.Write, &u); err != nil {
		t.Fatalf("create user %s: %v", u.Username, err)
	}
	return &u
}

// superuser creates an active staff superuser.
func (s *site) superuser(t testing.TB, username string) *models.User {
	t.Helper()
	return s.user(t, models.User{Username: username, IsStaff: true, IsSuperuser: true, IsActive: true})
}

// staffUser creates an active staff member holding perms, each written
// "app.codename" ("lettings.view_letting"); "*" alone makes a superuser.
func (s *site) staffUser(t testing.TB, username string, perms ...string) *models.User {
	t.Helper()
	if len(perms) == 1 && perms[0] == "*" {
		return s.superuser(t, username)
	}
	u := s.user(t, models.User{Username: username, IsStaff: true, IsActive: true})
	ids := make([]int64, 0, len(perms))
	for _, p := range perms {
		ids = append(ids, s.permission(t, p))
	}
	if err := models.SetUserPermissions(context.Background(), s.DB.Write, u.ID, ids); err != nil {
		t.Fatal(err)
	}
	return u
}

// permission is the id of the permission written "app.codename".
func (s *site) permission(t testing.TB, key string) int64 {
	t.Helper()
	app, codename, _ := strings.Cut(key, ".")
	p, err := models.GetPermission(context.Background(), s.DB.Read, app, codename)
	if err != nil {
		t.Fatalf("permission %s: %v", key, err)
	}
	return p.ID
}

// staff signs a new client in as a new staff member holding perms, as
// staffUser makes one.
func (s *site) staff(t testing.TB, username string, perms ...string) *client {
	t.Helper()
	s.staffUser(t, username, perms...)
	return s.signedIn(t, username)
}

// signedIn returns a new client signed in as username, with password.
func (s *site) signedIn(t testing.TB, username string) *client {
	t.Helper()
	c := s.client(t)
	redirect(t, c.login(username, password), "/admin/")
	return c
}

// client is a browser: it keeps its cookies, knows its session's CSRF
// token, and does not follow redirects.
type client struct {
	*sitetest.Client
	t    testing.TB
	site *site

	mu     sync.Mutex
	tokens map[string]string // session cookie → its CSRF token
}

func (s *site) client(t testing.TB) *client {
	return &client{Client: sitetest.NewClient(t, s.Handler), t: t, site: s, tokens: map[string]string{}}
}

// url resolves path against the site's address.
func (c *client) url(path string) string { return c.site.base + path }

// request builds a request to path; header holds NAME, value pairs.
func (c *client) request(method, path string, body string, header ...string) *http.Request {
	c.t.Helper()
	if len(header)%2 != 0 {
		c.t.Fatalf("%s %s: got %d header strings, want NAME, value pairs", method, path, len(header))
	}
	var req *http.Request
	if body == "" && method == http.MethodGet {
		req = httptest.NewRequest(method, c.url(path), nil)
	} else {
		req = httptest.NewRequest(method, c.url(path), strings.NewReader(body))
	}
	for i := 0; i < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// tokenInput finds a form's CSRF token without parsing the page, which
// most requests never need.
var tokenInput = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([^"]+)"`)

// Do sends req and notes the CSRF token of the page that comes back.
func (c *client) Do(req *http.Request) *sitetest.Response {
	c.t.Helper()
	res := c.Client.Do(req)
	if m := tokenInput.FindStringSubmatch(res.Body); m != nil {
		c.mu.Lock()
		c.tokens[c.session()] = m[1]
		c.mu.Unlock()
	}
	return res
}

// get requests path.
func (c *client) get(path string, header ...string) *sitetest.Response {
	c.t.Helper()
	return c.Do(c.request(http.MethodGet, path, "", header...))
}

// send posts form as it is, without adding a token.
func (c *client) send(path string, form url.Values, header ...string) *sitetest.Response {
	c.t.Helper()
	req := c.request(http.MethodPost, path, form.Encode(), header...)
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.Do(req)
}

// post posts form with the CSRF token of the client's session, unless the
// form has a token of its own.
func (c *client) post(path string, form url.Values, header ...string) *sitetest.Response {
	c.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if !f.Has(web.CSRFField) {
		f.Set(web.CSRFField, c.token())
	}
	return c.send(path, f, header...)
}

// token is the CSRF token of the client's session, read from a page with
// a form when the session is not one the client has seen a token for.
func (c *client) token() string {
	c.t.Helper()
	c.mu.Lock()
	token, ok := c.tokens[c.session()]
	c.mu.Unlock()
	if ok {
		return token
	}
	return c.csrfToken()
}

// csrfToken reads the token from a page with a form, as a browser gets it:
// the login page for someone signed out, the index for staff.
func (c *client) csrfToken() string {
	c.t.Helper()
	res := c.get("/admin/login/")
	if res.Status == http.StatusFound {
		res = c.get("/admin/")
	}
	token, ok := res.Attr(`input[name="csrfmiddlewaretoken"]`, "value")
	if !ok {
		c.t.Fatalf("GET %s: got no CSRF token (status %d)", res.Path, res.Status)
	}
	return token
}

// session is the value of the client's session cookie, "" without one.
func (c *client) session() string {
	v, _ := c.Cookie("sessionid")
	return v
}

// login posts the login form, with next when given, and returns the answer.
func (c *client) login(username, pw string, next ...string) *sitetest.Response {
	c.t.Helper()
	form := url.Values{"username": {username}, "password": {pw}}
	if len(next) > 0 {
		form.Set("next", next[0])
	}
	return c.post("/admin/login/", form)
}

// hiddenFields reads the hidden inputs of a page's forms, as a browser
// sends them back.
func hiddenFields(res *sitetest.Response) url.Values {
	form := url.Values{}
	res.Doc().Find(`form input[type="hidden"][name]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		v, _ := in.Attr("value")
		form.Add(name, v)
	})
	return form
}

// pageForm is what a browser without JavaScript sends, untouched, from
// the page's form.
func pageForm(t *testing.T, res *sitetest.Response) url.Values {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: got status %d, want 200\n%.1500s", res.Path, res.Status, res.Body)
	}
	return formOf(res, "#content-main form")
}

// formOf is what a browser without JavaScript sends, untouched, from the
// forms sel finds: every named control outside a <template>, checkboxes
// only when ticked, each select's chosen options, no submit button.
func formOf(res *sitetest.Response, sel string) url.Values {
	form := url.Values{}
	res.Doc().Find(sel).Find("input[name], select[name], textarea[name]").Each(func(_ int, in *goquery.Selection) {
		if in.Closest("template").Length() > 0 {
			return
		}
		name, _ := in.Attr("name")
		switch {
		case goquery.NodeName(in) == "select":
			in.Find("option[selected]").Each(func(_ int, o *goquery.Selection) {
				v, _ := o.Attr("value")
				form.Add(name, v)
			})
		case goquery.NodeName(in) == "textarea":
			form.Add(name, in.Text())
		default:
			typ, _ := in.Attr("type")
			v, hasValue := in.Attr("value")
			switch typ {
			case "submit", "button":
				return
			case "checkbox", "radio":
				if _, on := in.Attr("checked"); !on {
					return
				}
				if !hasValue {
					v = "on" // a browser's value for a box without one
				}
			}
			form.Add(name, v)
		}
	})
	return form
}

// with returns a copy of form with values set over it.
func with(form url.Values, values url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	for k, v := range values {
		out[k] = v
	}
	return out
}

// redirect fails the test unless res redirects to location.
func redirect(t testing.TB, res *sitetest.Response, location string) {
	t.Helper()
	if res.Status != http.StatusFound && res.Status != http.StatusMovedPermanently && res.Status != http.StatusSeeOther {
		t.Fatalf("%s %s: got status %d, want a redirect to %s\n%.2000s", res.Method, res.Path, res.Status, location, res.Body)
	}
	if got := res.Location(); got != location {
		t.Errorf("%s %s: got Location %q, want %q", res.Method, res.Path, got, location)
	}
}

// has fails the test unless res holds every element.
func has(t testing.TB, res *sitetest.Response, elements ...sitetest.Element) {
	t.Helper()
	for _, e := range elements {
		if res.Find(e) == 0 {
			t.Errorf("%s %s: got no %s, want one", res.Method, res.Path, e)
		}
	}
}

// lacks fails the test if res holds any of the elements.
func lacks(t testing.TB, res *sitetest.Response, elements ...sitetest.Element) {
	t.Helper()
	for _, e := range elements {
		if n := res.Find(e); n > 0 {
			t.Errorf("%s %s: got %d of %s, want none", res.Method, res.Path, n, e)
		}
	}
}

// bodyHas fails the test unless the body holds every string, for words
// that are not about the page's structure.
func bodyHas(t testing.TB, res *sitetest.Response, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(res.Body, s) {
			t.Errorf("%s %s: got a body without %q", res.Method, res.Path, s)
		}
	}
}

// bodyLacks fails the test if the body holds any of the strings.
func bodyLacks(t testing.TB, res *sitetest.Response, unwanted ...string) {
	t.Helper()
	for _, s := range unwanted {
		if strings.Contains(res.Body, s) {
			t.Errorf("%s %s: got a body with %q", res.Method, res.Path, s)
		}
	}
}

// el is an element with text.
func el(sel, text string) sitetest.Element { return sitetest.Element{Sel: sel, Text: text} }

// attr is an element whose attribute name has value.
func attr(sel, name, value string) sitetest.Element {
	return sitetest.Element{Sel: sel, Attr: name, Value: value}
}

// message is a message of the message list.
func message(text string) sitetest.Element { return el(".messagelist li", text) }

// fieldError is an error of a form field, or of the form (name "").
func fieldError(text string) sitetest.Element { return el(".errorlist li", text) }

// errorNote is the note above a form with errors.
func errorNote(text string) sitetest.Element { return el("p.errornote", text) }

// title is the page's title.
func title(text string) sitetest.Element { return el("title", text) }

// addAddresses adds n addresses like like, numbered 1…n, and returns
// their ids.
func addAddresses(t testing.TB, db *database.DB, n int, like models.Address) []int64 {
	t.Helper()
	ids := make([]int64, 0, n)
	for i := 1; i <= n; i++ {
		a := like
		a.Number = i
		if err := models.CreateAddress(context.Background(), db.Write, &a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

// addLettings adds n lettings titled title(1)…title(n), each at an address
// of its own (number i, Test Street, Testville, TX), and returns their ids.
func addLettings(t testing.TB, db *database.DB, n int, title func(i int) string) []int64 {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, 0, n)
	for i := 1; i <= n; i++ {
		a := &models.Address{Number: i, Street: "Test Street", City: "Testville", State: "TX", ZipCode: 75001, CountryISOCode: "USA"}
		if err := models.CreateAddress(ctx, db.Write, a); err != nil {
			t.Fatal(err)
		}
		l := &models.Letting{Title: title(i), AddressID: a.ID}
		if err := models.CreateLetting(ctx, db.Write, l); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	return ids
}

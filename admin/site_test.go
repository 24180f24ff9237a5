package admin

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"oclettings/app/accounts"
	"oclettings/app/auth"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/web"
	"oclettings/static"
)

// testPassword is every test user's password.
const testPassword = "Tangerine-Harbour-42"

// countingHasher is a cheap hasher that counts the key derivations the
// admin asks for and can hold them at a gate, so a test sees what was
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

func (h *countingHasher) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.derivations
}

// hold makes the derivations from now on wait for release.
func (h *countingHasher) hold() (entered <-chan struct{}, release func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gate, h.entered = make(chan struct{}), make(chan struct{}, 16)
	gate := h.gate
	var once sync.Once
	return h.entered, func() { once.Do(func() { close(gate) }) }
}

// testSite is the admin router over HTTP on a test database, with a
// counting hasher.
type testSite struct {
	t        *testing.T
	db       *database.DB
	srv      *httptest.Server
	hasher   *countingHasher
	accounts *accounts.Service
}

func newTestSite(t *testing.T, db *database.DB) *testSite {
	t.Helper()
	assets, err := web.NewAssets(static.Files, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	h := &countingHasher{Hasher: auth.Hasher{Memory: 64, Time: 1, Threads: 1}}
	svc := &accounts.Service{DB: db, Hasher: h, Now: time.Now}
	site, err := New(Config{
		DB:        db,
		Assets:    assets,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		SecretKey: "admin-test-secret-key-of-some-length",
		Accounts:  svc,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	site.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &testSite{t: t, db: db, srv: srv, hasher: h, accounts: svc}
}

// user creates an active staff member, a superuser or not, with testPassword.
func (s *testSite) user(username string, superuser bool) *models.User {
	s.t.Helper()
	hash, err := s.hasher.Hasher.Hash(testPassword)
	if err != nil {
		s.t.Fatal(err)
	}
	u := &models.User{Username: username, Password: hash, IsStaff: true, IsSuperuser: superuser, IsActive: true}
	if err := models.CreateUser(context.Background(), s.db.Write, u); err != nil {
		s.t.Fatal(err)
	}
	return u
}

// testClient is a browser: it keeps its cookies and the CSRF token of the
// last page, and does not follow redirects. Its send returns errors rather
// than failing the test, so goroutines may use it.
type testClient struct {
	site   *testSite
	client *http.Client
	token  string
}

// answer is one response. body is the HTML as sent; text() reads it as a
// person would, entities decoded.
type answer struct {
	status   int
	header   http.Header
	body     string
	location string
}

func (p answer) text() string { return html.UnescapeString(p.body) }

func (s *testSite) client() *testClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &testClient{site: s, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var tokenField = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([^"]+)"`)

// send sends a request; a form without a token gets the last page's.
func (c *testClient) send(method, path string, form url.Values) (answer, error) {
	var body io.Reader
	if form != nil {
		if !form.Has(web.CSRFField) {
			form.Set(web.CSRFField, c.token)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.site.srv.URL+path, body)
	if err != nil {
		return answer{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if m := tokenField.FindSubmatch(raw); m != nil {
		c.token = string(m[1])
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(raw), location: resp.Header.Get("Location")}, err
}

// do is send for the test's own goroutine: a failure to send ends the test.
func (c *testClient) do(method, path string, form url.Values) answer {
	c.site.t.Helper()
	p, err := c.send(method, path, form)
	if err != nil {
		c.site.t.Fatal(err)
	}
	return p
}

// login signs in with testPassword.
func (c *testClient) login(username string) error {
	if _, err := c.send(http.MethodGet, "/admin/login/", nil); err != nil {
		return err
	}
	p, err := c.send(http.MethodPost, "/admin/login/", url.Values{"username": {username}, "password": {testPassword}})
	if err != nil {
		return err
	}
	if p.status != http.StatusFound {
		return fmt.Errorf("signing in %s: got %d, want 302", username, p.status)
	}
	return nil
}

// signIn is login for the test's own goroutine.
func (c *testClient) signIn(username string) {
	c.site.t.Helper()
	if err := c.login(username); err != nil {
		c.site.t.Fatal(err)
	}
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hidden reads a page's hidden inputs, as a browser would send them back.
func hidden(body string) url.Values {
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		form.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return form
}

// open loads a change form and returns the page and its hidden fields.
func (c *testClient) open(path string) (answer, url.Values, error) {
	p, err := c.send(http.MethodGet, path, nil)
	if err != nil {
		return p, nil, err
	}
	if p.status != http.StatusOK {
		return p, nil, fmt.Errorf("GET %s: got %d, want 200", path, p.status)
	}
	return p, hidden(p.body), nil
}

// submit posts a form's hidden fields with the values given.
func (c *testClient) submit(path string, hiddenFields url.Values, values url.Values) (answer, error) {
	form := url.Values{}
	for k, v := range hiddenFields {
		form[k] = v
	}
	for k, v := range values {
		form[k] = v
	}
	return c.send(http.MethodPost, path, form)
}

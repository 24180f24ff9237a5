package admin

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
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
	"oclettings/migrations/testdb"
	"oclettings/static"
)

// loginHasher is a cheap hasher that counts the key derivations the admin
// asks for and can hold them at a gate, so a test sees what was checked and
// can keep a hash running while it sends another request.
type loginHasher struct {
	auth.Hasher

	mu          sync.Mutex
	derivations int
	gate        chan struct{}
	entered     chan struct{}
}

func (h *loginHasher) derive() {
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

func (h *loginHasher) Check(password, encoded string) (bool, bool) {
	if auth.IsUsable(encoded) {
		h.derive()
	}
	return h.Hasher.Check(password, encoded)
}

func (h *loginHasher) Burn(password string) {
	h.derive()
	h.Hasher.Burn(password)
}

func (h *loginHasher) Hash(password string) (string, error) {
	h.derive()
	return h.Hasher.Hash(password)
}

func (h *loginHasher) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.derivations
}

// hold makes the derivations from now on wait for release.
func (h *loginHasher) hold() (entered <-chan struct{}, release func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gate, h.entered = make(chan struct{}), make(chan struct{}, 16)
	gate := h.gate
	var once sync.Once
	return h.entered, func() { once.Do(func() { close(gate) }) }
}

const loginPassword = "Tangerine-Harbour-42"

// loginSite is the admin router over HTTP on a fresh database, with a
// counting hasher.
type loginSite struct {
	t        *testing.T
	db       *database.DB
	srv      *httptest.Server
	hasher   *loginHasher
	accounts *accounts.Service
}

func newLoginSite(t *testing.T) *loginSite {
	t.Helper()
	db := testdb.Open(t)
	assets, err := web.NewAssets(static.Files, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	h := &loginHasher{Hasher: auth.Hasher{Memory: 64, Time: 1, Threads: 1}}
	svc := &accounts.Service{DB: db, Hasher: h, Now: time.Now}
	site, err := New(Config{
		DB:        db,
		Assets:    assets,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		SecretKey: "login-test-secret-key-of-some-length",
		Accounts:  svc,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	site.Routes(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &loginSite{t: t, db: db, srv: srv, hasher: h, accounts: svc}
}

// staff creates an active staff member with loginPassword.
func (s *loginSite) staff(username string) *models.User {
	s.t.Helper()
	hash, err := s.hasher.Hasher.Hash(loginPassword)
	if err != nil {
		s.t.Fatal(err)
	}
	u := &models.User{Username: username, Password: hash, IsStaff: true, IsActive: true}
	if err := models.CreateUser(s.t.Context(), s.db.Write, u); err != nil {
		s.t.Fatal(err)
	}
	return u
}

// superuser creates an active superuser with loginPassword.
func (s *loginSite) superuser(username string) *models.User {
	s.t.Helper()
	u := s.staff(username)
	if _, err := s.db.Write.NewUpdate().Model(u).Set("is_superuser = ?", true).WherePK().Exec(s.t.Context()); err != nil {
		s.t.Fatal(err)
	}
	return u
}

// loginBrowser keeps its cookies and the CSRF token of the last page.
type loginBrowser struct {
	site   *loginSite
	client *http.Client
	token  string
}

func (s *loginSite) browser() *loginBrowser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		s.t.Fatal(err)
	}
	return &loginBrowser{site: s, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var loginTokenField = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([^"]+)"`)

// loginPage is one answer: status, a header, the body.
type loginPage struct {
	status int
	header http.Header
	body   string
}

func (b *loginBrowser) do(method, path string, form url.Values) loginPage {
	b.site.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set(web.CSRFField, b.token)
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.site.srv.URL+path, body)
	if err != nil {
		b.site.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.site.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.site.t.Fatal(err)
	}
	if m := loginTokenField.FindStringSubmatch(string(raw)); m != nil {
		b.token = m[1]
	}
	return loginPage{status: resp.StatusCode, header: resp.Header, body: html.UnescapeString(string(raw))}
}

// signIn signs in with loginPassword and fails the test otherwise.
func (b *loginBrowser) signIn(username string) {
	b.site.t.Helper()
	b.do(http.MethodGet, "/admin/login/", nil)
	if p := b.do(http.MethodPost, "/admin/login/", url.Values{"username": {username}, "password": {loginPassword}}); p.status != http.StatusFound {
		b.site.t.Fatalf("sign in as %s: %d", username, p.status)
	}
}

// The sixth wrong old password on the password change page is answered 429
// without being checked, and the page says why.
func TestPasswordChangeIsThrottled(t *testing.T) {
	s := newLoginSite(t)
	s.staff("alice")
	b := s.browser()
	b.signIn("alice")
	b.do(http.MethodGet, "/admin/password_change/", nil)
	wrong := url.Values{"old_password": {"not it"}, "new_password1": {"Quince-Lantern-77"}, "new_password2": {"Quince-Lantern-77"}}

	for i := range accounts.MaxFailuresPerUsername {
		p := b.do(http.MethodPost, "/admin/password_change/", wrong)
		if p.status != http.StatusOK || !strings.Contains(p.body, msgOldPasswordWrong) {
			t.Fatalf("wrong old password %d: %d, want 200 with %q", i+1, p.status, msgOldPasswordWrong)
		}
	}
	before := s.hasher.count()
	right := url.Values{"old_password": {loginPassword}, "new_password1": {"Quince-Lantern-77"}, "new_password2": {"Quince-Lantern-77"}}
	p := b.do(http.MethodPost, "/admin/password_change/", right)
	if p.status != http.StatusTooManyRequests || !strings.Contains(p.body, msgThrottledPassword) {
		t.Errorf("sixth attempt: %d, want 429 with %q", p.status, msgThrottledPassword)
	}
	if n := s.hasher.count() - before; n != 0 {
		t.Errorf("%d derivations for a throttled attempt, want 0", n)
	}
	// The guesses count against the username at sign-in too.
	if p := s.browser().do(http.MethodPost, "/admin/login/", url.Values{"username": {"alice"}, "password": {loginPassword}}); p.status == http.StatusFound {
		t.Error("signed in right after the throttled password change")
	}
}

// A username no account can have is a field error on the login page,
// neither hashed nor a 500, on every database.
func TestLoginRefusesOverlongUsernames(t *testing.T) {
	s := newLoginSite(t)
	s.staff("alice")
	b := s.browser()
	b.do(http.MethodGet, "/admin/login/", nil)
	for username, count := range map[string]int{
		strings.Repeat("a", 151): 151,
		strings.Repeat("ﷺ", 150): 2700,
		strings.Repeat("ﷺ", 9):   162,
	} {
		p := b.do(http.MethodPost, "/admin/login/", url.Values{"username": {username}, "password": {"anything"}})
		want := "Ensure this value has at most 150 characters (it has " + strconv.Itoa(count) + ")."
		if p.status != http.StatusOK || !strings.Contains(p.body, want) {
			t.Errorf("%d characters: %d, want 200 with %q", len([]rune(username)), p.status, want)
		}
	}
	if p := b.do(http.MethodPost, "/admin/login/", url.Values{"username": {"alice"}, "password": {strings.Repeat("p", accounts.MaxPasswordBytes+1)}}); p.status != http.StatusOK || !strings.Contains(p.body, msgInvalidLogin) {
		t.Errorf("an over-long password: %d, want 200 with %q", p.status, msgInvalidLogin)
	}
	if n := s.hasher.count(); n != 0 {
		t.Errorf("%d derivations for input no account can have, want 0", n)
	}
}

// While every hashing slot is taken, a sign-in waits briefly, then is
// answered 503 with Retry-After and a message on the login page.
func TestLoginAnswersBusy(t *testing.T) {
	s := newLoginSite(t)
	s.accounts.HashConcurrency = 1
	s.accounts.HashWait = 10 * time.Millisecond
	entered, release := s.hasher.hold()
	defer release()

	first := s.browser()
	first.do(http.MethodGet, "/admin/login/", nil)
	firstDone := make(chan loginPage, 1)
	go func() {
		firstDone <- first.do(http.MethodPost, "/admin/login/", url.Values{"username": {"first"}, "password": {"guess"}})
	}()
	<-entered

	second := s.browser()
	second.do(http.MethodGet, "/admin/login/", nil)
	secondDone := make(chan loginPage, 1)
	go func() {
		secondDone <- second.do(http.MethodPost, "/admin/login/", url.Values{"username": {"second"}, "password": {"guess"}})
	}()
	var p loginPage
	select {
	case p = <-secondDone:
	case <-entered:
		t.Error("a second hash ran while the only slot was taken")
		release()
		p = <-secondDone
	}
	if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") == "" || !strings.Contains(p.body, msgBusy) {
		t.Errorf("while busy: %d, Retry-After %q, want 503 with Retry-After and %q", p.status, p.header.Get("Retry-After"), msgBusy)
	}
	if !strings.Contains(p.body, `id="login-form"`) {
		t.Error("the busy answer is not the login page")
	}
	release()
	if p := <-firstDone; p.status != http.StatusOK || !strings.Contains(p.body, msgInvalidLogin) {
		t.Errorf("first: %d, want 200 with %q", p.status, msgInvalidLogin)
	}
}

// Forty simultaneous wrong passwords for one username get at most the limit
// checked, the rest 429, and the right password sent while they are being
// checked is refused too.
func TestLoginBurstIsThrottled(t *testing.T) {
	const burst = 40
	s := newLoginSite(t)
	s.staff("alice")
	s.accounts.HashConcurrency = burst + 1
	browsers := make([]*loginBrowser, burst+1)
	for i := range browsers {
		browsers[i] = s.browser()
		browsers[i].do(http.MethodGet, "/admin/login/", nil)
	}
	entered, release := s.hasher.hold()
	defer release()
	pages := make(chan loginPage, burst)
	for _, b := range browsers[:burst] {
		go func() {
			pages <- b.do(http.MethodPost, "/admin/login/", url.Values{"username": {"alice"}, "password": {"wrong"}})
		}()
	}
	var got []loginPage
	for started := 0; started+len(got) < burst; {
		select {
		case <-entered:
			started++
		case p := <-pages:
			got = append(got, p)
		}
	}
	right := make(chan loginPage, 1)
	go func() {
		right <- browsers[burst].do(http.MethodPost, "/admin/login/", url.Values{"username": {"alice"}, "password": {loginPassword}})
	}()
	var r loginPage
	select {
	case r = <-right:
	case <-entered:
		release()
		r = <-right
	}
	release()
	for len(got) < burst {
		got = append(got, <-pages)
	}

	if n := s.hasher.count(); n > accounts.MaxFailuresPerUsername {
		t.Errorf("%d passwords checked in a burst of %d, want at most %d", n, burst, accounts.MaxFailuresPerUsername)
	}
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, msgThrottled) {
		t.Errorf("right password during the burst: %d, want 429 with %q", r.status, msgThrottled)
	}
	throttled := 0
	for _, p := range got {
		switch {
		case p.status == http.StatusTooManyRequests && strings.Contains(p.body, msgThrottled):
			throttled++
		case p.status != http.StatusOK || !strings.Contains(p.body, msgInvalidLogin):
			t.Errorf("a wrong guess: %d", p.status)
		}
	}
	if throttled < burst-accounts.MaxFailuresPerUsername {
		t.Errorf("%d of %d answered 429, want at least %d", throttled, burst, burst-accounts.MaxFailuresPerUsername)
	}
}

// A new password no sign-in would accept (over accounts.MaxPasswordBytes)
// is a field error wherever staff set one, and is never hashed.
func TestNewPasswordsOverTheLimitAreRefused(t *testing.T) {
	s := newLoginSite(t)
	s.superuser("root")
	bob := s.staff("bob")
	b := s.browser()
	b.signIn("root")
	long := strings.Repeat("Plum-", accounts.MaxPasswordBytes/5+1)
	for _, c := range []struct{ path string }{
		{"/admin/auth/user/add/"},
		{"/admin/auth/user/" + strconv.FormatInt(bob.ID, 10) + "/password/"},
	} {
		b.do(http.MethodGet, c.path, nil)
		before := s.hasher.count()
		p := b.do(http.MethodPost, c.path, url.Values{"username": {"carol"}, "password1": {long}, "password2": {long}})
		if p.status != http.StatusOK || !strings.Contains(p.body, "This password is too long") {
			t.Errorf("%s: %d, want 200 with the field error", c.path, p.status)
		}
		if n := s.hasher.count() - before; n != 0 {
			t.Errorf("%s: %d derivations for a password no one can sign in with, want 0", c.path, n)
		}
	}
}

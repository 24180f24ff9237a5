package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"oclettings/app/accounts"
	"oclettings/migrations/testdb"
)

// The sixth wrong old password on the password change page is answered 429
// without being checked, and the page says why.
func TestPasswordChangeIsThrottled(t *testing.T) {
	s := newTestSite(t, testdb.Open(t))
	s.user("alice", false)
	b := s.client()
	b.signIn("alice")
	b.do(http.MethodGet, "/admin/password_change/", nil)
	wrong := url.Values{"old_password": {"not it"}, "new_password1": {"Quince-Lantern-77"}, "new_password2": {"Quince-Lantern-77"}}

	for i := range accounts.MaxFailuresPerUsername {
		p := b.do(http.MethodPost, "/admin/password_change/", wrong)
		if p.status != http.StatusOK || !strings.Contains(p.text(), msgOldPasswordWrong) {
			t.Fatalf("wrong old password %d: %d, want 200 with %q", i+1, p.status, msgOldPasswordWrong)
		}
	}
	before := s.hasher.count()
	right := url.Values{"old_password": {testPassword}, "new_password1": {"Quince-Lantern-77"}, "new_password2": {"Quince-Lantern-77"}}
	p := b.do(http.MethodPost, "/admin/password_change/", right)
	if p.status != http.StatusTooManyRequests || !strings.Contains(p.text(), msgThrottledPassword) {
		t.Errorf("sixth attempt: %d, want 429 with %q", p.status, msgThrottledPassword)
	}
	if n := s.hasher.count() - before; n != 0 {
		t.Errorf("%d derivations for a throttled attempt, want 0", n)
	}
	// The guesses count against the username at sign-in too.
	if p := s.client().do(http.MethodPost, "/admin/login/", url.Values{"username": {"alice"}, "password": {testPassword}}); p.status == http.StatusFound {
		t.Error("signed in right after the throttled password change")
	}
}

// A username no account can have is a field error on the login page,
// neither hashed nor a 500, on every database.
func TestLoginRefusesOverlongUsernames(t *testing.T) {
	s := newTestSite(t, testdb.Open(t))
	s.user("alice", false)
	b := s.client()
	b.do(http.MethodGet, "/admin/login/", nil)
	for username, count := range map[string]int{
		strings.Repeat("a", 151): 151,
		strings.Repeat("ﷺ", 150): 2700,
		strings.Repeat("ﷺ", 9):   162,
	} {
		p := b.do(http.MethodPost, "/admin/login/", url.Values{"username": {username}, "password": {"anything"}})
		want := "Ensure this value has at most 150 characters (it has " + strconv.Itoa(count) + ")."
		if p.status != http.StatusOK || !strings.Contains(p.text(), want) {
			t.Errorf("%d characters: %d, want 200 with %q", len([]rune(username)), p.status, want)
		}
	}
	if p := b.do(http.MethodPost, "/admin/login/", url.Values{"username": {"alice"}, "password": {strings.Repeat("p", accounts.MaxPasswordBytes+1)}}); p.status != http.StatusOK || !strings.Contains(p.text(), msgInvalidLogin) {
		t.Errorf("an over-long password: %d, want 200 with %q", p.status, msgInvalidLogin)
	}
	if n := s.hasher.count(); n != 0 {
		t.Errorf("%d derivations for input no account can have, want 0", n)
	}
}

// While every hashing slot is taken, a sign-in waits briefly, then is
// answered 503 with Retry-After and a message on the login page.
func TestLoginAnswersBusy(t *testing.T) {
	s := newTestSite(t, testdb.Open(t))
	s.accounts.HashConcurrency = 1
	s.accounts.HashWait = 10 * time.Millisecond
	entered, release := s.hasher.hold()
	defer release()

	first := s.client()
	first.do(http.MethodGet, "/admin/login/", nil)
	firstDone := make(chan answer, 1)
	go func() {
		firstDone <- sendOrReport(t, first, http.MethodPost, "/admin/login/", url.Values{"username": {"first"}, "password": {"guess"}})
	}()
	<-entered

	second := s.client()
	second.do(http.MethodGet, "/admin/login/", nil)
	secondDone := make(chan answer, 1)
	go func() {
		secondDone <- sendOrReport(t, second, http.MethodPost, "/admin/login/", url.Values{"username": {"second"}, "password": {"guess"}})
	}()
	var p answer
	select {
	case p = <-secondDone:
	case <-entered:
		t.Error("a second hash ran while the only slot was taken")
		release()
		p = <-secondDone
	}
	if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") == "" || !strings.Contains(p.text(), msgBusy) {
		t.Errorf("while busy: %d, Retry-After %q, want 503 with Retry-After and %q", p.status, p.header.Get("Retry-After"), msgBusy)
	}
	if !strings.Contains(p.text(), `id="login-form"`) {
		t.Error("the busy answer is not the login page")
	}
	release()
	if p := <-firstDone; p.status != http.StatusOK || !strings.Contains(p.text(), msgInvalidLogin) {
		t.Errorf("first: %d, want 200 with %q", p.status, msgInvalidLogin)
	}
}

// Forty simultaneous wrong passwords for one username get at most the limit
// checked, the rest 429, and the right password sent while they are being
// checked is refused too.
func TestLoginBurstIsThrottled(t *testing.T) {
	const burst = 40
	s := newTestSite(t, testdb.Open(t))
	s.user("alice", false)
	s.accounts.HashConcurrency = burst + 1
	browsers := make([]*testClient, burst+1)
	for i := range browsers {
		browsers[i] = s.client()
		browsers[i].do(http.MethodGet, "/admin/login/", nil)
	}
	entered, release := s.hasher.hold()
	defer release()
	pages := make(chan answer, burst)
	for _, b := range browsers[:burst] {
		go func() {
			pages <- sendOrReport(t, b, http.MethodPost, "/admin/login/", url.Values{"username": {"alice"}, "password": {"wrong"}})
		}()
	}
	var got []answer
	for started := 0; started+len(got) < burst; {
		select {
		case <-entered:
			started++
		case p := <-pages:
			got = append(got, p)
		}
	}
	right := make(chan answer, 1)
	go func() {
		right <- sendOrReport(t, browsers[burst], http.MethodPost, "/admin/login/", url.Values{"username": {"alice"}, "password": {testPassword}})
	}()
	var r answer
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
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.text(), msgThrottled) {
		t.Errorf("right password during the burst: %d, want 429 with %q", r.status, msgThrottled)
	}
	throttled := 0
	for _, p := range got {
		switch {
		case p.status == http.StatusTooManyRequests && strings.Contains(p.text(), msgThrottled):
			throttled++
		case p.status != http.StatusOK || !strings.Contains(p.text(), msgInvalidLogin):
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
	s := newTestSite(t, testdb.Open(t))
	s.user("root", true)
	bob := s.user("bob", false)
	b := s.client()
	b.signIn("root")
	long := strings.Repeat("Plum-", accounts.MaxPasswordBytes/5+1)
	for _, c := range []struct{ path string }{
		{"/admin/auth/user/add/"},
		{"/admin/auth/user/" + strconv.FormatInt(bob.ID, 10) + "/password/"},
	} {
		b.do(http.MethodGet, c.path, nil)
		before := s.hasher.count()
		p := b.do(http.MethodPost, c.path, url.Values{"username": {"carol"}, "password1": {long}, "password2": {long}})
		if p.status != http.StatusOK || !strings.Contains(p.text(), "This password is too long") {
			t.Errorf("%s: %d, want 200 with the field error", c.path, p.status)
		}
		if n := s.hasher.count() - before; n != 0 {
			t.Errorf("%s: %d derivations for a password no one can sign in with, want 0", c.path, n)
		}
	}
}

// sendOrReport is send for a goroutine: a failure to send is reported and
// answered as a zero response.
func sendOrReport(t *testing.T, c *testClient, method, path string, form url.Values) answer {
	p, err := c.send(method, path, form)
	if err != nil {
		t.Error(err)
	}
	return p
}

package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/sitetest"
)

const (
	msgOldPasswordWrong  = "Your old password was entered incorrectly. Please enter it again."
	msgThrottledPassword = "Too many incorrect passwords. Please try again later."
	msgBusy              = "The server is busy checking other passwords. Please try again in a few seconds."
)

// signedOut is where the admin sends someone not signed in who asked for
// the index.
const signedOut = "/admin/login/?next=%2Fadmin%2F"

func TestLoginPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.client(t)
	redirect(t, c.get("/admin/"), signedOut)
	redirect(t, c.get("/admin/lettings/?q=x"), "/admin/login/?next=%2Fadmin%2Flettings%2F%3Fq%3Dx")
	res := c.get("/admin/login/?next=/admin/").Want(t, http.StatusOK)
	has(t, res,
		title("Log in | OC Lettings site admin"),
		el("#site-name a", "OC Lettings administration"),
		attr(`#login-form input[name="username"]`, "type", "text"),
		attr(`#login-form input[name="password"]`, "type", "password"),
		attr(`#login-form input[type="hidden"][name="next"]`, "value", "/admin/"),
		attr(`#login-form input[type="submit"]`, "value", "Log in"),
	)
	lacks(t, res, sitetest.Element{Sel: "#user-tools"})
	bodyLacks(t, res, "Welcome,")
}

func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	s.user(t, models.User{Username: "member", IsActive: true})
	s.user(t, models.User{Username: "retired", IsStaff: true, IsSuperuser: true})
	for _, tt := range []struct{ name, username, password string }{
		{"wrong password", "boss", "wrong-password-1"},
		{"unknown user", "nobody", password},
		{"inactive user", "retired", password},
		{"member who is not staff", "member", password},
		{"username in another case", "BOSS", password},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := s.client(t)
			res := c.login(tt.username, tt.password).Want(t, http.StatusOK)
			has(t, res, errorNote(msgInvalidLogin), attr(`#login-form input[name="username"]`, "value", tt.username))
			if v, _ := res.Attr(`#login-form input[name="password"]`, "value"); v != "" || strings.Contains(res.Body, tt.password) {
				t.Error("got the password sent back")
			}
			redirect(t, c.get("/admin/"), signedOut)
		})
	}
	t.Run("blank fields", func(t *testing.T) {
		t.Parallel()
		res := s.client(t).login("", "").Want(t, http.StatusOK)
		has(t, res, errorNote("Please correct the errors below."),
			el("#id_username_error li", "This field is required."), el("#id_password_error li", "This field is required."))
	})
}

func TestLoginSucceeds(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	t.Run("right password", func(t *testing.T) {
		c := s.client(t)
		redirect(t, c.login("boss", password), "/admin/")
		res := c.get("/admin/").Want(t, http.StatusOK)
		has(t, res,
			title("Site administration | OC Lettings site admin"),
			el("#user-tools strong", "boss"),
			el(`#user-tools a[href="/"]`, "View site"),
			el(`#user-tools a[href="/admin/password_change/"]`, "Change password"),
			attr("form#logout-form", "action", "/admin/logout/"),
			attr("form#logout-form", "method", "post"),
		)
		bodyHas(t, res, "Welcome, <strong>boss</strong>.")
		redirect(t, c.get("/admin/login/"), "/admin/")
		u, err := models.GetUserByUsername(context.Background(), s.DB.Read, "boss")
		if err != nil {
			t.Fatal(err)
		}
		if !u.LastLogin.Equal(s.Clock.Now()) {
			t.Errorf("got last login %v, want %v", u.LastLogin, s.Clock.Now())
		}
	})
	t.Run("first name welcomes", func(t *testing.T) {
		s.user(t, models.User{Username: "ada", FirstName: "Ada", IsStaff: true, IsActive: true})
		res := s.signedIn(t, "ada").get("/admin/").Want(t, http.StatusOK)
		has(t, res, el("#user-tools strong", "Ada"))
		bodyHas(t, res, "Welcome, <strong>Ada</strong>.")
	})
}

func TestLoginNext(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	for _, tt := range []struct{ next, want string }{
		{"/admin/lettings/", "/admin/lettings/"},
		{"/admin/lettings/letting/?o=2", "/admin/lettings/letting/?o=2"},
		{"", "/admin/"},
		{"//evil.example", "/admin/"},
		{"///evil.example", "/admin/"},
		{"http://evil.example", "/admin/"},
		{"https://evil.example", "/admin/"},
		{"javascript:alert(1)", "/admin/"},
		{`/\evil.example`, "/admin/"},
		{`\\evil.example`, "/admin/"},
		{"/admin/\r\nSet-Cookie: x=y", "/admin/"},
		{"/admin/\t/evil", "/admin/"},
		{"admin/", "/admin/"},
	} {
		t.Run(tt.next, func(t *testing.T) {
			t.Parallel()
			c := s.client(t)
			redirect(t, c.login("boss", password, tt.next), tt.want)
			redirect(t, c.get("/admin/login/?next="+url.QueryEscape(tt.next)), tt.want)
		})
	}
}

func TestLoginRehashesOlderHashes(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	// Django's PBKDF2 known answer, as an imported Django user would have it.
	u := s.user(t, models.User{Username: "django", IsStaff: true, IsActive: true,
		Password: "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="})
	redirect(t, s.client(t).login("django", "lètmein"), "/admin/")
	got, err := models.GetUser(context.Background(), s.DB.Read, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Password, "argon2$argon2id$") {
		t.Fatalf("got %q, want an Argon2id hash after the login", got.Password)
	}
	if ok, _ := s.Hasher.Hasher.Check("lètmein", got.Password); !ok {
		t.Error("got the new hash refusing the password")
	}
	redirect(t, s.client(t).login("django", "lètmein"), "/admin/")
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	s.superuser(t, "deputy")
	refused := func(t *testing.T, username, pw string) {
		t.Helper()
		has(t, s.client(t).login(username, pw).Want(t, http.StatusOK), errorNote(msgInvalidLogin))
	}
	throttled := func(t *testing.T, username, pw string) {
		t.Helper()
		has(t, s.client(t).login(username, pw).Want(t, http.StatusTooManyRequests), errorNote(msgThrottled))
	}
	admitted := func(t *testing.T, username string) {
		t.Helper()
		redirect(t, s.client(t).login(username, password), "/admin/")
	}

	// The subtests share the site's clock and counts: they run in turn.
	t.Run("by username", func(t *testing.T) {
		for range 5 {
			refused(t, "boss", "wrong")
		}
		throttled(t, "boss", password)
		throttled(t, "BOSS", "wrong") // the same username, in another case
		admitted(t, "deputy")

		s.Clock.Advance(14 * time.Minute)
		throttled(t, "boss", password)
		s.Clock.Advance(2 * time.Minute) // the window has passed
		admitted(t, "boss")
	})
	t.Run("a success clears the count", func(t *testing.T) {
		for range 4 {
			refused(t, "deputy", "wrong")
		}
		admitted(t, "deputy")
		for range 4 {
			refused(t, "deputy", "wrong")
		}
		admitted(t, "deputy")
	})
	t.Run("by address", func(t *testing.T) {
		s.Clock.Advance(time.Hour)
		for i := range 20 {
			refused(t, "guess"+string(rune('a'+i)), "wrong")
		}
		throttled(t, "boss", password)
		s.Clock.Advance(16 * time.Minute)
		admitted(t, "boss")
	})
}

// The sixth wrong old password on the password change page is answered 429
// without being checked, and the page says why.
func TestPasswordChangeIsThrottled(t *testing.T) {
	t.Parallel()
	s := newSite(t, onDB(sitetest.EmptyDB(t)))
	s.staffUser(t, "alice")
	c := s.signedIn(t, "alice")
	c.get("/admin/password_change/").Want(t, http.StatusOK)
	wrong := url.Values{"old_password": {"not it"}, "new_password1": {"Quince-Lantern-77"}, "new_password2": {"Quince-Lantern-77"}}
	for i := range accounts.MaxFailuresPerUsername {
		res := c.post("/admin/password_change/", wrong)
		if res.Status != http.StatusOK || res.Find(el("#id_old_password_error li", msgOldPasswordWrong)) != 1 {
			t.Fatalf("wrong old password %d: got %d, want 200 with %q", i+1, res.Status, msgOldPasswordWrong)
		}
	}
	before := s.Hasher.count()
	right := url.Values{"old_password": {password}, "new_password1": {"Quince-Lantern-77"}, "new_password2": {"Quince-Lantern-77"}}
	res := c.post("/admin/password_change/", right)
	if res.Status != http.StatusTooManyRequests || res.Find(errorNote(msgThrottledPassword)) != 1 {
		t.Errorf("sixth attempt: got %d, want 429 with %q", res.Status, msgThrottledPassword)
	}
	if n := s.Hasher.count() - before; n != 0 {
		t.Errorf("got %d derivations for a throttled attempt, want 0", n)
	}
	// The guesses count against the username at sign-in too.
	if res := s.client(t).login("alice", password); res.Status == http.StatusFound {
		t.Error("got signed in right after the throttled password change")
	}
}

// A username no account can have is a field error on the login page,
// neither hashed nor a 500, on every database.
func TestLoginRefusesOverlongUsernames(t *testing.T) {
	t.Parallel()
	s := newSite(t, onDB(sitetest.EmptyDB(t)))
	s.staffUser(t, "alice")
	c := s.client(t)
	for username, n := range map[string]int{
		strings.Repeat("a", 151): 151,
		strings.Repeat("ﷺ", 150): 2700,
		strings.Repeat("ﷺ", 9):   162,
	} {
		res := c.login(username, "anything")
		want := "Ensure this value has at most 150 characters (it has " + strconv.Itoa(n) + ")."
		if res.Status != http.StatusOK || res.Find(el("#id_username_error li", want)) != 1 {
			t.Errorf("%d characters: got %d, want 200 with %q", len([]rune(username)), res.Status, want)
		}
	}
	long := strings.Repeat("p", accounts.MaxPasswordBytes+1)
	if res := c.login("alice", long); res.Status != http.StatusOK || res.Find(errorNote(msgInvalidLogin)) != 1 {
		t.Errorf("an over-long password: got %d, want 200 with %q", res.Status, msgInvalidLogin)
	}
	if n := s.Hasher.count(); n != 0 {
		t.Errorf("got %d derivations for input no account can have, want 0", n)
	}
}

// While every hashing slot is taken, a sign-in waits briefly, then is
// answered 503 with Retry-After and a message on the login page.
func TestLoginAnswersBusy(t *testing.T) {
	t.Parallel()
	s := newSite(t, onDB(sitetest.EmptyDB(t)))
	s.Accounts.HashConcurrency = 1
	s.Accounts.HashWait = 10 * time.Millisecond
	first, second := s.client(t), s.client(t)
	firstForm := url.Values{"username": {"first"}, "password": {"guess"}, "csrfmiddlewaretoken": {first.csrfToken()}}
	secondForm := url.Values{"username": {"second"}, "password": {"guess"}, "csrfmiddlewaretoken": {second.csrfToken()}}
	entered, release := s.Hasher.hold()
	defer release()

	firstDone := make(chan *sitetest.Response, 1)
	go func() { firstDone <- first.send("/admin/login/", firstForm) }()
	<-entered
	secondDone := make(chan *sitetest.Response, 1)
	go func() { secondDone <- second.send("/admin/login/", secondForm) }()
	var res *sitetest.Response
	select {
	case res = <-secondDone:
	case <-entered:
		t.Error("a second hash ran while the only slot was taken")
		release()
		res = <-secondDone
	}
	if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || res.Find(errorNote(msgBusy)) != 1 {
		t.Errorf("while busy: got %d, Retry-After %q, want 503 with Retry-After and %q", res.Status, res.Header.Get("Retry-After"), msgBusy)
	}
	if res.Count("form#login-form") != 1 {
		t.Error("got a busy answer that is not the login page")
	}
	release()
	if res := <-firstDone; res.Status != http.StatusOK || res.Find(errorNote(msgInvalidLogin)) != 1 {
		t.Errorf("first: got %d, want 200 with %q", res.Status, msgInvalidLogin)
	}
}

// Forty simultaneous wrong passwords for one username get at most the limit
// checked, the rest 429, and the right password sent while they are being
// checked is refused too.
func TestLoginBurstIsThrottled(t *testing.T) {
	t.Parallel()
	const burst = 40
	s := newSite(t, onDB(sitetest.EmptyDB(t)))
	s.staffUser(t, "alice")
	s.Accounts.HashConcurrency = burst + 1
	clients := make([]*client, burst+1)
	forms := make([]url.Values, burst+1)
	for i := range clients {
		clients[i] = s.client(t)
		forms[i] = url.Values{"username": {"alice"}, "password": {"wrong"}, "csrfmiddlewaretoken": {clients[i].csrfToken()}}
	}
	forms[burst].Set("password", password)
	entered, release := s.Hasher.hold()
	defer release()
	answers := make(chan *sitetest.Response, burst)
	for i := range burst {
		go func() { answers <- clients[i].send("/admin/login/", forms[i]) }()
	}
	var got []*sitetest.Response
	for started := 0; started+len(got) < burst; {
		select {
		case <-entered:
			started++
		case res := <-answers:
			got = append(got, res)
		}
	}
	right := make(chan *sitetest.Response, 1)
	go func() { right <- clients[burst].send("/admin/login/", forms[burst]) }()
	var r *sitetest.Response
	select {
	case r = <-right:
	case <-entered:
		release()
		r = <-right
	}
	release()
	for len(got) < burst {
		got = append(got, <-answers)
	}

	if n := s.Hasher.count(); n > accounts.MaxFailuresPerUsername {
		t.Errorf("got %d passwords checked in a burst of %d, want at most %d", n, burst, accounts.MaxFailuresPerUsername)
	}
	if r.Status != http.StatusTooManyRequests || r.Find(errorNote(msgThrottled)) != 1 {
		t.Errorf("right password during the burst: got %d, want 429 with %q", r.Status, msgThrottled)
	}
	throttled := 0
	for _, res := range got {
		switch {
		case res.Status == http.StatusTooManyRequests && res.Find(errorNote(msgThrottled)) == 1:
			throttled++
		case res.Status != http.StatusOK || res.Find(errorNote(msgInvalidLogin)) != 1:
			t.Errorf("a wrong guess: got %d", res.Status)
		}
	}
	if throttled < burst-accounts.MaxFailuresPerUsername {
		t.Errorf("got %d of %d answered 429, want at least %d", throttled, burst, burst-accounts.MaxFailuresPerUsername)
	}
}

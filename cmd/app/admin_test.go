package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

const (
	invalidLogin = "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive."
	throttled    = "Too many failed login attempts. Please try again later."
	bossPassword = "Tangerine-Harbour-42"
)

func TestAdminLogin(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
	s.user("member", bossPassword, false, false, true)
	s.user("retired", bossPassword, true, true, false)

	t.Run("anonymous visitors are sent to the login page", func(t *testing.T) {
		b := s.browser()
		b.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
		b.get("/admin/lettings/?q=x").redirect(t, "/admin/login/?next=%2Fadmin%2Flettings%2F%3Fq%3Dx")
		p := b.get("/admin/login/?next=/admin/").want(t, 200,
			"<title>Log in | OC Lettings site admin</title>", "OC Lettings administration",
			`name="username"`, `name="password"`, `type="hidden" name="next" value="/admin/"`, `value="Log in"`)
		if strings.Contains(p.body, "Welcome,") {
			t.Error("got user tools for nobody")
		}
	})
	for _, tt := range []struct{ name, username, password string }{
		{"wrong password", "boss", "wrong-password-1"},
		{"unknown user", "nobody", bossPassword},
		{"inactive user", "retired", bossPassword},
		{"member who is not staff", "member", bossPassword},
		{"username in another case", "BOSS", bossPassword},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser()
			p := b.login(tt.username, tt.password).want(t, 200, invalidLogin)
			if !strings.Contains(p.body, `value="`+tt.username+`"`) || strings.Contains(p.body, tt.password) {
				t.Error("got the username dropped or the password sent back")
			}
			b.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
		})
	}
	t.Run("blank fields", func(t *testing.T) {
		s.browser().login("", "").want(t, 200, "Please correct the errors below.", "This field is required.")
	})
	t.Run("right password", func(t *testing.T) {
		b := s.browser()
		b.login("boss", bossPassword).redirect(t, "/admin/")
		b.get("/admin/").want(t, 200, "<title>Site administration | OC Lettings site admin</title>", "Welcome, <strong>boss</strong>.",
			`<a href="/">View site</a>`, `<a href="/admin/password_change/">Change password</a>`, `<form id="logout-form" method="post" action="/admin/logout/">`)
		b.get("/admin/login/").redirect(t, "/admin/")
		u, _ := models.GetUserByUsername(context.Background(), s.db.Read, "boss")
		if !u.LastLogin.Equal(s.clock.Now()) {
			t.Errorf("got last login %v, want %v", u.LastLogin, s.clock.Now())
		}
	})
	t.Run("first name welcomes", func(t *testing.T) {
		u := s.user("ada", bossPassword, true, false, true)
		u.FirstName = "Ada"
		if err := models.UpdateUser(context.Background(), s.db.Write, u); err != nil {
			t.Fatal(err)
		}
		b := s.browser()
		b.login("ada", bossPassword)
		b.get("/admin/").want(t, 200, "Welcome, <strong>Ada</strong>.")
	})
}

func TestAdminLoginNext(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
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
			b := s.browser()
			b.login("boss", bossPassword, tt.next).redirect(t, tt.want)
			b.get("/admin/login/?next="+url.QueryEscape(tt.next)).redirect(t, tt.want)
		})
	}
}

func TestSessionTokens(t *testing.T) {
	s := newAdminSite(t, "DEBUG", "false", "ALLOWED_HOSTS", "127.0.0.1")
	s.user("boss", bossPassword, true, true, true)
	b := s.browser()

	p := b.get("/admin/login/").want(t, 200)
	cookie := p.header.Get("Set-Cookie")
	for _, attr := range []string{"sessionid=", "HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age="} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("got Set-Cookie %q, want %s", cookie, attr)
		}
	}
	anonymous := b.session().Value

	b.login("boss", bossPassword).redirect(t, "/admin/")
	signedIn := b.session().Value
	if signedIn == anonymous {
		t.Error("got the same session token after login, want a new one")
	}
	// The store keeps a hash of the token, never the token.
	var stored int
	if err := s.db.Read.QueryRowContext(context.Background(), "SELECT count(*) FROM sessions WHERE token = ?", signedIn).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("got the raw token stored (%d rows, %v)", stored, err)
	}

	stolen := s.browser()
	stolen.client.Jar.SetCookies(mustURL(t, s.srv.URL), []*http.Cookie{{Name: "sessionid", Value: anonymous}})
	stolen.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")

	b.post("/admin/logout/", nil).want(t, 200, "Logged out", "Thanks for spending some quality time with the web site today.", `<a href="/admin/">Log in again</a>`)
	if c := b.session(); c != nil && c.Value == signedIn {
		t.Error("got the signed-in token kept after logout")
	}
	replay := s.browser()
	replay.client.Jar.SetCookies(mustURL(t, s.srv.URL), []*http.Cookie{{Name: "sessionid", Value: signedIn}})
	replay.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
	b.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
}

func TestLogoutIsPostOnly(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
	b := s.browser()
	b.login("boss", bossPassword)
	p := b.get("/admin/logout/").want(t, 405)
	if allow := p.header.Get("Allow"); allow != "POST" {
		t.Errorf("got Allow %q, want POST", allow)
	}
	b.get("/admin/").want(t, 200, "Site administration")
}

func TestPasswordChange(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
	b := s.browser()
	b.login("boss", bossPassword)
	other := s.browser() // the same user on another computer
	other.login("boss", bossPassword)

	b.get("/admin/password_change/").want(t, 200, "<title>Password change | OC Lettings site admin</title>",
		`name="old_password"`, `name="new_password1"`, `name="new_password2"`, "Change my password")
	form := func(old, p1, p2 string) url.Values {
		return url.Values{"old_password": {old}, "new_password1": {p1}, "new_password2": {p2}}
	}
	b.post("/admin/password_change/", form("wrong", "Olive-Branch-Morning-3", "Olive-Branch-Morning-3")).
		want(t, 200, "Your old password was entered incorrectly. Please enter it again.")
	b.post("/admin/password_change/", form(bossPassword, "Olive-Branch-Morning-3", "Olive-Branch-Morning-4")).
		want(t, 200, "The two password fields didn’t match.")
	b.post("/admin/password_change/", form(bossPassword, "boss", "boss")).
		want(t, 200, "The password is too similar to the username.", "This password is too short. It must contain at least 8 characters.")
	b.post("/admin/password_change/", form("", "", "")).want(t, 200, "This field is required.", "Please correct the errors below.")

	before := b.session().Value
	b.post("/admin/password_change/", form(bossPassword, "Olive-Branch-Morning-3", "Olive-Branch-Morning-3")).
		redirect(t, "/admin/password_change/done/")
	if b.session().Value == before {
		t.Error("got the same session token after the password change")
	}
	b.get("/admin/password_change/done/").want(t, 200, "Password change successful", "Your password was changed.")
	b.get("/admin/").want(t, 200, "Site administration")

	other.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
	s.browser().login("boss", bossPassword).want(t, 200, invalidLogin)
	s.browser().login("boss", "Olive-Branch-Morning-3").redirect(t, "/admin/")
}

func TestLoginRehashesOlderHashes(t *testing.T) {
	s := newAdminSite(t)
	// Django's PBKDF2 known answer, as an imported Django user would have it.
	u := &models.User{Username: "django", IsStaff: true, IsActive: true,
		Password: "pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c="}
	if err := models.CreateUser(context.Background(), s.db.Write, u); err != nil {
		t.Fatal(err)
	}
	s.browser().login("django", "lètmein").redirect(t, "/admin/")
	got, _ := models.GetUser(context.Background(), s.db.Read, u.ID)
	if !strings.HasPrefix(got.Password, "argon2$argon2id$") {
		t.Fatalf("got %q, want an Argon2id hash after the login", got.Password)
	}
	if ok, _ := cheapHasher.Check("lètmein", got.Password); !ok {
		t.Error("got the new hash refusing the password")
	}
	s.browser().login("django", "lètmein").redirect(t, "/admin/")
}

func TestLoginThrottling(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
	s.user("deputy", bossPassword, true, true, true)

	t.Run("by username", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			s.browser().login("boss", "wrong").want(t, 200, invalidLogin)
		}
		s.browser().login("boss", bossPassword).want(t, 429, throttled)
		s.browser().login("BOSS", "wrong").want(t, 429, throttled) // the same username, in another case
		s.browser().login("deputy", bossPassword).redirect(t, "/admin/")

		s.clock.Advance(14 * time.Minute)
		s.browser().login("boss", bossPassword).want(t, 429, throttled)
		s.clock.Advance(2 * time.Minute) // the window has passed
		s.browser().login("boss", bossPassword).redirect(t, "/admin/")
	})
	t.Run("a success clears the count", func(t *testing.T) {
		for i := 0; i < 4; i++ {
			s.browser().login("deputy", "wrong").want(t, 200, invalidLogin)
		}
		s.browser().login("deputy", bossPassword).redirect(t, "/admin/")
		for i := 0; i < 4; i++ {
			s.browser().login("deputy", "wrong").want(t, 200, invalidLogin)
		}
		s.browser().login("deputy", bossPassword).redirect(t, "/admin/")
	})
	t.Run("by address", func(t *testing.T) {
		s.clock.Advance(time.Hour)
		for i := 0; i < 20; i++ {
			s.browser().login("guess"+string(rune('a'+i)), "wrong").want(t, 200, invalidLogin)
		}
		s.browser().login("boss", bossPassword).want(t, 429, throttled)
		s.clock.Advance(16 * time.Minute)
		s.browser().login("boss", bossPassword).redirect(t, "/admin/")
	})
}

func TestAdminPermissions(t *testing.T) {
	s := newAdminSite(t)
	ctx := context.Background()
	s.user("root", bossPassword, true, true, true)
	s.user("clerk", bossPassword, true, false, true)
	viewer := s.user("viewer", bossPassword, true, false, true)
	editor := s.user("editor", bossPassword, true, false, true)

	perm := func(app, codename string) int64 {
		p, err := models.GetPermission(ctx, s.db.Read, app, codename)
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	if err := models.SetUserPermissions(ctx, s.db.Write, viewer.ID, []int64{perm("lettings", "view_letting")}); err != nil {
		t.Fatal(err)
	}
	group := &models.Group{Name: "Address editors"}
	if err := models.CreateGroup(ctx, s.db.Write, group); err != nil {
		t.Fatal(err)
	}
	if err := models.SetGroupPermissions(ctx, s.db.Write, group.ID, []int64{perm("lettings", "add_address"), perm("lettings", "change_address")}); err != nil {
		t.Fatal(err)
	}
	if err := models.SetUserGroups(ctx, s.db.Write, editor.ID, []int64{group.ID}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		user     string
		index    []string
		excludes []string
		apps     map[string]int // app index → status
	}{
		{"root", []string{"Authentication and Authorization", `href="/admin/auth/user/"`, `href="/admin/lettings/letting/add/"`, `href="/admin/profiles/profile/"`, "None available"},
			nil, map[string]int{"auth": 200, "lettings": 200, "profiles": 200, "nope": 404}},
		{"clerk", []string{"You don’t have permission to view or edit anything."}, []string{"Lettings</a></caption>"},
			map[string]int{"auth": 404, "lettings": 404, "profiles": 404}},
		{"viewer", []string{`<a href="/admin/lettings/letting/" class="viewlink">View</a>`}, []string{"addlink", "Addresses", "Profiles</a></caption>"},
			map[string]int{"lettings": 200, "profiles": 404, "auth": 404}},
		{"editor", []string{`<a href="/admin/lettings/address/add/" class="addlink">Add</a>`, `<a href="/admin/lettings/address/" class="changelink">Change</a>`}, []string{`href="/admin/lettings/letting/"`},
			map[string]int{"lettings": 200, "profiles": 404}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			b := s.browser()
			b.login(tt.user, bossPassword).redirect(t, "/admin/")
			p := b.get("/admin/").want(t, 200, tt.index...)
			for _, s := range tt.excludes {
				if strings.Contains(p.body, s) {
					t.Errorf("got %q on the index", s)
				}
			}
			for app, status := range tt.apps {
				b.get("/admin/"+app+"/").want(t, status)
			}
		})
	}

	t.Run("root sees the app index", func(t *testing.T) {
		b := s.browser()
		b.login("root", bossPassword)
		b.get("/admin/lettings/").want(t, 200, "<title>Lettings administration | OC Lettings site admin</title>",
			`<a href="/admin/">Home</a> › Lettings`, `href="/admin/lettings/address/"`)
	})
	t.Run("a user made inactive loses the session", func(t *testing.T) {
		b := s.browser()
		b.login("editor", bossPassword).redirect(t, "/admin/")
		editor.IsActive = false
		if err := models.UpdateUser(ctx, s.db.Write, editor); err != nil {
			t.Fatal(err)
		}
		b.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
	})
	t.Run("a user no longer staff is sent to the login page", func(t *testing.T) {
		b := s.browser()
		b.login("viewer", bossPassword).redirect(t, "/admin/")
		viewer.IsStaff = false
		if err := models.UpdateUser(ctx, s.db.Write, viewer); err != nil {
			t.Fatal(err)
		}
		b.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
		b.get("/admin/login/").want(t, 200, "You are authenticated as viewer, but are not authorized to access this page.")
	})
}

func TestRecentActions(t *testing.T) {
	s := newAdminSite(t)
	boss := s.user("boss", bossPassword, true, true, true)
	ctx := context.Background()
	for i, e := range []models.LogEntry{
		{AppLabel: "lettings", Model: "letting", ObjectID: "2", ObjectRepr: "Oceanview Retreat", ActionFlag: models.ActionChange, ChangeMessage: "Changed Title."},
		{AppLabel: "lettings", Model: "address", ObjectID: "9", ObjectRepr: "1 Gone Street", ActionFlag: models.ActionDeletion, ChangeMessage: "Deleted."},
	} {
		e.UserID = boss.ID
		e.ActionTime = s.clock.Now().Add(time.Duration(i) * time.Minute)
		if err := models.AddLogEntry(ctx, s.db.Write, &e); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser()
	b.login("boss", bossPassword)
	p := b.get("/admin/").want(t, 200, "Recent actions", "My actions",
		`<li class="changelink">`, `<a href="/admin/lettings/letting/2/change/">Oceanview Retreat</a>`, `<span class="mini quiet">Letting</span>`,
		`<li class="deletelink">`, "1 Gone Street", `<span class="mini quiet">Address</span>`)
	if strings.Contains(p.body, "None available") || strings.Contains(p.body, `href="/admin/lettings/address/9/change/"`) {
		t.Error("got a link to a deleted object or an empty list")
	}
	if strings.Index(p.body, "1 Gone Street") > strings.Index(p.body, "Oceanview Retreat") {
		t.Error("got the older action first")
	}
}

func TestCSRF(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
	b := s.browser()
	b.login("boss", bossPassword).redirect(t, "/admin/")
	intruder := s.browser()
	intruder.get("/admin/login/")
	othersToken := intruder.csrfToken()

	refused := "CSRF verification failed. Request aborted."
	for _, tt := range []struct {
		name   string
		form   url.Values
		header map[string]string
	}{
		{"no token", url.Values{}, nil},
		{"wrong token", url.Values{"csrfmiddlewaretoken": {"forged"}}, nil},
		{"another session's token", url.Values{"csrfmiddlewaretoken": {othersToken}}, nil},
		{"another site's page, token and all", url.Values{"csrfmiddlewaretoken": {b.csrfToken()}},
			map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}},
		{"another origin without fetch metadata", url.Values{"csrfmiddlewaretoken": {b.csrfToken()}},
			map[string]string{"Origin": "http://evil.example"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b.do(http.MethodPost, "/admin/logout/", tt.form, tt.header).want(t, 403, refused)
			b.get("/admin/").want(t, 200, "Site administration") // still signed in
		})
	}
	t.Run("token in the header", func(t *testing.T) {
		b.do(http.MethodPost, "/admin/password_change/", url.Values{}, map[string]string{"X-CSRFToken": b.csrfToken()}).
			want(t, 200, "This field is required.")
	})
	t.Run("login form without its token", func(t *testing.T) {
		c := s.browser()
		c.do(http.MethodPost, "/admin/login/", url.Values{"username": {"boss"}, "password": {bossPassword}}, nil).want(t, 403, refused)
		c.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
	})
	t.Run("same origin with its token", func(t *testing.T) {
		b.do(http.MethodPost, "/admin/logout/", url.Values{"csrfmiddlewaretoken": {b.csrfToken()}},
			map[string]string{"Origin": s.srv.URL, "Sec-Fetch-Site": "same-origin"}).want(t, 200, "Logged out")
	})
	t.Run("the token changes at login", func(t *testing.T) {
		c := s.browser()
		before := c.csrfToken()
		c.login("boss", bossPassword)
		if c.csrfToken() == before {
			t.Error("got the same CSRF token after login")
		}
	})
}

func TestAdminNotFound(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
	anon := s.browser()
	anon.get("/admin").redirect(t, "/admin/")
	anon.get("/admin/login").redirect(t, "/admin/login/")
	anon.get("/admin/password_change").redirect(t, "/admin/password_change/")
	anon.get("/admin/no/such/page/").redirect(t, "/admin/login/?next=%2Fadmin%2Fno%2Fsuch%2Fpage%2F")

	b := s.browser()
	b.login("boss", bossPassword)
	b.get("/admin/no/such/page/").want(t, 404, "Page not found")
	b.get("/admin/nope/").want(t, 404)
}

func TestPerimeter(t *testing.T) {
	h, _ := newSite(t)
	allowed := newRouter(t, testdb.Seeded(t), testConfig(t, "ALLOWED_HOSTS", ".example.org,shop.example.com,[::1],127.0.0.1"), 0, nil)
	anyHost := newRouter(t, testdb.Seeded(t), testConfig(t, "ALLOWED_HOSTS", "*"), 0, nil)
	prod := newRouter(t, testdb.Seeded(t), testConfig(t, "DEBUG", "false", "TRUST_PROXY_HEADERS", "true", "MAX_BODY_BYTES", "4096"), 0, nil)
	redirecting := newRouter(t, testdb.Seeded(t), testConfig(t, "DEBUG", "false", "TRUST_PROXY_HEADERS", "true", "SECURE_SSL_REDIRECT", "true"), 0, nil)
	debugTLS := newRouter(t, testdb.Seeded(t), testConfig(t, "TRUST_PROXY_HEADERS", "true"), 0, nil)

	bad := []string{"Bad Request (400)"}
	hsts := map[string]string{"Strict-Transport-Security": "max-age=31536000"}
	for _, tt := range []struct {
		name string
		h    http.Handler
		sc   scenario
	}{
		{"unknown host", h, scenario{path: "/", header: map[string]string{"Host": "evil.example"}, status: 400, contains: bad}},
		{"unknown host on a missing page", h, scenario{path: "/nowhere/", header: map[string]string{"Host": "evil.example"}, status: 400, contains: bad}},
		{"unknown host on the admin", h, scenario{path: "/admin/login/", header: map[string]string{"Host": "evil.example"}, status: 400, contains: bad}},
		{"allowed host with a port", h, scenario{path: "/", header: map[string]string{"Host": "example.com:8000"}, status: 200}},
		{"allowed host, other case", h, scenario{path: "/", header: map[string]string{"Host": "EXAMPLE.com"}, status: 200}},
		{"health answers any host", h, scenario{path: "/healthz", header: map[string]string{"Host": "10.0.0.7:8000"}, status: 200}},
		{"domain", allowed, scenario{path: "/", header: map[string]string{"Host": "example.org"}, status: 200}},
		{"subdomain", allowed, scenario{path: "/", header: map[string]string{"Host": "www.example.org"}, status: 200}},
		{"lookalike domain", allowed, scenario{path: "/", header: map[string]string{"Host": "evilexample.org"}, status: 400}},
		{"exact name only", allowed, scenario{path: "/", header: map[string]string{"Host": "www.shop.example.com"}, status: 400}},
		{"ipv6", allowed, scenario{path: "/", header: map[string]string{"Host": "[::1]:8000"}, status: 200}},
		{"any host", anyHost, scenario{path: "/", header: map[string]string{"Host": "whatever.example"}, status: 200}},

		{"HSTS over HTTPS in production", prod, scenario{path: "/", header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200, headers: hsts}},
		{"no HSTS over plain HTTP", prod, scenario{path: "/", status: 200, headers: map[string]string{"Strict-Transport-Security": ""}}},
		{"no HSTS with DEBUG", debugTLS, scenario{path: "/", header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200, headers: map[string]string{"Strict-Transport-Security": ""}}},
		{"forwarded proto ignored without trust", h, scenario{path: "/", header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200, headers: map[string]string{"Strict-Transport-Security": ""}}},
		{"redirect to HTTPS", redirecting, scenario{path: "/lettings/?q=a", status: 301, location: "https://example.com/lettings/?q=a"}},
		{"no redirect once on HTTPS", redirecting, scenario{path: "/", header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200}},
		{"health is not redirected", redirecting, scenario{path: "/healthz", status: 200}},
	} {
		t.Run(tt.name, func(t *testing.T) { tt.sc.run(t, tt.h) })
	}

	t.Run("headers on every response", func(t *testing.T) {
		common := map[string]string{
			"X-Frame-Options":            "DENY",
			"X-Content-Type-Options":     "nosniff",
			"Referrer-Policy":            "same-origin",
			"Cross-Origin-Opener-Policy": "same-origin",
			"Content-Security-Policy":    "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'; frame-ancestors 'none'",
		}
		for _, path := range []string{"/", "/lettings/1/", "/nowhere/", "/static/css/site.css", "/admin/login/", "/admin/", "/admin/nope/"} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
			for k, v := range common {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s: got %s %q, want %q", path, k, got, v)
				}
			}
			admin := strings.HasPrefix(path, "/admin/")
			if got := w.Header().Get("Cache-Control"); admin && got != "no-cache, no-store, must-revalidate, private" {
				t.Errorf("%s: got Cache-Control %q, want no caching", path, got)
			}
		}
	})
	t.Run("request bodies are limited", func(t *testing.T) {
		big := "username=" + strings.Repeat("x", 5000)
		form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		scenario{method: http.MethodPost, path: "/admin/login/", header: form, body: big, status: 413,
			contains: []string{"Request Too Large"}}.run(t, prod)
		scenario{method: http.MethodPost, path: "/admin/login/", header: form, body: "username=boss", status: 403}.run(t, prod)
		// A body that hides its size (chunked) is cut off when read; without
		// a session token it is not read at all.
		chunked := func(session *http.Cookie) int {
			req := httptest.NewRequest(http.MethodPost, "https://example.com/admin/login/", io.NopCloser(strings.NewReader(big)))
			req.ContentLength = -1
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if session != nil {
				req.AddCookie(session)
			}
			w := httptest.NewRecorder()
			prod.ServeHTTP(w, req)
			return w.Code
		}
		if code := chunked(nil); code != 403 {
			t.Errorf("got %d for a chunked body without a session, want 403 before reading it", code)
		}
		login := httptest.NewRecorder()
		prod.ServeHTTP(login, httptest.NewRequest(http.MethodGet, "https://example.com/admin/login/", nil))
		var session *http.Cookie
		for _, c := range login.Result().Cookies() {
			if c.Name == "sessionid" {
				session = c
			}
		}
		if code := chunked(session); session == nil || code != 413 {
			t.Errorf("got %d for a chunked body over the limit (session %v), want 413", code, session)
		}
	})
	t.Run("cross-origin posts are refused site-wide", func(t *testing.T) {
		scenario{method: http.MethodPost, path: "/", header: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403,
			contains: []string{"CSRF verification failed. Request aborted."}}.run(t, h)
	})
}

package admin_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/models"
	"oclettings/app/web"
)

func TestSessionTokens(t *testing.T) {
	t.Parallel()
	s := newSite(t, withVars("DEBUG", "false"))
	s.superuser(t, "boss")
	c := s.client(t)

	res := c.get("/admin/login/").Want(t, http.StatusOK)
	cookie := res.Header.Get("Set-Cookie")
	for _, attr := range []string{"sessionid=", "HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age="} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("got Set-Cookie %q, want %s", cookie, attr)
		}
	}
	anonymous := c.session()

	redirect(t, c.login("boss", password), "/admin/")
	signedIn := c.session()
	if signedIn == anonymous {
		t.Error("got the same session token after login, want a new one")
	}
	// The store keeps a hash of the token, never the token.
	var stored int
	if err := s.DB.Read.QueryRowContext(context.Background(), "SELECT count(*) FROM sessions WHERE token = ?", signedIn).Scan(&stored); err != nil || stored != 0 {
		t.Errorf("got the raw token stored (%d rows, %v)", stored, err)
	}

	stolen := s.client(t)
	stolen.SetCookie(&http.Cookie{Name: "sessionid", Value: anonymous})
	redirect(t, stolen.get("/admin/"), signedOut)

	res = c.post("/admin/logout/", nil).Want(t, http.StatusOK)
	has(t, res, el("h1", "Logged out"), el("p", "Thanks for spending some quality time with the web site today."),
		el(`a[href="/admin/"]`, "Log in again"))
	if c.session() == signedIn {
		t.Error("got the signed-in token kept after logout")
	}
	replay := s.client(t)
	replay.SetCookie(&http.Cookie{Name: "sessionid", Value: signedIn})
	redirect(t, replay.get("/admin/"), signedOut)
	redirect(t, c.get("/admin/"), signedOut)
}

func TestLogoutIsPostOnly(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	c := s.signedIn(t, "boss")
	res := c.get("/admin/logout/").Want(t, http.StatusMethodNotAllowed)
	if allow := res.Header.Get("Allow"); allow != "POST" {
		t.Errorf("got Allow %q, want POST", allow)
	}
	has(t, c.get("/admin/").Want(t, http.StatusOK), el("h1", "Site administration"))
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	c := s.signedIn(t, "boss")
	othersToken := s.client(t).csrfToken()

	for _, tt := range []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"no token", url.Values{}, nil},
		{"wrong token", url.Values{web.CSRFField: {"forged"}}, nil},
		{"another session's token", url.Values{web.CSRFField: {othersToken}}, nil},
		{"another site's page, token and all", url.Values{web.CSRFField: {c.csrfToken()}},
			[]string{"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"}},
		{"another origin without fetch metadata", url.Values{web.CSRFField: {c.csrfToken()}},
			[]string{"Origin", "http://evil.example"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bodyHas(t, c.send("/admin/logout/", tt.form, tt.header...).Want(t, http.StatusForbidden), web.CSRFMessage)
			has(t, c.get("/admin/").Want(t, http.StatusOK), el("h1", "Site administration")) // still signed in
		})
	}
	t.Run("token in the header", func(t *testing.T) {
		res := c.send("/admin/password_change/", url.Values{}, web.CSRFHeader, c.csrfToken()).Want(t, http.StatusOK)
		has(t, res, fieldError("This field is required."))
	})
	t.Run("login form without its token", func(t *testing.T) {
		d := s.client(t)
		bodyHas(t, d.send("/admin/login/", url.Values{"username": {"boss"}, "password": {password}}).Want(t, http.StatusForbidden), web.CSRFMessage)
		redirect(t, d.get("/admin/"), signedOut)
	})
	t.Run("same origin with its token", func(t *testing.T) {
		res := c.send("/admin/logout/", url.Values{web.CSRFField: {c.csrfToken()}},
			"Origin", "http://example.com", "Sec-Fetch-Site", "same-origin").Want(t, http.StatusOK)
		has(t, res, el("h1", "Logged out"))
	})
	t.Run("the token changes at login", func(t *testing.T) {
		d := s.client(t)
		before := d.csrfToken()
		redirect(t, d.login("boss", password), "/admin/")
		if d.csrfToken() == before {
			t.Error("got the same CSRF token after login")
		}
	})
}

// A token in the X-CSRFToken header, as scripts send it, must not hide the
// form the body carries; nor may a multipart body hide it.
func TestFormsReadWhereverTheTokenCame(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")

	t.Run("token in the header, urlencoded login", func(t *testing.T) {
		c := s.client(t)
		form := url.Values{"username": {"boss"}, "password": {password}}
		redirect(t, c.send("/admin/login/", form, web.CSRFHeader, c.csrfToken()), "/admin/")
		has(t, c.get("/admin/").Want(t, http.StatusOK), el("h1", "Site administration"))
	})
	t.Run("token in the header, urlencoded change form", func(t *testing.T) {
		c := s.signedIn(t, "boss")
		form := url.Values{"name": {"Header clerks"}, "_save": {"1"}}
		redirect(t, c.send("/admin/auth/group/add/", form, web.CSRFHeader, c.csrfToken()), "/admin/auth/group/")
		wantGroup(t, s, "Header clerks")
	})
	t.Run("token in a multipart body", func(t *testing.T) {
		c := s.signedIn(t, "boss")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, kv := range [][2]string{{web.CSRFField, c.csrfToken()}, {"name", "Multipart clerks"}, {"_save", "1"}} {
			if err := mw.WriteField(kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		req := c.request(http.MethodPost, "/admin/auth/group/add/", body.String(), "Content-Type", mw.FormDataContentType())
		redirect(t, c.Do(req), "/admin/auth/group/")
		wantGroup(t, s, "Multipart clerks")
	})
}

// wantGroup fails the test unless a group is called name.
func wantGroup(t *testing.T, s *site, name string) {
	t.Helper()
	groups, err := models.ListGroups(context.Background(), s.DB.Read)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		if g.Name == name {
			return
		}
	}
	t.Errorf("got groups %v, want %q among them", groups, name)
}

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	c := s.signedIn(t, "boss")
	other := s.signedIn(t, "boss") // the same user on another computer

	res := c.get("/admin/password_change/").Want(t, http.StatusOK)
	has(t, res, title("Password change | OC Lettings site admin"),
		attr(`input[name="old_password"]`, "type", "password"),
		attr(`input[name="new_password1"]`, "type", "password"),
		attr(`input[name="new_password2"]`, "type", "password"),
		attr(`input[type="submit"]`, "value", "Change my password"))
	form := func(old, p1, p2 string) url.Values {
		return url.Values{"old_password": {old}, "new_password1": {p1}, "new_password2": {p2}}
	}
	for _, tt := range []struct {
		name string
		form url.Values
		want []string // id of the field → its error
	}{
		{"wrong old password", form("wrong", "Olive-Branch-Morning-3", "Olive-Branch-Morning-3"),
			[]string{"old_password", "Your old password was entered incorrectly. Please enter it again."}},
		{"mismatch", form(password, "Olive-Branch-Morning-3", "Olive-Branch-Morning-4"),
			[]string{"new_password2", "The two password fields didn’t match."}},
		{"weak", form(password, "boss", "boss"),
			[]string{"new_password2", "The password is too similar to the username.", "new_password2", "This password is too short. It must contain at least 8 characters."}},
		{"blank", form("", "", ""),
			[]string{"old_password", "This field is required.", "new_password1", "This field is required.", "new_password2", "This field is required."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := c.post("/admin/password_change/", tt.form).Want(t, http.StatusOK)
			for i := 0; i < len(tt.want); i += 2 {
				has(t, res, el("#id_"+tt.want[i]+"_error li", tt.want[i+1]))
			}
		})
	}
	t.Run("blank: the note counts the errors", func(t *testing.T) {
		has(t, c.post("/admin/password_change/", form("", "", "")), errorNote("Please correct the errors below."))
	})

	before := c.session()
	redirect(t, c.post("/admin/password_change/", form(password, "Olive-Branch-Morning-3", "Olive-Branch-Morning-3")), "/admin/password_change/done/")
	if c.session() == before {
		t.Error("got the same session token after the password change")
	}
	res = c.get("/admin/password_change/done/").Want(t, http.StatusOK)
	has(t, res, el("h1", "Password change successful"))
	bodyHas(t, res, "Your password was changed.")
	has(t, c.get("/admin/").Want(t, http.StatusOK), el("h1", "Site administration"))

	redirect(t, other.get("/admin/"), signedOut)
	has(t, s.client(t).login("boss", password).Want(t, http.StatusOK), errorNote(msgInvalidLogin))
	redirect(t, s.client(t).login("boss", "Olive-Branch-Morning-3"), "/admin/")
}

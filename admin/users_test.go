package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/sitetest"
)

func TestUsersAndGroups(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	ctx := context.Background()

	res := c.get("/admin/auth/user/add/").Want(t, http.StatusOK)
	has(t, res, el("h1", "Add user"), sitetest.Element{Sel: `#user_form input[name="username"]`},
		attr(`#user_form input[name="password1"]`, "type", "password"), attr(`#user_form input[name="password2"]`, "type", "password"))
	for _, tt := range []struct {
		name     string
		form     url.Values
		field    string
		messages []string
	}{
		{"mismatch", url.Values{"username": {"clerk"}, "password1": {"Olive-Branch-Morning-3"}, "password2": {"Olive-Branch-Morning-4"}},
			"password2", []string{"The two password fields didn’t match."}},
		{"weak", url.Values{"username": {"clerk"}, "password1": {"clerk"}, "password2": {"clerk"}},
			"password2", []string{"The password is too similar to the username.", "This password is too short. It must contain at least 8 characters."}},
		{"taken in another case", url.Values{"username": {"ROOT"}, "password1": {"Olive-Branch-Morning-3"}, "password2": {"Olive-Branch-Morning-3"}},
			"username", []string{"A user with that username already exists."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := c.post("/admin/auth/user/add/", tt.form).Want(t, http.StatusOK)
			for _, m := range tt.messages {
				has(t, res, fieldErr(tt.field, m))
			}
		})
	}
	res = c.post("/admin/auth/user/add/", url.Values{"username": {"clerk"}, "password1": {"Olive-Branch-Morning-3"}, "password2": {"Olive-Branch-Morning-3"}, "_save": {"1"}})
	clerk, err := models.GetUserByUsername(ctx, s.DB.Read, "clerk")
	if err != nil {
		t.Fatal(err)
	}
	userURL := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
	redirect(t, res, userURL)
	res = c.get(userURL).Want(t, http.StatusOK)
	has(t, res,
		message("The user “clerk” was added successfully. You may edit it again below."),
		el(fmt.Sprintf(`.messagelist li a[href=%q]`, userURL), "clerk"),
		el("fieldset h2", "Personal info"), el("fieldset h2", "Permissions"), el("fieldset h2", "Important dates"),
		el(fmt.Sprintf(`.field-password .readonly a[href="/admin/auth/user/%d/password/"]`, clerk.ID), "Reset password"),
		sitetest.Element{Sel: `select[name="groups"]`}, sitetest.Element{Sel: `select[name="user_permissions"]`},
		el(`select[name="user_permissions"] option`, "Lettings | letting | Can view letting"))
	has(t, res, sitetest.Element{Sel: ".field-password .readonly", Contains: "algorithm: argon2 variety: argon2id"})
	bodyLacks(t, res, strings.Split(clerk.Password, "$")[5]) // the hash itself

	group := url.Values{"name": {"Letting clerks"}, "permissions": {fmt.Sprint(s.permission(t, "lettings.view_letting")), fmt.Sprint(s.permission(t, "lettings.change_letting"))}, "_save": {"1"}}
	redirect(t, c.post("/admin/auth/group/add/", group), "/admin/auth/group/")
	has(t, c.post("/admin/auth/group/add/", url.Values{"name": {"Bad"}, "permissions": {"99999"}}).Want(t, http.StatusOK),
		fieldErr("permissions", "Select a valid choice. 99999 is not one of the available choices."))
	g, err := models.ListGroups(ctx, s.DB.Read)
	if err != nil || len(g) != 1 {
		t.Fatalf("got %v (%v), want the new group", g, err)
	}

	edit := url.Values{"username": {"clerk"}, "first_name": {"Clara"}, "last_name": {"Clerk"}, "email": {"clara@example.com"},
		"is_active": {"on"}, "is_staff": {"on"}, "groups": {fmt.Sprint(g[0].ID)}, "_save": {"1"}}
	edit = with(dateTimeInputs(c.get(userURL)), edit) // the dates as shown
	redirect(t, c.post(userURL, edit), "/admin/auth/user/")
	clara := s.client(t)
	redirect(t, clara.login("clerk", "Olive-Branch-Morning-3"), "/admin/")
	has(t, clara.get("/admin/").Want(t, http.StatusOK), el("#user-tools strong", "Clara"), el("#content-main a.changelink", "Change"))
	res = c.get(fmt.Sprintf("/admin/auth/user/%d/history/", clerk.ID)).Want(t, http.StatusOK)
	has(t, res, el("#change-history ul.changes li", "Groups: → Letting clerks"))
	bodyHas(t, res, "Changed First name, Last name, Email address, Staff status and Groups.", "<del></del> → <ins>Letting clerks</ins>")

	t.Run("set a password", func(t *testing.T) {
		path := fmt.Sprintf("/admin/auth/user/%d/password/", clerk.ID)
		has(t, c.get(path).Want(t, http.StatusOK), el("h1", "Change password: clerk"),
			attr(`input[name="password1"]`, "type", "password"), attr(`input[name="password2"]`, "type", "password"))
		has(t, c.post(path, url.Values{"password1": {"a"}, "password2": {"b"}}).Want(t, http.StatusOK),
			fieldErr("password2", "The two password fields didn’t match."))
		has(t, c.post(path, url.Values{"password1": {"12345678"}, "password2": {"12345678"}}).Want(t, http.StatusOK),
			fieldErr("password2", "This password is too common."), fieldErr("password2", "This password is entirely numeric."))
		redirect(t, c.post(path, url.Values{"password1": {"Lemon-Grove-Sunset-7"}, "password2": {"Lemon-Grove-Sunset-7"}}), userURL)
		has(t, c.get(userURL).Want(t, http.StatusOK), message("Password changed successfully."))
		redirect(t, clara.get("/admin/"), signedOut) // the clerk's session ended
		redirect(t, s.client(t).login("clerk", "Lemon-Grove-Sunset-7"), "/admin/")
		res := c.get(fmt.Sprintf("/admin/auth/user/%d/history/", clerk.ID)).Want(t, http.StatusOK)
		has(t, res, el("#change-history tbody td", "Changed password. Password: changed"), el("#change-history ul.changes li", "Password: changed"))
		bodyHas(t, res, "<strong>Password</strong>: changed")
	})

	t.Run("no escalation", func(t *testing.T) {
		hr := s.staff(t, "hr", "auth.view_user", "auth.change_user", "lettings.view_letting")
		root, _ := models.GetUserByUsername(ctx, s.DB.Read, "root")
		hrUser, _ := models.GetUserByUsername(ctx, s.DB.Read, "hr")
		hrURL := fmt.Sprintf("/admin/auth/user/%d/change/", hrUser.ID)
		res := hr.get(hrURL).Want(t, http.StatusOK)
		has(t, res, el(".field-is_superuser div.readonly", "No"))
		lacks(t, res, sitetest.Element{Sel: `input[name="is_superuser"]`})
		// What the browser sends back: the form as shown, with hr's own permissions.
		own := []string{fmt.Sprint(s.permission(t, "auth.view_user")), fmt.Sprint(s.permission(t, "auth.change_user")), fmt.Sprint(s.permission(t, "lettings.view_letting"))}
		base := with(dateTimeInputs(res), url.Values{"username": {"hr"}, "is_active": {"on"}, "is_staff": {"on"}, "user_permissions": own})
		redirect(t, hr.post(hrURL, with(base, url.Values{"is_superuser": {"on"}})), "/admin/auth/user/")
		if u, _ := models.GetUser(ctx, s.DB.Read, hrUser.ID); u.IsSuperuser {
			t.Fatal("got a staff member making themselves superuser")
		}
		const refused = "You cannot grant permissions you do not have yourself."
		grant := with(base, url.Values{"user_permissions": append(append([]string{}, own...), fmt.Sprint(s.permission(t, "auth.delete_user")))})
		has(t, hr.post(hrURL, grant).Want(t, http.StatusOK), fieldError(refused))
		redirect(t, hr.post(hrURL, base), "/admin/auth/user/")
		has(t, hr.post(hrURL, with(base, url.Values{"groups": {fmt.Sprint(g[0].ID)}})).Want(t, http.StatusOK), fieldError(refused))
		has(t, hr.get(fmt.Sprintf("/admin/auth/user/%d/change/", root.ID)).Want(t, http.StatusOK), el("h1", "View user"))
		hr.post(fmt.Sprintf("/admin/auth/user/%d/change/", root.ID), url.Values{"username": {"root"}}).Want(t, http.StatusForbidden)
		hr.post(fmt.Sprintf("/admin/auth/user/%d/password/", root.ID), url.Values{"password1": {"Taken-Over-12345"}, "password2": {"Taken-Over-12345"}}).Want(t, http.StatusForbidden)
	})
}

// A new password no sign-in would accept (over accounts.MaxPasswordBytes)
// is a field error wherever staff set one, and is never hashed.
func TestNewPasswordsOverTheLimitAreRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t, onDB(sitetest.EmptyDB(t)))
	bob := s.staffUser(t, "bob")
	c := s.staff(t, "root", "*")
	long := strings.Repeat("Plum-", accounts.MaxPasswordBytes/5+1)
	for _, path := range []string{
		"/admin/auth/user/add/",
		fmt.Sprintf("/admin/auth/user/%d/password/", bob.ID),
	} {
		t.Run(path, func(t *testing.T) {
			c.get(path).Want(t, http.StatusOK)
			before := s.Hasher.count()
			res := c.post(path, url.Values{"username": {"carol"}, "password1": {long}, "password2": {long}}).Want(t, http.StatusOK)
			has(t, res, sitetest.Element{Sel: "#id_password2_error li", Contains: "This password is too long"})
			if n := s.Hasher.count() - before; n != 0 {
				t.Errorf("got %d derivations for a password no one can sign in with, want 0", n)
			}
		})
	}
}

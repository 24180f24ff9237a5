package main

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/models"
)

// Bad input from anyone gets a 4xx with a proper page and changes nothing:
// these go through the whole router, as a visitor's or attacker's would.

var badRequestPage = []string{"Bad Request"}

func TestBadTextInTheAddressIs400(t *testing.T) {
	h, _ := newSite(t)
	var scenarios []scenario
	for _, path := range []string{
		"/lettings/?q=%00",
		"/lettings/?q=a%00b&page=2",
		"/lettings/?q=%FF",
		"/lettings/?%00=x",
		"/profiles/%00/",
		"/profiles/a%00b/",
		"/profiles/%FF%FE/",
		"/lettings/%00/",
		"/%00",
		"/?page=%C0%80",
		"/admin/login/?next=%00",
		"/admin/lettings/letting/?q=%00",
	} {
		scenarios = append(scenarios, scenario{name: path, path: path, status: 400, contains: badRequestPage})
	}
	runScenarios(t, h, scenarios)
}

func TestBadTextInTheAdminIs400(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	for _, path := range []string{
		"/admin/lettings/letting/?q=%00",
		"/admin/lettings/letting/?q=%FF",
		"/admin/lettings/letting/?address__state__exact=%00",
		"/admin/lettings/letting/?address__state__exact=%FF",
		"/admin/profiles/profile/?favorite_city__exact=a%00",
		"/admin/auth/user/?q=a%00b",
		"/admin/lettings/letting/?%00=1",
	} {
		t.Run(path, func(t *testing.T) {
			b.get(path).want(t, 400, badRequestPage...)
		})
	}
}

func TestBadTextInAFormIs400(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
	ctx := context.Background()
	for _, tt := range []struct{ name, username string }{
		{"NUL in the username", "a\x00b"},
		{"invalid UTF-8 in the username", "bo\xffss"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := s.browser()
			b.login(tt.username, bossPassword).want(t, 400, badRequestPage...)
			b.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
		})
	}
	t.Run("NUL in the address to go to next", func(t *testing.T) {
		b := s.browser()
		b.login("boss", bossPassword, "/admin/\x00").want(t, 400, badRequestPage...)
		b.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F")
	})
	t.Run("invalid UTF-8 in a change form", func(t *testing.T) {
		b := s.staff(t, "root", "*")
		b.post("/admin/auth/group/add/", url.Values{"name": {"Clerks \xff"}, "_save": {"1"}}).want(t, 400, badRequestPage...)
		if groups, err := models.ListGroups(ctx, s.db.Read); err != nil || len(groups) != 0 {
			t.Errorf("got groups %v (%v), want none", groups, err)
		}
	})
}

// A token in the X-CSRFToken header, as scripts send it, must not hide the
// form the body carries; nor may a multipart body hide it.
func TestFormsReadWhereverTheTokenCame(t *testing.T) {
	s := newAdminSite(t)
	s.user("boss", bossPassword, true, true, true)
	ctx := context.Background()

	t.Run("token in the header, urlencoded login", func(t *testing.T) {
		b := s.browser()
		token := b.csrfToken()
		form := url.Values{"username": {"boss"}, "password": {bossPassword}}
		b.do(http.MethodPost, "/admin/login/", form, map[string]string{"X-CSRFToken": token}).redirect(t, "/admin/")
		b.get("/admin/").want(t, 200, "Site administration")
	})
	t.Run("token in the header, urlencoded change form", func(t *testing.T) {
		b := s.browser()
		b.login("boss", bossPassword).redirect(t, "/admin/")
		form := url.Values{"name": {"Header clerks"}, "_save": {"1"}}
		b.do(http.MethodPost, "/admin/auth/group/add/", form, map[string]string{"X-CSRFToken": b.csrfToken()}).redirect(t, "/admin/auth/group/")
		wantGroup(t, s, "Header clerks")
	})
	t.Run("token in a multipart body", func(t *testing.T) {
		b := s.browser()
		b.login("boss", bossPassword).redirect(t, "/admin/")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for _, kv := range [][2]string{{"csrfmiddlewaretoken", b.csrfToken()}, {"name", "Multipart clerks"}, {"_save", "1"}} {
			if err := mw.WriteField(kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.srv.URL+"/admin/auth/group/add/", &body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		b.send(req).redirect(t, "/admin/auth/group/")
		wantGroup(t, s, "Multipart clerks")
	})
}

func wantGroup(t *testing.T, s *adminSite, name string) {
	t.Helper()
	groups, err := models.ListGroups(context.Background(), s.db.Read)
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

// A search longer than anyone types is cut to the same limit on both
// sites, never a database error.
func TestLongSearches(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	var words strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&words, "w%d ", i)
	}
	long := strings.Repeat("x", 60000)
	for _, q := range []string{words.String(), strings.Repeat("joshua ", 1000), long, strings.Repeat("a%_\\ ", 2000)} {
		name := fmt.Sprintf("%d characters", len(q))
		t.Run("admin, "+name, func(t *testing.T) {
			for _, path := range []string{"/admin/lettings/letting/", "/admin/auth/user/", "/admin/profiles/profile/", "/admin/lettings/address/", "/admin/auth/group/"} {
				b.get(path+"?q="+url.QueryEscape(q)).want(t, 200, " result")
			}
		})
		t.Run("public, "+name, func(t *testing.T) {
			b.get("/lettings/?q="+url.QueryEscape(q)).want(t, 200, "Lettings")
		})
	}
	t.Run("the page shows and links what was searched for", func(t *testing.T) {
		p := b.get("/admin/lettings/letting/?o=1&q="+long).want(t, 200, `value="`+long[:models.MaxSearchLength]+`"`)
		if strings.Contains(p.body, long[:models.MaxSearchLength+1]) {
			t.Error("got the search as sent, beyond its limit, in the page")
		}
		p = b.get("/lettings/?q="+long).want(t, 200, `value="`+long[:models.MaxSearchLength]+`"`)
		if strings.Contains(p.body, long[:models.MaxSearchLength+1]) {
			t.Error("got the search as sent, beyond its limit, in the public page")
		}
	})
	t.Run("the cut search still finds", func(t *testing.T) {
		b.get("/admin/lettings/letting/?q="+url.QueryEscape("joshua "+strings.Repeat(" ", 70000))).want(t, 200, "1 result (")
	})
}

// A repeated id in a multi-select is the same choice made twice.
func TestRepeatedChoices(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	ctx := context.Background()
	view := permissionID(t, s, "lettings", "view_letting")
	b.post("/admin/auth/group/add/", url.Values{"name": {"Clerks"}, "permissions": {view, view}, "_save": {"1"}}).redirect(t, "/admin/auth/group/")
	groups, err := models.ListGroups(ctx, s.db.Read)
	if err != nil || len(groups) != 1 {
		t.Fatalf("got %v (%v), want the new group", groups, err)
	}
	g := fmt.Sprint(groups[0].ID)
	b.post(fmt.Sprintf("/admin/auth/group/%s/change/", g), url.Values{"name": {"Clerks"}, "permissions": {view, view, view}, "_save": {"1"}}).redirect(t, "/admin/auth/group/")
	if ids, err := models.GroupPermissionIDs(ctx, s.db.Read, groups[0].ID); err != nil || len(ids) != 1 {
		t.Errorf("got group permissions %v (%v), want one", ids, err)
	}

	clerk := s.user("clerk", bossPassword, true, false, true)
	userURL := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
	edit := url.Values{"username": {"clerk"}, "is_active": {"on"}, "is_staff": {"on"},
		"groups": {g, g}, "user_permissions": {view, view}, "_save": {"1"}}
	b.post(userURL, edit).redirect(t, "/admin/auth/user/")
	if ids, err := models.UserGroupIDs(ctx, s.db.Read, clerk.ID); err != nil || len(ids) != 1 {
		t.Errorf("got user groups %v (%v), want one", ids, err)
	}
	if ids, err := models.UserPermissionIDs(ctx, s.db.Read, clerk.ID); err != nil || len(ids) != 1 {
		t.Errorf("got user permissions %v (%v), want one", ids, err)
	}
	b.get(fmt.Sprintf("/admin/auth/user/%d/history/", clerk.ID)).want(t, 200, "<ins>Clerks</ins>")
}

// What else a visitor can put in an address is answered as Django would:
// a page, a redirect to the list afresh (?e=1) or to the nearest page, or
// a 4xx; never a 5xx.
func TestHostileAddresses(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	long := strings.Repeat("a", 20000)
	for _, tt := range []struct {
		path     string
		status   int
		location string
	}{
		{"/admin/lettings/letting/?o=99999999999999999999", 200, ""},
		{"/admin/lettings/letting/?o=-99999999999999999999", 200, ""},
		{"/admin/lettings/letting/?o=-1.-1.-1", 200, ""},
		{"/admin/lettings/letting/?o=" + strings.Repeat("1.", 20000), 200, ""},
		{"/admin/lettings/letting/?o=abc", 200, ""},
		{"/admin/lettings/letting/?p=99999999999999999999", 302, "/admin/lettings/letting/?e=1"},
		{"/admin/lettings/letting/?p=9223372036854775807", 302, "/admin/lettings/letting/?e=1"},
		{"/admin/lettings/letting/?all=&p=9223372036854775807", 302, "/admin/lettings/letting/?e=1"},
		{"/admin/lettings/letting/?p=-1", 302, "/admin/lettings/letting/?e=1"},
		{"/admin/lettings/letting/?address__state__exact=ZZ", 200, ""},
		{"/admin/lettings/letting/?address__state__exact=" + long, 200, ""},
		{"/admin/lettings/letting/?address__street__exact=x", 400, ""},
		{"/admin/auth/user/?groups__id__exact=9223372036854775807", 200, ""},
		{"/admin/auth/user/?groups__id__exact=99999999999999999999", 302, "/admin/auth/user/?e=1"},
		{"/admin/auth/user/?is_staff__exact=2", 302, "/admin/auth/user/?e=1"},
		{"/admin/lettings/letting/1/change/?_changelist_filters=" + url.QueryEscape("%%%&&=;;\r\n"), 200, ""},
		{"/admin/lettings/letting/1/change/?_changelist_filters=" + long, 200, ""},
		{"/admin/lettings/letting/99999999999999999999/change/", 302, "/admin/"},
		{"/admin/lettings/letting/1/history/?p=99999999999999999999", 302, "/admin/lettings/letting/1/history/"},
		{"/admin/login/?next=%0D%0ALocation:%20x", 302, "/admin/"},
		{"/admin/login/?next=" + long, 302, "/admin/"},
		{"/admin/" + long + "/", 404, ""},
		{"/admin/r/lettings.letting/99999999999999999999/", 404, ""},
		{"/" + long + "/", 404, ""},
		{"/profiles/" + long + "/", 404, ""},
		{"/lettings/99999999999999999999/", 404, ""},
		{"/lettings/?page=99999999999999999999", 302, "/lettings/"},
		{"/lettings/?page=9223372036854775807", 302, "/lettings/"},
		{"/lettings/?page=0x1", 302, "/lettings/"},
		{"/profiles/?page=-1", 302, "/profiles/"},
		{"/lettings/?q=" + long + "&page=2", 302, "/lettings/?q=" + long[:models.MaxSearchLength]},
		{"/sitemap-99999999999999999999.xml", 404, ""},
	} {
		t.Run(fmt.Sprintf("%.80s", tt.path), func(t *testing.T) {
			p := b.get(tt.path)
			if p.status != tt.status || p.location != tt.location {
				t.Errorf("got %d %q, want %d %q", p.status, p.location, tt.status, tt.location)
			}
		})
	}
}

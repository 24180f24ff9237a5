package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// Bad input from anyone gets a 4xx with a proper page and changes nothing.

// badRequest is what a 400 page says.
var badRequest = []string{"Bad Request"}

func TestBadTextInTheAddressIs400(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	var scenarios []sitetest.Scenario
	for _, path := range []string{
		"/admin/login/?next=%00",
		"/admin/lettings/letting/?q=%00",
	} {
		scenarios = append(scenarios, sitetest.Scenario{Name: path, Path: path, Status: http.StatusBadRequest, BodyHas: badRequest})
	}
	sitetest.Run(t, s.Handler, scenarios)
}

func TestBadTextInTheAdminIs400(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
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
			bodyHas(t, c.get(path).Want(t, http.StatusBadRequest), badRequest...)
		})
	}
}

func TestBadTextInAFormIs400(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	for _, tt := range []struct{ name, username string }{
		{"NUL in the username", "a\x00b"},
		{"invalid UTF-8 in the username", "bo\xffss"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := s.client(t)
			bodyHas(t, c.login(tt.username, password).Want(t, http.StatusBadRequest), badRequest...)
			redirect(t, c.get("/admin/"), signedOut)
		})
	}
	t.Run("NUL in the address to go to next", func(t *testing.T) {
		t.Parallel()
		c := s.client(t)
		bodyHas(t, c.login("boss", password, "/admin/\x00").Want(t, http.StatusBadRequest), badRequest...)
		redirect(t, c.get("/admin/"), signedOut)
	})
	t.Run("invalid UTF-8 in a change form", func(t *testing.T) {
		t.Parallel()
		c := s.staff(t, "root", "*")
		bodyHas(t, c.post("/admin/auth/group/add/", url.Values{"name": {"Clerks \xff"}, "_save": {"1"}}).Want(t, http.StatusBadRequest), badRequest...)
		if groups, err := models.ListGroups(context.Background(), s.DB.Read); err != nil || len(groups) != 0 {
			t.Errorf("got groups %v (%v), want none", groups, err)
		}
	})
}

// What else staff can put in an address is answered as Django would: a
// page, a redirect to the list afresh (?e=1) or to the nearest page, or a
// 4xx; never a 5xx.
func TestHostileAddresses(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
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
	} {
		t.Run(fmt.Sprintf("%.80s", tt.path), func(t *testing.T) {
			res := c.get(tt.path)
			if res.Status != tt.status || res.Location() != tt.location {
				t.Errorf("got %d %q, want %d %q", res.Status, res.Location(), tt.status, tt.location)
			}
		})
	}
}

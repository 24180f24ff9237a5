package admin_test

import (
	"net/http"
	"testing"
)

// HEAD is answered wherever GET is, as Django answers it: the same status
// and headers (net/http's server leaves the body out). Anonymous visitors are sent to the login page.
func TestHeadAnswersLikeGet(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	staff := s.staff(t, "clerk", "*")
	anonymous := s.client(t)
	paths := []string{
		"/admin/",
		"/admin/lettings/",
		"/admin/lettings/letting/",
		"/admin/lettings/letting/1/change/",
		"/admin/lettings/letting/1/history/",
		"/admin/lettings/letting/add/",
		"/admin/auth/user/",
		"/admin/password_change/",
	}
	for _, path := range paths {
		get := staff.get(path)
		head := staff.Do(staff.request(http.MethodHead, path, ""))
		if head.Status != http.StatusOK || get.Status != http.StatusOK {
			t.Errorf("HEAD %s: %d (GET: %d), want 200", path, head.Status, get.Status)
		}
		if got, want := head.Header.Get("Content-Type"), get.Header.Get("Content-Type"); got != want {
			t.Errorf("HEAD %s: Content-Type %q, GET's %q", path, got, want)
		}
		if res := anonymous.Do(anonymous.request(http.MethodHead, path, "")); res.Status != http.StatusFound {
			t.Errorf("anonymous HEAD %s: %d, want 302 to the login page", path, res.Status)
		}
	}
	head := anonymous.Do(anonymous.request(http.MethodHead, "/admin/login/", ""))
	if head.Status != http.StatusOK {
		t.Errorf("HEAD /admin/login/: %d, want 200", head.Status)
	}
}

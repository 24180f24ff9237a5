package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// appModel is a model's row in an app list of the index or an app's page.
func appModel(model string) string { return fmt.Sprintf("#content-main tr.model-%s", model) }

func TestIndexShowsWhatEachMayDo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	s.superuser(t, "root")
	s.staffUser(t, "clerk")
	s.staffUser(t, "viewer", "lettings.view_letting")
	editor := s.staffUser(t, "editor")
	group := &models.Group{Name: "Address editors"}
	if err := models.CreateGroup(ctx, s.DB.Write, group); err != nil {
		t.Fatal(err)
	}
	if err := models.SetGroupPermissions(ctx, s.DB.Write, group.ID, []int64{s.permission(t, "lettings.add_address"), s.permission(t, "lettings.change_address")}); err != nil {
		t.Fatal(err)
	}
	if err := models.SetUserGroups(ctx, s.DB.Write, editor.ID, []int64{group.ID}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		user      string
		has       []sitetest.Element
		lacks     []sitetest.Element
		bodyLacks []string
		apps      map[string]int // app index → status
	}{
		{"root", []sitetest.Element{
			el("#content-main caption a.section", "Authentication and Authorization"),
			sitetest.Element{Sel: `#content-main a[href="/admin/auth/user/"]`},
			sitetest.Element{Sel: `#content-main a[href="/admin/lettings/letting/add/"]`},
			sitetest.Element{Sel: `#content-main a[href="/admin/profiles/profile/"]`},
			el("#recent-actions-module p", "None available"),
		}, nil, nil, map[string]int{"auth": 200, "lettings": 200, "profiles": 200, "nope": 404}},
		{"clerk", []sitetest.Element{el("#content-main p", "You don’t have permission to view or edit anything.")},
			[]sitetest.Element{el("#content-main caption a", "Lettings")}, []string{"Lettings</a></caption>"},
			map[string]int{"auth": 404, "lettings": 404, "profiles": 404}},
		{"viewer", []sitetest.Element{el(appModel("letting")+` a.viewlink[href="/admin/lettings/letting/"]`, "View")},
			[]sitetest.Element{{Sel: "#content-main a.addlink"}, {Sel: appModel("address")}, el("#content-main caption a", "Profiles")},
			[]string{"addlink", "Addresses", "Profiles</a></caption>"},
			map[string]int{"lettings": 200, "profiles": 404, "auth": 404}},
		{"editor", []sitetest.Element{
			el(appModel("address")+` a.addlink[href="/admin/lettings/address/add/"]`, "Add"),
			el(appModel("address")+` a.changelink[href="/admin/lettings/address/"]`, "Change"),
		}, []sitetest.Element{{Sel: `#content-main a[href="/admin/lettings/letting/"]`}}, []string{`href="/admin/lettings/letting/"`},
			map[string]int{"lettings": 200, "profiles": 404}},
	} {
		t.Run(tt.user, func(t *testing.T) {
			t.Parallel()
			c := s.signedIn(t, tt.user)
			res := c.get("/admin/").Want(t, http.StatusOK)
			has(t, res, tt.has...)
			lacks(t, res, tt.lacks...)
			bodyLacks(t, res, tt.bodyLacks...)
			for app, status := range tt.apps {
				c.get("/admin/"+app+"/").Want(t, status)
			}
		})
	}
	t.Run("root sees the app index", func(t *testing.T) {
		t.Parallel()
		res := s.signedIn(t, "root").get("/admin/lettings/").Want(t, http.StatusOK)
		has(t, res, title("Lettings administration | OC Lettings site admin"),
			el(".breadcrumbs", "Home › Lettings"), el(`.breadcrumbs a[href="/admin/"]`, "Home"),
			sitetest.Element{Sel: `#content-main a[href="/admin/lettings/address/"]`})
	})
}

func TestLosingStaffEndsTheSession(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	t.Run("a user made inactive loses the session", func(t *testing.T) {
		t.Parallel()
		editor := s.staffUser(t, "editor")
		c := s.signedIn(t, "editor")
		editor.IsActive = false
		if err := models.UpdateUser(ctx, s.DB.Write, editor); err != nil {
			t.Fatal(err)
		}
		redirect(t, c.get("/admin/"), signedOut)
	})
	t.Run("a user no longer staff is sent to the login page", func(t *testing.T) {
		t.Parallel()
		viewer := s.staffUser(t, "viewer", "lettings.view_letting")
		c := s.signedIn(t, "viewer")
		viewer.IsStaff = false
		if err := models.UpdateUser(ctx, s.DB.Write, viewer); err != nil {
			t.Fatal(err)
		}
		redirect(t, c.get("/admin/"), signedOut)
		has(t, c.get("/admin/login/").Want(t, http.StatusOK),
			errorNote("You are authenticated as viewer, but are not authorized to access this page. Would you like to login to a different account?"))
	})
}

func TestRecentActions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	boss := s.superuser(t, "boss")
	ctx := context.Background()
	for i, e := range []models.LogEntry{
		{AppLabel: "lettings", Model: "letting", ObjectID: "2", ObjectRepr: "Oceanview Retreat", ActionFlag: models.ActionChange, ChangeMessage: "Changed Title."},
		{AppLabel: "lettings", Model: "address", ObjectID: "9", ObjectRepr: "1 Gone Street", ActionFlag: models.ActionDeletion, ChangeMessage: "Deleted."},
	} {
		e.UserID = boss.ID
		e.ActionTime = s.Clock.Now().Add(time.Duration(i) * time.Minute)
		if err := models.AddLogEntry(ctx, s.DB.Write, &e); err != nil {
			t.Fatal(err)
		}
	}
	res := s.signedIn(t, "boss").get("/admin/").Want(t, http.StatusOK)
	has(t, res, el("#recent-actions-module h2", "Recent actions"), el("#recent-actions-module h3", "My actions"),
		el(`#recent-actions-module li.changelink a[href="/admin/lettings/letting/2/change/"]`, "Oceanview Retreat"),
		el("#recent-actions-module li.changelink span.mini.quiet", "Letting"),
		el("#recent-actions-module li.deletelink", "Deleted: 1 Gone Street Address"),
		el("#recent-actions-module li.deletelink span.mini.quiet", "Address"))
	lacks(t, res, el("#recent-actions-module p", "None available"),
		sitetest.Element{Sel: `a[href="/admin/lettings/address/9/change/"]`})
	if got := res.Texts("#recent-actions-module li"); len(got) != 2 || got[0] != "Deleted: 1 Gone Street Address" {
		t.Errorf("got the actions %q, want the newer (the deletion) first", got)
	}
}

func TestAdminNotFound(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	anon := s.client(t)
	for _, tt := range []struct{ path, location string }{
		{"/admin", "/admin/"},
		{"/admin/login", "/admin/login/"},
		{"/admin/password_change", "/admin/password_change/"},
		{"/admin/no/such/page/", "/admin/login/?next=%2Fadmin%2Fno%2Fsuch%2Fpage%2F"},
	} {
		redirect(t, anon.get(tt.path), tt.location)
	}
	c := s.signedIn(t, "boss")
	has(t, c.get("/admin/no/such/page/").Want(t, http.StatusNotFound), el("h1", "Page not found"))
	c.get("/admin/nope/").Want(t, http.StatusNotFound)
}

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	viewer := s.staff(t, "viewer", "lettings.view_letting")
	adder := s.staff(t, "adder", "lettings.add_letting")
	nobody := s.staff(t, "nobody")

	res := viewer.get("/admin/lettings/letting/").Want(t, http.StatusOK)
	has(t, res, el("h1", "Select letting to view"))
	lacks(t, res, el(".object-tools a.addlink", "Add letting"))
	bodyLacks(t, res, "Add letting")
	res = viewer.get("/admin/lettings/letting/1/change/").Want(t, http.StatusOK)
	has(t, res, title("View letting | OC Lettings site admin"),
		el("div.readonly", "Joshua Tree Green Haus /w Hot Tub"), el("div.readonly", "7217 Bedford Street"),
		el(".submit-row a.closelink", "Close"))
	lacks(t, res, sitetest.Element{Sel: `input[name="_save"]`}, sitetest.Element{Sel: "a.deletelink"})
	bodyLacks(t, res, `name="_save"`, "Add letting", `class="deletelink"`)
	viewer.post("/admin/lettings/letting/1/change/", url.Values{"title": {"Hacked"}, "address": {"1"}}).Want(t, http.StatusForbidden)
	viewer.get("/admin/lettings/letting/add/").Want(t, http.StatusForbidden)
	viewer.get("/admin/lettings/letting/1/delete/").Want(t, http.StatusForbidden)
	viewer.get("/admin/lettings/letting/1/history/").Want(t, http.StatusOK)
	viewer.get("/admin/lettings/address/").Want(t, http.StatusForbidden)
	if l, err := models.GetLetting(context.Background(), s.DB.Read, 1); err != nil || l.Title != "Joshua Tree Green Haus /w Hot Tub" {
		t.Errorf("got the letting %+v (%v) after a refused change, want it as it was", l, err)
	}

	adder.get("/admin/lettings/letting/").Want(t, http.StatusForbidden)
	adder.get("/admin/lettings/letting/add/").Want(t, http.StatusOK)
	has(t, adder.post("/admin/lettings/letting/add/", url.Values{"title": {"Added by adder"}, "address": {""}, "_save": {"1"}}).Want(t, http.StatusOK),
		fieldErr("address", "This field is required."))
	a := &models.Address{Number: 1, Street: "Free Street", City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
	if err := models.CreateAddress(context.Background(), s.DB.Write, a); err != nil {
		t.Fatal(err)
	}
	redirect(t, adder.post("/admin/lettings/letting/add/", url.Values{"title": {"Added by adder"}, "address": {fmt.Sprint(a.ID)}, "_save": {"1"}}), "/admin/")
	adder.get("/admin/lettings/letting/1/change/").Want(t, http.StatusForbidden)

	for _, path := range []string{"/admin/lettings/letting/", "/admin/lettings/letting/add/", "/admin/lettings/letting/1/change/",
		"/admin/lettings/letting/1/delete/", "/admin/lettings/letting/1/history/", "/admin/auth/user/", "/admin/auth/group/add/"} {
		nobody.get(path).Want(t, http.StatusForbidden)
	}
}

package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// The frame around the admin's pages: the navigation sidebar, headerless
// popups, the theme toggle, the server's offset from UTC and the full width.

func TestSidebarListsWhatTheUserMaySee(t *testing.T) {
	s := newSite(t)
	c := s.staff(t, "clerk", "lettings.view_letting", "lettings.add_address")

	res := c.get("/admin/lettings/letting/").Want(t, http.StatusOK)
	has(t, res,
		attr(`nav#nav-sidebar.sticky`, "aria-label", "Sidebar"),
		attr(`#nav-sidebar input#nav-filter[type="search"]`, "placeholder", "Start typing to filter…"),
		attr(`button#toggle-nav-sidebar`, "aria-label", "Toggle navigation"),
		el(`#nav-sidebar .app-lettings.current-app caption a[href="/admin/lettings/"]`, "Lettings"),
		el(`#nav-sidebar tr.model-letting.current-model a[href="/admin/lettings/letting/"]`, "Lettings"),
		attr(`#nav-sidebar a[href="/admin/lettings/letting/"]`, "aria-current", "page"),
		// Adding only: the name without a link, and the add link.
		el(`#nav-sidebar tr.model-address th`, "Addresses"),
		el(`#nav-sidebar tr.model-address a.addlink[href="/admin/lettings/address/add/"]`, "Add"),
	)
	lacks(t, res,
		sitetest.Element{Sel: `#nav-sidebar tr.model-address th a`},
		sitetest.Element{Sel: `#nav-sidebar tr.model-address.current-model`},
		sitetest.Element{Sel: `#nav-sidebar a[href="/admin/lettings/letting/add/"]`},
		sitetest.Element{Sel: `#nav-sidebar .app-auth`},
		sitetest.Element{Sel: `#nav-sidebar .app-profiles`},
		// The sidebar has no change links: the name is the link.
		sitetest.Element{Sel: `#nav-sidebar a.changelink, #nav-sidebar a.viewlink`},
	)

	// The object's pages mark their model too; the app's index its app only.
	has(t, c.get("/admin/lettings/letting/1/change/").Want(t, http.StatusOK),
		attr(`#nav-sidebar tr.model-letting.current-model a`, "aria-current", "page"))
	has(t, c.get("/admin/lettings/address/add/").Want(t, http.StatusOK),
		sitetest.Element{Sel: `#nav-sidebar tr.model-address.current-model`})
	res = c.get("/admin/lettings/").Want(t, http.StatusOK)
	has(t, res, sitetest.Element{Sel: `#nav-sidebar .app-lettings.current-app`})
	lacks(t, res, sitetest.Element{Sel: `#nav-sidebar .current-model`}, sitetest.Element{Sel: `#nav-sidebar [aria-current]`})

	// The site-wide pages have it, with nothing current.
	res = c.get("/admin/password_change/").Want(t, http.StatusOK)
	has(t, res, sitetest.Element{Sel: `#nav-sidebar tr.model-letting`})
	lacks(t, res, sitetest.Element{Sel: `#nav-sidebar .current-app`})

	// A superuser sees every model, in the index's order.
	boss := s.staff(t, "boss", "*")
	res = boss.get("/admin/auth/user/").Want(t, http.StatusOK)
	got := res.Texts(`#nav-sidebar th[scope="row"]`)
	want := []string{"Groups", "Users", "Addresses", "Lettings", "Profiles"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got sidebar models %q, want %q (the index's order)", got, want)
	}
	index := boss.get("/admin/").Want(t, http.StatusOK)
	if got, want := index.Texts(`#content-main th[scope="row"]`), got; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got index models %q, want the sidebar's %q", got, want)
	}
	has(t, res, attr(`#nav-sidebar tr.model-user.current-model a`, "aria-current", "page"))
}

func TestSidebarFollowsPermissionChanges(t *testing.T) {
	s := newSite(t)
	clerk := s.staffUser(t, "clerk", "lettings.view_letting")
	c := s.signedIn(t, "clerk")

	// The changelist is a cached page: the sidebar must not outlive the
	// permissions it was drawn for.
	for range 2 {
		lacks(t, c.get("/admin/lettings/letting/").Want(t, http.StatusOK), sitetest.Element{Sel: `#nav-sidebar .app-profiles`})
	}
	ids := []int64{s.permission(t, "lettings.view_letting"), s.permission(t, "profiles.view_profile")}
	if err := models.SetUserPermissions(context.Background(), s.DB.Write, clerk.ID, ids); err != nil {
		t.Fatal(err)
	}
	has(t, c.get("/admin/lettings/letting/").Want(t, http.StatusOK),
		el(`#nav-sidebar .app-profiles a[href="/admin/profiles/profile/"]`, "Profiles"))

	// Another user's cached page is their own.
	boss := s.staff(t, "boss", "*")
	has(t, boss.get("/admin/lettings/letting/").Want(t, http.StatusOK), sitetest.Element{Sel: `#nav-sidebar .app-auth`})
	lacks(t, c.get("/admin/lettings/letting/").Want(t, http.StatusOK), sitetest.Element{Sel: `#nav-sidebar .app-auth`})
}

func TestNoSidebarOnIndexLoginAndPopups(t *testing.T) {
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	for _, path := range []string{"/admin/", "/admin/lettings/address/add/?_popup=1", "/admin/lettings/letting/1/change/?_popup=1"} {
		lacks(t, c.get(path).Want(t, http.StatusOK), sitetest.Element{Sel: "#nav-sidebar"}, sitetest.Element{Sel: "#toggle-nav-sidebar"})
	}
	lacks(t, s.client(t).get("/admin/login/").Want(t, http.StatusOK), sitetest.Element{Sel: "#nav-sidebar"})
	// Signed out, the logged-out page has none either.
	res := c.post("/admin/logout/", url.Values{}).Want(t, http.StatusOK)
	lacks(t, res, sitetest.Element{Sel: "#nav-sidebar"}, sitetest.Element{Sel: "#user-tools"})
}

func TestPopupsHaveNoHeader(t *testing.T) {
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	headerless := func(res *sitetest.Response) {
		t.Helper()
		has(t, res, sitetest.Element{Sel: "body.popup"}, sitetest.Element{Sel: "main#content-start h1"})
		lacks(t, res,
			sitetest.Element{Sel: "#header"},
			sitetest.Element{Sel: "#user-tools"},
			sitetest.Element{Sel: "#logout-form"},
			sitetest.Element{Sel: ".breadcrumbs"},
			sitetest.Element{Sel: "#nav-sidebar"},
			sitetest.Element{Sel: ".theme-toggle"},
		)
		bodyLacks(t, res, "Welcome,", "Log out")
	}
	headerless(c.get("/admin/lettings/address/add/?_popup=1").Want(t, http.StatusOK))
	headerless(c.get("/admin/lettings/letting/1/change/?_popup=1").Want(t, http.StatusOK))
	// The form posted back with its errors is still the popup's page.
	headerless(c.post("/admin/lettings/address/add/?_popup=1", url.Values{"_popup": {"1"}, "street": {""}}).Want(t, http.StatusOK))
	// A changelist opened in a popup ignores the popup's parameters, as
	// Django's does, rather than calling them unknown filters (?e=1).
	headerless(c.get("/admin/lettings/address/?_popup=1&_to_field=id").Want(t, http.StatusOK))

	// The same pages outside a popup have the whole frame.
	res := c.get("/admin/lettings/address/add/").Want(t, http.StatusOK)
	has(t, res, sitetest.Element{Sel: "#header #user-tools"}, sitetest.Element{Sel: ".breadcrumbs"}, sitetest.Element{Sel: "#nav-sidebar"})
	lacks(t, res, sitetest.Element{Sel: "body.popup"})
}

func TestThemeToggleForSignedInUsers(t *testing.T) {
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	for _, path := range []string{"/admin/", "/admin/lettings/letting/", "/admin/lettings/letting/1/change/"} {
		res := c.get(path).Want(t, http.StatusOK)
		has(t, res,
			attr(`meta[name="color-scheme"]`, "content", "light dark"),
			attr(`#user-tools button.theme-toggle`, "type", "button"),
			el(`.theme-toggle .visually-hidden.theme-label-when-auto`, "Toggle theme (current theme: auto)"),
			el(`.theme-toggle .visually-hidden.theme-label-when-light`, "Toggle theme (current theme: light)"),
			el(`.theme-toggle .visually-hidden.theme-label-when-dark`, "Toggle theme (current theme: dark)"),
			attr(`.theme-toggle svg.theme-icon-when-auto`, "aria-hidden", "true"),
		)
		// theme.js runs before the body is drawn: in <head>, not deferred.
		src, ok := res.Attr(`head script[src*="/theme."]`, "src")
		if !ok {
			t.Fatalf("GET %s: got no theme.js in <head>", path)
		}
		if _, deferred := res.Attr(`head script[src="`+src+`"]`, "defer"); deferred {
			t.Errorf("GET %s: theme.js is deferred; want it to run before the page is drawn", path)
		}
		if js := c.get(src).Want(t, http.StatusOK).Body; !strings.Contains(js, `localStorage.getItem("theme")`) {
			t.Errorf("GET %s: got a theme.js that does not read the stored theme", src)
		}
	}
	lacks(t, s.client(t).get("/admin/login/").Want(t, http.StatusOK), sitetest.Element{Sel: ".theme-toggle"})
}

func TestBodyCarriesServerUTCOffset(t *testing.T) {
	c := newSite(t).staff(t, "boss", "*")
	has(t, c.get("/admin/lettings/letting/add/").Want(t, http.StatusOK), attr("body", "data-admin-utc-offset", "0"))

	// India has no daylight saving time: always 5:30 ahead.
	c = newSite(t, withVars("TIME_ZONE", "Asia/Kolkata")).staff(t, "boss", "*")
	for _, path := range []string{"/admin/", "/admin/lettings/letting/"} {
		has(t, c.get(path).Want(t, http.StatusOK), attr("body", "data-admin-utc-offset", "19800"))
	}
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	_, offset := time.Now().In(loc).Zone()
	c = newSite(t, withVars("TIME_ZONE", "America/New_York")).staff(t, "boss", "*")
	has(t, c.get("/admin/auth/user/").Want(t, http.StatusOK), attr("body", "data-admin-utc-offset", strconv.Itoa(offset)))
}

// cssRule is a rule of a stylesheet: its selectors and declarations.
var cssRule = regexp.MustCompile(`([^{}]+)\{([^{}]*)\}`)

func TestStylesheetsUseTheFullWidth(t *testing.T) {
	c := newSite(t).staff(t, "boss", "*")
	res := c.get("/admin/auth/user/").Want(t, http.StatusOK)
	links := res.Doc().Find(`link[rel="stylesheet"]`)
	if links.Length() < 2 {
		t.Fatalf("got %d stylesheets, want the admin's and the features'", links.Length())
	}
	layout := regexp.MustCompile(`(^|[\s,>])(body|#container|#main|\.main|\.content|#content|#content-main|#changelist|\.changelist-form-container)([\s,:.>]|$)`)
	sawContentMain := false
	for i := range links.Length() {
		href, _ := links.Eq(i).Attr("href")
		css := c.get(href).Want(t, http.StatusOK).Body
		for _, m := range cssRule.FindAllStringSubmatch(css, -1) {
			selectors, decls := strings.TrimSpace(m[1]), m[2]
			if strings.Contains(selectors, "#content-main") {
				sawContentMain = true
			}
			if !layout.MatchString(selectors) {
				continue
			}
			for _, d := range strings.Split(decls, ";") {
				prop, value, _ := strings.Cut(d, ":")
				prop = strings.TrimSpace(prop)
				if (prop == "max-width" || prop == "width") && regexp.MustCompile(`\d(px|em|rem)`).MatchString(value) && !strings.HasPrefix(selectors, ".login") {
					t.Errorf("%s: %s { %s: %s } caps the page's width; Django's admin uses it all", href, selectors, prop, strings.TrimSpace(value))
				}
			}
		}
	}
	if !sawContentMain {
		t.Error("got no rule for #content-main in the admin's stylesheets; is the check reading them?")
	}
}

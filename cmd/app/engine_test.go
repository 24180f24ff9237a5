package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
	"oclettings/public"
)

// staff signs in a new browser as a new staff user holding the given
// permissions ("lettings.view_letting"); superuser for "*".
func (s *adminSite) staff(t *testing.T, username string, perms ...string) *browser {
	t.Helper()
	ctx := context.Background()
	super := len(perms) == 1 && perms[0] == "*"
	u := s.user(username, bossPassword, true, super, true)
	var ids []int64
	for _, p := range perms {
		if super {
			break
		}
		app, codename, _ := strings.Cut(p, ".")
		perm, err := models.GetPermission(ctx, s.db.Read, app, codename)
		if err != nil {
			t.Fatalf("permission %s: %v", p, err)
		}
		ids = append(ids, perm.ID)
	}
	if err := models.SetUserPermissions(ctx, s.db.Write, u.ID, ids); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.login(username, bossPassword).redirect(t, "/admin/")
	return b
}

func TestChangelists(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	for _, tt := range []struct {
		path     string
		contains []string
	}{
		{"/admin/lettings/letting/", []string{"<title>Select letting to change | OC Lettings site admin</title>", "Add letting",
			">Joshua Tree Green Haus /w Hot Tub</a>", "<td>7217 Bedford Street</td>", "<td>Brunswick</td>", "6 lettings",
			`<option value="delete_selected">Delete selected lettings</option>`, `<option value="export_csv">Export selected as CSV</option>`,
			`name="_selected_action" value="1"`, `name="index"`, "By state", `<a href="?address__state__exact=GA">GA</a>`}},
		{"/admin/lettings/address/", []string{"Select address to change", "<th scope=\"row\"><a href=\"/admin/lettings/address/1/change/\">7217</a></th>",
			"<td>Bedford Street</td>", "<td>31525</td>", "6 addresses", "By state", "By country iso code"}},
		{"/admin/profiles/profile/", []string{"Select profile to change", ">4meRomance</a>", "<td>Berlin</td>", "4 profiles", "By favorite city"}},
		{"/admin/auth/user/", []string{"Select user to change", ">AirWow</a>", "flocation.vam4@glendenningflowerdesign.com", "Staff status",
			`<span class="icon-no">No</span>`, "By staff status", "By superuser status", "By active", "By groups", "5 users"}},
		{"/admin/auth/group/", []string{"Select group to change", "0 groups"}},
	} {
		t.Run(tt.path, func(t *testing.T) { b.get(tt.path).want(t, 200, tt.contains...) })
	}

	order := func(body string, titles ...string) {
		t.Helper()
		last := -1
		for _, title := range titles {
			i := strings.Index(body, ">"+title+"</a></th>")
			if i < 0 || i < last {
				t.Errorf("got %q out of order in the list", title)
			}
			last = i
		}
	}
	t.Run("sorting", func(t *testing.T) {
		order(b.get("/admin/lettings/letting/").body, "&#39;Silo Studio&#39; Cottage", "Joshua Tree Green Haus /w Hot Tub", "Underground Hygge")
		order(b.get("/admin/lettings/letting/?o=-1").body, "Underground Hygge", "Joshua Tree Green Haus /w Hot Tub")
		p := b.get("/admin/lettings/letting/?o=3").want(t, 200, `class="column-3 sortable sorted ascending"`, `title="Sorting priority: 1"`)
		order(p.body, "The Mushroom Dome Retreat &amp; LAND of Paradise Suite", "Joshua Tree Green Haus /w Hot Tub", "Underground Hygge")
		p = b.get("/admin/lettings/letting/?o=3.-1").want(t, 200, `title="Sorting priority: 2"`, `href="?o=-3.-1"`, `href="?o=1.3"`, `href="?o=3"`)
		order(p.body, "The Mushroom Dome Retreat &amp; LAND of Paradise Suite", "Joshua Tree Green Haus /w Hot Tub")
		for _, bad := range []string{"x", "9", "0", "-", "1.1.1", "%27;DROP", "2.abc"} {
			b.get("/admin/lettings/letting/?o="+url.QueryEscape(bad)).want(t, 200, "6 lettings")
		}
	})
	t.Run("search", func(t *testing.T) {
		p := b.get("/admin/lettings/letting/?q=street").want(t, 200, "4 results (", `<a href="?">6 total</a>`)
		p = b.get("/admin/lettings/letting/?q=brunswick+hot").want(t, 200, "1 result (", "Joshua Tree", "1 letting")
		if strings.Contains(p.body, "Underground Hygge") {
			t.Error("got a row that does not match every term")
		}
		b.get("/admin/lettings/letting/?q=%25").want(t, 200, "0 results (")
		b.get("/admin/auth/user/?q=ADA").want(t, 200, "1 result (", ">AirWow</a>")
		b.get("/admin/lettings/address/?q=31525").want(t, 200, "1 result (", ">7217</a>")
		b.get("/admin/profiles/profile/?q=budapest").want(t, 200, "1 result (", ">AirWow</a>")
	})
	t.Run("filters", func(t *testing.T) {
		p := b.get("/admin/lettings/letting/?address__state__exact=GA").want(t, 200, "1 result (",
			`<li class="selected"><a href="?address__state__exact=GA" aria-current="true">GA</a>`, `<a href="?">All</a>`)
		if strings.Contains(p.body, "Oceanview") {
			t.Error("got a letting of another state")
		}
		b.get("/admin/auth/user/?is_staff__exact=1").want(t, 200, "1 result (", ">root</a>")
		b.get("/admin/auth/user/?is_staff__exact=0&q=a").want(t, 200, "4 results (")
		b.get("/admin/auth/user/?is_staff__exact=maybe").redirect(t, "/admin/auth/user/?e=1")
		b.get("/admin/lettings/address/?country_iso_code__exact=USA").want(t, 200, "6 results (")
	})
	t.Run("bad parameters", func(t *testing.T) {
		b.get("/admin/lettings/letting/?foo=bar").redirect(t, "/admin/lettings/letting/?e=1")
		b.get("/admin/lettings/letting/?p=0").redirect(t, "/admin/lettings/letting/?e=1")
		b.get("/admin/lettings/letting/?p=abc").redirect(t, "/admin/lettings/letting/?e=1")
		b.get("/admin/lettings/letting/?p=2").redirect(t, "/admin/lettings/letting/?e=1")
		b.get("/admin/lettings/letting/?e=1").want(t, 200, "6 lettings")
		b.get("/admin/lettings/letting/?address__street__exact=x").want(t, 400)
		b.get("/admin/lettings/letting/?address__id__gt=1").want(t, 400)
		b.get("/admin/profiles/profile/?user__password__startswith=pbkdf2").want(t, 400)
	})
}

func TestChangelistPagination(t *testing.T) {
	s := newAdminSite(t)
	addLettings(t, s.db, 144, func(i int) string { return fmt.Sprintf("Cottage %03d", i) }) // 150 lettings
	b := s.staff(t, "root", "*")
	p := b.get("/admin/lettings/letting/").want(t, 200, "150 lettings", `<span class="this-page" aria-current="page">1</span>`,
		`<a href="?p=2">2</a>`, `<a href="?all=" class="showall">Show all</a>`)
	if n := strings.Count(p.body, `name="_selected_action"`); n != 100 {
		t.Errorf("got %d rows on the first page, want 100", n)
	}
	p = b.get("/admin/lettings/letting/?p=2").want(t, 200, `<span class="this-page" aria-current="page">2</span>`)
	if n := strings.Count(p.body, `name="_selected_action"`); n != 50 {
		t.Errorf("got %d rows on the second page, want 50", n)
	}
	p = b.get("/admin/lettings/letting/?all=").want(t, 200, "150 lettings")
	if n := strings.Count(p.body, `name="_selected_action"`); n != 150 {
		t.Errorf("got %d rows with Show all, want 150", n)
	}
	b.get("/admin/lettings/letting/?p=3").redirect(t, "/admin/lettings/letting/?e=1")
}

func TestChangelistQueriesDoNotGrowWithRows(t *testing.T) {
	count := func(rows int) int64 {
		db := testdb.Seeded(t)
		addLettings(t, db, rows, func(i int) string { return fmt.Sprintf("Cottage %03d", i) })
		var queries atomic.Int64
		db.Read = db.Read.WithQueryHook(countQueries{&queries})
		s := &adminSite{t: t, db: db}
		h := newRouter(t, db, testConfig(t), public.DefaultCacheBytes, nil)
		s.srv = httptest.NewServer(h)
		defer s.srv.Close()
		s.user("root", bossPassword, true, true, true)
		b := s.browser()
		b.login("root", bossPassword)
		queries.Store(0)
		b.get("/admin/lettings/letting/?q=o&address__state__exact=TX&o=3").want(t, 200)
		return queries.Load()
	}
	small, large := count(10), count(100)
	if small != large || small == 0 {
		t.Errorf("got %d queries for 10 rows and %d for 100, want the same", small, large)
	}
}

type countQueries struct{ n *atomic.Int64 }

func (c countQueries) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (c countQueries) AfterQuery(context.Context, *bun.QueryEvent)                        { c.n.Add(1) }

func TestAddAndChange(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	ctx := context.Background()

	b.get("/admin/lettings/address/add/").want(t, 200, "<title>Add address | OC Lettings site admin</title>",
		`name="number"`, `name="street"`, `name="city"`, `name="state"`, `name="zip_code"`, `name="country_iso_code"`,
		`name="_save"`, `name="_addanother"`, `name="_continue"`, `class="required"`)

	address := url.Values{"number": {"12"}, "street": {"Ocean Drive"}, "city": {"Laguna"}, "state": {"CA"}, "zip_code": {"92651"}, "country_iso_code": {"USA"}}
	for _, tt := range []struct {
		name, field, value, message string
	}{
		{"number too big", "number", "10000", "Ensure this value is less than or equal to 9999."},
		{"number negative", "number", "-1", "Ensure this value is greater than or equal to 0."},
		{"number not a number", "number", "twelve", "Enter a whole number."},
		{"number missing", "number", "", "This field is required."},
		{"street too long", "street", strings.Repeat("s", 65), "Ensure this value has at most 64 characters (it has 65)."},
		{"city missing", "city", "", "This field is required."},
		{"state too short", "state", "C", "Ensure this value has at least 2 characters (it has 1)."},
		{"state too long", "state", "CAL", "Ensure this value has at most 2 characters (it has 3)."},
		{"zip too big", "zip_code", "100000", "Ensure this value is less than or equal to 99999."},
		{"country too short", "country_iso_code", "US", "Ensure this value has at least 3 characters (it has 2)."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range address {
				form[k] = v
			}
			form.Set(tt.field, tt.value)
			form.Set("_save", "Save")
			p := b.post("/admin/lettings/address/add/", form).want(t, 200, "Please correct the error below.", tt.message)
			if tt.value != "" && !strings.Contains(p.body, `value="`+tt.value+`"`) {
				t.Errorf("got the input %q dropped", tt.value)
			}
		})
	}

	form := url.Values{}
	for k, v := range address {
		form[k] = v
	}
	form.Set("_continue", "1")
	p := b.post("/admin/lettings/address/add/", form)
	if !strings.HasPrefix(p.location, "/admin/lettings/address/") || !strings.HasSuffix(p.location, "/change/") {
		t.Fatalf("got Location %q, want the new address's change page", p.location)
	}
	b.get(p.location).want(t, 200, "Change address", `The address “<a href="`+p.location+`">12 Ocean Drive</a>” was added successfully. You may edit it again below.`)
	addressID := strings.TrimSuffix(strings.TrimPrefix(p.location, "/admin/lettings/address/"), "/change/")

	letting := url.Values{"title": {"Laguna Loft"}, "address": {addressID}}
	letting.Set("_addanother", "1")
	b.post("/admin/lettings/letting/add/", letting).redirect(t, "/admin/lettings/letting/add/")
	b.get("/admin/lettings/letting/add/").want(t, 200, "was added successfully. You may add another letting below.")

	taken := url.Values{"title": {"Second"}, "address": {addressID}, "_save": {"1"}}
	b.post("/admin/lettings/letting/add/", taken).want(t, 200, "Letting with this Address already exists.")
	b.post("/admin/lettings/letting/add/", url.Values{"title": {"Nowhere"}, "address": {"99999"}}).want(t, 200, "Select a valid choice.")
	b.post("/admin/lettings/letting/add/", url.Values{"title": {""}, "address": {""}}).want(t, 200, "Please correct the errors below.", "This field is required.")

	l, err := models.FindLetting(ctx, s.db.Read, "Laguna Loft", mustID(t, addressID))
	if err != nil {
		t.Fatal(err)
	}
	change := fmt.Sprintf("/admin/lettings/letting/%d/change/", l.ID)
	b.get(change).want(t, 200, "<title>Change letting | OC Lettings site admin</title>", `value="Laguna Loft"`,
		fmt.Sprintf(`<option value="%s" selected>12 Ocean Drive</option>`, addressID), "History", "View on site", "Delete",
		`add-related"`, `href="/admin/lettings/address/add/"`, `title="Add another address"`)
	b.get(fmt.Sprintf("/lettings/%d/", l.ID)).want(t, 200, "Laguna Loft") // on the public site at once

	// Change title and address, coming from a filtered list.
	filters := "address__state__exact=CA&q=laguna"
	edit := url.Values{"title": {"Laguna Beach Loft"}, "address": {"1"}, "_changelist_filters": {filters}}
	b.post(change+"?_changelist_filters="+url.QueryEscape(filters), edit).want(t, 200, "Letting with this Address already exists.")
	edit.Set("address", addressID)
	b.post(change, edit).redirect(t, "/admin/lettings/letting/?"+filters)
	b.get("/admin/lettings/letting/").want(t, 200, "The letting “", "Laguna Beach Loft</a>” was changed successfully.")
	b.get(fmt.Sprintf("/lettings/%d/", l.ID)).want(t, 200, "<h1>Laguna Beach Loft</h1>")

	t.Run("history", func(t *testing.T) {
		b.get(fmt.Sprintf("/admin/lettings/letting/%d/history/", l.ID)).want(t, 200,
			"Change history: Laguna Beach Loft", "Date/time", "root", "Added.", "Changed Title.",
			"<strong>Title</strong>: <del>Laguna Loft</del> → <ins>Laguna Beach Loft</ins>")
		b.post(change, url.Values{"title": {"Laguna Beach Loft"}, "address": {addressID}, "_continue": {"1"}})
		b.get(fmt.Sprintf("/admin/lettings/letting/%d/history/", l.ID)).want(t, 200, "No fields changed.")
	})
	t.Run("missing object", func(t *testing.T) {
		b.get("/admin/lettings/letting/99/change/").redirect(t, "/admin/")
		b.get("/admin/").want(t, 200, "letting with ID “99” doesn’t exist. Perhaps it was deleted?")
		b.get("/admin/lettings/letting/abc/change/").redirect(t, "/admin/")
		b.get("/admin/lettings/letting/"+fmt.Sprint(l.ID)+"/").redirect(t, change)
	})
	t.Run("view on site", func(t *testing.T) {
		b.get(fmt.Sprintf("/admin/r/lettings.letting/%d/", l.ID)).redirect(t, fmt.Sprintf("/lettings/%d/", l.ID))
		b.get("/admin/r/lettings.address/1/").want(t, 404)
		b.get("/admin/r/nope.nope/1/").want(t, 404)
	})
	t.Run("escaping", func(t *testing.T) {
		b.post(change, url.Values{"title": {"<script>alert(1)</script>"}, "address": {addressID}})
		p := b.get("/admin/lettings/letting/").want(t, 200, "&lt;script&gt;alert(1)&lt;/script&gt;")
		if strings.Contains(p.body, "<script>alert(1)") {
			t.Error("got markup from data in the page")
		}
	})
}

func TestPopupAdd(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	b.get("/admin/lettings/address/add/?_popup=1").want(t, 200, `<input type="hidden" name="_popup" value="1">`, `action="/admin/lettings/address/add/?_popup=1"`)
	form := url.Values{"number": {"5"}, "street": {"Cliff Road"}, "city": {"Dana Point"}, "state": {"CA"}, "zip_code": {"92629"}, "country_iso_code": {"USA"}, "_popup": {"1"}, "_save": {"1"}}
	p := b.post("/admin/lettings/address/add/?_popup=1", form).want(t, 200, `id="popup-response"`, `data-label="5 Cliff Road"`, "js/admin.")
	if !strings.Contains(p.body, `data-value="7"`) {
		t.Errorf("got no id of the new address in the popup response")
	}
}

func TestDeletion(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	b.get("/admin/lettings/address/1/delete/").want(t, 200, "<title>Are you sure? | OC Lettings site admin</title>",
		"Are you sure you want to delete the address “7217 Bedford Street”? All of the following related items will be deleted:",
		"<li>Addresses: 1</li>", "<li>Lettings: 1</li>",
		`Address: <a href="/admin/lettings/address/1/change/">7217 Bedford Street</a>`,
		`Letting: <a href="/admin/lettings/letting/1/change/">Joshua Tree Green Haus /w Hot Tub</a>`,
		`name="post" value="yes"`, "Yes, I’m sure", "No, take me back")
	b.post("/admin/lettings/address/1/delete/", url.Values{}).want(t, 200, "Are you sure?") // no post=yes: asks again
	b.post("/admin/lettings/address/1/delete/", url.Values{"post": {"yes"}}).redirect(t, "/admin/lettings/address/")
	b.get("/admin/lettings/address/").want(t, 200, "The address “7217 Bedford Street” was deleted successfully.", "5 addresses")
	b.get("/lettings/1/").want(t, 404)
	b.get("/admin/lettings/address/1/history/").redirect(t, "/admin/")
	b.get("/admin/").want(t, 200, `<li class="deletelink">`, "7217 Bedford Street")

	t.Run("user and profile", func(t *testing.T) {
		u, _ := models.GetUserByUsername(context.Background(), s.db.Read, "AirWow")
		path := fmt.Sprintf("/admin/auth/user/%d/delete/", u.ID)
		b.get(path).want(t, 200, "<li>Users: 1</li>", "<li>Profiles: 1</li>", "Profile: <a")
		b.post(path, url.Values{"post": {"yes"}}).redirect(t, "/admin/auth/user/")
		b.get("/profiles/AirWow/").want(t, 404)
	})

	t.Run("without permission on the cascade", func(t *testing.T) {
		c := s.staff(t, "pruner", "lettings.view_address", "lettings.delete_address")
		c.get("/admin/lettings/address/2/delete/").want(t, 200, "Cannot delete address",
			"would result in deleting related objects, but your account doesn’t have permission to delete the following types of objects:", "<li>letting</li>")
		c.post("/admin/lettings/address/2/delete/", url.Values{"post": {"yes"}}).want(t, 403)
		b.get("/lettings/2/").want(t, 200)
	})

	t.Run("bulk", func(t *testing.T) {
		b.post("/admin/lettings/letting/", url.Values{"action": {"delete_selected"}}).redirect(t, "/admin/lettings/letting/")
		b.get("/admin/lettings/letting/").want(t, 200, "Items must be selected in order to perform actions on them. No items have been changed.")
		b.post("/admin/lettings/letting/", url.Values{"_selected_action": {"3"}}).redirect(t, "/admin/lettings/letting/")
		b.get("/admin/lettings/letting/").want(t, 200, "No action selected.")

		sel := url.Values{"action": {"delete_selected"}, "_selected_action": {"3", "4", "5"}, "index": {"0"}}
		b.post("/admin/lettings/letting/", sel).want(t, 200, "Are you sure you want to delete the selected lettings?",
			"<li>Lettings: 3</li>", `name="_selected_action" value="4"`, `name="action" value="delete_selected"`, `name="post" value="yes"`)
		sel.Set("post", "yes")
		b.post("/admin/lettings/letting/", sel).redirect(t, "/admin/lettings/letting/")
		b.get("/admin/lettings/letting/").want(t, 200, "Successfully deleted 3 lettings.", "2 lettings")

		viewer := s.staff(t, "viewer", "lettings.view_letting")
		viewer.post("/admin/lettings/letting/", url.Values{"action": {"delete_selected"}, "_selected_action": {"6"}, "post": {"yes"}}).want(t, 403)
		b.get("/lettings/6/").want(t, 200)
	})
}

func TestExportCSV(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	b.post("/admin/lettings/letting/1/change/", url.Values{"title": {"=HYPERLINK(\"http://evil.example\")"}, "address": {"1"}})
	b.post("/admin/lettings/letting/2/change/", url.Values{"title": {"Oceanview, \"quoted\" Retreat"}, "address": {"2"}})
	p := b.post("/admin/lettings/letting/", url.Values{"action": {"export_csv"}, "_selected_action": {"1", "2"}}).want(t, 200)
	if ct := p.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !strings.Contains(p.header.Get("Content-Disposition"), `filename="lettings.csv"`) {
		t.Errorf("got %q %q, want a CSV download", ct, p.header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Title", "Address", "City"},
		{"'=HYPERLINK(\"http://evil.example\")", "7217 Bedford Street", "Brunswick"},
		{"Oceanview, \"quoted\" Retreat", "4 Military Street", "Willoughby"},
	}
	if fmt.Sprint(records) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", records, want)
	}
	b.post("/admin/auth/user/", url.Values{"action": {"export_csv"}, "_selected_action": {"1"}}).want(t, 200, "Staff status", "false")
}

func TestPermissionMatrix(t *testing.T) {
	s := newAdminSite(t)
	viewer := s.staff(t, "viewer", "lettings.view_letting")
	adder := s.staff(t, "adder", "lettings.add_letting")
	nobody := s.staff(t, "nobody")

	viewer.get("/admin/lettings/letting/").want(t, 200, "Select letting to view")
	p := viewer.get("/admin/lettings/letting/1/change/").want(t, 200, "<title>View letting | OC Lettings site admin</title>",
		`<div class="readonly">Joshua Tree Green Haus /w Hot Tub</div>`, `<div class="readonly">7217 Bedford Street</div>`, "Close")
	for _, absent := range []string{`name="_save"`, "Add letting", `class="deletelink"`} {
		if strings.Contains(p.body, absent) {
			t.Errorf("got %q on a view-only page", absent)
		}
	}
	if strings.Contains(viewer.get("/admin/lettings/letting/").body, "Add letting") {
		t.Error("got the add link for a view-only user")
	}
	viewer.post("/admin/lettings/letting/1/change/", url.Values{"title": {"Hacked"}, "address": {"1"}}).want(t, 403)
	viewer.get("/admin/lettings/letting/add/").want(t, 403)
	viewer.get("/admin/lettings/letting/1/delete/").want(t, 403)
	viewer.get("/admin/lettings/letting/1/history/").want(t, 200)
	viewer.get("/admin/lettings/address/").want(t, 403)
	viewer.get("/lettings/1/").want(t, 200, "Joshua Tree Green Haus /w Hot Tub")

	adder.get("/admin/lettings/letting/").want(t, 403)
	adder.get("/admin/lettings/letting/add/").want(t, 200)
	adder.post("/admin/lettings/letting/add/", url.Values{"title": {"Added by adder"}, "address": {""}, "_save": {"1"}}).want(t, 200, "This field is required.")
	a := &models.Address{Number: 1, Street: "Free Street", City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
	if err := models.CreateAddress(context.Background(), s.db.Write, a); err != nil {
		t.Fatal(err)
	}
	adder.post("/admin/lettings/letting/add/", url.Values{"title": {"Added by adder"}, "address": {fmt.Sprint(a.ID)}, "_save": {"1"}}).redirect(t, "/admin/")
	adder.get("/admin/lettings/letting/1/change/").want(t, 403)

	for _, path := range []string{"/admin/lettings/letting/", "/admin/lettings/letting/add/", "/admin/lettings/letting/1/change/",
		"/admin/lettings/letting/1/delete/", "/admin/lettings/letting/1/history/", "/admin/auth/user/", "/admin/auth/group/add/"} {
		nobody.get(path).want(t, 403)
	}
}

func TestUsersAndGroups(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	ctx := context.Background()

	b.get("/admin/auth/user/add/").want(t, 200, "Add user", `name="username"`, `name="password1"`, `name="password2"`)
	b.post("/admin/auth/user/add/", url.Values{"username": {"clerk"}, "password1": {"Olive-Branch-Morning-3"}, "password2": {"Olive-Branch-Morning-4"}}).
		want(t, 200, "The two password fields didn’t match.")
	b.post("/admin/auth/user/add/", url.Values{"username": {"clerk"}, "password1": {"clerk"}, "password2": {"clerk"}}).
		want(t, 200, "The password is too similar to the username.", "This password is too short.")
	b.post("/admin/auth/user/add/", url.Values{"username": {"ROOT"}, "password1": {"Olive-Branch-Morning-3"}, "password2": {"Olive-Branch-Morning-3"}}).
		want(t, 200, "A user with that username already exists.")
	p := b.post("/admin/auth/user/add/", url.Values{"username": {"clerk"}, "password1": {"Olive-Branch-Morning-3"}, "password2": {"Olive-Branch-Morning-3"}, "_save": {"1"}})
	clerk, err := models.GetUserByUsername(ctx, s.db.Read, "clerk")
	if err != nil {
		t.Fatal(err)
	}
	userURL := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
	p.redirect(t, userURL)
	p = b.get(userURL).want(t, 200, "The user “", "clerk</a>” was added successfully. You may edit it again below.",
		"Personal info", "Permissions", "Important dates", "algorithm: argon2 variety: argon2id", "Reset password",
		fmt.Sprintf(`href="/admin/auth/user/%d/password/"`, clerk.ID), `name="groups"`, `name="user_permissions"`,
		"Lettings | letting | Can view letting")
	if strings.Contains(p.body, strings.Split(clerk.Password, "$")[5]) {
		t.Error("got the password hash in the page")
	}

	group := url.Values{"name": {"Letting clerks"}, "permissions": {permissionID(t, s, "lettings", "view_letting"), permissionID(t, s, "lettings", "change_letting")}, "_save": {"1"}}
	b.post("/admin/auth/group/add/", group).redirect(t, "/admin/auth/group/")
	b.post("/admin/auth/group/add/", url.Values{"name": {"Bad"}, "permissions": {"99999"}}).want(t, 200, "Select a valid choice. 99999 is not one of the available choices.")
	g, err := models.ListGroups(ctx, s.db.Read)
	if err != nil || len(g) != 1 {
		t.Fatalf("got %v (%v), want the new group", g, err)
	}

	edit := url.Values{"username": {"clerk"}, "first_name": {"Clara"}, "last_name": {"Clerk"}, "email": {"clara@example.com"},
		"is_active": {"on"}, "is_staff": {"on"}, "groups": {fmt.Sprint(g[0].ID)}, "_save": {"1"}}
	b.post(userURL, edit).redirect(t, "/admin/auth/user/")
	c := s.browser()
	c.login("clerk", "Olive-Branch-Morning-3").redirect(t, "/admin/")
	c.get("/admin/").want(t, 200, "Welcome, <strong>Clara</strong>.", `class="changelink">Change</a>`)
	b.get(fmt.Sprintf("/admin/auth/user/%d/history/", clerk.ID)).want(t, 200,
		"Changed First name, Last name, Email address, Staff status and Groups.", "<del></del> → <ins>Letting clerks</ins>")

	t.Run("set a password", func(t *testing.T) {
		path := fmt.Sprintf("/admin/auth/user/%d/password/", clerk.ID)
		b.get(path).want(t, 200, "Change password: clerk", `name="password1"`, `name="password2"`)
		b.post(path, url.Values{"password1": {"a"}, "password2": {"b"}}).want(t, 200, "The two password fields didn’t match.")
		b.post(path, url.Values{"password1": {"12345678"}, "password2": {"12345678"}}).want(t, 200, "This password is too common.", "This password is entirely numeric.")
		b.post(path, url.Values{"password1": {"Lemon-Grove-Sunset-7"}, "password2": {"Lemon-Grove-Sunset-7"}}).redirect(t, userURL)
		b.get(userURL).want(t, 200, "Password changed successfully.")
		c.get("/admin/").redirect(t, "/admin/login/?next=%2Fadmin%2F") // the clerk's session ended
		s.browser().login("clerk", "Lemon-Grove-Sunset-7").redirect(t, "/admin/")
		b.get(fmt.Sprintf("/admin/auth/user/%d/history/", clerk.ID)).want(t, 200, "Changed password.", "<strong>Password</strong>: changed")
	})

	t.Run("no escalation", func(t *testing.T) {
		hr := s.staff(t, "hr", "auth.view_user", "auth.change_user", "lettings.view_letting")
		root, _ := models.GetUserByUsername(ctx, s.db.Read, "root")
		hrUser, _ := models.GetUserByUsername(ctx, s.db.Read, "hr")
		hrURL := fmt.Sprintf("/admin/auth/user/%d/change/", hrUser.ID)
		p := hr.get(hrURL).want(t, 200, `<div class="readonly">No</div>`)
		if strings.Contains(p.body, `name="is_superuser"`) {
			t.Error("got the superuser box for a non-superuser")
		}
		// What the browser sends back: the form as shown, with hr's own permissions.
		own := []string{permissionID(t, s, "auth", "view_user"), permissionID(t, s, "auth", "change_user"), permissionID(t, s, "lettings", "view_letting")}
		base := url.Values{"username": {"hr"}, "is_active": {"on"}, "is_staff": {"on"}, "user_permissions": own}
		escalate := url.Values{"is_superuser": {"on"}}
		for k, v := range base {
			escalate[k] = v
		}
		hr.post(hrURL, escalate).redirect(t, "/admin/auth/user/")
		if u, _ := models.GetUser(ctx, s.db.Read, hrUser.ID); u.IsSuperuser {
			t.Fatal("got a staff member making themselves superuser")
		}
		grant := url.Values{}
		for k, v := range base {
			grant[k] = v
		}
		grant["user_permissions"] = append(append([]string{}, own...), permissionID(t, s, "auth", "delete_user"))
		hr.post(hrURL, grant).want(t, 200, "You cannot grant permissions you do not have yourself.")
		keep := url.Values{}
		for k, v := range base {
			keep[k] = v
		}
		hr.post(hrURL, keep).redirect(t, "/admin/auth/user/")
		join := url.Values{"groups": {fmt.Sprint(g[0].ID)}}
		for k, v := range base {
			join[k] = v
		}
		hr.post(hrURL, join).want(t, 200, "You cannot grant permissions you do not have yourself.")
		hr.get(fmt.Sprintf("/admin/auth/user/%d/change/", root.ID)).want(t, 200, "View user")
		hr.post(fmt.Sprintf("/admin/auth/user/%d/change/", root.ID), url.Values{"username": {"root"}}).want(t, 403)
		hr.post(fmt.Sprintf("/admin/auth/user/%d/password/", root.ID), url.Values{"password1": {"Taken-Over-12345"}, "password2": {"Taken-Over-12345"}}).want(t, 403)
	})
}

func permissionID(t *testing.T, s *adminSite, app, codename string) string {
	t.Helper()
	p, err := models.GetPermission(context.Background(), s.db.Read, app, codename)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(p.ID)
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSaveButtons(t *testing.T) {
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	ctx := context.Background()
	member := &models.User{Username: "newcomer", Password: "!x", IsActive: true}
	if err := models.CreateUser(ctx, s.db.Write, member); err != nil {
		t.Fatal(err)
	}
	add := url.Values{"user": {fmt.Sprint(member.ID)}, "favorite_city": {"Lisbon"}, "_save": {"1"}}
	b.post("/admin/profiles/profile/add/", add).redirect(t, "/admin/profiles/profile/")
	p, err := models.FindProfileOf(ctx, s.db.Read, member.ID)
	if err != nil {
		t.Fatal(err)
	}
	change := fmt.Sprintf("/admin/profiles/profile/%d/change/", p.ID)
	b.get("/admin/profiles/profile/").want(t, 200, `The profile “<a href="`+change+`">newcomer</a>” was added successfully.`)
	b.post("/admin/profiles/profile/add/", add).want(t, 200, "Profile with this User already exists.")

	for _, tt := range []struct {
		button, location, message string
	}{
		{"_save", "/admin/profiles/profile/", "” was changed successfully."},
		{"_continue", change, "” was changed successfully. You may edit it again below."},
		{"_addanother", "/admin/profiles/profile/add/", "” was changed successfully. You may add another profile below."},
	} {
		t.Run(tt.button, func(t *testing.T) {
			b.post(change, url.Values{"user": {fmt.Sprint(member.ID)}, "favorite_city": {"Porto"}, tt.button: {"1"}}).redirect(t, tt.location)
			b.get(tt.location).want(t, 200, tt.message)
		})
	}
	b.get(fmt.Sprintf("/admin/profiles/profile/%d/history/", p.ID)).want(t, 200, "Added.", "Changed Favorite city.",
		"<del>Lisbon</del> → <ins>Porto</ins>", "No fields changed.")
	b.get("/admin/profiles/profile/?favorite_city__exact=Porto").want(t, 200, "1 result (", ">newcomer</a>")

	b.post("/admin/auth/group/add/", url.Values{"name": {"Editors"}, "_continue": {"1"}})
	b.get("/admin/auth/group/").want(t, 200, ">Editors</a>", "1 group")
	b.post("/admin/auth/group/add/", url.Values{"name": {"editors "}}).redirect(t, "/admin/auth/group/")
	b.post("/admin/auth/group/add/", url.Values{"name": {"Editors"}}).want(t, 200, "Group with this Name already exists.")
	b.get("/admin/auth/group/?q=EDIT").want(t, 200, "2 results (")
}

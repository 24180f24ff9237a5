package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"oclettings/admin"
	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// addStateAddresses adds n addresses in state, numbered from 1, and returns their ids.
func addStateAddresses(t testing.TB, s *site, n int, state string) []int64 {
	t.Helper()
	return addAddresses(t, s.DB, n, models.Address{Street: "Across Street", City: "Pageville", State: state, ZipCode: 10000, CountryISOCode: "USA"})
}

// countAddresses counts the addresses in a state, straight from the database.
func countAddresses(t testing.TB, s *site, state string) int {
	t.Helper()
	n, err := s.DB.Read.NewSelect().Model((*models.Address)(nil)).Where("state = ?", state).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// across is an action on the whole list, with one row ticked, as the
// browser sends it once "Select all" has been clicked.
func across(action string, ticked int64) url.Values {
	return url.Values{"action": {action}, "select_across": {"1"}, "index": {"0"}, "_selected_action": {strconv.FormatInt(ticked, 10)}}
}

func TestSelectAcrossBar(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	addStateAddresses(t, s, 150, "ZZ")
	c := s.staff(t, "root", "*")
	res := c.get("/admin/lettings/address/?state__exact=ZZ").Want(t, http.StatusOK)
	has(t, res,
		el(".actions .action-counter", "0 of 100 selected"),
		attr(".actions .action-counter", "aria-live", "polite"),
		attr(".actions .action-counter", "data-actions-icnt", "100"),
		attr(`.actions input.select-across`, "value", "0"),
		el(".actions .question a", "Select all 150 Addresses"),
		el(".actions .all", "All 150 selected"),
		el(".actions .clear a", "Clear selection"),
		el(`select[name="action"] option[value="delete_selected"]`, "Delete selected Addresses"),
	)
	if got := tally(res); got != "150 Addresses" {
		t.Errorf("got the tally %q, want 150 Addresses", got)
	}
	// Every row on one page: nothing more to select.
	lacks(t, c.get("/admin/lettings/address/?state__exact=GA").Want(t, http.StatusOK), el(".actions .question a", ""))
}

func TestSelectAcrossDeletesTheFilteredList(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ids := addStateAddresses(t, s, 150, "ZZ")
	addStateAddresses(t, s, 3, "YY")
	c := s.staff(t, "root", "*")
	path := "/admin/lettings/address/?state__exact=ZZ"
	confirm := c.post(path, across("delete_selected", ids[0])).Want(t, http.StatusOK)
	has(t, confirm, title("Are you sure? | OC Lettings site admin"), el("#content-main li", "Addresses: 150"))
	bodyHas(t, confirm, "Are you sure you want to delete the selected Addresses?")
	if n := confirm.Count(`form input[name="_selected_action"]`); n != 150 {
		t.Fatalf("got %d objects on the confirmation, want the 150 of the filtered list across its pages", n)
	}
	if got := countAddresses(t, s, "ZZ"); got != 150 {
		t.Fatalf("got %d addresses after the confirmation page, want 150: it deletes nothing", got)
	}
	redirect(t, c.post(path, hiddenFields(confirm)), path)
	has(t, c.get(path), message("Successfully deleted 150 Addresses."))
	if zz, yy := countAddresses(t, s, "ZZ"), countAddresses(t, s, "YY"); zz != 0 || yy != 3 {
		t.Errorf("got %d ZZ and %d YY addresses, want 0 and 3: only the filtered list goes", zz, yy)
	}
}

func TestSelectAcrossExportsEveryPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ids := addStateAddresses(t, s, 150, "ZZ")
	addStateAddresses(t, s, 2, "YY")
	// View permission is what the export asks, as for ticked rows.
	c := s.staff(t, "viewer", "lettings.view_address")
	records := readCSV(t, c.post("/admin/lettings/address/?state__exact=ZZ&q=Pageville&o=-1", across("export_csv", ids[0])), "Addresses.csv")
	if len(records) != 151 {
		t.Fatalf("got %d CSV records, want the header and 150 rows", len(records))
	}
	if records[1][0] != "150" || records[150][0] != "1" {
		t.Errorf("got numbers %q … %q, want the list's order (-1: 150 first)", records[1][0], records[150][0])
	}
	// Unticked, select_across alone is no selection (Django's changelist_view).
	res := c.post("/admin/lettings/address/?state__exact=ZZ", url.Values{"action": {"export_csv"}, "select_across": {"1"}, "index": {"0"}})
	redirect(t, res, "/admin/lettings/address/?state__exact=ZZ")
	has(t, c.get("/admin/lettings/address/"), message("Items must be selected in order to perform actions on them. No items have been changed."))
}

func TestSelectAcrossPermissions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ids := addStateAddresses(t, s, 120, "QQ")
	// The last address has a letting, which its deletion would take.
	if err := models.CreateLetting(context.Background(), s.DB.Write, &models.Letting{Title: "Page Two Letting", AddressID: ids[119]}); err != nil {
		t.Fatal(err)
	}
	path := "/admin/lettings/address/?state__exact=QQ"
	c := s.staff(t, "clerk", "lettings.view_address", "lettings.delete_address")
	res := c.post(path, across("delete_selected", ids[0])).Want(t, http.StatusOK)
	has(t, res, title("Cannot delete Addresses | OC Lettings site admin"), el("#denied-models li", "letting"))
	lacks(t, res, attr(`input[name="post"]`, "value", "yes"))
	forced := with(across("delete_selected", ids[0]), url.Values{"post": {"yes"}})
	c.post(path, forced).Want(t, http.StatusForbidden)
	if got := countAddresses(t, s, "QQ"); got != 120 {
		t.Errorf("got %d addresses after a refused deletion, want 120", got)
	}
	// Without delete permission the action is not there to run.
	viewer := s.staff(t, "viewer", "lettings.view_address")
	viewer.post(path, across("delete_selected", ids[0])).Want(t, http.StatusForbidden)
	// Without view permission there is no list to act on.
	stranger := s.staff(t, "stranger", "lettings.view_letting")
	stranger.post(path, across("export_csv", ids[0])).Want(t, http.StatusForbidden)
	if got := countAddresses(t, s, "QQ"); got != 120 {
		t.Errorf("got %d addresses, want 120", got)
	}
}

func TestSelectAcrossWithoutResults(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	path := "/admin/lettings/address/?state__exact=NO"
	redirect(t, c.post(path, across("delete_selected", 1)), path)
	has(t, c.get(path), message("Items must be selected in order to perform actions on them. No items have been changed."))
	if got, err := s.DB.Read.NewSelect().Model((*models.Address)(nil)).Count(context.Background()); err != nil || got != 6 {
		t.Errorf("got %d addresses (%v), want the 6 of the seed", got, err)
	}
	// A query string the list refuses is refused for the action too.
	redirect(t, c.post("/admin/lettings/address/?colour=red", across("delete_selected", 1)), "/admin/lettings/address/?e=1")
}

func TestClearAllFilters(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	res := c.get("/admin/lettings/address/?state__exact=GA&country_iso_code__exact=USA&q=Street&o=2&p=1").Want(t, http.StatusOK)
	// Django's clear_all_filters_qs keeps the search and the sorting.
	has(t, res, attr("#changelist-filter-clear a", "href", "?o=2&q=Street"), el("#changelist-filter-clear a", "✖ Clear all filters"))
	lacks(t, c.get("/admin/lettings/address/?q=Street&o=2"), el("#changelist-filter-clear", ""))
	users := c.get("/admin/auth/user/?is_staff__exact=1&date_joined__year=2026&_facets=True").Want(t, http.StatusOK)
	has(t, users, attr("#changelist-filter-clear a", "href", "?_facets=True"))
}

func TestGroupsFilter(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	lacks(t, c.get("/admin/auth/user/").Want(t, http.StatusOK), filterTitle("groups"))
	ctx := context.Background()
	g := &models.Group{Name: "Editors"}
	if err := models.CreateGroup(ctx, s.DB.Write, g); err != nil {
		t.Fatal(err)
	}
	member := s.user(t, models.User{Username: "member", IsActive: true})
	if err := models.SetUserGroups(ctx, s.DB.Write, member.ID, []int64{g.ID}); err != nil {
		t.Fatal(err)
	}
	res := c.get("/admin/auth/user/").Want(t, http.StatusOK)
	gid := strconv.FormatInt(g.ID, 10)
	has(t, res, filterTitle("groups"), filterLink("?groups__id__exact="+gid, "Editors"), filterLink("?groups__isnull=True", "-"))
	none := c.get("/admin/auth/user/?groups__isnull=True").Want(t, http.StatusOK)
	if column := results(none).column("Username"); strings.Contains(strings.Join(column, ","), "member") || len(column) == 0 {
		t.Errorf("got %q for users in no group, want every user but member", column)
	}
	has(t, none, el(`#changelist-filter li.selected a`, "-"), attr("#changelist-filter-clear a", "href", "?"))
	in := c.get("/admin/auth/user/?groups__id__exact="+gid).Want(t, http.StatusOK)
	if column := results(in).column("Username"); strings.Join(column, ",") != "member" {
		t.Errorf("got %q in Editors, want member", column)
	}
	some := c.get("/admin/auth/user/?groups__isnull=False").Want(t, http.StatusOK)
	if column := results(some).column("Username"); strings.Join(column, ",") != "member" {
		t.Errorf("got %q in some group, want member", column)
	}
}

func TestCapitalisedVerboseNamePlural(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	if got := tally(c.get("/admin/lettings/address/")); got != "6 Addresses" {
		t.Errorf("got the tally %q, want 6 Addresses", got)
	}
	has(t, c.get("/admin/"), el(`#content-main th[scope="row"] a`, "Addresses"))
	has(t, c.get("/admin/lettings/"), el(`#content-main th[scope="row"] a`, "Addresses"))
	ids := addStateAddresses(t, s, 2, "CC")
	form := url.Values{"action": {"delete_selected"}, "post": {"yes"}, "_selected_action": {strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)}}
	redirect(t, c.post("/admin/lettings/address/", form), "/admin/lettings/address/")
	has(t, c.get("/admin/lettings/address/"), message("Successfully deleted 2 Addresses."))
}

// profileForm is the changelist's formset as the browser sends it, with
// the favourite cities set by username, and Save pressed.
func profileForm(t *testing.T, res *sitetest.Response, cities map[string]string) url.Values {
	t.Helper()
	form := hiddenFields(res)
	total, _ := strconv.Atoi(form.Get("form-TOTAL_FORMS"))
	rows := res.Doc().Find("#result_list tbody tr:not(.row-errors)")
	for i := range total {
		name := fmt.Sprintf("form-%d-favorite_city", i)
		value, _ := res.Attr(`input[name="`+name+`"]`, "value")
		user := strings.TrimSpace(rows.Eq(i).Find(`th[scope="row"]`).Text())
		if city, ok := cities[user]; ok {
			value = city
		}
		form.Set(name, value)
	}
	form.Set("_save", "Save")
	form.Del("select_across")
	return form
}

// favoriteCity reads a user's favourite city from the database.
func favoriteCity(t *testing.T, s *site, username string) string {
	t.Helper()
	var city string
	err := s.DB.Read.NewSelect().Model((*models.Profile)(nil)).Column("favorite_city").
		Join("JOIN auth_user AS u ON u.id = profile.user_id").Where("u.username = ?", username).Scan(context.Background(), &city)
	if err != nil {
		t.Fatal(err)
	}
	return city
}

// profileChanges are the log entries of changes to profiles, oldest first.
func profileChanges(t *testing.T, s *site) []models.LogEntry {
	t.Helper()
	var entries []models.LogEntry
	err := s.DB.Read.NewSelect().Model(&entries).Where("app_label = 'profiles'").Where("action_flag = ?", models.ActionChange).
		Order("id").Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestListEditableSavesInOneGo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	const path = "/admin/profiles/profile/"
	page := c.get(path).Want(t, http.StatusOK)
	has(t, page,
		attr(`input[name="form-TOTAL_FORMS"]`, "value", "4"), attr(`input[name="form-INITIAL_FORMS"]`, "value", "4"),
		attr(`input[name="form-MIN_NUM_FORMS"]`, "value", "0"), attr(`input[name="form-MAX_NUM_FORMS"]`, "value", "1000"),
		attr(`input[name="form-0-favorite_city"]`, "maxlength", "64"),
		attr(`input[name="_save"]`, "value", "Save"))
	before := map[string]string{"4meRomance": favoriteCity(t, s, "4meRomance"), "AirWow": favoriteCity(t, s, "AirWow")}
	form := profileForm(t, page, map[string]string{"4meRomance": "Lisbon", "AirWow": "Oslo"})
	redirect(t, c.post(path, form), path)
	has(t, c.get(path), message("2 profiles were changed successfully."))
	if a, b := favoriteCity(t, s, "4meRomance"), favoriteCity(t, s, "AirWow"); a != "Lisbon" || b != "Oslo" {
		t.Errorf("got %q and %q, want Lisbon and Oslo", a, b)
	}
	entries := profileChanges(t, s)
	if len(entries) != 2 {
		t.Fatalf("got %d change entries, want one per changed profile", len(entries))
	}
	for _, e := range entries {
		if e.ChangeMessage != "Changed Favorite city." || len(e.Changes) != 1 || e.Changes[0].Old != before[e.ObjectRepr] {
			t.Errorf("got entry %q %+v for %s, want Changed Favorite city. from %q", e.ChangeMessage, e.Changes, e.ObjectRepr, before[e.ObjectRepr])
		}
	}
	// One row: Django's singular; an unchanged page: no message, no entry.
	redirect(t, c.post(path, profileForm(t, c.get(path), map[string]string{"AirWow": "Bergen"})), path)
	has(t, c.get(path), message("1 profile was changed successfully."))
	redirect(t, c.post(path, profileForm(t, c.get(path), nil)), path)
	lacks(t, c.get(path), el(".messagelist li", ""))
	if n := len(profileChanges(t, s)); n != 3 {
		t.Errorf("got %d change entries, want 3", n)
	}
}

func TestListEditableInvalidRowSavesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	const path = "/admin/profiles/profile/"
	before := favoriteCity(t, s, "AirWow")
	long := strings.Repeat("x", 65)
	res := c.post(path, profileForm(t, c.get(path), map[string]string{"4meRomance": long, "AirWow": "Oslo"})).Want(t, http.StatusOK)
	has(t, res,
		title("Error: Select profile to change | OC Lettings site admin"),
		errorNote("Please correct the error below."),
		el("#result_list td.editable .errorlist li", "Ensure this value has at most 64 characters (it has 65)."),
		attr(`input[name="form-0-favorite_city"]`, "value", long),
		attr(`input[name="form-0-favorite_city"]`, "aria-invalid", "true"))
	if a, b := favoriteCity(t, s, "4meRomance"), favoriteCity(t, s, "AirWow"); a == long || b != before {
		t.Errorf("got %q and %q, want nothing saved (AirWow still %q)", a, b, before)
	}
	if n := len(profileChanges(t, s)); n != 0 {
		t.Errorf("got %d change entries, want none", n)
	}
	// A row sent twice is no browser's: 400, nothing saved.
	broken := profileForm(t, c.get(path), map[string]string{"AirWow": "Oslo"})
	broken.Set("form-1-id", broken.Get("form-0-id"))
	c.post(path, broken).Want(t, http.StatusBadRequest)
	if got := favoriteCity(t, s, "AirWow"); got != before {
		t.Errorf("got %q, want %q", got, before)
	}
}

func TestListEditableViewOnly(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "viewer", "profiles.view_profile")
	const path = "/admin/profiles/profile/"
	res := c.get(path).Want(t, http.StatusOK)
	lacks(t, res, el(`#result_list input[name^="form-"]`, ""), el(`input[name="form-TOTAL_FORMS"]`, ""), el(`input[name="_save"]`, ""))
	bodyHas(t, res, "<td>Berlin</td>")
	form := url.Values{"form-TOTAL_FORMS": {"1"}, "form-INITIAL_FORMS": {"1"}, "form-0-id": {"1"}, "form-0-favorite_city": {"Oslo"}, "_save": {"Save"}}
	c.post(path, form).Want(t, http.StatusForbidden)
}

func TestListEditableConflict(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	alice := s.staff(t, "alice", "*")
	bob := s.staff(t, "bob", "*")
	const path = "/admin/profiles/profile/"
	stale := alice.get(path).Want(t, http.StatusOK)
	// Bob changes AirWow's city on the change form meanwhile.
	change := bob.get("/admin/profiles/profile/2/change/").Want(t, http.StatusOK)
	bobForm := with(hiddenFields(change), url.Values{"favorite_city": {"Bergen"}})
	if user, ok := change.Attr(`[name="user"]`, "value"); ok {
		bobForm.Set("user", user)
	}
	bob.post("/admin/profiles/profile/2/change/", bobForm)
	if got := favoriteCity(t, s, "AirWow"); got != "Bergen" {
		t.Fatalf("got %q, want Bob's Bergen before Alice saves", got)
	}
	res := alice.post(path, profileForm(t, stale, map[string]string{"AirWow": "Oslo", "4meRomance": "Lisbon"})).Want(t, http.StatusOK)
	has(t, res, errorNote("Please correct the error below."),
		holding("#result_list tr.row-errors li", "This profile was changed after you opened this form, so your changes have not been saved."),
		holding("#result_list tr.row-errors li", "bob on"), el("#result_list .conflict", "Current value: Bergen"))
	if a, b := favoriteCity(t, s, "4meRomance"), favoriteCity(t, s, "AirWow"); a == "Lisbon" || b != "Bergen" {
		t.Errorf("got %q and %q, want nothing of Alice's saved", a, b)
	}
	// The page shown again carries the current version: saving it again
	// puts Alice's values in place.
	redirect(t, alice.post(path, profileForm(t, res, nil)), path)
	if a, b := favoriteCity(t, s, "4meRomance"), favoriteCity(t, s, "AirWow"); a != "Lisbon" || b != "Oslo" {
		t.Errorf("got %q and %q, want Lisbon and Oslo", a, b)
	}
}

// holding is an element whose text holds text.
func holding(sel, text string) sitetest.Element { return sitetest.Element{Sel: sel, Contains: text} }

// joined creates a user who joined at a moment.
func joined(t *testing.T, s *site, username string, at time.Time) {
	t.Helper()
	s.user(t, models.User{Username: username, IsActive: true, DateJoined: at})
}

func TestDateHierarchy(t *testing.T) {
	t.Parallel()
	s := newSite(t, onDB(sitetest.EmptyDB(t)), withVars("TIME_ZONE", "Europe/Paris"))
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	s.user(t, models.User{Username: "root", IsStaff: true, IsSuperuser: true, IsActive: true, DateJoined: utc(2019, 12, 31, 23, 30)}) // 2020 in Paris
	joined(t, s, "june14", utc(2020, 6, 14, 9, 44))
	joined(t, s, "june20", utc(2020, 6, 20, 12, 0))
	joined(t, s, "july1", utc(2020, 6, 30, 22, 30)) // July 1st in Paris
	joined(t, s, "later", utc(2021, 3, 3, 10, 0))
	c := s.signedIn(t, "root")
	const path = "/admin/auth/user/"
	bar := func(res *sitetest.Response) string { return strings.Join(res.Texts("#date-hierarchy li"), " | ") }

	years := c.get(path).Want(t, http.StatusOK)
	if got := bar(years); got != "2020 | 2021" {
		t.Errorf("got the years %q, want 2020 | 2021", got)
	}
	has(t, years, attr(`#date-hierarchy a`, "href", "?date_joined__year=2020"))
	months := c.get(path+"?date_joined__year=2020&o=1").Want(t, http.StatusOK)
	if got := bar(months); got != "‹ All dates | January 2020 | June 2020 | July 2020" {
		t.Errorf("got %q for 2020", got)
	}
	has(t, months, attr(`#date-hierarchy li.date-back a`, "href", "?o=1"),
		attr(`#date-hierarchy a`, "href", "?date_joined__month=6&date_joined__year=2020&o=1"))
	days := c.get(path+"?date_joined__year=2020&date_joined__month=6").Want(t, http.StatusOK)
	if got := bar(days); got != "‹ 2020 | June 14 | June 20" {
		t.Errorf("got %q for June 2020", got)
	}
	if got := strings.Join(results(days).column("Username"), ","); got != "june14,june20" {
		t.Errorf("got %q joined in June 2020, want june14,june20", got)
	}
	day := c.get(path+"?date_joined__year=2020&date_joined__month=7&date_joined__day=1").Want(t, http.StatusOK)
	if got := bar(day); got != "‹ July 2020 | July 1" {
		t.Errorf("got %q for July 1st", got)
	}
	if got := strings.Join(results(day).column("Username"), ","); got != "july1" {
		t.Errorf("got %q joined on July 1st in Paris, want july1", got)
	}
	// One year of rows: the bar starts at its months, as Django 5's does.
	one := c.get(path+"?q=june").Want(t, http.StatusOK)
	if got := bar(one); got != "‹ 2020 | June 14 | June 20" {
		t.Errorf("got %q for the rows of one month", got)
	}
	for _, bad := range []string{"?date_joined__year=abc", "?date_joined__year=2020&date_joined__month=13",
		"?date_joined__year=2020&date_joined__month=6&date_joined__day=31", "?date_joined__year=0", "?date_joined__year=2020&date_joined__day=x"} {
		redirect(t, c.get(path+bad), path+"?e=1")
	}
}

func TestFacets(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	ctx := context.Background()
	g := &models.Group{Name: "Editors"}
	if err := models.CreateGroup(ctx, s.DB.Write, g); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"ed1", "ed2"} {
		u := s.user(t, models.User{Username: name, IsActive: true, IsStaff: i == 0})
		if err := models.SetUserGroups(ctx, s.DB.Write, u.ID, []int64{g.ID}); err != nil {
			t.Fatal(err)
		}
	}
	const path = "/admin/auth/user/"
	plain := c.get(path).Want(t, http.StatusOK)
	has(t, plain, attr("#changelist-filter-extra-actions a.viewlink", "href", "?_facets=True"), el("#changelist-filter-extra-actions a", "Show counts"))
	lacks(t, plain, holding("#changelist-filter li a", "("))
	gid := strconv.FormatInt(g.ID, 10)
	// Seed: 4 users, none staff; then root (staff superuser), ed1 (staff), ed2.
	counted := c.get(path+"?_facets=True").Want(t, http.StatusOK)
	has(t, counted,
		attr("#changelist-filter-extra-actions a.hidelink", "href", "?"), el("#changelist-filter-extra-actions a", "Hide counts"),
		filterLink("?_facets=True&is_staff__exact=1", "Yes (2)"), filterLink("?_facets=True&is_staff__exact=0", "No (5)"),
		filterLink("?_facets=True&groups__id__exact="+gid, "Editors (2)"), filterLink("?_facets=True&groups__isnull=True", "- (5)"),
		filterLink("?_facets=True", "All"))
	// Each filter counts under the others and the search, not under itself.
	narrowed := c.get(path+"?_facets=True&is_staff__exact=1&q=ed").Want(t, http.StatusOK)
	has(t, narrowed,
		filterLink("?_facets=True&groups__id__exact="+gid+"&is_staff__exact=1&q=ed", "Editors (1)"),
		filterLink("?_facets=True&groups__isnull=True&is_staff__exact=1&q=ed", "- (0)"),
		filterLink("?_facets=True&is_staff__exact=0&q=ed", "No (1)"),
		filterLink("?_facets=True&is_staff__exact=1&q=ed", "Yes (1)"))
	// A filter across a relation counts through the list's joins.
	lettings := c.get("/admin/lettings/letting/?_facets=True&q=Retreat").Want(t, http.StatusOK)
	has(t, lettings, filterLink("?_facets=True&address__state__exact=OH&q=Retreat", "OH (1)"),
		filterLink("?_facets=True&address__state__exact=GA&q=Retreat", "GA (0)"))
	// The cached page of the plain list does not answer the counted one, nor the reverse.
	lacks(t, c.get(path), holding("#changelist-filter li a", "("))
	has(t, c.get(path+"?_facets=True"), el("#changelist-filter li a", "Yes (2)"))
}

// TestDateHierarchyYearEdges: the first instant of year 1 (Go's zero time)
// and the last days of year 9999 are dates like any other, on both
// databases and in a zone behind UTC.
func TestDateHierarchyYearEdges(t *testing.T) {
	t.Parallel()
	dawn := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	dusk := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	for _, zone := range []string{"UTC", "America/New_York"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			s := newSite(t, onDB(sitetest.EmptyDB(t)), withVars("TIME_ZONE", zone))
			s.user(t, models.User{Username: "root", IsStaff: true, IsSuperuser: true, IsActive: true,
				DateJoined: time.Date(2020, 6, 14, 12, 0, 0, 0, time.UTC)})
			joined(t, s, "dusk", dusk)
			c := s.signedIn(t, "root")
			const path = "/admin/auth/user/"
			bar := func(res *sitetest.Response) string { return strings.Join(res.Texts("#date-hierarchy li"), " | ") }
			who := func(query string) string {
				t.Helper()
				return strings.Join(results(c.get(path+query).Want(t, http.StatusOK)).column("Username"), ",")
			}
			if got := bar(c.get(path)); got != "2020 | 9999" {
				t.Errorf("got the years %q, want 2020 | 9999", got)
			}
			for _, query := range []string{"?date_joined__year=9999", "?date_joined__year=9999&date_joined__month=12",
				"?date_joined__year=9999&date_joined__month=12&date_joined__day=31"} {
				if got := who(query); got != "dusk" {
					t.Errorf("%s: got %q, want dusk", query, got)
				}
			}
			if got := bar(c.get(path + "?date_joined__year=9999&date_joined__month=12")); got != "‹ 9999 | December 31" {
				t.Errorf("got %q for December 9999", got)
			}
			if zone != "UTC" {
				return // year 1 starts at Go's zero time in UTC only
			}
			// CreateUser reads a zero date joined as "now": set it after.
			joined(t, s, "dawn", dawn.Add(time.Hour))
			if _, err := s.DB.Write.NewUpdate().Model((*models.User)(nil)).Set("date_joined = ?", dawn).
				Where("username = 'dawn'").Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := bar(c.get(path)); got != "1 | 2020 | 9999" {
				t.Errorf("got the years %q, want 1 | 2020 | 9999", got)
			}
			if got := who("?date_joined__year=1"); got != "dawn" {
				t.Errorf("year 1: got %q, want dawn", got)
			}
			if got := who("?date_joined__year=1&date_joined__month=1&date_joined__day=1"); got != "dawn" {
				t.Errorf("January 1st, year 1: got %q, want dawn", got)
			}
			if got := who("?date_joined__year=2020"); got != "root" {
				t.Errorf("2020: got %q, want root", got)
			}
		})
	}
}

// TestDateHierarchyPartialDates: Django's bar links to a year, a month of
// it, or a day of that; a month or a day sent without what contains it is
// no list the bar leads to, and is refused as a wrong lookup (?e=1), not
// ignored nor read as January.
func TestDateHierarchyPartialDates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	const path = "/admin/auth/user/"
	for _, bad := range []string{"?date_joined__month=6", "?date_joined__day=14", "?date_joined__month=6&date_joined__day=14",
		"?date_joined__year=2020&date_joined__day=14", "?q=a&date_joined__month=6"} {
		redirect(t, c.get(path+bad), path+"?e=1")
	}
}

// TestListEditableRowGone: a row deleted between showing the page and
// saving it, or an id the page never showed, stops the save with a
// message on the page; none of the other rows' edits is saved.
func TestListEditableRowGone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	const path = "/admin/profiles/profile/"
	before := favoriteCity(t, s, "4meRomance")
	page := c.get(path).Want(t, http.StatusOK)
	form := profileForm(t, page, map[string]string{"4meRomance": "Lisbon", "AirWow": "Oslo"})

	stranger := with(form, url.Values{"form-0-id": {"150"}})
	res := c.post(path, stranger).Want(t, http.StatusOK)
	has(t, res, title("Error: Select profile to change | OC Lettings site admin"),
		errorNote("Please correct the error below."),
		el("#content-main > ul.errorlist.nonform li", "Profile with ID “150” doesn’t exist. Perhaps it was deleted?"))

	var gone int64
	for i := range 4 {
		if id := form.Get(fmt.Sprintf("form-%d-id", i)); form.Get(fmt.Sprintf("form-%d-favorite_city", i)) == "Oslo" {
			gone, _ = strconv.ParseInt(id, 10, 64)
		}
	}
	if _, err := s.DB.Write.NewDelete().Model((*models.Profile)(nil)).Where("id = ?", gone).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	res = c.post(path, form).Want(t, http.StatusOK)
	has(t, res, title("Error: Select profile to change | OC Lettings site admin"),
		errorNote("Please correct the error below."),
		el("#content-main > ul.errorlist.nonform li", fmt.Sprintf("Profile with ID “%d” doesn’t exist. Perhaps it was deleted?", gone)))
	if got := favoriteCity(t, s, "4meRomance"); got != before {
		t.Errorf("got %q, want %q: nothing saved", got, before)
	}
	if n := len(profileChanges(t, s)); n != 0 {
		t.Errorf("got %d change entries, want none", n)
	}
	// The page shown again lists the rows there are: saving it works.
	redirect(t, c.post(path, profileForm(t, res, map[string]string{"4meRomance": "Lisbon"})), path)
	if got := favoriteCity(t, s, "4meRomance"); got != "Lisbon" {
		t.Errorf("got %q, want Lisbon", got)
	}
}

// TestListEditableManagementForm: a save without the formset's management
// form, or with one no browser sends, shows Django's message on the page
// and saves nothing.
func TestListEditableManagementForm(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	const path = "/admin/profiles/profile/"
	before := favoriteCity(t, s, "AirWow")
	form := profileForm(t, c.get(path), map[string]string{"AirWow": "Oslo"})
	for _, tt := range []struct {
		name    string
		change  func(url.Values)
		missing string
	}{
		{"none", func(f url.Values) { f.Del("form-TOTAL_FORMS"); f.Del("form-INITIAL_FORMS") }, "form-TOTAL_FORMS, form-INITIAL_FORMS"},
		{"no initial count", func(f url.Values) { f.Del("form-INITIAL_FORMS") }, "form-INITIAL_FORMS"},
		{"a count that is no number", func(f url.Values) { f.Set("form-TOTAL_FORMS", "many") }, "form-TOTAL_FORMS"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			broken := with(form, nil)
			tt.change(broken)
			res := c.post(path, broken).Want(t, http.StatusOK)
			has(t, res, errorNote("Please correct the error below."),
				el("#content-main > ul.errorlist.nonform li", "ManagementForm data is missing or has been tampered with. Missing fields: "+
					tt.missing+". You may need to file a bug report if the issue persists."))
			if got := favoriteCity(t, s, "AirWow"); got != before {
				t.Errorf("got %q, want %q", got, before)
			}
		})
	}
}

// TestListEditableRowsNotEditable: a row the user may not change (a
// superuser's account, to a staff member who is not one) is shown as
// text, outside the formset, and does not stop the page from being saved.
func TestListEditableRowsNotEditable(t *testing.T) {
	t.Parallel()
	s := newSite(t, withAdmin(admin.NewWithEmailsEditableInList))
	s.superuser(t, "boss")
	c := s.staff(t, "clerk", "auth.view_user", "auth.change_user")
	const path = "/admin/auth/user/"
	page := c.get(path).Want(t, http.StatusOK)
	var bossRow, clerkRow *goquery.Selection
	page.Doc().Find("#result_list tbody tr").Each(func(_ int, tr *goquery.Selection) {
		switch strings.TrimSpace(tr.Find(`th[scope="row"]`).Text()) {
		case "boss":
			bossRow = tr
		case "clerk":
			clerkRow = tr
		}
	})
	if bossRow == nil || clerkRow == nil {
		t.Fatalf("got no rows for boss and clerk:\n%.3000s", page.Body)
	}
	if n := bossRow.Find("input[name^='form-']").Length(); n != 0 {
		t.Errorf("got %d formset inputs in the superuser's row, want none", n)
	}
	if clerkRow.Find("input[name$='-email']").Length() != 1 {
		t.Errorf("got no email input in the clerk's own row")
	}
	editable := page.Doc().Find("#result_list input[name$='-email']").Length()
	has(t, page, attr(`input[name="form-TOTAL_FORMS"]`, "value", strconv.Itoa(editable)))

	form := hiddenFields(page)
	form.Del("select_across")
	page.Doc().Find("#result_list input[name$='-email']").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		v, _ := in.Attr("value")
		form.Set(name, v)
	})
	name, _ := clerkRow.Find("input[name$='-email']").Attr("name")
	form.Set(name, "clerk@example.com")
	form.Set("_save", "Save")
	redirect(t, c.post(path, form), path)
	u, err := models.GetUserByUsername(context.Background(), s.DB.Read, "clerk")
	if err != nil || u.Email != "clerk@example.com" {
		t.Errorf("got %q (%v), want the clerk's email saved", u.Email, err)
	}
}

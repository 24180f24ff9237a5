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

// fieldErr is the error shown above the field name.
func fieldErr(name, text string) sitetest.Element { return el("#id_"+name+"_error li", text) }

func TestAddAndChange(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	ctx := context.Background()

	res := c.get("/admin/lettings/address/add/").Want(t, http.StatusOK)
	has(t, res, title("Add address | OC Lettings site admin"), sitetest.Element{Sel: "label.required"})
	for _, name := range []string{"number", "street", "city", "state", "zip_code", "country_iso_code"} {
		has(t, res, sitetest.Element{Sel: fmt.Sprintf(`#address_form input[name=%q]`, name)})
	}
	for _, button := range []string{"_save", "_addanother", "_continue"} {
		has(t, res, attr(fmt.Sprintf(`#address_form input[name=%q]`, button), "type", "submit"))
	}

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
			form := with(address, url.Values{tt.field: {tt.value}, "_save": {"Save"}})
			res := c.post("/admin/lettings/address/add/", form).Want(t, http.StatusOK)
			has(t, res, errorNote("Please correct the error below."), fieldErr(tt.field, tt.message))
			if tt.value != "" {
				has(t, res, attr("#id_"+tt.field, "value", tt.value))
			}
		})
	}

	res = c.post("/admin/lettings/address/add/", with(address, url.Values{"_continue": {"1"}}))
	location := res.Location()
	if !strings.HasPrefix(location, "/admin/lettings/address/") || !strings.HasSuffix(location, "/change/") {
		t.Fatalf("got Location %q, want the new address's change page", location)
	}
	res = c.get(location).Want(t, http.StatusOK)
	has(t, res, el("h1", "Change address"),
		message("The address “12 Ocean Drive” was added successfully. You may edit it again below."),
		el(fmt.Sprintf(`.messagelist li a[href=%q]`, location), "12 Ocean Drive"))
	addressID := strings.TrimSuffix(strings.TrimPrefix(location, "/admin/lettings/address/"), "/change/")

	redirect(t, c.post("/admin/lettings/letting/add/", url.Values{"title": {"Laguna Loft"}, "address": {addressID}, "_addanother": {"1"}}), "/admin/lettings/letting/add/")
	has(t, c.get("/admin/lettings/letting/add/").Want(t, http.StatusOK),
		message("The letting “Laguna Loft” was added successfully. You may add another letting below."))

	taken := url.Values{"title": {"Second"}, "address": {addressID}, "_save": {"1"}}
	has(t, c.post("/admin/lettings/letting/add/", taken).Want(t, http.StatusOK), fieldErr("address", "Letting with this Address already exists."))
	res = c.post("/admin/lettings/letting/add/", url.Values{"title": {"Nowhere"}, "address": {"99999"}}).Want(t, http.StatusOK)
	has(t, res, fieldErr("address", "Select a valid choice. That choice is not one of the available choices."))
	res = c.post("/admin/lettings/letting/add/", url.Values{"title": {""}, "address": {""}}).Want(t, http.StatusOK)
	has(t, res, errorNote("Please correct the errors below."), fieldErr("title", "This field is required."), fieldErr("address", "This field is required."))

	l, err := models.FindLetting(ctx, s.DB.Read, "Laguna Loft", mustID(t, addressID))
	if err != nil {
		t.Fatal(err)
	}
	change := fmt.Sprintf("/admin/lettings/letting/%d/change/", l.ID)
	res = c.get(change).Want(t, http.StatusOK)
	has(t, res, title("Change letting | OC Lettings site admin"),
		attr("#id_title", "value", "Laguna Loft"),
		// The address is an autocomplete field (autocomplete.go).
		attr("#id_address", "value", addressID), el("#id_address_name", "12 Ocean Drive"),
		el(".object-tools a.historylink", "History"),
		el(".object-tools a.viewsitelink", "View on site"),
		el(".submit-row a.deletelink", "Delete"),
		attr("a.add-related", "href", "/admin/lettings/address/add/"),
		attr("a.add-related", "title", "Add another address"))

	// Change title and address, coming from a filtered list.
	filters := "address__state__exact=CA&q=laguna"
	edit := url.Values{"title": {"Laguna Beach Loft"}, "address": {"1"}, "_changelist_filters": {filters}}
	has(t, c.post(change+"?_changelist_filters="+url.QueryEscape(filters), edit).Want(t, http.StatusOK),
		fieldErr("address", "Letting with this Address already exists."))
	edit.Set("address", addressID)
	redirect(t, c.post(change, edit), "/admin/lettings/letting/?"+filters)
	res = c.get("/admin/lettings/letting/").Want(t, http.StatusOK)
	has(t, res, message("The letting “Laguna Beach Loft” was changed successfully."),
		// The message links back to the form, filters and all.
		el(fmt.Sprintf(`.messagelist li a[href=%q]`, change+"?_changelist_filters="+url.QueryEscape(filters)), "Laguna Beach Loft"))

	t.Run("history", func(t *testing.T) {
		history := fmt.Sprintf("/admin/lettings/letting/%d/history/", l.ID)
		res := c.get(history).Want(t, http.StatusOK)
		has(t, res, el("h1", "Change history: Laguna Beach Loft"),
			el("#change-history thead th", "Date/time"),
			el("#change-history tbody td", "root"),
			el("#change-history tbody td", "Added."),
			el("#change-history ul.changes li", "Title: Laguna Loft → Laguna Beach Loft"))
		bodyHas(t, res, "Changed Title.", "<strong>Title</strong>: <del>Laguna Loft</del> → <ins>Laguna Beach Loft</ins>")
		c.post(change, url.Values{"title": {"Laguna Beach Loft"}, "address": {addressID}, "_continue": {"1"}})
		has(t, c.get(history).Want(t, http.StatusOK), el("#change-history tbody td", "No fields changed."))
	})
	t.Run("missing object", func(t *testing.T) {
		redirect(t, c.get("/admin/lettings/letting/99/change/"), "/admin/")
		has(t, c.get("/admin/").Want(t, http.StatusOK), message("Letting with ID “99” doesn’t exist. Perhaps it was deleted?"))
		redirect(t, c.get("/admin/lettings/letting/abc/change/"), "/admin/")
		redirect(t, c.get(fmt.Sprintf("/admin/lettings/letting/%d/", l.ID)), change)
	})
	t.Run("view on site", func(t *testing.T) {
		redirect(t, c.get(fmt.Sprintf("/admin/r/lettings.letting/%d/", l.ID)), fmt.Sprintf("/lettings/%d/", l.ID))
		c.get("/admin/r/lettings.address/1/").Want(t, http.StatusNotFound)
		c.get("/admin/r/nope.nope/1/").Want(t, http.StatusNotFound)
	})
	t.Run("escaping", func(t *testing.T) {
		c.post(change, url.Values{"title": {"<script>alert(1)</script>"}, "address": {addressID}})
		res := c.get("/admin/lettings/letting/").Want(t, http.StatusOK)
		wantRow(t, res, "Title", "<script>alert(1)</script>")
		bodyHas(t, res, "&lt;script&gt;alert(1)&lt;/script&gt;")
		bodyLacks(t, res, "<script>alert(1)")
		lacks(t, res, el("script", "alert(1)"))
	})
}

// mustID reads an id from an address.
func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPopupAdd(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	res := c.get("/admin/lettings/address/add/?_popup=1").Want(t, http.StatusOK)
	has(t, res, attr(`#address_form input[type="hidden"][name="_popup"]`, "value", "1"),
		attr("#address_form", "action", "/admin/lettings/address/add/?_popup=1"))
	form := url.Values{"number": {"5"}, "street": {"Cliff Road"}, "city": {"Dana Point"}, "state": {"CA"}, "zip_code": {"92629"}, "country_iso_code": {"USA"}, "_popup": {"1"}, "_save": {"1"}}
	res = c.post("/admin/lettings/address/add/?_popup=1", form).Want(t, http.StatusOK)
	has(t, res, attr("#popup-response", "data-label", "5 Cliff Road"), attr("#popup-response", "data-value", "7"))
	// The page that closes the popup loads the script that does it.
	has(t, res, sitetest.Element{Sel: `script[src*="/js/related."]`})
}

func TestSaveButtons(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	ctx := context.Background()
	member := s.user(t, models.User{Username: "newcomer", Password: "!x", IsActive: true})
	add := url.Values{"user": {fmt.Sprint(member.ID)}, "favorite_city": {"Lisbon"}, "_save": {"1"}}
	redirect(t, c.post("/admin/profiles/profile/add/", add), "/admin/profiles/profile/")
	p, err := models.FindProfileOf(ctx, s.DB.Read, member.ID)
	if err != nil {
		t.Fatal(err)
	}
	change := fmt.Sprintf("/admin/profiles/profile/%d/change/", p.ID)
	has(t, c.get("/admin/profiles/profile/").Want(t, http.StatusOK),
		message("The profile “newcomer” was added successfully."),
		el(fmt.Sprintf(`.messagelist li a[href=%q]`, change), "newcomer"))
	has(t, c.post("/admin/profiles/profile/add/", add).Want(t, http.StatusOK), fieldErr("user", "Profile with this User already exists."))

	for _, tt := range []struct {
		button, location, message string
	}{
		{"_save", "/admin/profiles/profile/", "The profile “newcomer” was changed successfully."},
		{"_continue", change, "The profile “newcomer” was changed successfully. You may edit it again below."},
		{"_addanother", "/admin/profiles/profile/add/", "The profile “newcomer” was changed successfully. You may add another profile below."},
	} {
		t.Run(tt.button, func(t *testing.T) {
			redirect(t, c.post(change, url.Values{"user": {fmt.Sprint(member.ID)}, "favorite_city": {"Porto"}, tt.button: {"1"}}), tt.location)
			has(t, c.get(tt.location).Want(t, http.StatusOK), message(tt.message))
		})
	}
	res := c.get(fmt.Sprintf("/admin/profiles/profile/%d/history/", p.ID)).Want(t, http.StatusOK)
	has(t, res, el("#change-history tbody td", "Added."),
		el("#change-history ul.changes li", "Favorite city: Lisbon → Porto"),
		el("#change-history tbody td", "No fields changed."))
	bodyHas(t, res, "Changed Favorite city.", "<del>Lisbon</del> → <ins>Porto</ins>")
	res = c.get("/admin/profiles/profile/?favorite_city__exact=Porto").Want(t, http.StatusOK)
	if got, users := searched(res), results(res).column("User"); got != "1 result (5 total)" || len(users) != 1 || users[0] != "newcomer" {
		t.Errorf("Porto: got %q and %q, want 1 result, newcomer", got, users)
	}

	c.post("/admin/auth/group/add/", url.Values{"name": {"Editors"}, "_continue": {"1"}})
	res = c.get("/admin/auth/group/").Want(t, http.StatusOK)
	wantRow(t, res, "Name", "Editors")
	if got := tally(res); got != "1 group" {
		t.Errorf("got the tally %q, want 1 group", got)
	}
	redirect(t, c.post("/admin/auth/group/add/", url.Values{"name": {"editors "}}), "/admin/auth/group/")
	has(t, c.post("/admin/auth/group/add/", url.Values{"name": {"Editors"}}).Want(t, http.StatusOK), fieldErr("name", "Group with this Name already exists."))
	if got := searched(c.get("/admin/auth/group/?q=EDIT").Want(t, http.StatusOK)); got != "2 results (2 total)" {
		t.Errorf("EDIT: got %q, want 2 results", got)
	}
}

// A repeated id in a multi-select is the same choice made twice.
func TestRepeatedChoices(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	ctx := context.Background()
	view := fmt.Sprint(s.permission(t, "lettings.view_letting"))
	redirect(t, c.post("/admin/auth/group/add/", url.Values{"name": {"Clerks"}, "permissions": {view, view}, "_save": {"1"}}), "/admin/auth/group/")
	groups, err := models.ListGroups(ctx, s.DB.Read)
	if err != nil || len(groups) != 1 {
		t.Fatalf("got %v (%v), want the new group", groups, err)
	}
	g := fmt.Sprint(groups[0].ID)
	redirect(t, c.post(fmt.Sprintf("/admin/auth/group/%s/change/", g), url.Values{"name": {"Clerks"}, "permissions": {view, view, view}, "_save": {"1"}}), "/admin/auth/group/")
	if ids, err := models.GroupPermissionIDs(ctx, s.DB.Read, groups[0].ID); err != nil || len(ids) != 1 {
		t.Errorf("got group permissions %v (%v), want one", ids, err)
	}

	clerk := s.staffUser(t, "clerk")
	userURL := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
	edit := with(dateTimeInputs(c.get(userURL)), url.Values{"username": {"clerk"}, "is_active": {"on"}, "is_staff": {"on"},
		"groups": {g, g}, "user_permissions": {view, view}, "_save": {"1"}})
	redirect(t, c.post(userURL, edit), "/admin/auth/user/")
	if ids, err := models.UserGroupIDs(ctx, s.DB.Read, clerk.ID); err != nil || len(ids) != 1 {
		t.Errorf("got user groups %v (%v), want one", ids, err)
	}
	if ids, err := models.UserPermissionIDs(ctx, s.DB.Read, clerk.ID); err != nil || len(ids) != 1 {
		t.Errorf("got user permissions %v (%v), want one", ids, err)
	}
	res := c.get(fmt.Sprintf("/admin/auth/user/%d/history/", clerk.ID)).Want(t, http.StatusOK)
	has(t, res, el("#change-history ul.changes li ins", "Clerks"))
	bodyHas(t, res, "<ins>Clerks</ins>")
}

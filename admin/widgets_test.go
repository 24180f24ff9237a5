package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

func createGroup(t *testing.T, s *site, name string) int64 {
	t.Helper()
	g := &models.Group{Name: name}
	if err := models.CreateGroup(context.Background(), s.DB.Write, g); err != nil {
		t.Fatal(err)
	}
	return g.ID
}

// TestFilterHorizontal: the fields FilterHorizontal names are plain
// multi-selects marked for the two-box picker, as Django marks them, and
// what they post is saved: the picker changes nothing on the server.
func TestFilterHorizontal(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	editors, owners := createGroup(t, s, "Editors"), createGroup(t, s, "Owners")
	alice := s.staffUser(t, "alice")
	page := fmt.Sprintf("/admin/auth/user/%d/change/", alice.ID)

	res := c.get(page).Want(t, http.StatusOK)
	for _, tt := range []struct{ field, name string }{{"groups", "groups"}, {"user_permissions", "user permissions"}} {
		sel := fmt.Sprintf(`#user_form select#id_%s.selectfilter[multiple][name=%q]`, tt.field, tt.field)
		has(t, res, attr(sel, "data-field-name", tt.name), attr(sel, "data-is-stacked", "0"))
	}
	has(t, res, el(fmt.Sprintf(`#id_groups option[value="%d"]`, editors), "Editors"),
		el(fmt.Sprintf(`#id_groups option[value="%d"]`, owners), "Owners"),
		el(`#id_user_permissions option`, "Lettings | letting | Can add letting"))
	lacks(t, res, sitetest.Element{Sel: `#id_groups option[selected]`})
	has(t, c.get("/admin/auth/group/add/").Want(t, http.StatusOK),
		attr(`select#id_permissions.selectfilter[multiple][name="permissions"]`, "data-field-name", "permissions"))
	lacks(t, c.get("/admin/lettings/letting/add/").Want(t, http.StatusOK), sitetest.Element{Sel: "select.selectfilter"})

	// The plain select's values, as a browser without JavaScript posts
	// them, are the user's groups.
	form := formOf(res, "#user_form")
	form["groups"] = []string{strconv.FormatInt(editors, 10), strconv.FormatInt(owners, 10)}
	form.Set("_continue", "1")
	redirect(t, c.post(page, form), page)
	got, err := models.UserGroups().IDs(context.Background(), s.DB.Read, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []int64{editors, owners}; !slices.Equal(got, want) {
		t.Errorf("got groups %v, want %v", got, want)
	}
	res = c.get(page).Want(t, http.StatusOK)
	has(t, res, el(fmt.Sprintf(`#id_groups option[value="%d"][selected]`, editors), "Editors"),
		el(fmt.Sprintf(`#id_groups option[value="%d"][selected]`, owners), "Owners"))

	// Choosing none is a choice too.
	form = formOf(res, "#user_form")
	delete(form, "groups")
	form.Set("_continue", "1")
	redirect(t, c.post(page, form), page)
	if got, _ := models.UserGroups().IDs(context.Background(), s.DB.Read, alice.ID); len(got) != 0 {
		t.Errorf("got groups %v, want none", got)
	}
}

// TestRelatedLinks: beside a foreign key's select, "+" shows with the add
// permission on the related model, the pencil with change, the eye with
// view or change, as Django's RelatedFieldWidgetWrapper shows them; change
// and view point at the selected object, and hide while there is none.
func TestRelatedLinks(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	ids := addLettings(t, s.DB, 1, func(int) string { return "Harbour View" })
	letting, err := models.GetLetting(ctx, s.DB.Read, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	const template = "/admin/lettings/address/__fk__/change/?_to_field=id"
	add := sitetest.Element{Sel: `a#add_id_address.add-related[href="/admin/lettings/address/add/"][title="Add another address"]`}
	change := sitetest.Element{Sel: `a#change_id_address.change-related[title="Change selected address"][data-href-template="` + template + `"]`}
	view := sitetest.Element{Sel: `a#view_id_address.view-related[title="View selected address"][data-href-template="` + template + `"]`}
	for _, tt := range []struct {
		name  string
		perms []string
		shown []sitetest.Element
	}{
		{"add only", []string{"lettings.add_address"}, []sitetest.Element{add}},
		{"change", []string{"lettings.change_address"}, []sitetest.Element{change, view}},
		{"view only", []string{"lettings.view_address"}, []sitetest.Element{view}},
		{"none", nil, nil},
		{"all", []string{"lettings.add_address", "lettings.change_address", "lettings.view_address"}, []sitetest.Element{change, add, view}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := s.staff(t, "staff-"+strings.ReplaceAll(tt.name, " ", "-"), append([]string{"lettings.add_letting", "lettings.change_letting"}, tt.perms...)...)
			// The add form: nothing selected, so change and view wait hidden.
			res := c.get("/admin/lettings/letting/add/").Want(t, http.StatusOK)
			for _, e := range []sitetest.Element{add, change, view} {
				if slices.Contains(tt.shown, e) {
					has(t, res, e)
				} else {
					lacks(t, res, e)
				}
			}
			lacks(t, res, sitetest.Element{Sel: `a.change-related[href]`}, sitetest.Element{Sel: `a.view-related[href]`},
				sitetest.Element{Sel: `a.change-related:not([hidden])`}, sitetest.Element{Sel: `a.view-related:not([hidden])`})
			got := res.Texts(".related-widget-wrapper a")
			if len(got) != len(tt.shown) {
				t.Errorf("got links %q, want %d", got, len(tt.shown))
			}

			// The change form: they lead to the selected address's page.
			res = c.get(fmt.Sprintf("/admin/lettings/letting/%d/change/", letting.ID)).Want(t, http.StatusOK)
			href := fmt.Sprintf("/admin/lettings/address/%d/change/?_to_field=id", letting.AddressID)
			for _, e := range []sitetest.Element{change, view} {
				selected := e
				selected.Sel += `[href="` + href + `"]:not([hidden])`
				if slices.Contains(tt.shown, e) {
					has(t, res, selected)
				} else {
					lacks(t, res, e)
				}
			}
		})
	}

	// A read-only form has no select, so no links.
	c := s.staff(t, "viewer", "lettings.view_letting", "lettings.change_address", "lettings.add_address")
	lacks(t, c.get(fmt.Sprintf("/admin/lettings/letting/%d/change/", letting.ID)).Want(t, http.StatusOK),
		sitetest.Element{Sel: ".related-widget-wrapper-link"})
}

// TestPopupResponses: a save in a popup answers with what the opener needs
// to update its select (Django's popup_response.html): the action, the id,
// the new name, escaped.
func TestPopupResponses(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	ids := addLettings(t, s.DB, 1, func(int) string { return "Popup Cottage" })
	letting, err := models.GetLetting(context.Background(), s.DB.Read, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/admin/lettings/address/%d/change/", letting.AddressID)
	res := c.get(page+"?_to_field=id&_popup=1").Want(t, http.StatusOK)
	has(t, res, attr("#address_form", "action", page+"?_popup=1"), attr(`#address_form input[name="_popup"]`, "value", "1"))

	const street = `<b>"Quay" & Co's</b>`
	form := formOf(res, "#address_form")
	form.Set("street", street)
	form.Set("_save", "Save")
	res = c.post(page+"?_popup=1", form).Want(t, http.StatusOK)
	label := "1 " + street
	has(t, res, attr("#popup-response", "data-action", "change"),
		attr("#popup-response", "data-value", strconv.FormatInt(letting.AddressID, 10)),
		attr("#popup-response", "data-label", label),
		sitetest.Element{Sel: "#popup-response p", Contains: "“" + label + "” was changed."})
	bodyLacks(t, res, "<b>")
	bodyHas(t, res, "&lt;b&gt;")
	stored, err := models.GetAddress(context.Background(), s.DB.Read, letting.AddressID)
	if err != nil || stored.Street != street {
		t.Errorf("got %+v, %v, want the street saved", stored, err)
	}

	// An add in a popup answers "add".
	address := url.Values{"number": {"7"}, "street": {"Popup Row"}, "city": {"Irvine"}, "state": {"CA"}, "zip_code": {"92618"},
		"country_iso_code": {"USA"}, "_popup": {"1"}, "_save": {"Save"}}
	res = c.post("/admin/lettings/address/add/?_popup=1", address).Want(t, http.StatusOK)
	has(t, res, attr("#popup-response", "data-action", "add"), attr("#popup-response", "data-label", "7 Popup Row"))
	if v, _ := res.Attr("#popup-response", "data-value"); v == "" || v == strconv.FormatInt(letting.AddressID, 10) {
		t.Errorf("got data-value %q, want the new address's id", v)
	}

	// Invalid input in a popup is the form again, still a popup.
	form = formOf(c.get(page+"?_popup=1").Want(t, http.StatusOK), "#address_form")
	form.Set("state", "C")
	form.Set("_save", "Save")
	res = c.post(page+"?_popup=1", form).Want(t, http.StatusOK)
	has(t, res, fieldErr("state", "Ensure this value has at least 2 characters (it has 1)."), attr(`#address_form input[name="_popup"]`, "value", "1"))
	lacks(t, res, sitetest.Element{Sel: "#popup-response"})
}

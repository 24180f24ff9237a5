package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"oclettings/admin"
	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// userGroups are the ids of the user's groups, in order.
func userGroups(t *testing.T, s *site, userID int64) []int64 {
	t.Helper()
	got, err := models.UserGroups().IDs(context.Background(), s.DB.Read, userID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

// chosenNames are the names a many-to-many autocomplete lists beside its
// input.
func chosenNames(res *sitetest.Response, field string) []string {
	var names []string
	res.Doc().Find("#id_" + field + "_name li").Each(func(_ int, li *goquery.Selection) {
		names = append(names, sitetest.Squash(li.Text()))
	})
	return names
}

// TestAutocompleteManyToMany: a many-to-many field named in Autocomplete
// (the user's groups, in a registry changed for the test) is a text input
// of comma-separated ids with the chosen groups' names beside it, and
// never the groups table; it saves what a browser without JavaScript posts
// (the text) and what the script posts (one value per id, as a
// multi-select); ids that are no groups are Django's invalid choice, with
// the form's other errors at once; read-only forms and the history name
// the groups.
func TestAutocompleteManyToMany(t *testing.T) {
	t.Parallel()
	s := newSite(t, withAdmin(admin.NewWithGroupsAutocomplete))
	c := s.staff(t, "root", "*")
	editors, agents := createGroup(t, s, "Editors"), createGroup(t, s, "Agents")
	alice := s.staffUser(t, "alice")
	page := fmt.Sprintf("/admin/auth/user/%d/change/", alice.ID)

	before := c.get(page).Want(t, http.StatusOK)
	for i := 1; i <= 300; i++ {
		createGroup(t, s, fmt.Sprintf("Bulk group %d", i))
	}
	res := c.get(page).Want(t, http.StatusOK)
	has(t, res,
		attr(`#user_form input#id_groups.vManyToManyRawIdAdminField`, "type", "text"),
		attr(`#id_groups`, "name", "groups"),
		attr(`#id_groups`, "value", ""),
		attr(`.autocomplete-multiple`, "data-field-name", "groups"),
		attr(`#add_id_groups`, "href", "/admin/auth/group/add/"))
	// Many objects: no change or view link, as Django's wrapper has none.
	lacks(t, res, sitetest.Element{Sel: "#change_id_groups"}, sitetest.Element{Sel: "#view_id_groups"},
		sitetest.Element{Sel: `select[name="groups"]`}, sitetest.Element{Sel: "#id_groups_name li"})
	// The permissions keep their two-box picker.
	has(t, res, attr(`select#id_user_permissions.selectfilter`, "data-field-name", "user permissions"))
	bodyLacks(t, res, "Bulk group", "Editors", "Agents")
	if grew := len(res.Body) - len(before.Body); grew > 200 || grew < -200 {
		t.Fatalf("the form grew by %d bytes with 300 more groups, want about 0", grew)
	}

	// Without JavaScript: the ids in the text, spaces and an empty place
	// between commas allowed.
	form := formOf(res, "#user_form")
	form.Set("groups", fmt.Sprintf(" %d, %d,", editors, agents))
	form.Set("_continue", "1")
	redirect(t, c.post(page, form), page)
	if got, want := userGroups(t, s, alice.ID), sorted(editors, agents); !slices.Equal(got, want) {
		t.Fatalf("got groups %v, want %v", got, want)
	}
	res = c.get(page).Want(t, http.StatusOK)
	// The names in the group admin's order (by name); the ids in the
	// order the link table gives them.
	if got, want := chosenNames(res, "groups"), []string{"Agents", "Editors"}; !slices.Equal(got, want) {
		t.Errorf("got chosen %q, want %q", got, want)
	}
	ids := strings.Split(res.Doc().Find("#id_groups").AttrOr("value", ""), ",")
	slices.Sort(ids)
	if want := []string{fmt.Sprint(min(editors, agents)), fmt.Sprint(max(editors, agents))}; !slices.Equal(ids, want) {
		t.Errorf("got ids %q, want %q", ids, want)
	}
	bodyLacks(t, res, "Bulk group")
	has(t, c.get(fmt.Sprintf("/admin/auth/user/%d/history/", alice.ID)).Want(t, http.StatusOK), sitetest.Element{Sel: "#change-history .changes ins", Contains: "Agents"})

	// With JavaScript: one value per id, as a multi-select posts them.
	bulk := createGroup(t, s, "Zebra keepers")
	form = formOf(res, "#user_form")
	form["groups"] = []string{fmt.Sprint(agents), fmt.Sprint(bulk)}
	form.Set("_continue", "1")
	redirect(t, c.post(page, form), page)
	if got, want := userGroups(t, s, alice.ID), sorted(agents, bulk); !slices.Equal(got, want) {
		t.Fatalf("got groups %v, want %v", got, want)
	}

	// Ids that name no group, or are no number: Django's messages, with
	// the username's error at once; what was typed comes back, the groups
	// that exist named; nothing is saved.
	for _, tt := range []struct{ sent, msg string }{
		{fmt.Sprintf("%d,99999", editors), "Select a valid choice. 99999 is not one of the available choices."},
		{fmt.Sprintf("%d,abc", editors), "“abc” is not a valid value."},
		{"-3", "Select a valid choice. -3 is not one of the available choices."},
	} {
		t.Run(tt.sent, func(t *testing.T) {
			form := formOf(c.get(page).Want(t, http.StatusOK), "#user_form")
			form.Set("groups", tt.sent)
			form.Set("username", "")
			form.Set("_save", "1")
			res := c.post(page, form).Want(t, http.StatusOK)
			has(t, res,
				fieldErr("groups", tt.msg),
				fieldErr("username", "This field is required."),
				errorNote("Please correct the errors below."),
				attr("#id_groups", "value", tt.sent),
				attr("#id_groups", "aria-invalid", "true"))
			want := []string(nil)
			if strings.HasPrefix(tt.sent, fmt.Sprint(editors)+",") {
				want = []string{"Editors"}
			}
			if got := chosenNames(res, "groups"); !slices.Equal(got, want) {
				t.Errorf("got chosen %q, want %q", got, want)
			}
			if got, want := userGroups(t, s, alice.ID), sorted(agents, bulk); !slices.Equal(got, want) {
				t.Errorf("got groups %v, want %v unchanged", got, want)
			}
		})
	}

	// None is a choice: the empty text clears the groups.
	form = formOf(c.get(page).Want(t, http.StatusOK), "#user_form")
	form.Set("groups", "")
	form.Set("_continue", "1")
	redirect(t, c.post(page, form), page)
	if got := userGroups(t, s, alice.ID); len(got) != 0 {
		t.Fatalf("got groups %v, want none", got)
	}

	// The endpoint serves the field with the group admin's search, to
	// those who may view or change groups only.
	a := decodeAnswer(t, c.get(acURL("auth", "user", "groups", "term", "zebra")).Want(t, http.StatusOK))
	if len(a.Results) != 1 || a.Results[0].ID != fmt.Sprint(bulk) || a.Results[0].Text != "Zebra keepers" {
		t.Errorf("got %+v, want only Zebra keepers", a.Results)
	}
	c.get(acURL("auth", "user", "user_permissions")).Want(t, http.StatusForbidden)
	userOnly := s.staff(t, "useronly", "auth.view_user", "auth.change_user")
	userOnly.get(acURL("auth", "user", "groups")).Want(t, http.StatusForbidden)
	s.staff(t, "groupviewer", "auth.view_group").get(acURL("auth", "user", "groups", "term", "zebra")).Want(t, http.StatusOK)

	// A user who may only view users sees the groups' names.
	if err := models.SetUserGroups(context.Background(), s.DB.Write, alice.ID, []int64{editors, agents}); err != nil {
		t.Fatal(err)
	}
	viewer := s.staff(t, "viewer", "auth.view_user")
	has(t, viewer.get(page).Want(t, http.StatusOK), el(".field-groups .readonly", "Agents, Editors"))
}

func sorted(ids ...int64) []int64 { slices.Sort(ids); return ids }

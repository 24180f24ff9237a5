package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// deleted is an object the delete page lists, linked to its change form.
func deleted(href, repr string) sitetest.Element {
	return el(fmt.Sprintf(`#deleted-objects li > a[href=%q]`, href), repr)
}

func TestDeletion(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	ctx := context.Background()
	res := c.get("/admin/lettings/address/1/delete/").Want(t, http.StatusOK)
	has(t, res, title("Are you sure? | OC Lettings site admin"),
		el("#content-main > p", "Are you sure you want to delete the address “7217 Bedford Street”? All of the following related items will be deleted:"),
		el("#content-main li", "Addresses: 1"), el("#content-main li", "Lettings: 1"),
		deleted("/admin/lettings/address/1/change/", "7217 Bedford Street"),
		deleted("/admin/lettings/letting/1/change/", "Joshua Tree Green Haus /w Hot Tub"),
		attr(`form input[type="hidden"][name="post"]`, "value", "yes"),
		attr(`form input[type="submit"]`, "value", "Yes, I’m sure"),
		el("a.cancel-link", "No, take me back"))
	bodyHas(t, res, `Address: <a href="/admin/lettings/address/1/change/">7217 Bedford Street</a>`,
		`Letting: <a href="/admin/lettings/letting/1/change/">Joshua Tree Green Haus /w Hot Tub</a>`)
	has(t, c.post("/admin/lettings/address/1/delete/", url.Values{}).Want(t, http.StatusOK), el("h1", "Are you sure?")) // no post=yes: asks again
	redirect(t, c.post("/admin/lettings/address/1/delete/", url.Values{"post": {"yes"}}), "/admin/lettings/address/")
	res = c.get("/admin/lettings/address/").Want(t, http.StatusOK)
	has(t, res, message("The address “7217 Bedford Street” was deleted successfully."))
	if got := tally(res); got != "5 Addresses" {
		t.Errorf("got the tally %q, want 5 Addresses", got)
	}
	if _, err := models.GetLetting(ctx, s.DB.Read, 1); err == nil {
		t.Error("got the letting at the deleted address kept")
	}
	redirect(t, c.get("/admin/lettings/address/1/history/"), "/admin/")
	res = c.get("/admin/").Want(t, http.StatusOK)
	has(t, res, el("#recent-actions-module li.deletelink", "Deleted: 7217 Bedford Street Address"))
	lacks(t, res, sitetest.Element{Sel: "#recent-actions-module li.deletelink a"})

	t.Run("user and profile", func(t *testing.T) {
		u, err := models.GetUserByUsername(ctx, s.DB.Read, "AirWow")
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/admin/auth/user/%d/delete/", u.ID)
		res := c.get(path).Want(t, http.StatusOK)
		has(t, res, el("#content-main li", "Users: 1"), el("#content-main li", "Profiles: 1"))
		bodyHas(t, res, "Profile: <a")
		redirect(t, c.post(path, url.Values{"post": {"yes"}}), "/admin/auth/user/")
		if _, err := models.FindProfileOf(ctx, s.DB.Read, u.ID); err == nil {
			t.Error("got the profile of the deleted user kept")
		}
	})

	t.Run("without permission on the cascade", func(t *testing.T) {
		p := s.staff(t, "pruner", "lettings.view_address", "lettings.delete_address")
		res := p.get("/admin/lettings/address/2/delete/").Want(t, http.StatusOK)
		has(t, res, el("h1", "Cannot delete address"),
			el("#content-main > p", "Deleting the address “4 Military Street” would result in deleting related objects, but your account doesn’t have permission to delete the following types of objects:"),
			el("#denied-models li", "letting"))
		p.post("/admin/lettings/address/2/delete/", url.Values{"post": {"yes"}}).Want(t, http.StatusForbidden)
		if _, err := models.GetLetting(ctx, s.DB.Read, 2); err != nil {
			t.Errorf("got the letting gone after a refused deletion: %v", err)
		}
	})

	t.Run("bulk", func(t *testing.T) {
		redirect(t, c.post("/admin/lettings/letting/", url.Values{"action": {"delete_selected"}}), "/admin/lettings/letting/")
		has(t, c.get("/admin/lettings/letting/").Want(t, http.StatusOK),
			message("Items must be selected in order to perform actions on them. No items have been changed."))
		redirect(t, c.post("/admin/lettings/letting/", url.Values{"_selected_action": {"3"}}), "/admin/lettings/letting/")
		has(t, c.get("/admin/lettings/letting/").Want(t, http.StatusOK), message("No action selected."))

		sel := url.Values{"action": {"delete_selected"}, "_selected_action": {"3", "4", "5"}, "index": {"0"}}
		res := c.post("/admin/lettings/letting/", sel).Want(t, http.StatusOK)
		has(t, res,
			el("#content-main > p", "Are you sure you want to delete the selected lettings? All of the following objects and their related items will be deleted:"),
			el("#content-main li", "Lettings: 3"),
			attr(`form input[type="hidden"][name="_selected_action"][value="4"]`, "value", "4"),
			attr(`form input[type="hidden"][name="action"]`, "value", "delete_selected"),
			attr(`form input[type="hidden"][name="post"]`, "value", "yes"))
		redirect(t, c.post("/admin/lettings/letting/", with(sel, url.Values{"post": {"yes"}})), "/admin/lettings/letting/")
		res = c.get("/admin/lettings/letting/").Want(t, http.StatusOK)
		has(t, res, message("Successfully deleted 3 lettings."))
		if got := tally(res); got != "2 lettings" {
			t.Errorf("got the tally %q, want 2 lettings", got)
		}

		viewer := s.staff(t, "viewer", "lettings.view_letting")
		viewer.post("/admin/lettings/letting/", url.Values{"action": {"delete_selected"}, "_selected_action": {"6"}, "post": {"yes"}}).Want(t, http.StatusForbidden)
		if _, err := models.GetLetting(ctx, s.DB.Read, 6); err != nil {
			t.Errorf("got the letting gone after a refused bulk deletion: %v", err)
		}
	})
}

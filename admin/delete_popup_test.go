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

// TestDeleteInPopup: the delete page opened in a popup (_popup) keeps it in
// its form, both in the address it posts to and in a hidden input, and its
// way back; the confirmed deletion answers with the popup response (action
// "delete", the object's id), which related.js hands to the opener, as
// Django's response_delete does. Without _popup the usual redirect. The
// change form in a popup offers no Delete link, as Django's submit_row.
func TestDeleteInPopup(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	ctx := context.Background()
	gone := createGroup(t, s, "Short-lived")
	path := fmt.Sprintf("/admin/auth/group/%d/delete/", gone)
	change := fmt.Sprintf("/admin/auth/group/%d/change/", gone)

	has(t, c.get(change).Want(t, http.StatusOK), attr(".submit-row a.deletelink", "href", path))
	lacks(t, c.get(change+"?_popup=1").Want(t, http.StatusOK), sitetest.Element{Sel: "a.deletelink"})

	res := c.get(path+"?_popup=1").Want(t, http.StatusOK)
	has(t, res,
		el("h1", "Are you sure?"),
		attr(`#content-main form[method="post"]`, "action", "?_popup=1"),
		attr(`#content-main form input[type="hidden"][name="_popup"]`, "value", "1"),
		attr("a.cancel-link", "href", change+"?_popup=1"),
		attr("body", "class", "popup delete-confirmation app-auth model-group"))
	lacks(t, res, sitetest.Element{Sel: "#header"}, sitetest.Element{Sel: ".breadcrumbs"})
	// Outside a popup, neither.
	lacks(t, c.get(path).Want(t, http.StatusOK), sitetest.Element{Sel: `input[name="_popup"]`},
		sitetest.Element{Sel: "#content-main form[action]"})

	// The form as the popup posts it.
	form := formOf(res, "#content-main form")
	res = c.post(path+"?_popup=1", form).Want(t, http.StatusOK)
	has(t, res,
		attr("#popup-response", "data-action", "delete"),
		attr("#popup-response", "data-value", fmt.Sprint(gone)),
		attr("#popup-response", "data-label", "Short-lived"),
		el("#popup-response p", "“Short-lived” was deleted. This window closes by itself; if it does not, close it and return to the form."))
	if _, err := models.GetGroup(ctx, s.DB.Read, gone); err == nil {
		t.Fatal("got the group kept after the popup's deletion")
	}
	// Logged as any deletion; no message waits for the next page.
	has(t, c.get("/admin/").Want(t, http.StatusOK), el("#recent-actions-module li.deletelink", "Deleted: Short-lived Group"))
	lacks(t, c.get("/admin/auth/group/").Want(t, http.StatusOK), sitetest.Element{Sel: ".messagelist"})

	// The hidden input alone makes it a popup's deletion.
	other := createGroup(t, s, "Also short-lived")
	res = c.post(fmt.Sprintf("/admin/auth/group/%d/delete/", other), url.Values{"post": {"yes"}, "_popup": {"1"}}).Want(t, http.StatusOK)
	has(t, res, attr("#popup-response", "data-action", "delete"), attr("#popup-response", "data-value", fmt.Sprint(other)))

	// Without _popup: the redirect to the list and its message.
	third := createGroup(t, s, "Plainly deleted")
	redirect(t, c.post(fmt.Sprintf("/admin/auth/group/%d/delete/", third), url.Values{"post": {"yes"}}), "/admin/auth/group/")
	has(t, c.get("/admin/auth/group/").Want(t, http.StatusOK), message("The group “Plainly deleted” was deleted successfully."))

	// A popup's confirmation without "post=yes" asks again, still a popup.
	fourth := createGroup(t, s, "Kept")
	res = c.post(fmt.Sprintf("/admin/auth/group/%d/delete/?_popup=1", fourth), url.Values{"_popup": {"1"}}).Want(t, http.StatusOK)
	has(t, res, el("h1", "Are you sure?"), attr(`input[name="_popup"]`, "value", "1"))
	if _, err := models.GetGroup(ctx, s.DB.Read, fourth); err != nil {
		t.Fatalf("got %v, want the group kept", err)
	}
}

package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserInlines: the inlines as staff use them. On a new address's
// page the blank letting form is removed and brought back with "Add
// another Letting", filled in and saved with the address; on a member's
// page the profile's favourite city is changed in place.
func TestBrowserInlines(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	atEachWidthAndTheme(t, site, func(t *testing.T, tb *tab, i int) {
		tb.login(e2eUser, e2ePassword)

		// A new address has no letting yet.
		tb.open("/admin/lettings/address/add/", "")
		tb.fill("fill the address", "#id_number", fmt.Sprint(700+i), "#id_street", "Inline Street", "#id_city", "Formset City",
			"#id_state", "KS", "#id_zip_code", "66002", "#id_country_iso_code", "USA")
		tb.clickAndWait(`input[name="_continue"]`)

		formset := func(step string) (got struct {
			Total, Forms int
			AddShown     bool
		}) {
			t.Helper()
			tb.do(step, chromedp.Evaluate(`({
				Total: Number(document.getElementById("id_letting-TOTAL_FORMS").value),
				Forms: document.querySelectorAll("#letting-group tbody tr.form-row").length,
				AddShown: !document.querySelector("#letting-group tr.add-row").hidden,
			})`, &got))
			return got
		}
		// One blank form (a letting an address), so no "Add another" yet;
		// removing it brings the button.
		if got := formset("the blank form"); got.Total != 1 || got.Forms != 1 || got.AddShown {
			t.Errorf("at first: got %+v, want one form counted and no add button", got)
		}
		tb.do("remove the blank form", chromedp.Click("#letting-0 button.inline-deletelink", chromedp.NodeVisible, chromedp.ByQuery))
		if got := formset("removed"); got.Total != 0 || got.Forms != 0 || !got.AddShown {
			t.Errorf("after Remove: got %+v, want no form and the add button", got)
		}
		tb.wantText("#letting-group tr.add-row button.addlink", "Add another Letting")
		tb.do("add a letting", chromedp.Click("#letting-group button.addlink", chromedp.NodeVisible, chromedp.ByQuery))
		if got := formset("added"); got.Total != 1 || got.Forms != 1 || got.AddShown {
			t.Errorf("after Add another: got %+v, want one form and no add button", got)
		}
		var focused string
		tb.do("focus", chromedp.Evaluate(`document.activeElement.name`, &focused))
		if focused != "letting-0-title" {
			t.Errorf("got focus on %q, want the new form's title", focused)
		}
		title := fmt.Sprintf("Formset Cabin %d", i)
		tb.fill("name the letting", "#id_letting-0-title", title)
		tb.check("admin-address-inline-letting")
		tb.clickAndWait(`input[name="_continue"]`)
		tb.wantText(".messagelist", "was changed successfully")
		tb.wantText("#letting-0 td.original", title)
		tb.wantText("#letting-group thead", "Delete?")

		// A member's favourite city, changed on the user's page.
		tb.open("/admin/auth/user/?q=AirWow", "")
		var userPage string
		tb.do("find the member", chromedp.Evaluate(`[...document.querySelectorAll("#result_list th a")].find(a => a.textContent.trim() === "AirWow").getAttribute("href")`, &userPage))
		tb.open(userPage, "admin-user-inline-profile")
		tb.wantText("#profile-group h2", "Profile")
		tb.wantText("#profile-0 h3", "AirWow")
		city := fmt.Sprintf("Szeged %d", i)
		tb.fill("change the city", "#id_profile-0-favorite_city", city)
		tb.clickAndWait(`input[name="_continue"]`)
		tb.wantText(".messagelist", "was changed successfully")
		var got string
		tb.do("read the city", chromedp.Value("#id_profile-0-favorite_city", &got, chromedp.ByQuery))
		if got != city {
			t.Errorf("got favourite city %q after saving, want %q", got, city)
		}
	})
}

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserWidgets: the two-box picker of filter_horizontal (filters,
// keyboard, "Choose all", saved), and the related-object links beside a
// related field (following the selection, the change popup renaming the
// object in the form that opened it).
func TestBrowserWidgets(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	atEachWidthAndTheme(t, site, func(t *testing.T, tb *tab, i int) {
		tb.login(e2eUser, e2ePassword)
		group := fmt.Sprintf("Widget group %d", i)

		// A group, its permissions chosen by filtering and "Choose all".
		tb.open("/admin/auth/group/add/", "")
		tb.wantText("#id_permissions_from_title", "Available permissions")
		tb.wantText("#id_permissions_to_title", "Chosen permissions")
		tb.do("name the group", chromedp.SetValue("#id_name", group, chromedp.ByQuery))
		tb.do("filter the available permissions", chromedp.SendKeys("#id_permissions_input", "lettings address", chromedp.ByQuery))
		tb.wantVisibleOptions("#id_permissions_from", 4, "Lettings | address | Can add address")
		tb.check("admin-group-picker-filtered")
		tb.do("choose all shown", chromedp.Click("#id_permissions_add_all", chromedp.ByQuery))
		tb.wantVisibleOptions("#id_permissions", 4, "Lettings | address | Can view address")
		tb.wantVisibleOptions("#id_permissions_from", 0)
		tb.clickAndWait(`input[name="_save"]`)
		tb.wantText(".messagelist", "was added successfully")

		// The superuser joins the group: filter, then Enter in the filter.
		tb.open("/admin/auth/user/", "")
		var userPage string
		tb.do("find the superuser", chromedp.Evaluate(`[...document.querySelectorAll("#result_list th a")].find(a => a.textContent.trim() === `+jsString(e2eUser)+`).getAttribute("href")`, &userPage))
		tb.open(userPage, "admin-user-picker")
		var disabled bool
		tb.do("nothing to choose yet", chromedp.Evaluate(`document.getElementById("id_groups_add").disabled`, &disabled))
		if !disabled {
			t.Errorf("got the choose arrow enabled with nothing selected, want it disabled")
		}
		tb.do("filter the groups", chromedp.SendKeys("#id_groups_input", group, chromedp.ByQuery))
		tb.wantVisibleOptions("#id_groups_from", 1, group)
		tb.do("Enter chooses it", chromedp.SendKeys("#id_groups_input", kb.Enter, chromedp.ByQuery))
		tb.wantVisibleOptions("#id_groups", -1, group)
		tb.check("admin-user-picker-chosen")
		tb.clickAndWait(`input[name="_continue"]`)
		tb.wantText(".messagelist", "was changed successfully")
		tb.wantVisibleOptions("#id_groups", -1, group)
		tb.wantVisibleOptions("#id_user_permissions_from", -1) // both pickers are built again
		var available string
		tb.do("not available any more", chromedp.Evaluate(`document.getElementById("id_groups_from").textContent`, &available))
		if strings.Contains(available, group) {
			t.Errorf("got %q still available after saving, want it chosen", group)
		}

		// The group deleted in a popup leaves the picker. Django's change
		// popup has no Delete link, so the popup opens the delete page with
		// _popup, under the name related.js gives the picker's popups.
		{
			var groupID string
			tb.do("the group's id", chromedp.Evaluate(`[...document.getElementById("id_groups").options].find(o => o.text === `+jsString(group)+`).value`, &groupID))
			deletePage := "/admin/auth/group/" + groupID + "/delete/?_popup=1"
			newTarget := chromedp.WaitNewTarget(tb.ctx, func(info *target.Info) bool { return strings.HasSuffix(info.URL, deletePage) })
			tb.do("open the delete popup", chromedp.Evaluate(`window.open(`+jsString(deletePage)+`, "related_id_groups", "height=600,width=900"); true`, nil,
				func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithUserGesture(true) }))
			popup, cancel := tb.popup(<-newTarget)
			popup.waitLoaded()
			popup.check("admin-popup-delete-group")
			popup.do("confirm the deletion", chromedp.Click(`#content-main input[type="submit"]`, chromedp.ByQuery))
			tb.do("the group left the picker", chromedp.Poll(`![...document.querySelectorAll("#id_groups option, #id_groups_from option")].some(o => o.value === `+jsString(groupID)+`)`,
				nil, chromedp.WithPollingTimeout(10*time.Second)))
			cancel()
			tb.check("")
		}

		// The letting's pencil and eye follow its address (an autocomplete:
		// the id is in the field's input, whose change the links hear).
		tb.open("/admin/lettings/letting/1/change/", "admin-letting-related-links")
		var own string
		tb.do("the address", chromedp.Evaluate(`document.getElementById("id_address").value`, &own))
		other := "1"
		if own == "1" {
			other = "2"
		}
		tb.wantHref("#change_id_address", "/admin/lettings/address/"+own+"/change/?_to_field=id")
		tb.choose("#id_address", other)
		tb.wantHref("#change_id_address", "/admin/lettings/address/"+other+"/change/?_to_field=id")
		tb.wantHref("#view_id_address", "/admin/lettings/address/"+other+"/change/?_to_field=id")
		tb.choose("#id_address", "")
		tb.do("hidden without a selection", chromedp.WaitNotVisible("#change_id_address", chromedp.ByQuery))
		tb.open("/admin/lettings/letting/1/change/", "")

		// The pencil's popup renames the address; the field's name follows.
		street := fmt.Sprintf("Renamed Street %d", i)
		newTarget := chromedp.WaitNewTarget(tb.ctx, func(info *target.Info) bool { return strings.Contains(info.URL, "_popup=1") })
		tb.do("open the change popup", chromedp.Click("#change_id_address", chromedp.NodeVisible, chromedp.ByQuery))
		popup, cancel := tb.popup(<-newTarget)
		defer cancel()
		popup.waitLoaded()
		popup.check("admin-popup-change-address")
		popup.do("rename the street", chromedp.SetValue("#id_street", street, chromedp.ByQuery),
			chromedp.Click(`input[name="_save"]`, chromedp.ByQuery))
		tb.do("the name is the new one", chromedp.Poll(`document.getElementById("id_address").value === `+jsString(own)+` && document.getElementById("id_address_name").textContent.endsWith(`+jsString(street)+`)`, nil, chromedp.WithPollingTimeout(10*time.Second)))
		tb.check("")
	})
}

// wantVisibleOptions checks the options a select shows: n of them (-1:
// any number), among them each of texts.
func (tb *tab) wantVisibleOptions(sel string, n int, texts ...string) {
	tb.t.Helper()
	var shown []string
	tb.do("options of "+sel, chromedp.Evaluate(`[...document.querySelector(`+jsString(sel)+`).options].filter(o => !o.hidden).map(o => o.text)`, &shown))
	if n >= 0 && len(shown) != n {
		tb.t.Errorf("[%s px] %s: got options %q, want %d", tb.viewport, sel, shown, n)
	}
	for _, want := range texts {
		found := false
		for _, s := range shown {
			found = found || s == want
		}
		if !found {
			tb.t.Errorf("[%s px] %s: got options %q, want %q among them", tb.viewport, sel, shown, want)
		}
	}
}

// choose sets a field's value as a widget does, with its change event.
func (tb *tab) choose(sel, value string) {
	tb.t.Helper()
	tb.do("choose "+value+" in "+sel, chromedp.Evaluate(`(function(){ const s = document.querySelector(`+jsString(sel)+`); s.value = `+jsString(value)+`; s.dispatchEvent(new Event("change", {bubbles: true})); })()`, nil))
}

// wantHref waits for a link to lead to href.
func (tb *tab) wantHref(sel, href string) {
	tb.t.Helper()
	tb.do(sel+" leads to "+href, chromedp.Poll(`document.querySelector(`+jsString(sel)+`).getAttribute("href") === `+jsString(href), nil, chromedp.WithPollingTimeout(5*time.Second)))
}

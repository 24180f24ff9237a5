package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/models"
)

// addE2EAddresses adds n addresses in state to the site's database, beside
// the running server, as another process writing would.
func addE2EAddresses(t *testing.T, site *e2eSite, n int, state string) {
	t.Helper()
	var path string
	for _, kv := range site.env {
		if p, ok := strings.CutPrefix(kv, "DATABASE_URL=sqlite:"); ok {
			path = p
		}
	}
	ctx := context.Background()
	db, err := database.Open(ctx, config.Database{Kind: "sqlite", Path: path}, database.Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range n {
		a := &models.Address{Number: i + 1, Street: "Journey Street", City: "Pageville", State: state, ZipCode: 20000 + i, CountryISOCode: "USA"}
		if err := models.CreateAddress(ctx, db.Write, a); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBrowserChangelist: the changelist as staff use it. The whole page
// ticked offers the 150 rows of the filtered list across its pages, which
// an export takes whole and the delete confirmation lists; shift-click
// ticks a range; favourite cities are edited in place and saved; the
// users' list drills down by year; the filters' counts come and go.
func TestBrowserChangelist(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	addE2EAddresses(t, site, 150, "ZS")
	atEachWidthAndTheme(t, site, func(t *testing.T, tb *tab, i int) {
		tb.login(e2eUser, e2ePassword)
		const list = "/admin/lettings/address/?state__exact=ZS"
		tb.open(list, "")
		tb.wantText(".actions .action-counter", "0 of 100 selected")

		tb.do("tick the page", chromedp.Click("#action-toggle", chromedp.NodeVisible, chromedp.ByQuery))
		tb.wantText(".actions .action-counter", "100 of 100 selected")
		tb.wantText(".actions .question a", "Select all 150 Addresses")
		var highlighted int
		tb.do("rows highlighted", chromedp.Evaluate(`document.querySelectorAll("#result_list tbody tr.selected").length`, &highlighted))
		if highlighted != 100 {
			t.Errorf("got %d highlighted rows, want 100", highlighted)
		}
		tb.do("select across", chromedp.Click(".actions .question a", chromedp.NodeVisible, chromedp.ByQuery))
		tb.wantText(".actions .all", "All 150 selected")
		tb.wantText(".actions .clear a", "Clear selection")
		tb.check("admin-changelist-select-across")
		var acrossValue string
		tb.do("select_across", chromedp.Value(`input[name="select_across"]`, &acrossValue, chromedp.ByQuery))
		if acrossValue != "1" {
			t.Errorf("got select_across %q, want 1", acrossValue)
		}

		downloads := t.TempDir()
		tb.do("allow downloads", cdpbrowser.SetDownloadBehavior(cdpbrowser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads))
		tb.do("export", chromedp.SetValue(`select[name="action"]`, "export_csv", chromedp.ByQuery), chromedp.Click(`button[name="index"]`, chromedp.ByQuery))
		if lines := strings.Count(strings.TrimSpace(string(waitDownload(t, downloads))), "\n") + 1; lines != 151 {
			t.Errorf("got %d CSV lines, want the header and the 150 rows of every page", lines)
		}
		tb.do("choose delete", chromedp.SetValue(`select[name="action"]`, "delete_selected", chromedp.ByQuery))
		tb.clickAndWait(`button[name="index"]`)
		tb.check("admin-delete-selected-across")
		tb.wantText("#content-main", "Addresses: 150")
		tb.clickAndWait(`a.cancel-link`)
		tb.wantPath(list)

		// Clear selection, then a shift-click ticks rows 2 to 5.
		tb.open(list, "")
		tb.do("tick the page", chromedp.Click("#action-toggle", chromedp.NodeVisible, chromedp.ByQuery))
		tb.do("select across", chromedp.Click(".actions .question a", chromedp.NodeVisible, chromedp.ByQuery))
		tb.do("clear", chromedp.Click(".actions .clear a", chromedp.NodeVisible, chromedp.ByQuery))
		tb.wantText(".actions .action-counter", "0 of 100 selected")
		var boxes []*cdp.Node
		tb.do("checkboxes", chromedp.Nodes("#result_list input.action-select", &boxes, chromedp.ByQueryAll))
		tb.do("shift-click a range",
			chromedp.MouseClickNode(boxes[1]),
			chromedp.MouseClickNode(boxes[4], chromedp.ButtonModifiers(input.ModifierShift)))
		tb.wantText(".actions .action-counter", "4 of 100 selected")
		var ticked []bool
		tb.do("ticked", chromedp.Evaluate(`[...document.querySelectorAll("#result_list input.action-select")].slice(0, 6).map(b => b.checked)`, &ticked))
		if fmt.Sprint(ticked) != "[false true true true true false]" {
			t.Errorf("got ticked %v, want rows 2 to 5", ticked)
		}

		// list_editable: a favourite city changed on the list.
		city := fmt.Sprintf("Journey City %d", i)
		tb.open("/admin/profiles/profile/", "")
		tb.fill("edit a city", `input[name="form-0-favorite_city"]`, city)
		tb.check("admin-changelist-list-editable")
		tb.clickAndWait(`input[name="_save"]`)
		tb.wantText(".messagelist", "1 profile was changed successfully.")
		var saved string
		tb.do("saved city", chromedp.Value(`input[name="form-0-favorite_city"]`, &saved, chromedp.ByQuery))
		if saved != city {
			t.Errorf("got %q in the first row, want %q", saved, city)
		}

		// The date hierarchy: a year, then its months, and back.
		tb.open("/admin/auth/user/", "")
		tb.clickAndWait(`#date-hierarchy a[href^="?date_joined__year="]`)
		tb.wantText("#date-hierarchy li.date-back", "‹ All dates")
		tb.clickAndWait("#date-hierarchy li.date-back a")

		// Facets: the counts come with "Show counts" and go with "Hide counts".
		tb.clickAndWait("#changelist-filter-extra-actions a.viewlink")
		tb.wantPath("/admin/auth/user/?_facets=True")
		tb.wantText("#changelist-filter", "Yes (1)")
		tb.check("admin-changelist-facets")
		tb.clickAndWait("#changelist-filter-extra-actions a.hidelink")
		var loc string
		tb.do("location", chromedp.Location(&loc))
		if strings.Contains(loc, "_facets") {
			t.Errorf("at %s after Hide counts, want the list without _facets", loc)
		}
		if got := tb.text("#changelist-filter"); strings.Contains(got, "(1)") {
			t.Errorf("got counts %q after Hide counts", got)
		}
	})
}

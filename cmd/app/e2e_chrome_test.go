package main

import (
	"math"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The body's background in each theme (--body-bg).
const (
	lightBackground = "rgb(255, 255, 255)"
	darkBackground  = "rgb(18, 18, 18)"
)

// TestBrowserChrome: the admin's frame around every page, as staff use it:
// the theme follows the system until the toggle picks one, and the choice
// lasts; the navigation sidebar filters and collapses, remembered; the
// changelist uses the whole width; popups have no header.
func TestBrowserChrome(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	atEachWidthAndTheme(t, site, func(t *testing.T, tb *tab, i int) {
		wide := tb.viewport == "1280"
		systemBackground := map[string]string{"light": lightBackground, "dark": darkBackground}[tb.theme]

		tb.login(e2eUser, e2ePassword)
		tb.wantPath("/admin/")
		tb.check("admin-index")

		// The theme: auto follows the emulated system scheme; each press
		// changes what the page looks like, and the choice survives a reload.
		wantTheme := func(step, theme, background string) {
			t.Helper()
			var got struct {
				Theme, Stored, Background, Label string
			}
			tb.do("theme "+step, chromedp.Evaluate(`({
				Theme: document.documentElement.dataset.theme || "",
				Stored: localStorage.getItem("theme") || "",
				Background: getComputedStyle(document.body).backgroundColor,
				Label: [...document.querySelectorAll(".theme-toggle span")].filter(s => getComputedStyle(s).display !== "none").map(s => s.textContent).join("|"),
			})`, &got))
			if got.Theme != theme || got.Background != background {
				t.Errorf("%s: got data-theme %q, background %s; want %q, %s", step, got.Theme, got.Background, theme, background)
			}
			if step != "at first" && got.Stored != theme {
				t.Errorf("%s: got %q stored, want %q", step, got.Stored, theme)
			}
			if want := "Toggle theme (current theme: " + theme + ")"; got.Label != want {
				t.Errorf("%s: got the toggle's label %q, want %q alone", step, got.Label, want)
			}
		}
		wantTheme("at first", "auto", systemBackground)
		cycle := []string{"dark", "light", "auto"} // from auto, the other scheme first, as Django does
		if tb.theme == "dark" {
			cycle = []string{"light", "dark", "auto"}
		}
		for n, theme := range cycle {
			tb.do("toggle the theme", chromedp.Click(".theme-toggle", chromedp.NodeVisible, chromedp.ByQuery))
			background := map[string]string{"light": lightBackground, "dark": darkBackground, "auto": systemBackground}[theme]
			wantTheme("press "+theme, theme, background)
			tb.check("") // axe in the theme picked
			if n == 0 {
				tb.open("/admin/", "admin-index-"+theme+"-picked")
				wantTheme("reload", theme, background)
			}
		}

		// The users' list: every column at 1280 px, no horizontal scroll at
		// either width, the filter against the right edge.
		tb.open("/admin/auth/user/", "admin-users-changelist")
		var layout struct {
			PageScroll, ListScroll, TableRight, ListRight, FilterRight, ViewportWidth float64
			Columns                                                                   int
			SidebarShown                                                              bool
		}
		measure := func() {
			t.Helper()
			tb.do("measure the changelist", chromedp.Evaluate(`(() => {
				const right = sel => { const e = document.querySelector(sel); return e ? e.getBoundingClientRect().right : -1; };
				const sidebar = document.getElementById("nav-sidebar");
				const list = document.querySelector("#result_list").parentElement;
				const listRight = list.getBoundingClientRect().right;
				return {
					PageScroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
					ListScroll: list.scrollWidth - list.clientWidth,
					TableRight: right("#result_list"),
					ListRight: listRight,
					FilterRight: right("#changelist-filter"),
					ViewportWidth: document.documentElement.clientWidth,
					Columns: [...document.querySelectorAll("#result_list thead th")].filter(th => th.getBoundingClientRect().right <= listRight + 0.5).length,
					SidebarShown: !!sidebar && getComputedStyle(sidebar).display !== "none" && getComputedStyle(sidebar).visibility === "visible",
				};
			})()`, &layout))
		}
		measure()
		if layout.PageScroll > 0 {
			t.Errorf("the users' list scrolls %v px sideways; want it to fit", layout.PageScroll)
		}
		if layout.SidebarShown == !wide {
			t.Errorf("got the sidebar shown %v at %s px, want it only on wide screens", layout.SidebarShown, tb.viewport)
		}
		if wide {
			// The checkbox, username, email, first and last names, staff status.
			if layout.Columns < 6 || layout.TableRight > layout.ListRight+0.5 || layout.ListScroll > 0 {
				t.Errorf("got %d columns in view, the table's right edge at %v in a box ending at %v that scrolls %v px; want all six columns in view", layout.Columns, layout.TableRight, layout.ListRight, layout.ListScroll)
			}
			if math.Abs(layout.ViewportWidth-layout.FilterRight) > 60 {
				t.Errorf("got the filter's right edge at %v of %v px, want it at the right edge", layout.FilterRight, layout.ViewportWidth)
			}
		}

		if wide {
			// The sidebar's filter narrows the models; Escape brings them back.
			visibleModels := func() []string {
				t.Helper()
				var names []string
				tb.do("the sidebar's models", chromedp.Evaluate(`[...document.querySelectorAll("#nav-sidebar th[scope=row]")].filter(th => th.offsetParent !== null).map(th => th.textContent.trim())`, &names))
				return names
			}
			if got := visibleModels(); len(got) != 5 {
				t.Errorf("got sidebar models %q, want all five", got)
			}
			tb.do("filter the sidebar", chromedp.SendKeys("#nav-filter", "lett", chromedp.ByQuery))
			if got := visibleModels(); len(got) != 1 || got[0] != "Lettings" {
				t.Errorf("got %q after typing lett, want only Lettings", got)
			}
			tb.check("")
			var noResults bool
			tb.do("filter on nothing", chromedp.SendKeys("#nav-filter", "zzz", chromedp.ByQuery),
				chromedp.Evaluate(`document.getElementById("nav-filter").classList.contains("no-results")`, &noResults))
			if got := visibleModels(); len(got) != 0 || !noResults {
				t.Errorf("got %q and no-results %v after typing lettzzz, want nothing, marked", got, noResults)
			}
			tb.do("Escape clears", chromedp.SendKeys("#nav-filter", kb.Escape, chromedp.ByQuery),
				chromedp.Evaluate(`document.getElementById("nav-filter").classList.contains("no-results")`, &noResults))
			if got := visibleModels(); len(got) != 5 || noResults {
				t.Errorf("got %q and no-results %v after Escape, want all five models", got, noResults)
			}

			// Collapsed, the sidebar stays collapsed on the next page.
			tb.do("collapse the sidebar", chromedp.Click("#toggle-nav-sidebar", chromedp.NodeVisible, chromedp.ByQuery))
			tb.open("/admin/lettings/letting/", "admin-changelist-sidebar-collapsed")
			var state struct {
				Shifted  bool
				Expanded string
				Stored   string
			}
			readState := func() {
				t.Helper()
				tb.do("the sidebar's state", chromedp.Evaluate(`({
					Shifted: document.getElementById("main").classList.contains("shifted"),
					Expanded: document.getElementById("toggle-nav-sidebar").getAttribute("aria-expanded"),
					Stored: localStorage.getItem("django.admin.navSidebarIsOpen"),
				})`, &state))
			}
			readState()
			measure()
			if state.Shifted || state.Expanded != "false" || state.Stored != "false" || layout.SidebarShown {
				t.Errorf("after collapsing and moving on: got %+v, sidebar shown %v; want it collapsed", state, layout.SidebarShown)
			}
			tb.do("open the sidebar", chromedp.Click("#toggle-nav-sidebar", chromedp.NodeVisible, chromedp.ByQuery))
			readState()
			if !state.Shifted || state.Expanded != "true" || state.Stored != "true" {
				t.Errorf("after opening: got %+v, want it open", state)
			}
			tb.do("the current model", chromedp.WaitVisible(`#nav-sidebar tr.current-model a[aria-current="page"][href="/admin/lettings/letting/"]`, chromedp.ByQuery))
		}

		// A popup's page has no header, no breadcrumbs, no sidebar.
		tb.open("/admin/lettings/address/add/?_popup=1", "admin-popup-address")
		var frame []int
		tb.do("the popup's frame", chromedp.Evaluate(`["#header", ".breadcrumbs", "#nav-sidebar", "body.popup"].map(s => document.querySelectorAll(s).length)`, &frame))
		if len(frame) != 4 || frame[0]+frame[1]+frame[2] != 0 || frame[3] != 1 {
			t.Errorf("got header, breadcrumbs, sidebar, body.popup counts %v, want 0 0 0 1", frame)
		}
	})
}

package admin_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"oclettings/admin"
	"oclettings/app/models"
	"oclettings/app/sitetest/browsertest"
)

// TestBrowserAutocompleteManyToMany: a many-to-many field in Autocomplete
// (the user's groups, on a site whose registry names them: the binary's
// declarations do not, so its journeys cannot reach this mode) as a
// superuser uses it in a real browser, at each width in light and dark:
// part of a name typed and a group chosen with the keyboard, another
// with the mouse, the one the user had removed with its "Remove …" button
// from the keyboard; the form posts one hidden input per chosen id and
// the save gives the user exactly those groups. axe audits the page with
// the list open and with the chosen groups shown.
func TestBrowserAutocompleteManyToMany(t *testing.T) {
	t.Parallel()
	chrome, axe := browsertest.Needs(t) // skips before building anything
	// DEBUG keeps the session cookie off Secure (SecureCookies follows it),
	// so that it travels over httptest's plain http; the browser asks for
	// 127.0.0.1, which must be an allowed host.
	s := newSite(t, withAdmin(admin.NewWithGroupsAutocomplete), withVars("DEBUG", "true", "ALLOWED_HOSTS", "127.0.0.1"))
	srv := httptest.NewServer(s.Handler)
	t.Cleanup(srv.Close)
	s.superuser(t, "root")
	owners := createGroup(t, s, "Owners")
	editors := createGroup(t, s, "Editors")
	agents := createGroup(t, s, "Agents")
	// Each shares the letters typed below with another group, so that the
	// typing has to narrow and the keyboard to move.
	createGroup(t, s, "Credit controllers")
	createGroup(t, s, "Managers")

	run := 0
	for _, vp := range browsertest.Viewports {
		for _, theme := range browsertest.Themes {
			member := fmt.Sprintf("member%d", run)
			run++
			t.Run(vp.Name+"-"+theme, func(t *testing.T) {
				u := s.staffUser(t, member)
				if err := models.SetUserGroups(context.Background(), s.DB.Write, u.ID, []int64{owners}); err != nil {
					t.Fatal(err)
				}
				b := startBrowser(t, chrome, axe, srv.URL, vp, theme)
				b.login("root", password)
				page := fmt.Sprintf("/admin/auth/user/%d/change/", u.ID)
				b.do("open "+page, chromedp.Navigate(srv.URL+page), chromedp.WaitVisible("#id_groups_combobox", chromedp.ByQuery))
				var dark bool
				b.do("the colour scheme", chromedp.Evaluate(`matchMedia("(prefers-color-scheme: dark)").matches`, &dark))
				if dark != (theme == "dark") {
					t.Fatalf("prefers-color-scheme dark: got %v in the %s run", dark, theme)
				}
				b.wantField("as the page came", []string{"Owners"}, owners)
				combo := "#id_groups_combobox"
				b.wantAttr(combo, "role", "combobox")
				b.wantAttr("#id_groups_listbox", "aria-multiselectable", "true")
				b.wantAttr(`label[for="id_groups_combobox"]`, "for", "id_groups_combobox")

				// Part of the name, then the keyboard: the second match.
				b.do("type part of a name", chromedp.SendKeys(combo, "edi", chromedp.ByQuery))
				b.wantOptions("Credit controllers", "Editors")
				b.wantAttr(combo, "aria-expanded", "true")
				b.do("arrow down twice", chromedp.SendKeys(combo, kb.ArrowDown+kb.ArrowDown, chromedp.ByQuery))
				active := b.attr(combo, "aria-activedescendant")
				if got := b.text("#" + active); got != "Editors" {
					t.Errorf("the active option: got %q, want Editors", got)
				}
				b.wantAttr("#"+active, "aria-selected", "false") // reached, not chosen yet
				b.audit("the list open")
				b.do("Enter chooses it", chromedp.SendKeys(combo, kb.Enter, chromedp.ByQuery))
				b.wantAttr(combo, "aria-expanded", "false")
				b.wantField("after Enter", []string{"Owners", "Editors"}, owners, editors)
				b.wantFocus(combo, "after Enter")

				// Another with the mouse.
				b.do("type part of another", chromedp.SendKeys(combo, "AG", chromedp.ByQuery))
				b.wantOptions("Agents", "Managers")
				var option string
				b.do("find Agents", chromedp.Evaluate(`[...document.querySelectorAll("#id_groups_listbox [role=option]")].find(o => o.textContent === "Agents").id`, &option))
				b.do("click Agents", chromedp.Click("#"+option, chromedp.NodeVisible, chromedp.ByQuery))
				b.wantField("after the click", []string{"Owners", "Editors", "Agents"}, owners, editors, agents)
				b.wantFocus(combo, "after the click")

				// The group the user had, removed from the keyboard: Tab to
				// its button, Enter; the focus moves to the next button.
				b.do("back in the combobox", chromedp.Focus(combo, chromedp.ByQuery))
				reached := ""
				for range 5 {
					b.do("Tab", chromedp.KeyEvent(kb.Tab))
					b.do("the focus", chromedp.Evaluate(`document.activeElement.getAttribute("aria-label") || document.activeElement.id`, &reached))
					if reached == "Remove Owners" {
						break
					}
				}
				if reached != "Remove Owners" {
					t.Fatalf("Tab from the combobox never reached Remove Owners (last %q)", reached)
				}
				b.do("Enter removes it", chromedp.KeyEvent(kb.Enter))
				b.wantField("after the removal", []string{"Editors", "Agents"}, editors, agents)
				b.do("the focus", chromedp.Evaluate(`document.activeElement.getAttribute("aria-label")`, &reached))
				if reached != "Remove Editors" {
					t.Errorf("after the removal the focus is on %q, want Remove Editors", reached)
				}
				// Laid out: the "+" beside the input, the chosen groups on a
				// line below it, inside the window.
				var layout string
				b.do("the layout", chromedp.Evaluate(`(() => {
					const width = document.documentElement.clientWidth;
					const combo = document.getElementById("id_groups_combobox").getBoundingClientRect();
					const add = document.getElementById("add_id_groups").getBoundingClientRect();
					const chosen = document.getElementById("id_groups_name").getBoundingClientRect();
					const chips = [...document.querySelectorAll("#id_groups_name .autocomplete-chip")].map(c => c.getBoundingClientRect());
					const wrong = [];
					if (add.top >= combo.bottom) wrong.push("the + is below the input");
					if (chosen.top < combo.bottom) wrong.push("the chosen groups are beside the input");
					if (chips.some(c => c.top !== chips[0].top)) wrong.push("the chosen groups are not on one line");
					if (chosen.right > width) wrong.push("the chosen groups end at " + chosen.right + " px, past the window's " + width);
					return wrong.join("; ");
				})()`, &layout))
				if layout != "" {
					t.Errorf("[%s] %s", b.label, layout)
				}
				b.audit("the chosen groups shown")

				// Saved: the user has exactly the chosen groups, shown again.
				// The page left is marked, so that the wait is for the next one.
				b.do("save", chromedp.Evaluate(`window.__leaving = true`, nil),
					chromedp.Click(`input[name="_continue"]`, chromedp.NodeVisible, chromedp.ByQuery))
				b.waitPage(`!window.__leaving && document.querySelector(".messagelist") !== null`)
				if got := b.text(".messagelist"); !strings.Contains(got, "was changed successfully") {
					t.Fatalf("after saving: got %q", got)
				}
				if got, want := userGroups(t, s, u.ID), sorted(editors, agents); !slices.Equal(got, want) {
					t.Errorf("the user's groups: got %v, want %v (Editors, Agents)", got, want)
				}
				b.wantField("after saving", []string{"Agents", "Editors"}, agents, editors)
			})
		}
	}
}

// journeyTab is one browser on the test's site, for the admin's journeys:
// what goes wrong in its pages (script errors, error answers) fails the
// test at its end.
type journeyTab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	axe   string
	label string

	mu       sync.Mutex
	problems []string
}

func startBrowser(t *testing.T, chrome, axe, base string, vp browsertest.Viewport, theme string) *journeyTab {
	t.Helper()
	b := &journeyTab{t: t, ctx: browsertest.NewContext(t, chrome), base: base, axe: axe, label: vp.Name + " px " + theme}
	browsertest.WatchErrors(b.ctx, b.problem)
	chromedp.ListenTarget(b.ctx, func(ev any) {
		if ev, ok := ev.(*network.EventResponseReceived); ok && ev.Response.Status >= 400 {
			b.problem(fmt.Sprintf("%d for %s", ev.Response.Status, ev.Response.URL))
		}
	})
	if err := chromedp.Run(b.ctx, browsertest.Emulate(vp, theme)); err != nil { // starts the browser
		t.Fatalf("starting Chromium: %v", err)
	}
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, p := range b.problems {
			t.Errorf("[%s] %s", b.label, p)
		}
	})
	return b
}

func (b *journeyTab) problem(p string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, p)
}

func (b *journeyTab) do(what string, actions ...chromedp.Action) {
	b.t.Helper()
	browsertest.Do(b.t, b.ctx, b.label, what, actions...)
}

func (b *journeyTab) audit(state string) {
	b.t.Helper()
	var loc string
	b.do("location", chromedp.Location(&loc))
	browsertest.Audit(b.t, b.ctx, b.axe, b.label, loc+" ("+state+")")
}

// login signs in through the login form.
func (b *journeyTab) login(username, password string) {
	b.t.Helper()
	b.do("the login form", chromedp.Navigate(b.base+"/admin/login/"),
		chromedp.SetValue("#id_username", username, chromedp.ByQuery),
		chromedp.SetValue("#id_password", password, chromedp.ByQuery),
		chromedp.Click(`input[type="submit"]`, chromedp.ByQuery))
	b.waitPage(`location.pathname === "/admin/"`)
}

// waitPage waits for the page a click started to load and satisfy cond.
// chromedp.Poll cannot: the old page's context vanishes under it.
func (b *journeyTab) waitPage(cond string) {
	b.t.Helper()
	b.do("wait for the next page", chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(10 * time.Second)
		for {
			var arrived bool
			err := chromedp.Evaluate(`document.readyState === "complete" && (`+cond+`)`, &arrived).Do(ctx)
			if err == nil && arrived {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("no page with %s loaded (last error: %v)", cond, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(25 * time.Millisecond):
			}
		}
	}))
}

func (b *journeyTab) text(sel string) string {
	b.t.Helper()
	var s string
	b.do("text of "+sel, chromedp.Text(sel, &s, chromedp.NodeVisible, chromedp.ByQuery))
	return s
}

func (b *journeyTab) attr(sel, name string) string {
	b.t.Helper()
	var v string
	var ok bool
	b.do("attribute "+name+" of "+sel, chromedp.AttributeValue(sel, name, &v, &ok, chromedp.ByQuery))
	if !ok {
		return "(none)"
	}
	return v
}

func (b *journeyTab) wantAttr(sel, name, want string) {
	b.t.Helper()
	if got := b.attr(sel, name); got != want {
		b.t.Errorf("[%s] %s %s: got %q, want %q", b.label, sel, name, got, want)
	}
}

func (b *journeyTab) wantFocus(sel, when string) {
	b.t.Helper()
	var focused bool
	b.do("focus", chromedp.Evaluate(`document.activeElement === document.querySelector(`+fmt.Sprintf("%q", sel)+`)`, &focused))
	if !focused {
		b.t.Errorf("[%s] %s: the focus left %s", b.label, when, sel)
	}
}

// wantOptions waits for the listbox to offer exactly texts, in order.
func (b *journeyTab) wantOptions(texts ...string) {
	b.t.Helper()
	want := strings.Join(texts, "|")
	var got string
	err := chromedp.Run(b.ctx, chromedp.Poll(`(() => {
		const got = [...document.querySelectorAll("#id_groups_listbox [role=option]")].map(o => o.textContent).join("|");
		return got === `+fmt.Sprintf("%q", want)+` ? got : false;
	})()`, &got, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		b.do("the options", chromedp.Evaluate(`[...document.querySelectorAll("#id_groups_listbox [role=option]")].map(o => o.textContent).join("|") + " / " + document.querySelector(".autocomplete-status").textContent`, &got))
		b.t.Fatalf("[%s] the options: got %q, want %q", b.label, got, want)
	}
}

// wantField checks the groups' chips, in order, and the ids the form
// posts: one hidden input named groups per chip, the text input of the
// page without JavaScript no longer posting.
func (b *journeyTab) wantField(when string, names []string, ids ...int64) {
	b.t.Helper()
	var got struct {
		Chips, Removes, IDs []string
		TextPosts           bool
	}
	b.do("the field "+when, chromedp.Evaluate(`({
		Chips: [...document.querySelectorAll("#id_groups_name .autocomplete-chip .autocomplete-chip-label")].map(e => e.textContent),
		Removes: [...document.querySelectorAll("#id_groups_name .autocomplete-chip button")].map(e => e.getAttribute("aria-label")),
		IDs: [...new FormData(document.getElementById("user_form")).getAll("groups")],
		TextPosts: document.getElementById("id_groups").hasAttribute("name"),
	})`, &got))
	var wantIDs, wantRemoves []string
	for _, id := range ids {
		wantIDs = append(wantIDs, fmt.Sprint(id))
	}
	for _, n := range names {
		wantRemoves = append(wantRemoves, "Remove "+n)
	}
	if !slices.Equal(got.Chips, names) || !slices.Equal(got.Removes, wantRemoves) {
		b.t.Errorf("[%s] %s: got chips %q with buttons %q, want %q", b.label, when, got.Chips, got.Removes, names)
	}
	if !slices.Equal(got.IDs, wantIDs) || got.TextPosts {
		b.t.Errorf("[%s] %s: the form posts groups %q (text input named: %v), want %q from the hidden inputs", b.label, when, got.IDs, got.TextPosts, wantIDs)
	}
}

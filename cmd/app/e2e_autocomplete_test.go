package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserAutocomplete: on a letting's change form the address is a
// combobox (the WAI-ARIA 1.2 pattern) searching the addresses as one
// types; the keyboard picks one, the save keeps it, and the related
// links follow it.
func TestBrowserAutocomplete(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	words := []string{"Alpha", "Bravo", "Charlie", "Delta"}
	atEachWidthAndTheme(t, site, func(t *testing.T, tb *tab, i int) {
		tb.login(e2eUser, e2ePassword)
		// A save answers with a message, which the form did not have: waiting
		// for it waits for the new page, not the one being left.
		save := func(button string) {
			t.Helper()
			tb.do("save with "+button, chromedp.Click(`input[name="`+button+`"]`, chromedp.NodeVisible, chromedp.ByQuery),
				chromedp.WaitVisible(".messagelist", chromedp.ByQuery))
			tb.waitLoaded()
			tb.check("")
		}
		street := "Kestrel " + words[i]
		number := fmt.Sprint(700 + i)

		// A free address to move the letting to (each has one letting).
		tb.open("/admin/lettings/address/add/", "")
		tb.fill("the new address", "#id_number", number, "#id_street", street, "#id_city", "Irvine",
			"#id_state", "CA", "#id_zip_code", "92618", "#id_country_iso_code", "USA")
		save("_save")
		tb.wantText(".messagelist", "was added successfully")

		form := fmt.Sprintf("/admin/lettings/letting/%d/change/", i+1)
		tb.open(form, "admin-autocomplete")
		attr := func(sel, name string) string {
			t.Helper()
			var v string
			var ok bool
			tb.do("attribute "+name+" of "+sel, chromedp.AttributeValue(sel, name, &v, &ok, chromedp.ByQuery))
			if !ok {
				return "(none)"
			}
			return v
		}
		wantAttr := func(sel, name, want string) {
			t.Helper()
			if got := attr(sel, name); got != want {
				t.Errorf("[%s px] %s %s: got %q, want %q", tb.viewport, sel, name, got, want)
			}
		}
		combo := "#id_address_combobox"
		// chromedp.SetValue cannot set "" (it reads "" back as a failure).
		empty := chromedp.Evaluate(`document.querySelector("#id_address_combobox").value = ""`, nil)
		wantAttr(combo, "role", "combobox")
		wantAttr(combo, "aria-expanded", "false")
		wantAttr(combo, "aria-controls", "id_address_listbox")
		wantAttr(combo, "aria-autocomplete", "list")
		wantAttr("#id_address_listbox", "role", "listbox")
		wantAttr("#id_address", "type", "hidden")
		wantAttr("#id_address", "name", "address")
		wantAttr(`label[for="id_address_combobox"]`, "class", "required")
		before := attr("#id_address", "value")

		// Nothing matches: said so.
		tb.do("search for nothing", empty, chromedp.SendKeys(combo, "zzqx", chromedp.ByQuery))
		tb.do("no results", chromedp.Poll(`document.querySelector(".autocomplete-status").textContent === "No results found"`, nil, chromedp.WithPollingTimeout(10*time.Second)))
		tb.do("Escape closes and restores", chromedp.SendKeys(combo, kb.Escape, chromedp.ByQuery))
		wantAttr(combo, "aria-expanded", "false")

		// Part of the street, then the keyboard.
		tb.do("type part of the street", empty,
			chromedp.SendKeys(combo, strings.ToLower("kestrel "+words[i][:4]), chromedp.ByQuery))
		tb.do("the results", chromedp.WaitVisible(`#id_address_listbox [role="option"]`, chromedp.ByQuery))
		wantAttr(combo, "aria-expanded", "true")
		tb.do("arrow down", chromedp.SendKeys(combo, kb.ArrowDown, chromedp.ByQuery))
		active := attr(combo, "aria-activedescendant")
		wantAttr("#"+active, "role", "option")
		wantAttr("#"+active, "aria-selected", "true")
		if got := tb.text("#" + active); got != number+" "+street {
			t.Errorf("[%s px] the active option: got %q, want %q", tb.viewport, got, number+" "+street)
		}
		tb.check("admin-autocomplete-open")
		tb.do("Enter picks it", chromedp.SendKeys(combo, kb.Enter, chromedp.ByQuery))
		wantAttr(combo, "aria-expanded", "false")
		var value, id string
		tb.do("the combobox shows it", chromedp.Value(combo, &value, chromedp.ByQuery), chromedp.Value("#id_address", &id, chromedp.ByQuery))
		if value != number+" "+street || id == before || id == "" {
			t.Errorf("[%s px] after Enter: got %q (id %q, was %q), want %q with its id", tb.viewport, value, id, before, number+" "+street)
		}
		// The change link follows the hidden input's "change" event.
		if href := attr("#change_id_address", "href"); !strings.Contains(href, "/admin/lettings/address/"+id+"/change/") {
			t.Errorf("[%s px] the change link: got %q, want the address %s", tb.viewport, href, id)
		}

		save("_continue")
		tb.wantText(".messagelist", "was changed successfully")
		tb.wantPath(form)
		tb.do("the saved address", chromedp.Value(combo, &value, chromedp.ByQuery))
		if value != number+" "+street {
			t.Errorf("[%s px] after saving: got %q, want %q", tb.viewport, value, number+" "+street)
		}
		tb.do("its id", chromedp.Value("#id_address", &value, chromedp.ByQuery))
		if value != id {
			t.Errorf("[%s px] after saving: got id %q, want %q", tb.viewport, value, id)
		}
	})
}

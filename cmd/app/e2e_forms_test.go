package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserForms: the date and time widgets (a day picked in the
// calendar, "Now" from the clock, the time zone note, Escape) and "Save as
// new" on an address, at each width and theme.
func TestBrowserForms(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	atEachWidthAndTheme(t, site, func(t *testing.T, tb *tab, i int) {
		// The browser's clock in Tokyo, the server's in UTC: 9 hours ahead.
		tb.do("browser time zone", emulation.SetTimezoneOverride("Asia/Tokyo"))
		tb.login(e2eUser, e2ePassword)
		tb.open("/admin/auth/user/2/change/", "forms-user-dates") // AirWow, of the reference data
		tb.wantText(".field-last_login .timezonewarning", "Note: You are 9 hours ahead of server time.")

		const dateToggle = "#id_last_login_0 + .datetimeshortcuts > .calendar-toggle"
		tb.do("open the calendar", chromedp.Click(dateToggle, chromedp.ByQuery),
			chromedp.WaitVisible("#calendarbox0", chromedp.ByQuery))
		tb.check("forms-calendar")
		tb.do("Escape closes it", chromedp.KeyEvent(kb.Escape),
			chromedp.WaitNotVisible("#calendarbox0", chromedp.ByQuery))
		var focused string
		tb.do("focus back on the toggle", chromedp.Evaluate(`document.activeElement.className`, &focused))
		if focused != "calendar-toggle" {
			t.Errorf("got the focus on %q after Escape, want the calendar toggle", focused)
		}
		// By keyboard: the previous month, then the 15th.
		tb.do("open it again", chromedp.Click(dateToggle, chromedp.ByQuery),
			chromedp.WaitVisible("#calendarbox0", chromedp.ByQuery))
		var before string
		tb.do("month shown", chromedp.Text("#calendarbox0 .calendarnav h2", &before, chromedp.ByQuery))
		tb.do("previous month", chromedp.Click("#calendarbox0 .calendarnav-previous", chromedp.ByQuery))
		tb.do("its 15th", chromedp.Focus(`#calendarbox0 table.calendar button[data-day="15"]`, chromedp.ByQuery),
			chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.Enter))
		date := tb.inputValue("#id_last_login_0")
		if !regexp.MustCompile(`^\d{4}-\d{2}-15$`).MatchString(date) {
			t.Errorf("got the date %q, want the 15th of a month", date)
		}
		tb.do("Now", chromedp.Click("#id_last_login_1 + .datetimeshortcuts > button", chromedp.ByQuery))
		clock := tb.inputValue("#id_last_login_1")
		if !regexp.MustCompile(`^\d{2}:\d{2}:\d{2}$`).MatchString(clock) {
			t.Errorf("got the time %q, want the server's now", clock)
		}
		tb.do("open the clock", chromedp.Click("#id_last_login_1 + .datetimeshortcuts > .clock-toggle", chromedp.ByQuery),
			chromedp.WaitVisible("#clockbox0", chromedp.ByQuery))
		if i == 0 {
			tb.check("forms-clock") // drawn as the calendar is: once is enough
		}
		tb.do("Cancel", chromedp.Click("#clockbox0 .calendar-cancel button", chromedp.ByQuery),
			chromedp.WaitNotVisible("#clockbox0", chromedp.ByQuery))

		tb.clickAndWait(`input[name="_continue"]`)
		tb.wantText(".messagelist", "was changed successfully. You may edit it again below.")
		if got := tb.inputValue("#id_last_login_0"); got != date {
			t.Errorf("got the saved date %q, want %q", got, date)
		}
		if got := tb.inputValue("#id_last_login_1"); got != clock {
			t.Errorf("got the saved time %q, want %q", got, clock)
		}

		// Save as new: a copy of address 1, which stays as it was.
		tb.open("/admin/lettings/address/1/change/", "forms-address-save-as")
		number := strconv.Itoa(9000 + i)
		tb.fill("a new number", "#id_number", number)
		tb.clickAndWait(`input[name="_saveasnew"]`)
		tb.wantText(".messagelist", "The address “"+number+" ", "was added successfully. You may edit it again below.")
		var loc string
		tb.do("location", chromedp.Location(&loc))
		if strings.HasSuffix(loc, "/address/1/change/") {
			t.Errorf("got %s after Save as new, want the copy's page", loc)
		}
		tb.open("/admin/lettings/address/1/change/", "")
		if got := tb.inputValue("#id_number"); got != "7217" {
			t.Errorf("got the original's number %q, want 7217 kept", got)
		}
	})
}

// inputValue is the current value of an input.
func (tb *tab) inputValue(sel string) string {
	tb.t.Helper()
	var v string
	tb.do("value of "+sel, chromedp.Value(sel, &v, chromedp.ByQuery))
	return v
}

package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"oclettings/app/sitetest/browsertest"
)

// The browser tests drive Debian's Chromium through the DevTools protocol
// against the real binary. They need two things the Go toolchain does not
// bring: Chromium, and axe-core's axe.min.js (AXE_CORE, installed by .ci/run
// with npm). Without them the tests skip, unless E2E_REQUIRED is set, as
// .ci/run sets it, so that CI can never pass without running them. Finding
// them, starting Chromium and running axe are app/sitetest/browsertest's,
// shared with the admin's journeys on sites the binary does not build.

const (
	e2eUser     = "admin"
	e2ePassword = "Str0ng-Passw0rd!"
	e2eNewPass  = "An0ther-Passw0rd?"
)

type viewport = browsertest.Viewport

// e2eViewports are the two widths every journey runs at.
var e2eViewports = browsertest.Viewports

// atEachWidth runs a journey once per width, each in a new browser; i is
// the width's index, for journeys whose data must differ between runs.
func atEachWidth(t *testing.T, site *e2eSite, journey func(t *testing.T, tb *tab, i int)) {
	for i, vp := range e2eViewports {
		t.Run(vp.Name, func(t *testing.T) { journey(t, e2eBrowser(t, site, vp), i) })
	}
}

// e2eThemes are the colour schemes the browser reports to the pages:
// light, and dark, where the admin's "auto" theme (the default) follows it.
var e2eThemes = browsertest.Themes

// atEachWidthAndTheme runs a journey at each width in light and in dark
// mode (prefers-color-scheme emulated), each run in a new browser, as
// subtests named like "1280-dark"; i counts the runs (0 to 3), for
// journeys whose data must differ between them.
func atEachWidthAndTheme(t *testing.T, site *e2eSite, journey func(t *testing.T, tb *tab, i int)) {
	i := 0
	for _, vp := range e2eViewports {
		for _, theme := range e2eThemes {
			run := i
			t.Run(vp.Name+"-"+theme, func(t *testing.T) { journey(t, e2eThemedBrowser(t, site, vp, theme), run) })
			i++
		}
	}
}

// e2eNeeds returns Chromium's path and axe-core's source, or skips.
func e2eNeeds(t *testing.T) (string, string) {
	t.Helper()
	return browsertest.Needs(t)
}

// e2eSite is the real binary serving a fresh database with the reference
// data and one superuser, as an operator would set it up.
type e2eSite struct {
	base string
	bin  string
	env  []string
	logs *bytes.Buffer
}

func startE2ESite(t *testing.T) *e2eSite {
	t.Helper()
	e2eNeeds(t) // skips before building and starting anything
	port := freePort(t)
	db := filepath.Join(t.TempDir(), "db.sqlite3")
	s := &e2eSite{
		base: "http://127.0.0.1:" + port,
		bin:  appBinary(t),
		env:  []string{"DEBUG=true", "PORT=" + port, "DATABASE_URL=sqlite:" + db, "LOG_LEVEL=warn"},
		logs: &bytes.Buffer{},
	}
	s.run(t, nil, "migrate")
	s.run(t, []string{"SUPERUSER_PASSWORD=" + e2ePassword}, "createsuperuser", "--noinput", "--username", e2eUser, "--email", "admin@example.com")
	serve := &exec.Cmd{Path: s.bin, Args: []string{s.bin, "serve"}, Env: s.env, Stdout: s.logs, Stderr: s.logs}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	waitReady(t, s.base+"/readyz", s.logs)
	return s
}

func (s *e2eSite) run(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := &exec.Cmd{Path: s.bin, Args: append([]string{s.bin}, args...), Env: append(append([]string{}, s.env...), env...)}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("app %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// tab is one browser tab with what it saw: console errors, uncaught
// exceptions and failed requests are collected from the moment it opens
// and fail the test at its end, but for answers the journey expects.
type tab struct {
	t        *testing.T
	ctx      context.Context
	site     *e2eSite
	axe      string
	shots    string
	viewport string
	theme    string // the emulated prefers-color-scheme; "" leaves Chromium's own (light)

	*seen
}

// seen is what a browser's tabs share: what went wrong, what was expected
// to, and which pages axe has audited.
type seen struct {
	mu       sync.Mutex
	problems []string
	expected map[string]int  // URL → the error status the journey expects
	audited  map[string]bool // pages axe has seen, by address and content
	requests map[network.RequestID]string
	step     string
	logs     []string // browser log texts the journey expects
}

// e2eBrowser starts a headless Chromium with the flags this closed network
// needs (no background traffic), and returns its first tab.
func e2eBrowser(t *testing.T, site *e2eSite, vp viewport) *tab {
	t.Helper()
	return e2eThemedBrowser(t, site, vp, "")
}

// e2eThemedBrowser is e2eBrowser with prefers-color-scheme emulated as theme
// ("light" or "dark"; "" emulates nothing).
func e2eThemedBrowser(t *testing.T, site *e2eSite, vp viewport, theme string) *tab {
	t.Helper()
	chrome, axe := e2eNeeds(t)
	ctx := browsertest.NewContext(t, chrome)
	tb := &tab{t: t, ctx: ctx, site: site, axe: axe, shots: screenshotDir(t), viewport: vp.Name, theme: theme,
		seen: &seen{expected: map[string]int{}, audited: map[string]bool{}, requests: map[network.RequestID]string{}}}
	tb.listen(ctx)
	if err := chromedp.Run(ctx, browsertest.Emulate(vp, theme)); err != nil { // starts the browser
		t.Fatalf("starting Chromium: %v", err)
	}
	t.Cleanup(tb.report)
	return tb
}

// popup attaches to a window the page opened (its target id from
// chromedp.WaitNewTarget) and returns it as a tab of the same run: the same
// theme, the same collected problems and audited pages. The returned
// function closes the attachment.
func (tb *tab) popup(id target.ID) (*tab, context.CancelFunc) {
	tb.t.Helper()
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(id))
	tb.listen(ctx)
	p := *tb
	p.ctx = ctx
	// Emulation belongs to a target: the popup's is not the opener's.
	p.do("the popup's colour scheme", browsertest.EmulateTheme(p.theme))
	return &p, cancel
}

// shotName is the file a screenshot is written to: the width and, for the
// themed runs, the theme, so that the runs do not overwrite each other.
func (tb *tab) shotName(shot string) string {
	if tb.theme == "" {
		return tb.viewport + "px-" + shot + ".png"
	}
	return tb.viewport + "px-" + tb.theme + "-" + shot + ".png"
}

// screenshotDir is E2E_SCREENSHOTS, or a temporary directory.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("E2E_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// listen collects what went wrong in a tab (the first one or a popup).
func (tb *tab) listen(ctx context.Context) {
	browsertest.WatchErrors(ctx, func(problem string) { tb.problem("%s", problem) })
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.LevelError && !tb.isExpected(ev.Entry.URL, 0) && !tb.isAllowedLog(ev.Entry.Text) {
				tb.problem("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 && !tb.isExpected(ev.Response.URL, int(ev.Response.Status)) {
				tb.problem("%d for %s", ev.Response.Status, ev.Response.URL)
			}
		case *network.EventRequestWillBeSent:
			tb.mu.Lock()
			tb.requests[ev.RequestID] = ev.Request.Method + " " + ev.Request.URL
			tb.mu.Unlock()
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				tb.mu.Lock()
				req, ok := tb.requests[ev.RequestID]
				tb.mu.Unlock()
				// A popup's first request starts before the test attaches to
				// it, and Chromium reports it as a cache miss on attaching;
				// the journey then checks that the popup's page did load.
				if !ok || tb.isExpected(strings.TrimPrefix(req, "GET "), 0) {
					return
				}
				tb.problem("request failed: %s %s (%s) during %q", req, ev.ErrorText, ev.Type, tb.step)
			}
		}
	})
}

func (tb *tab) problem(format string, args ...any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.problems = append(tb.problems, fmt.Sprintf(format, args...))
}

// expect declares that path answers with an error status on purpose.
func (tb *tab) expect(path string, status int) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.expected[tb.site.base+path] = status
}

// allowLog declares a browser log error the journey causes on purpose.
func (tb *tab) allowLog(text string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.logs = append(tb.logs, text)
}

func (tb *tab) isAllowedLog(text string) bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, l := range tb.logs {
		if strings.Contains(text, l) {
			return true
		}
	}
	return false
}

// isExpected tells whether an error answer (status 0: a log line about any
// expected answer) was declared.
func (tb *tab) isExpected(url string, status int) bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	want, ok := tb.expected[url]
	return ok && (status == 0 || status == want)
}

func (tb *tab) report() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("[%s px] %s", tb.viewport, p)
	}
}

// do runs browser actions, failing the test with what the page showed.
func (tb *tab) do(what string, actions ...chromedp.Action) {
	tb.t.Helper()
	tb.mu.Lock()
	tb.step = what
	tb.mu.Unlock()
	browsertest.Do(tb.t, tb.ctx, tb.viewport+" px", what, actions...)
}

// open navigates to a path of the site and checks the page as a visitor
// would see it.
func (tb *tab) open(path, shot string) {
	tb.t.Helper()
	tb.do("open "+path, chromedp.Navigate(tb.site.base+path), chromedp.WaitReady("body", chromedp.ByQuery))
	tb.check(shot)
}

// check audits the current page once with axe and, given a name, takes
// its screenshot.
func (tb *tab) check(shot string) {
	tb.t.Helper()
	// A page is audited once per content, not per URL: the login page with
	// its error is another page than the empty login page.
	var loc, html string
	tb.do("location", chromedp.Location(&loc), chromedp.Evaluate(`document.documentElement.outerHTML`, &html))
	key := loc + " " + fmt.Sprintf("%x", sha256.Sum256([]byte(html)))
	if !tb.audited[key] {
		tb.audited[key] = true
		tb.axeAudit(loc)
	}
	// Nothing may push the page wider than the window: on a phone a wide
	// table scrolls in its own box, and every control stays in reach.
	var overflow int
	tb.do("width", chromedp.Evaluate(`document.documentElement.scrollWidth - document.documentElement.clientWidth`, &overflow))
	if overflow > 0 {
		tb.problem("%s is %d px wider than the %s px window", loc, overflow, tb.viewport)
	}
	if shot != "" {
		var png []byte
		// Quality 100 makes a PNG; anything less, a JPEG.
		tb.do("screenshot", chromedp.FullScreenshot(&png, 100))
		// The journeys run side by side and some take the same page (the
		// login): each picture is written aside and renamed, so it lands whole.
		name := filepath.Join(tb.shots, tb.shotName(shot))
		tmp, err := os.CreateTemp(tb.shots, ".shot-*")
		if err != nil {
			tb.t.Fatal(err)
		}
		_, err = tmp.Write(png)
		if err = errors.Join(err, tmp.Close(), os.Chmod(tmp.Name(), 0o644), os.Rename(tmp.Name(), name)); err != nil {
			tb.t.Fatal(err)
		}
	}
}

// axeAudit fails on the serious and critical violations axe finds on the
// page as it is now.
func (tb *tab) axeAudit(page string) {
	tb.t.Helper()
	tb.mu.Lock()
	tb.step = "axe"
	tb.mu.Unlock()
	browsertest.Audit(tb.t, tb.ctx, tb.axe, tb.viewport+" px", page)
}

// text returns the visible text of the first element matching sel.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	var s string
	tb.do("text of "+sel, chromedp.Text(sel, &s, chromedp.NodeVisible, chromedp.ByQuery))
	return s
}

func (tb *tab) wantText(sel string, want ...string) {
	tb.t.Helper()
	got := tb.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			tb.t.Errorf("[%s px] %s: got %q, want %q", tb.viewport, sel, got, w)
		}
	}
}

func (tb *tab) wantPath(want string) {
	tb.t.Helper()
	var loc string
	tb.do("location", chromedp.Location(&loc))
	if got := strings.TrimPrefix(loc, tb.site.base); got != want {
		tb.t.Errorf("[%s px] at %s, want %s", tb.viewport, got, want)
	}
}

// clickAndWait clicks, waits for the next page to load and audits it, so
// that every page a journey passes through is checked, named or not.
func (tb *tab) clickAndWait(sel string) {
	tb.t.Helper()
	// The old page is marked before the click, and the wait is for a page
	// without the mark. Waiting on the body right after the click raced
	// the navigation: it found the old page's body, or lost its execution
	// context mid-way ("Cannot find context with specified id").
	tb.do("click "+sel,
		chromedp.Evaluate(`window.__e2eLeaving = true`, nil),
		chromedp.Click(sel, chromedp.NodeVisible, chromedp.ByQuery))
	tb.do("wait for the next page", chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(15 * time.Second)
		for {
			var arrived bool
			// Errors are expected while the old page's context goes away.
			err := chromedp.Evaluate(`!window.__e2eLeaving && document.readyState === "complete"`, &arrived).Do(ctx)
			if err == nil && arrived {
				return nil
			}
			if time.Now().After(deadline) {
				return errors.New("no new page loaded after the click")
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(25 * time.Millisecond):
			}
		}
	}))
	tb.check("")
}

func (tb *tab) waitLoaded() {
	tb.t.Helper()
	tb.do("load", chromedp.Poll(`document.readyState === "complete"`, nil, chromedp.WithPollingTimeout(10*time.Second)))
}

// login signs in through the login form.
func (tb *tab) login(username, password string) {
	tb.t.Helper()
	tb.open("/admin/login/", "admin-login")
	tb.fill("fill the login form", "#id_username", username, "#id_password", password)
	tb.clickAndWait(`input[type="submit"]`)
}

// fill sets the fields of a form, given as selector, value pairs.
func (tb *tab) fill(what string, fields ...string) {
	tb.t.Helper()
	var set []chromedp.Action
	for i := 0; i+1 < len(fields); i += 2 {
		set = append(set, chromedp.SetValue(fields[i], fields[i+1], chromedp.ByQuery))
	}
	tb.do(what, set...)
}

func TestBrowserVisitor(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	atEachWidth(t, site, func(t *testing.T, tb *tab, i int) {
		tb.open("/", "public-home")
		tb.wantText("h1", "Welcome to Holiday Homes")
		tb.clickAndWait(`main a[href="/lettings/"]`)
		tb.wantPath("/lettings/")
		tb.check("public-lettings")
		tb.wantText("main", "Joshua Tree Green Haus /w Hot Tub", "Underground Hygge")
		tb.clickAndWait(`main a[href="/lettings/1/"]`)
		tb.check("public-letting")
		tb.wantText("h1", "Joshua Tree Green Haus /w Hot Tub")
		tb.wantText("main", "7217 Bedford Street", "Brunswick, GA 31525", "USA")
		tb.do("back", chromedp.NavigateBack())
		tb.waitLoaded()
		tb.wantPath("/lettings/")
		tb.clickAndWait(`header a[href="/profiles/"]`)
		tb.check("public-profiles")
		tb.wantText("h1", "Profiles")
		tb.clickAndWait(`main a[href="/profiles/AirWow/"]`)
		tb.check("public-profile")
		tb.wantText("main", "AirWow", "Favorite city")

		tb.expect("/lettings/999/", http.StatusNotFound)
		tb.open("/lettings/999/", "public-404")
		tb.wantText("h1", "Page Not Found")

		tb.open("/lettings/", "")
		tb.do("search", chromedp.SetValue("#q", "hygge", chromedp.ByQuery))
		tb.clickAndWait(`form.search button[type="submit"]`)
		tb.wantPath("/lettings/?q=hygge")
		tb.check("public-lettings-search")
		tb.wantText("main", "Underground Hygge")
		if got := tb.text("main"); strings.Contains(got, "Oceanview Retreat") {
			t.Errorf("got %q, want only the matching letting", got)
		}
	})
}

// waitDownload waits for a finished download and returns its bytes.
func waitDownload(t *testing.T, dir string) []byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".crdownload") {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err == nil && len(b) > 0 {
					return b
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no download arrived")
	return nil
}

func TestBrowserStaff(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	atEachWidth(t, site, func(t *testing.T, tb *tab, i int) {
		password, next := e2ePassword, e2eNewPass
		if i == 1 { // the first width changed it
			password, next = e2eNewPass, e2ePassword
		}

		tb.login(e2eUser, "wrong password")
		tb.wantText(".errornote", "Please enter the correct username and password for a staff account.")
		tb.check("admin-login-error")
		tb.login(e2eUser, password)
		tb.wantPath("/admin/")
		tb.check("admin-index")

		tb.clickAndWait(`a[href="/admin/lettings/letting/"]`)
		tb.check("admin-changelist")
		// The object tools' link: the sidebar, first in the page, has one too.
		tb.clickAndWait(`#content a[href="/admin/lettings/letting/add/"]`)
		tb.check("admin-add-form")
		tb.clickAndWait(`input[name="_save"]`)
		tb.check("admin-add-form-errors")
		tb.wantText(".errornote", "Please correct the errors below.")

		// The "+" opens the address form in a popup; saving it puts the
		// new address in the letting's select, chosen.
		street := fmt.Sprintf("%d Browser Lane", 100+i)
		newTarget := chromedp.WaitNewTarget(tb.ctx, func(info *target.Info) bool { return strings.Contains(info.URL, "_popup=1") })
		tb.do("open the popup", chromedp.Click("#add_id_address", chromedp.NodeVisible, chromedp.ByQuery))
		popup, cancel := tb.popup(<-newTarget)
		defer cancel()
		popup.waitLoaded()
		popup.check("admin-popup-add-address")
		popup.do("fill the address",
			chromedp.SetValue("#id_number", "42", chromedp.ByQuery),
			chromedp.SetValue("#id_street", street, chromedp.ByQuery),
			chromedp.SetValue("#id_city", "Irvine", chromedp.ByQuery),
			chromedp.SetValue("#id_state", "CA", chromedp.ByQuery),
			chromedp.SetValue("#id_zip_code", "92618", chromedp.ByQuery),
			chromedp.SetValue("#id_country_iso_code", "USA", chromedp.ByQuery),
			chromedp.Click(`input[name="_save"]`, chromedp.ByQuery))
		var chosen string
		// The autocomplete keeps the id in #id_address and shows the name.
		tb.do("the new address is chosen", chromedp.Poll(`(function(){ const id = document.getElementById("id_address"); const shown = document.getElementById("id_address_combobox"); return id && id.value !== "" && shown && shown.value.includes(`+jsString(street)+`) ? shown.value : false; })()`, &chosen, chromedp.WithPollingTimeout(10*time.Second)))

		title := fmt.Sprintf("Browser Cottage %d", i)
		tb.do("title", chromedp.SetValue("#id_title", title, chromedp.ByQuery))
		tb.clickAndWait(`input[name="_continue"]`)
		tb.wantText(".messagelist", "was added successfully. You may edit it again below.")
		tb.check("admin-change-form")
		var loc string
		tb.do("location", chromedp.Location(&loc))
		id := regexp.MustCompile(`/letting/(\d+)/change/`).FindStringSubmatch(loc)
		if id == nil {
			t.Fatalf("got %s, want the change page of the new letting", loc)
		}
		tb.do("change the title", chromedp.SetValue("#id_title", title+" Renamed", chromedp.ByQuery))
		tb.clickAndWait(`input[name="_continue"]`)
		tb.wantText(".messagelist", "was changed successfully.")
		tb.clickAndWait(`a.historylink`)
		tb.check("admin-history")
		tb.wantText("main", title, title+" Renamed")

		// The list: sort, search, export.
		tb.open("/admin/lettings/letting/", "")
		tb.clickAndWait(`th a[href="?o=3.1"]`)
		tb.wantPath("/admin/lettings/letting/?o=3.1")
		tb.check("admin-changelist-sorted")
		tb.do("search", chromedp.SetValue("#searchbar", "Renamed", chromedp.ByQuery))
		tb.clickAndWait(`#changelist-search input[type="submit"]`)
		tb.check("admin-changelist-search")
		tb.wantText("#result_list", title+" Renamed")
		downloads := t.TempDir()
		tb.do("allow downloads", cdpbrowser.SetDownloadBehavior(cdpbrowser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads))
		tb.do("export", chromedp.Click(`#action-toggle`, chromedp.ByQuery), chromedp.SetValue(`select[name="action"]`, "export_csv", chromedp.ByQuery), chromedp.Click(`button[name="index"]`, chromedp.ByQuery))
		csv := string(waitDownload(t, downloads))
		if !strings.Contains(csv, title+" Renamed") || !strings.Contains(csv, street) {
			t.Errorf("got CSV %q, want the renamed letting and its address", csv)
		}

		// Deleting the address takes its letting with it, off the public list.
		tb.open("/admin/lettings/address/", "")
		var href string
		tb.do("find the address", chromedp.Evaluate(`[...document.querySelectorAll("#result_list tr")].find(r => r.textContent.includes(`+jsString(street)+`)).querySelector("a").getAttribute("href")`, &href))
		tb.open(href, "")
		tb.clickAndWait(`a.deletelink`)
		tb.check("admin-delete-confirmation")
		tb.wantText("main", title+" Renamed")
		tb.clickAndWait(`input[type="submit"][value="Yes, I’m sure"]`)
		tb.wantText(".messagelist", "was deleted successfully.")
		tb.open("/lettings/", "")
		if got := tb.text("main"); strings.Contains(got, title) {
			t.Errorf("got %q, want the deleted letting gone from the public list", got)
		}

		// The superuser's maintenance pages, where Render's disk is reached.
		tb.open("/admin/backup/", "admin-backups")
		tb.wantText("#backup-schedule", "A backup is taken every 24 hours")
		tb.open("/admin/import-django/", "admin-import-django")
		tb.wantText("main", "Import from Django")

		tb.open("/admin/password_change/", "admin-password-change")
		tb.fill("new password", "#id_old_password", password, "#id_new_password1", next, "#id_new_password2", next)
		tb.clickAndWait(`input[type="submit"]`)
		tb.wantText("main", "Your password was changed.")
		tb.clickAndWait(`#logout-form button`)
		tb.wantText("main", "Thanks for spending some quality time with the web site today.")
		tb.check("admin-logged-out")
	})
}

// jsString quotes s for JavaScript (the tests pass no quotes inside).
func jsString(s string) string { return `"` + s + `"` }

// TestBrowserViewOnly: a staff member who may only view lettings, made by
// the superuser through the admin, sees them read-only.
func TestBrowserViewOnly(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	atEachWidth(t, site, func(t *testing.T, tb *tab, i int) {
		viewer := fmt.Sprintf("viewer%d", i)

		tb.login(e2eUser, e2ePassword)
		tb.open("/admin/auth/user/add/", "admin-user-add")
		tb.fill("the new user", "#id_username", viewer, "#id_password1", e2eNewPass, "#id_password2", e2eNewPass)
		tb.clickAndWait(`input[name="_save"]`)
		tb.check("admin-user-change")
		tb.do("staff, may view lettings",
			chromedp.Click("#id_is_staff", chromedp.ByQuery),
			// Through the two-box picker: pick in "Available", then the arrow.
			chromedp.Evaluate(`[...document.querySelectorAll("#id_user_permissions_from option")].find(o => o.text.endsWith("Can view letting")).selected = true`, nil),
			chromedp.Evaluate(`document.getElementById("id_user_permissions_from").dispatchEvent(new Event("change", {bubbles: true}))`, nil),
			chromedp.Click("#id_user_permissions_add", chromedp.NodeVisible, chromedp.ByQuery))
		tb.clickAndWait(`input[name="_save"]`)
		tb.wantText(".messagelist", "was changed successfully.")
		tb.clickAndWait(`#logout-form button`)

		tb.login(viewer, e2eNewPass)
		tb.wantPath("/admin/")
		tb.check("admin-index-view-only")
		tb.clickAndWait(`a[href="/admin/lettings/letting/"]`)
		tb.check("admin-changelist-view-only")
		// Exporting is viewing, so the viewer keeps that action only.
		var adds int
		var actions []string
		tb.do("no add, no delete action",
			chromedp.Evaluate(`document.querySelectorAll('a[href$="/add/"]').length`, &adds),
			chromedp.Evaluate(`[...document.querySelectorAll('select[name="action"] option')].map(o => o.value).filter(v => v)`, &actions))
		if adds != 0 || strings.Join(actions, ",") != "export_csv" {
			t.Errorf("got %d add links and actions %v, want none and only export_csv for a viewer", adds, actions)
		}
		tb.clickAndWait(`#result_list a[href="/admin/lettings/letting/1/change/"]`)
		tb.check("admin-view-form")
		tb.wantText("h1", "View letting")
		var inputs, deletes int
		tb.do("nothing to edit",
			chromedp.Evaluate(`document.querySelectorAll('main input:not([type="hidden"]), main select, main textarea').length`, &inputs),
			chromedp.Evaluate(`document.querySelectorAll('a.deletelink').length`, &deletes))
		if inputs != 0 || deletes != 0 {
			t.Errorf("got %d form fields and %d delete links, want a read-only page", inputs, deletes)
		}
		tb.wantText("main", "Joshua Tree Green Haus /w Hot Tub", "Close")
		tb.clickAndWait(`#logout-form button`)
	})
}

// TestBrowserCrossOrigin: a page on another origin that auto-submits a form
// to the admin, with the staff member's session cookie sent along, is
// refused and changes nothing; and our pages refuse to be framed.
func TestBrowserCrossOrigin(t *testing.T) {
	t.Parallel()
	site := startE2ESite(t)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/post":
			fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Win a prize</title>
<form id="f" method="post" action="%s/admin/lettings/letting/1/delete/"><input type="hidden" name="post" value="yes"></form>
<script>document.getElementById("f").submit()</script></html>`, site.base)
		case "/frame":
			fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Framed</title><iframe id="victim" title="victim" src="%s/admin/"></iframe></html>`, site.base)
		case "/favicon.ico":
			w.WriteHeader(http.StatusNoContent)
		default:
			http.NotFound(w, r)
		}
	}))
	defer evil.Close()

	tb := e2eBrowser(t, site, e2eViewports[1])
	tb.login(e2eUser, e2ePassword)
	tb.wantPath("/admin/")

	// Another port is another origin but the same site: the browser sends
	// the session cookie, so only our own checks stand in the way.
	tb.expect("/admin/lettings/letting/1/delete/", http.StatusForbidden)
	tb.do("the other origin posts", chromedp.Navigate(evil.URL+"/post"))
	tb.do("refused", chromedp.Poll(`location.pathname === "/admin/lettings/letting/1/delete/" && document.readyState === "complete"`, nil, chromedp.WithPollingTimeout(10*time.Second)))
	tb.wantText("h1", "Forbidden")
	tb.check("admin-403-cross-origin")
	tb.open("/lettings/1/", "")
	tb.wantText("h1", "Joshua Tree Green Haus /w Hot Tub")

	// Chromium blocks the frame and logs why: both are expected here.
	tb.expect("/admin/", 0)
	tb.allowLog("violates the following Content Security Policy directive: \"frame-ancestors 'none'\"")
	var frameURL string
	tb.do("framed", chromedp.Navigate(evil.URL+"/frame"), chromedp.Sleep(500*time.Millisecond),
		chromedp.ActionFunc(func(ctx context.Context) error {
			tree, err := cdppage.GetFrameTree().Do(ctx)
			if err != nil {
				return err
			}
			if len(tree.ChildFrames) != 1 {
				return fmt.Errorf("got %d child frames, want the one iframe", len(tree.ChildFrames))
			}
			frameURL = tree.ChildFrames[0].Frame.URL
			return nil
		}))
	if strings.HasPrefix(frameURL, site.base) {
		t.Errorf("got the admin's login page displayed in a frame of another origin (%s)", frameURL)
	}
}

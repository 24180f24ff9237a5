// Package browsertest is what the browser tests share: finding Chromium
// and axe-core, starting a headless Chromium fit for this closed network,
// emulating a width and a colour scheme, collecting the pages' script
// errors, and auditing a page with axe. The journeys of the real binary
// (cmd/app) and those of the admin's test sites (admin), whose declarations
// the binary does not use, drive the browser alike through it.
//
// It is imported only by tests: it brings chromedp, which the binary must
// not carry (TestNotInTheBinary).
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Viewport is a window size a journey runs at.
type Viewport struct {
	Name          string
	Width, Height int64
}

// Viewports are the two widths every journey runs at: a phone, a laptop.
var Viewports = []Viewport{{"375", 375, 812}, {"1280", 1280, 900}}

// Themes are the colour schemes the browser reports to the pages: light,
// and dark, where the admin's "auto" theme (the default) follows it.
var Themes = []string{"light", "dark"}

// Needs returns Chromium's path and axe-core's source, or skips the test:
// the Go toolchain brings neither. With E2E_REQUIRED set, as .ci/run sets
// it, a missing one fails the test instead, so that CI can never pass
// without running the browser tests.
func Needs(t testing.TB) (chrome, axe string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests; skipped with -short")
	}
	missing := func(what string) {
		if os.Getenv("E2E_REQUIRED") != "" {
			t.Fatalf("E2E_REQUIRED is set but %s", what)
		}
		t.Skip(what)
	}
	// CHROMIUM first, then the order .ci/run searches: Google Chrome (GitHub's
	// Ubuntu runners), then Debian's chromium. Never chromium-browser: on
	// Ubuntu it is a stub that asks for the snap and cannot run here.
	chrome = os.Getenv("CHROMIUM")
	if chrome == "" {
		for _, name := range []string{"google-chrome-stable", "google-chrome", "chromium"} {
			if p, err := exec.LookPath(name); err == nil {
				chrome = p
				break
			}
		}
	}
	if chrome == "" {
		missing("neither Chrome nor Chromium is installed: apt-get install chromium on Debian (or set CHROMIUM to its path)")
	}
	axePath := os.Getenv("AXE_CORE")
	if axePath == "" {
		missing("AXE_CORE is not set: npm install axe-core@4.14.1 and set AXE_CORE to node_modules/axe-core/axe.min.js")
	}
	source, err := os.ReadFile(axePath)
	if err != nil {
		missing(fmt.Sprintf("AXE_CORE: %v", err))
	}
	return chrome, string(source)
}

// NewContext returns the context of a new headless Chromium's first tab,
// closed at the test's end and given at most 90 seconds. The browser
// starts at the first chromedp.Run on it, so that listeners registered
// before (WatchErrors) see everything from the first page on.
func NewContext(t testing.TB, chrome string) context.Context {
	t.Helper()
	// Not t.TempDir: Chromium may still be writing its cache as it exits.
	profile, err := os.MkdirTemp("", "oclettings-chromium")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	// The defaults are headless and keep /dev/shm out of it. No sandbox:
	// as root (our machines) Chromium refuses to start with one, and as an
	// ordinary user on Ubuntu 24.04 AppArmor forbids the user namespaces it
	// needs; the browser only ever opens the test's own local site. The
	// other flags keep it from reaching out (updates, translation, casting)
	// on a network that answers nothing.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints,BackForwardCache"),
		chromedp.UserDataDir(profile),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

// Emulate sizes the tab to vp and reports theme to its pages.
func Emulate(vp Viewport, theme string) chromedp.Tasks {
	return chromedp.Tasks{chromedp.EmulateViewport(vp.Width, vp.Height), EmulateTheme(theme)}
}

// EmulateTheme makes the tab report theme ("light" or "dark") as the
// system's prefers-color-scheme; "" leaves Chromium's own (light).
// Emulation belongs to a target: a popup needs it again.
func EmulateTheme(theme string) chromedp.Action {
	if theme == "" {
		return chromedp.ActionFunc(func(context.Context) error { return nil })
	}
	return emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: theme}})
}

// WatchErrors calls report with each console error or failed assertion
// and each uncaught exception of the tab's pages, for the test to fail on:
// a script that breaks shows there first.
func WatchErrors(ctx context.Context, report func(problem string)) {
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value))
				}
				report("console error: " + strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			report("uncaught exception: " + ev.ExceptionDetails.Error())
		}
	})
}

// Do runs browser actions, failing the test with what the page showed;
// label says which run it is ("375 px").
func Do(t testing.TB, ctx context.Context, label, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var loc, body string
		_ = chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &body))
		t.Fatalf("[%s] %s: %v\nat %s:\n%s", label, what, err, loc, body)
	}
}

type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// Audit runs axe-core (source, from Needs) on the tab's page as it is now
// and fails the test on each serious or critical violation, naming page
// and the elements. It is injected through DevTools, which the page's
// Content-Security-Policy does not bind.
func Audit(t testing.TB, ctx context.Context, source, label, page string) {
	t.Helper()
	var present bool
	Do(t, ctx, label, "axe present", chromedp.Evaluate(`typeof window.axe === "object"`, &present))
	if !present {
		Do(t, ctx, label, "inject axe", chromedp.Evaluate(source, nil))
	}
	var raw string
	Do(t, ctx, label, "axe.run", chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, &raw,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	var violations []violation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	for _, v := range violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, fmt.Sprint(n.Target...))
		}
		t.Errorf("[%s] axe %s (%s) on %s: %s\n  elements: %s", label, v.ID, v.Impact, page, v.Help, strings.Join(targets, ", "))
	}
}

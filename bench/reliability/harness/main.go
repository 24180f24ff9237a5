// Command harness runs the reliability checks against a built binary and
// prints their figures as a table; it exits 1 when a figure breaks its
// bound. bench/reliability.sh builds the binary and runs it; see
// docs/reliability.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"oclettings/bench/reliability"
)

const (
	staffUser     = "harness"
	staffPassword = "Harness-Staff-Password-42"
)

func main() {
	bin := flag.String("bin", "", "the app binary to run (required)")
	short := flag.Bool("short", false, "the short run, for CI: shorter runs and fewer rounds, the same bounds")
	postgres := flag.String("postgres", "", "a PostgreSQL URL: the checks run there too, each in a schema of its own, dropped after")
	only := flag.String("only", "editors,crash,storm,load", "the checks to run, comma-separated")
	bound := flag.Int64("memory-bound", 192, "the bound on the server's peak memory under the login storm, in MB")
	flag.Parse()
	if *bin == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	h := &harness{bin: *bin, checks: strings.Split(*only, ","), plan: plans(*short, *bound)}
	databases := []string{"sqlite"}
	if *postgres != "" {
		databases = append(databases, "postgres")
	}
	dir, err := os.MkdirTemp("", "oclettings-reliability")
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	for _, db := range databases {
		for _, check := range []string{"editors", "crash", "storm", "load"} {
			if !slices.Contains(h.checks, check) || ctx.Err() != nil {
				continue
			}
			fresh := func() (string, func(), error) {
				if db == "sqlite" {
					return "sqlite:" + filepath.Join(dir, check+".sqlite3"), func() {}, nil
				}
				url, drop, err := reliability.PostgresSchema(ctx, *postgres)
				return url, func() { _ = drop() }, err
			}
			h.run(ctx, check, db, fresh)
		}
	}

	fmt.Println()
	h.report.Print(os.Stdout)
	if failures := h.report.Failures(); len(failures) > 0 {
		fmt.Printf("\n%d figure(s) out of bounds:\n  %s\n", len(failures), strings.Join(failures, "\n  "))
		os.Exit(1)
	}
	fmt.Println("\nevery figure within its bound")
}

// plan is how long and how hard each check runs.
type plan struct {
	editors reliability.EditorsOptions
	crash   reliability.CrashOptions
	storm   reliability.StormOptions
	load    reliability.LoadOptions
}

func plans(short bool, boundMB int64) plan {
	p := plan{
		editors: reliability.EditorsOptions{Editors: 32, Duration: 10 * time.Second, Shared: 1},
		crash:   reliability.CrashOptions{Rounds: 5, Writers: 8, MinRun: 300 * time.Millisecond, MaxRun: 1500 * time.Millisecond},
		storm:   reliability.StormOptions{Failures: 64, Guesses: 40, Limit: 5, MemoryBoundKB: boundMB * 1024},
		load:    reliability.LoadOptions{Connections: 256, Duration: 10 * time.Second},
	}
	if short {
		p.editors.Duration = 3 * time.Second
		p.crash.Rounds, p.crash.MinRun, p.crash.MaxRun = 2, 200*time.Millisecond, 600*time.Millisecond
		p.load.Duration = 2 * time.Second
	}
	return p
}

type harness struct {
	bin    string
	checks []string
	plan   plan
	report reliability.Report
}

// run runs one check on a database of its own, and adds its figures, or
// the reason it could not run, to the report.
func (h *harness) run(ctx context.Context, check, db string, fresh func() (string, func(), error)) {
	fmt.Fprintf(os.Stderr, "== %s on %s\n", check, db)
	started := time.Now()
	url, drop, err := fresh()
	if err != nil {
		h.failed(check, db, err, nil)
		return
	}
	defer drop()
	var env []string
	if check == "storm" {
		// Every storm request comes from an address of its own; see
		// StormOptions. Two hashes at once whatever the machine's CPUs (the
		// default follows them), so the bound means the same everywhere.
		env = []string{"TRUST_PROXY_HEADERS=true", "PROXY_COUNT=1", "PASSWORD_HASH_CONCURRENCY=2"}
	}
	site := reliability.NewSite(h.bin, url, env...)
	defer site.Stop()
	if err := site.Prepare(ctx, staffUser, staffPassword); err != nil {
		h.failed(check, db, err, site)
		return
	}
	var rep reliability.Report
	switch check {
	case "editors":
		if err = site.Start(ctx); err == nil {
			var r reliability.EditorsResult
			r, err = reliability.Editors(ctx, site, staffUser, staffPassword, h.plan.editors)
			rep = r.Report(db, h.plan.editors)
		}
	case "crash":
		var r reliability.CrashResult
		r, err = reliability.Crash(ctx, site, staffUser, staffPassword, h.plan.crash)
		rep = r.Report(db)
	case "storm":
		var r reliability.StormResult
		r, err = reliability.Storm(ctx, site, staffUser, staffPassword, h.plan.storm)
		rep = r.Report(db, h.plan.storm)
	case "load":
		var pages []reliability.LoadPage
		pages, err = reliability.Load(ctx, site, staffUser, staffPassword, h.plan.load)
		rep = reliability.LoadReport(db, h.plan.load, pages)
	default:
		err = fmt.Errorf("unknown check %q (editors, crash, storm, load)", check)
	}
	if err != nil {
		h.failed(check, db, err, site)
		return
	}
	logged := site.LoggedErrors()
	rep.Zero(reportName(check), db, "errors in the server's log", len(logged))
	for _, line := range logged[:min(len(logged), 5)] {
		fmt.Fprintln(os.Stderr, "  logged:", line)
	}
	rep.Print(os.Stderr)
	fmt.Fprintf(os.Stderr, "(%s in %.1fs)\n", check, time.Since(started).Seconds())
	h.report.Append(rep)
}

func (h *harness) failed(check, db string, err error, site *reliability.Site) {
	fmt.Fprintf(os.Stderr, "%s on %s could not run: %v\n", check, db, err)
	if site != nil {
		logs := site.Logs()
		if len(logs) > 4000 {
			logs = "…" + logs[len(logs)-4000:]
		}
		fmt.Fprintf(os.Stderr, "the server's last logs:\n%s\n", logs)
	}
	h.report.Bounded(check, db, "ran to the end", "no: "+firstLine(err.Error()), "yes", false)
}

// reportName is the check's name in the table.
func reportName(check string) string {
	if check == "storm" {
		return "login storm"
	}
	return check
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

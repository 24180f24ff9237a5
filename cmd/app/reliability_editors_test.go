package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"oclettings/bench/reliability"
	"oclettings/migrations/testdb"
)

const (
	reliabilityUser     = "editor"
	reliabilityPassword = "Reliable-Editor-Password-42"
)

// reliabilitySite is the binary on a fresh database of the test's kind
// (TEST_DATABASE_URL's PostgreSQL, else SQLite), migrated, with one
// superuser, not yet serving; it is killed when the test ends.
func reliabilitySite(t *testing.T) (*reliability.Site, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the binary under load; skipped with -short")
	}
	database := "sqlite"
	if testdb.Postgres() {
		database = "postgres"
	}
	site := reliability.NewSite(appBinary(t), testdb.Config(t).URL)
	t.Cleanup(site.Kill) // before the database goes: cleanups run last first
	if err := site.Prepare(context.Background(), reliabilityUser, reliabilityPassword); err != nil {
		t.Fatal(err)
	}
	return site, database
}

// checkReport fails the test for every figure out of its bound and every
// error the server logged, and logs the figures.
func checkReport(t *testing.T, site *reliability.Site, rep reliability.Report) {
	t.Helper()
	var table bytes.Buffer
	rep.Print(&table)
	t.Logf("figures:\n%s", table.String())
	for _, f := range rep.Failures() {
		t.Error(f)
	}
	if logged := site.LoggedErrors(); len(logged) > 0 {
		t.Errorf("got %d errors in the server's log, want none:\n%s", len(logged), strings.Join(logged, "\n"))
	}
	if t.Failed() {
		t.Logf("the server's logs:\n%s", site.Logs())
	}
}

// 32 members of staff save one letting together, and each a letting of
// their own, a few times each: every save the site acknowledges is in the
// history, no save overwrites a change its editor never saw (the change
// form carries the version it shows, and a stale save comes back as a
// conflict that keeps what was typed and can be sent again), every history
// entry's old value is what it replaced, and nothing answers 5xx.
func TestReliabilityEditors(t *testing.T) {
	site, database := reliabilitySite(t)
	ctx := context.Background()
	if err := site.Start(ctx); err != nil {
		t.Fatal(err)
	}
	opts := reliability.EditorsOptions{Editors: 32, Saves: 6, Duration: 2 * time.Minute, Shared: 1}
	r, err := reliability.Editors(ctx, site, reliabilityUser, reliabilityPassword, opts)
	if err != nil {
		t.Fatalf("%v\n%s", err, site.Logs())
	}
	if r.Acknowledged == 0 {
		t.Error("got no save acknowledged, want the editors' saves to go through")
	}
	// Each save is acknowledged at once, or is a conflict (and its form,
	// sent again, is acknowledged or meets another change).
	if answered := r.Acknowledged - r.Reapplied + r.Conflicts; answered != opts.Editors*opts.Saves {
		t.Errorf("got %d saves acknowledged (%d after a conflict) and %d conflicts, want the %d saves each answered one way or the other",
			r.Acknowledged, r.Reapplied, r.Conflicts, opts.Editors*opts.Saves)
	}
	checkReport(t, site, r.Report(database, opts))
}

package main

import (
	"context"
	"testing"
	"time"

	"oclettings/bench/reliability"
)

// The server is killed (SIGKILL) while members of staff add addresses, and
// started again, three times: every addition it acknowledged is there, the
// SQLite file passes integrity_check, and the sessions survive.
func TestReliabilityCrash(t *testing.T) {
	site, database := reliabilitySite(t)
	opts := reliability.CrashOptions{Rounds: 3, Writers: 4, MinRun: 100 * time.Millisecond, MaxRun: 400 * time.Millisecond}
	r, err := reliability.Crash(context.Background(), site, reliabilityUser, reliabilityPassword, opts)
	if err != nil {
		t.Fatalf("%v\n%s", err, site.Logs())
	}
	if r.Acknowledged == 0 {
		t.Error("got no addition acknowledged before the kills, want the writers under way")
	}
	if database == "sqlite" && r.Integrity == "" {
		t.Error("got no integrity_check, want one after every restart")
	}
	checkReport(t, site, r.Report(database))
}

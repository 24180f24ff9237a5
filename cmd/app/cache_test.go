package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"oclettings/migrations/testdb"
)

// renderCounter counts the queries that render the lettings list: each
// render of /lettings/ counts the lettings once.
type renderCounter struct {
	n atomic.Int64
}

func (c *renderCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (c *renderCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if strings.Contains(e.Query, "count(") && strings.Contains(e.Query, `"lettings_letting"`) {
		c.n.Add(1)
	}
}

// countedSite is a seeded site whose renders of /lettings/ are counted.
func countedSite(t *testing.T, vars ...string) (*adminSite, *renderCounter) {
	t.Helper()
	db := testdb.Seeded(t)
	c := &renderCounter{}
	db.Read = db.Read.WithQueryHook(c)
	return adminSiteOn(t, db, vars...), c
}

// TestPublicCacheSurvivesSessionsAndFailedLogins stays here, where both
// front ends are wired to one database: what the admin writes for its own
// sake (sessions, failed sign-ins) must leave the public pages cached. The
// public cache's own behaviour is tested in package public.
func TestPublicCacheSurvivesSessionsAndFailedLogins(t *testing.T) {
	s, renders := countedSite(t)
	s.user("boss", bossPassword, true, true, true)
	b := s.browser()
	b.get("/lettings/").want(t, 200)
	before := renders.n.Load()

	b.login("boss", "wrong-password").want(t, 200, invalidLogin) // a session row and a failed attempt
	b.login("boss", bossPassword).redirect(t, "/admin/")         // a signed-in session
	b.get("/admin/").want(t, 200)
	b.get("/lettings/").want(t, 200)
	if got := renders.n.Load() - before; got != 0 {
		t.Errorf("got /lettings/ rendered %d more times after sign-ins and sessions, want it served from the cache", got)
	}
}

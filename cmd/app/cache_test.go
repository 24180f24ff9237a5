package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/database"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
	"oclettings/public"
)

// renderCounter counts the queries that render the lettings list: each
// render of /lettings/ counts the lettings once.
type renderCounter struct {
	n    atomic.Int64
	hold func() // when set, the first render waits for it
}

func (c *renderCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (c *renderCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if strings.Contains(e.Query, "count(") && strings.Contains(e.Query, `"lettings_letting"`) {
		if c.n.Add(1) == 1 && c.hold != nil {
			c.hold()
		}
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

func TestPublicCacheFollowsContentEdits(t *testing.T) {
	s, renders := countedSite(t)
	b := s.browser()
	b.get("/lettings/").want(t, 200, "Oceanview Retreat")
	before := renders.n.Load()
	if _, err := s.db.Write.Exec("UPDATE lettings_letting SET title = 'Seaview Retreat' WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	b.get("/lettings/").want(t, 200, "Seaview Retreat")
	if got := renders.n.Load() - before; got != 1 {
		t.Errorf("got %d renders after an edit, want 1", got)
	}
}

func TestPublicCacheIgnoresJunkQueries(t *testing.T) {
	s, renders := countedSite(t)
	b := s.browser()
	b.get("/lettings/").want(t, 200)
	b.get("/lettings/?q=ocean").want(t, 200, "Oceanview Retreat")
	before := renders.n.Load()
	for i := range 10000 {
		b.get(fmt.Sprintf("/lettings/?utm_source=%d&x%d=%s", i, i, strings.Repeat("y", 40))).want(t, 200)
	}
	b.get("/lettings/").want(t, 200)
	b.get("/lettings/?q=ocean&fbclid=1").want(t, 200, "Oceanview Retreat")
	if got := renders.n.Load() - before; got != 0 {
		t.Errorf("got %d renders of /lettings/ for 10,000 junk query strings, want none: the page reads only q and page", got)
	}
}

func TestPublicCacheRendersOnceForACrowd(t *testing.T) {
	db := testdb.Seeded(t)
	renders := &renderCounter{}
	db.Read = db.Read.WithQueryHook(renders)
	h := newRouter(t, db, testConfig(t), public.DefaultCacheBytes, nil)
	// The first render holds on until the whole crowd has arrived, so the
	// others come while it is under way, as they would on a busy site.
	const crowd = 50
	var arrived atomic.Int64
	renders.hold = func() {
		for arrived.Load() < crowd {
			time.Sleep(time.Millisecond)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	if _, err := db.Write.Exec("UPDATE lettings_letting SET title = 'Seaview Retreat' WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range crowd {
		wg.Go(func() {
			resp, err := http.Get(srv.URL + "/lettings/")
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), "Seaview Retreat") {
				t.Errorf("got %d without the edit", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if got := renders.n.Load(); got != 1 {
		t.Errorf("got %d renders for %d concurrent requests after a commit, want 1", got, crowd)
	}
}

// get sends one request to h as a client on host would, behind a proxy
// when header says so.
func getFrom(t *testing.T, h http.Handler, host, path string, header map[string]string) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("GET %s on %s: got %d", path, host, rec.Code)
	}
	return rec.Body.String()
}

func TestAbsoluteURLsFollowTheRequest(t *testing.T) {
	db := testdb.Seeded(t)
	h := newRouter(t, db, testConfig(t), public.DefaultCacheBytes, nil)
	for _, path := range []string{"/robots.txt", "/sitemap.xml"} {
		if body := getFrom(t, h, "example.com", path, nil); !strings.Contains(body, "http://example.com/") {
			t.Errorf("%s on example.com: got %q", path, body)
		}
		if body := getFrom(t, h, "127.0.0.1", path, nil); !strings.Contains(body, "http://127.0.0.1/") || strings.Contains(body, "example.com") {
			t.Errorf("%s on 127.0.0.1: got %q, want its own host, not another's", path, body)
		}
	}
}

func TestAbsoluteURLsBehindAnHTTPSProxy(t *testing.T) {
	db := testdb.Seeded(t)
	h := newRouter(t, db, testConfig(t, "TRUST_PROXY_HEADERS", "true"), public.DefaultCacheBytes, nil)
	https := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
	plain := map[string]string{"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.7"}
	for _, path := range []string{"/robots.txt", "/sitemap.xml"} {
		if body := getFrom(t, h, "example.com", path, https); !strings.Contains(body, "https://example.com/") {
			t.Errorf("%s over HTTPS: got %q, want https:// links", path, body)
		}
		if body := getFrom(t, h, "example.com", path, plain); !strings.Contains(body, "http://example.com/") {
			t.Errorf("%s over plain HTTP: got %q, want http:// links", path, body)
		}
	}
}

func TestAbsoluteURLsFromTheSiteURL(t *testing.T) {
	db := testdb.Seeded(t)
	h := newRouter(t, db, testConfig(t, "SITE_URL", "https://lettings.example.org"), public.DefaultCacheBytes, nil)
	for _, host := range []string{"example.com", "127.0.0.1"} {
		body := getFrom(t, h, host, "/robots.txt", nil)
		if !strings.Contains(body, "Sitemap: https://lettings.example.org/sitemap.xml\n") {
			t.Errorf("robots.txt on %s: got %q, want the configured site's address", host, body)
		}
		body = getFrom(t, h, host, "/sitemap.xml", nil)
		if !strings.Contains(body, "<loc>https://lettings.example.org/lettings/</loc>") || strings.Contains(body, host) {
			t.Errorf("sitemap.xml on %s: got %q", host, body)
		}
	}
}

// A second *database.DB on the same database is another process, as far as
// the caches can tell.
func TestContentVersionAcrossProcesses(t *testing.T) {
	cfg := testdb.Config(t)
	db := testdb.OpenConfig(t, cfg)
	s, renders := countedSiteOn(t, db)
	other, err := database.Open(context.Background(), cfg, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	b := s.browser()
	b.get("/lettings/").want(t, 200)
	before := renders.n.Load()
	// Another process's sessions and failed sign-ins leave the pages alone.
	if _, err := other.Write.Exec("INSERT INTO auth_login_attempt (username_key, client_addr, attempted_at) VALUES ('x', '203.0.113.9', CURRENT_TIMESTAMP)"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Write.Exec("DELETE FROM sessions"); err != nil {
		t.Fatal(err)
	}
	waitPastPoll()
	b.get("/lettings/").want(t, 200)
	if got := renders.n.Load() - before; got != 0 {
		t.Errorf("got %d renders after another process's session writes, want 0", got)
	}
	if _, err := other.Write.Exec("UPDATE lettings_address SET city = 'Atlantis' WHERE id = (SELECT address_id FROM lettings_letting WHERE id = 2)"); err != nil {
		t.Fatal(err)
	}
	waitPastPoll()
	b.get("/lettings/").want(t, 200, "Atlantis")
	b.get("/lettings/2/").want(t, 200, "Atlantis")
}

func countedSiteOn(t *testing.T, db *database.DB) (*adminSite, *renderCounter) {
	t.Helper()
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatal(err)
	}
	c := &renderCounter{}
	db.Read = db.Read.WithQueryHook(c)
	return adminSiteOn(t, db), c
}

// waitPastPoll lets the shared counter's poll interval pass, so that what
// another process committed is seen: not a timing assertion, the test
// asserts what is seen after it.
func waitPastPoll() { time.Sleep(2 * time.Millisecond) }

// commitAfterCount commits a new address through another connection right
// after the first count of addresses, as a second editor might.
type commitAfterCount struct {
	db   *database.DB
	done atomic.Bool
	err  error
}

func (c *commitAfterCount) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (c *commitAfterCount) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if strings.Contains(e.Query, "count(") && strings.Contains(e.Query, `"lettings_address"`) && c.done.CompareAndSwap(false, true) {
		_, c.err = c.db.Write.ExecContext(context.WithoutCancel(ctx),
			"INSERT INTO lettings_address (number, street, city, state, zip_code, country_iso_code) VALUES (1, 'Late Street', 'Lateville', 'CA', 90000, 'USA')")
	}
}

func TestChangelistCountAndRowsAgree(t *testing.T) {
	cfg := testdb.Config(t)
	db := testdb.OpenConfig(t, cfg)
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatal(err)
	}
	other, err := database.Open(context.Background(), cfg, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	hook := &commitAfterCount{db: other}
	db.Read = db.Read.WithQueryHook(hook)
	s := adminSiteOn(t, db)
	s.user("boss", bossPassword, true, true, true)
	b := s.browser()
	b.login("boss", bossPassword).redirect(t, "/admin/")
	p := b.get("/admin/lettings/address/").want(t, 200)
	if hook.err != nil || !hook.done.Load() {
		t.Fatalf("got no commit between the count and the list: %v", hook.err)
	}
	rows := strings.Count(p.body, `name="_selected_action"`)
	said := regexp.MustCompile(`(\d+) addresses`).FindStringSubmatch(p.body)
	if said == nil || said[1] != fmt.Sprint(rows) {
		t.Errorf("got the page saying %v and listing %d rows, want both from one state of the data", said, rows)
	}
}

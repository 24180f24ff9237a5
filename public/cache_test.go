package public_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/public"
)

// waitPastPoll lets the shared counter's poll interval pass, so that what
// another process committed is seen: not a timing assertion, the test
// asserts what is seen after it.
func waitPastPoll() { time.Sleep(2 * time.Millisecond) }

func TestPagesFollowEdits(t *testing.T) {
	t.Parallel()
	h, db := newSite(t)
	c := sitetest.NewClient(t, h)
	ctx := context.Background()
	detail := func(h1 string) sitetest.Scenario {
		return sitetest.Scenario{Path: "/lettings/2/", Status: 200, Has: []el{{Sel: "h1", Text: h1}}}
	}
	list := func(title string) sitetest.Scenario {
		return sitetest.Scenario{Path: "/lettings/", Status: 200, Has: []el{{Sel: ".listing a", Attr: "href", Value: "/lettings/2/", Text: title}}}
	}
	detail("Oceanview Retreat").Check(t, c)
	list("Oceanview Retreat").Check(t, c)

	l, err := models.GetLetting(ctx, db.Read, 2)
	if err != nil {
		t.Fatal(err)
	}
	l.Title = "Oceanview Retreat, renovated"
	if err := models.UpdateLetting(ctx, db.Write, l); err != nil {
		t.Fatal(err)
	}
	detail("Oceanview Retreat, renovated").Check(t, c)
	list("Oceanview Retreat, renovated").Check(t, c)

	if err := models.DeleteAddress(ctx, db.Write, l.AddressID); err != nil {
		t.Fatal(err)
	}
	sitetest.Scenario{Path: "/lettings/2/", Status: 404, Has: notFoundPage}.Check(t, c)
	sitetest.Scenario{Path: "/lettings/", Status: 200, Lacks: []el{{Sel: ".listing a", Contains: "Oceanview"}},
		BodyLacks: []string{"Oceanview"}}.Check(t, c)
}

func TestPagesFollowEditsByOtherProcesses(t *testing.T) {
	t.Parallel()
	db, cfg := sitetest.DBConfig(t)
	c := sitetest.NewClient(t, newHandler(t, db, nil))
	sitetest.Scenario{Path: "/lettings/4/", Status: 200, Has: []el{{Sel: "h1", Text: "Pirates of the Caribbean Getaway"}}}.Check(t, c)

	// Another program on the same database, as `app import-django` or a
	// second server would be: its commits reach this one only through what
	// the database itself says.
	other := sitetest.Reopen(t, cfg)
	if _, err := other.Write.Exec("UPDATE lettings_letting SET title = 'Pirates Cove' WHERE id = 4"); err != nil {
		t.Fatal(err)
	}
	waitPastPoll()
	sitetest.Scenario{Path: "/lettings/4/", Status: 200, Has: []el{{Sel: "h1", Text: "Pirates Cove"}}}.Check(t, c)
}

// A second *database.DB on the same database is another process, as far as
// the caches can tell: its sessions and failed sign-ins leave the pages
// alone, its edits reach them.
func TestContentVersionAcrossProcesses(t *testing.T) {
	t.Parallel()
	db, cfg := sitetest.DBConfig(t)
	renders := counted(db)
	c := sitetest.NewClient(t, newHandler(t, db, nil))
	other := sitetest.Reopen(t, cfg)
	c.Get("/lettings/").Want(t, 200)
	before := renders.n.Load()
	if _, err := other.Write.Exec("INSERT INTO auth_login_attempt (username_key, client_addr, attempted_at) VALUES ('x', '203.0.113.9', CURRENT_TIMESTAMP)"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Write.Exec("DELETE FROM sessions"); err != nil {
		t.Fatal(err)
	}
	waitPastPoll()
	c.Get("/lettings/").Want(t, 200)
	if got := renders.n.Load() - before; got != 0 {
		t.Errorf("got %d renders after another process's session writes, want 0", got)
	}
	if _, err := other.Write.Exec("UPDATE lettings_address SET city = 'Atlantis' WHERE id = (SELECT address_id FROM lettings_letting WHERE id = 2)"); err != nil {
		t.Fatal(err)
	}
	waitPastPoll()
	sitetest.Scenario{Path: "/lettings/", Status: 200, Has: []el{{Sel: ".listing__place", Contains: "Atlantis"}}}.Check(t, c)
	sitetest.Scenario{Path: "/lettings/2/", Status: 200, Has: []el{{Sel: "address", Contains: "Atlantis"}}}.Check(t, c)
}

func TestPublicCacheFollowsContentEdits(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	renders := counted(db)
	c := sitetest.NewClient(t, newHandler(t, db, nil))
	title := func(s string) sitetest.Scenario {
		return sitetest.Scenario{Path: "/lettings/", Status: 200, Has: []el{{Sel: ".listing a", Text: s}}}
	}
	title("Oceanview Retreat").Check(t, c)
	before := renders.n.Load()
	if _, err := db.Write.Exec("UPDATE lettings_letting SET title = 'Seaview Retreat' WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	title("Seaview Retreat").Check(t, c)
	if got := renders.n.Load() - before; got != 1 {
		t.Errorf("got %d renders after an edit, want 1", got)
	}
}

func TestPublicCacheIgnoresJunkQueries(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	renders := counted(db)
	c := sitetest.NewClient(t, newHandler(t, db, nil))
	ocean := func(path string) {
		t.Helper()
		sitetest.Scenario{Path: path, Status: 200, Has: []el{{Sel: ".listing a", Text: "Oceanview Retreat"}},
			Lacks: []el{{Sel: ".listing a", Text: "Underground Hygge"}}}.Check(t, c)
	}
	c.Get("/lettings/").Want(t, 200)
	ocean("/lettings/?q=ocean")
	before := renders.n.Load()
	for i := range 10000 {
		c.Get(fmt.Sprintf("/lettings/?utm_source=%d&x%d=%s", i, i, strings.Repeat("y", 40))).Want(t, 200)
	}
	c.Get("/lettings/").Want(t, 200)
	ocean("/lettings/?q=ocean&fbclid=1")
	if got := renders.n.Load() - before; got != 0 {
		t.Errorf("got %d renders of /lettings/ for 10,000 junk query strings, want none: the page reads only q and page", got)
	}
}

func TestPublicCacheRendersOnceForACrowd(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	renders := counted(db)
	h := newHandler(t, db, nil)
	// The first render holds on until the whole crowd has arrived, so the
	// others come while it is under way, as they would on a busy site.
	const crowd = 50
	var arrived atomic.Int64
	renders.hold = func() {
		for arrived.Load() < crowd {
			time.Sleep(time.Millisecond)
		}
	}
	if _, err := db.Write.Exec("UPDATE lettings_letting SET title = 'Seaview Retreat' WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range crowd {
		wg.Go(func() {
			arrived.Add(1)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/lettings/", nil))
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Seaview Retreat") {
				t.Errorf("got %d without the edit", rec.Code)
			}
		})
	}
	wg.Wait()
	if got := renders.n.Load(); got != 1 {
		t.Errorf("got %d renders for %d concurrent requests after a commit, want 1", got, crowd)
	}
}

// With no memory for the cache, every request renders afresh.
func TestPagesWithoutACache(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	renders := counted(db)
	site, err := public.New(db, sitetest.Assets(t), sitetest.Discard, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := sitetest.NewClient(t, sitetest.Handler(t, sitetest.Config(t), db, site.Errors(), site.Routes))
	for range 3 {
		sitetest.Scenario{Path: "/lettings/", Status: 200, Has: []el{{Sel: ".listing a", Text: "Oceanview Retreat"}}}.Check(t, c)
	}
	sitetest.Scenario{Path: "/robots.txt", Status: 200, BodyHas: []string{"Sitemap: http://example.com/sitemap.xml"}}.Check(t, c)
	if got := renders.n.Load(); got != 3 {
		t.Errorf("got %d renders for 3 requests without a cache, want 3", got)
	}
}

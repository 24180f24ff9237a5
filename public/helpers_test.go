package public_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/public"
)

// newHandler is the public front end on db, with its page cache, behind
// the site-wide middleware the binary uses. cfg is sitetest.Config(t) when
// nil.
func newHandler(t testing.TB, db *database.DB, cfg *config.Config) http.Handler {
	t.Helper()
	if cfg == nil {
		cfg = sitetest.Config(t)
	}
	site, err := public.New(db, sitetest.Assets(t), sitetest.Discard, public.DefaultCacheBytes)
	if err != nil {
		t.Fatal(err)
	}
	return sitetest.Handler(t, cfg, db, site.Errors(), site.Routes)
}

// newSite is the public front end on a fresh, seeded database.
func newSite(t testing.TB) (http.Handler, *database.DB) {
	t.Helper()
	db := sitetest.DB(t)
	return newHandler(t, db, nil), db
}

// notFoundPage is what the public 404 page holds: its heading and the way
// back to the three sections.
var notFoundPage = []sitetest.Element{
	{Sel: "h1", Text: "Page Not Found"},
	{Sel: ".error-page a", Attr: "href", Value: "/"},
	{Sel: ".error-page a", Attr: "href", Value: "/lettings/"},
	{Sel: ".error-page a", Attr: "href", Value: "/profiles/"},
}

// addLettings adds n lettings titled title(1)… in Testville, TX.
func addLettings(t testing.TB, db *database.DB, n int, title func(i int) string) {
	t.Helper()
	ctx := context.Background()
	for i := 1; i <= n; i++ {
		a := &models.Address{Number: i, Street: "Test Street", City: "Testville", State: "TX", ZipCode: 75001, CountryISOCode: "USA"}
		if err := models.CreateAddress(ctx, db.Write, a); err != nil {
			t.Fatal(err)
		}
		if err := models.CreateLetting(ctx, db.Write, &models.Letting{Title: title(i), AddressID: a.ID}); err != nil {
			t.Fatal(err)
		}
	}
}

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

// counted makes db count its renders of /lettings/; call it before the
// site is built on db.
func counted(db *database.DB) *renderCounter {
	c := &renderCounter{}
	db.Read = db.Read.WithQueryHook(c)
	return c
}

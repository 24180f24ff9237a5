package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"oclettings/app/accounts"
	"oclettings/app/auth"
	"oclettings/app/backup"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/web"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
	"oclettings/public"
)

// testConfig is the configuration of a test site: DEBUG on unless vars say
// otherwise, answering to example.com (httptest's host) and 127.0.0.1.
func testConfig(t testing.TB, vars ...string) *config.Config {
	t.Helper()
	env := map[string]string{
		"DEBUG":         "true",
		"SECRET_KEY":    "test-secret-key-0123456789-abcdefghijklmnop",
		"ALLOWED_HOSTS": "example.com,127.0.0.1",
	}
	for i := 0; i+1 < len(vars); i += 2 {
		env[vars[i]] = vars[i+1]
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// cheapHasher keeps the many sign-ins of the tests quick; the cost of real
// hashes is app/auth's concern.
var cheapHasher = auth.Hasher{Memory: 64, Time: 1, Threads: 1}

// newRouter builds the whole router on db; now is the admin's clock (nil:
// the real one).
func newRouter(t testing.TB, db *database.DB, cfg *config.Config, cacheBytes int, now func() time.Time) http.Handler {
	t.Helper()
	if now == nil {
		now = time.Now
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := router(site{DB: db, Config: cfg, Logger: logger,
		Build: web.Build{Version: "test"}, CacheBytes: cacheBytes,
		Accounts: &accounts.Service{DB: db, Hasher: cheapHasher, Now: now},
		// In the test's own directory: the configured default is beside
		// the configuration's database, not the test's.
		Backups: backup.New(backup.Options{Source: db.Path, Dir: filepath.Join(t.TempDir(), "backups"), Keep: cfg.BackupKeep}, logger)})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// newSite returns the whole router on a fresh, seeded database.
func newSite(t testing.TB) (http.Handler, *database.DB) {
	t.Helper()
	db := testdb.Seeded(t)
	return newRouter(t, db, testConfig(t), public.DefaultCacheBytes, nil), db
}

// scenario is one request and what its answer must be.
type scenario struct {
	name     string
	method   string // GET when empty
	path     string
	header   map[string]string
	body     string // sent as the request body
	status   int
	location string            // the Location header, when set
	headers  map[string]string // other headers that must have these values
	contains []string
	excludes []string
}

func (sc scenario) run(t *testing.T, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	method := sc.method
	if method == "" {
		method = http.MethodGet
	}
	var reqBody io.Reader
	if sc.body != "" {
		reqBody = strings.NewReader(sc.body)
	}
	req := httptest.NewRequest(method, sc.path, reqBody)
	for k, v := range sc.header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != sc.status {
		t.Fatalf("%s %s: got status %d, want %d\n%s", method, sc.path, rec.Code, sc.status, body)
	}
	if sc.location != "" && rec.Header().Get("Location") != sc.location {
		t.Errorf("%s %s: got Location %q, want %q", method, sc.path, rec.Header().Get("Location"), sc.location)
	}
	for k, v := range sc.headers {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s %s: got %s %q, want %q", method, sc.path, k, got, v)
		}
	}
	for _, s := range sc.contains {
		if !strings.Contains(body, s) {
			t.Errorf("%s %s: got a body without %q", method, sc.path, s)
		}
	}
	for _, s := range sc.excludes {
		if strings.Contains(body, s) {
			t.Errorf("%s %s: got a body with %q", method, sc.path, s)
		}
	}
	return rec
}

func runScenarios(t *testing.T, h http.Handler, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, h) })
	}
}

var notFoundPage = []string{"Page Not Found", `href="/"`, `href="/lettings/"`, `href="/profiles/"`}

func TestPublicPages(t *testing.T) {
	h, _ := newSite(t)
	html := map[string]string{"Content-Type": "text/html; charset=utf-8"}
	runScenarios(t, h, []scenario{
		{name: "home", path: "/", status: 200, headers: html,
			contains: []string{"<title>Holiday Homes</title>", "<h1>Welcome to Holiday Homes</h1>", `href="/profiles/"`, `href="/lettings/"`,
				`<meta name="description"`, "© Orange County Lettings", `<a class="skip-link" href="#main">`, "<header", "<nav", "<main", "<footer"}},
		{name: "lettings", path: "/lettings/", status: 200, headers: html,
			contains: []string{"<title>Lettings</title>", "<h1>Lettings</h1>", `<a href="/lettings/1/">Joshua Tree Green Haus /w Hot Tub</a>`,
				`<a href="/lettings/6/">Underground Hygge</a>`, `name="q"`},
			excludes: []string{"No lettings are available.", "Page 1 of"}},
		{name: "a letting", path: "/lettings/1/", status: 200, headers: html,
			contains: []string{"<title>Joshua Tree Green Haus /w Hot Tub</title>", "<h1>Joshua Tree Green Haus /w Hot Tub</h1>",
				"7217 Bedford Street<br>", "Brunswick, GA 31525<br>", "USA", `href="/lettings/"`, `href="/"`, `href="/profiles/"`}},
		{name: "a letting with an apostrophe", path: "/lettings/3/", status: 200, contains: []string{"<h1>&#39;Silo Studio&#39; Cottage</h1>"}},
		{name: "profiles", path: "/profiles/", status: 200, headers: html,
			contains: []string{"<title>Profiles</title>", "<h1>Profiles</h1>", `<a href="/profiles/4meRomance/">4meRomance</a>`, `<a href="/profiles/HeadlinesGazer/">HeadlinesGazer</a>`},
			excludes: []string{"No profiles are available."}},
		{name: "a profile", path: "/profiles/AirWow/", status: 200, headers: html,
			contains: []string{"<title>AirWow</title>", "<h1>AirWow</h1>", "First name", "<dd>Ada</dd>", "Last name", "<dd>Paul</dd>",
				"Email", "<dd>flocation.vam4@glendenningflowerdesign.com</dd>", "Favorite city", "<dd>Budapest</dd>", `href="/profiles/"`}},

		{name: "letting that is not a number", path: "/lettings/abc/", status: 404, contains: notFoundPage},
		{name: "letting zero", path: "/lettings/0/", status: 404, contains: notFoundPage},
		{name: "letting id beyond int64", path: "/lettings/99999999999999999999/", status: 404, contains: notFoundPage},
		{name: "letting negative", path: "/lettings/-1/", status: 404, contains: notFoundPage},
		{name: "letting missing", path: "/lettings/999/", status: 404, contains: notFoundPage},
		{name: "unknown username", path: "/profiles/nobody/", status: 404, contains: notFoundPage},
		{name: "username is case-sensitive", path: "/profiles/airwow/", status: 404, contains: notFoundPage},
		{name: "unknown page", path: "/nowhere/", status: 404, contains: notFoundPage, excludes: []string{"goroutine", "runtime"}},

		{name: "lettings without slash", path: "/lettings", status: 301, location: "/lettings/"},
		{name: "letting without slash", path: "/lettings/2", status: 301, location: "/lettings/2/"},
		{name: "profile without slash", path: "/profiles/AirWow", status: 301, location: "/profiles/AirWow/"},
		{name: "query kept on redirect", path: "/lettings?q=ocean", status: 301, location: "/lettings/?q=ocean"},
		{name: "no redirect to another host", path: "//evil.example", status: 404},
		{name: "no redirect for an unknown path", path: "/nowhere", status: 404},

		{name: "HEAD", method: http.MethodHead, path: "/lettings/1/", status: 200, headers: html},
		{name: "POST", method: http.MethodPost, path: "/", status: 405, headers: map[string]string{"Allow": "GET, HEAD"}, contains: []string{"Method Not Allowed"}},
		{name: "DELETE a letting", method: http.MethodDelete, path: "/lettings/1/", status: 405, headers: map[string]string{"Allow": "GET, HEAD"}},

		{name: "robots", path: "/robots.txt", status: 200, headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
			contains: []string{"User-agent: *", "Disallow: /admin/", "Sitemap: http://example.com/sitemap.xml"}},
		{name: "sitemap", path: "/sitemap.xml", status: 200, headers: map[string]string{"Content-Type": "application/xml; charset=utf-8"},
			contains: []string{`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`, "<loc>http://example.com/</loc>",
				"<loc>http://example.com/lettings/</loc>", "<loc>http://example.com/profiles/</loc>",
				"<loc>http://example.com/lettings/6/</loc>", "<loc>http://example.com/profiles/4meRomance/</loc>"}},
		{name: "no sitemap parts for a small site", path: "/sitemap-1.xml", status: 404},
	})
}

func TestPublicPagesWhenEmpty(t *testing.T) {
	db := testdb.Open(t) // migrated, no reference data
	h := newRouter(t, db, testConfig(t), public.DefaultCacheBytes, nil)
	runScenarios(t, h, []scenario{
		{name: "no lettings", path: "/lettings/", status: 200, contains: []string{"No lettings are available."}},
		{name: "no profiles", path: "/profiles/", status: 200, contains: []string{"No profiles are available."}},
		{name: "page 2 of nothing", path: "/lettings/?page=2", status: 302, location: "/lettings/"},
	})
}

// addLettings adds n lettings titled "Cottage 001"… in Testville, TX.
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

func TestPaginationAndSearch(t *testing.T) {
	h, db := newSite(t)
	addLettings(t, db, 39, func(i int) string { return fmt.Sprintf("Cottage %03d", i) }) // 45 lettings: 3 pages of 20
	addLettings(t, db, 1, func(int) string { return "100% Fun_House" })
	// 46 lettings now.
	runScenarios(t, h, []scenario{
		{name: "first page", path: "/lettings/", status: 200,
			contains: []string{"Page 1 of 3", `href="/lettings/?page=2" rel="next"`, "Cottage 001"}, excludes: []string{`rel="prev"`}},
		{name: "middle page", path: "/lettings/?page=2", status: 200,
			contains: []string{"Page 2 of 3", `href="/lettings/" rel="prev"`, `href="/lettings/?page=3" rel="next"`, "<title>Lettings (page 2)</title>"}},
		{name: "last page", path: "/lettings/?page=3", status: 200, contains: []string{"Page 3 of 3", "Underground Hygge"}, excludes: []string{`rel="next"`}},
		{name: "page 0", path: "/lettings/?page=0", status: 302, location: "/lettings/"},
		{name: "page -1", path: "/lettings/?page=-1", status: 302, location: "/lettings/"},
		{name: "page abc", path: "/lettings/?page=abc", status: 302, location: "/lettings/"},
		{name: "page 999", path: "/lettings/?page=999", status: 302, location: "/lettings/?page=3"},
		{name: "page 1 has one address", path: "/lettings/?page=1", status: 200, contains: []string{"Page 1 of 3"}},
		{name: "profiles page 2 of 1", path: "/profiles/?page=2", status: 302, location: "/profiles/"},

		{name: "search by title", path: "/lettings/?q=oceanview", status: 200,
			contains: []string{"1 letting matches “oceanview”", "Oceanview Retreat"}, excludes: []string{"Underground Hygge"}},
		{name: "search by city", path: "/lettings/?q=newport", status: 200, contains: []string{"&#39;Silo Studio&#39; Cottage"}, excludes: []string{"Oceanview"}},
		{name: "search by state", path: "/lettings/?q=MI", status: 200, contains: []string{"Pirates of the Caribbean Getaway"}},
		{name: "every term must match", path: "/lettings/?q=cottage+newport", status: 200,
			contains: []string{"1 letting matches"}, excludes: []string{"Cottage 001"}},
		{name: "no match", path: "/lettings/?q=zzzz", status: 200, contains: []string{"No lettings match your search.", "0 lettings match"}},
		{name: "percent is literal", path: "/lettings/?q=%25", status: 200, contains: []string{"1 letting matches", "100% Fun_House"}},
		{name: "underscore is literal", path: "/lettings/?q=_", status: 200, contains: []string{"1 letting matches", "100% Fun_House"}},
		{name: "backslash is literal", path: "/lettings/?q=%5C", status: 200, contains: []string{"0 lettings match"}},
		{name: "search keeps its query in page links", path: "/lettings/?q=cottage", status: 200,
			contains: []string{"Page 1 of 2", `href="/lettings/?page=2&amp;q=cottage" rel="next"`}},
		{name: "search page past the end", path: "/lettings/?q=cottage&page=9", status: 302, location: "/lettings/?page=2&q=cottage"},
		{name: "query is escaped", path: "/lettings/?q=%3Cscript%3E", status: 200,
			contains: []string{`value="&lt;script&gt;"`, "“&lt;script&gt;”"}, excludes: []string{"<script>"}},
	})
}

func TestOutputIsEscaped(t *testing.T) {
	h, db := newSite(t)
	addLettings(t, db, 1, func(int) string { return "<script>alert(1)</script>" })
	runScenarios(t, h, []scenario{
		{name: "in the list", path: "/lettings/", status: 200,
			contains: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, excludes: []string{"<script>alert(1)"}},
		{name: "on its page", path: "/lettings/7/", status: 200,
			contains: []string{"<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>", "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"},
			excludes: []string{"<script>alert(1)"}},
	})
}

func TestUsernamesWithPunctuation(t *testing.T) {
	h, db := newSite(t)
	ctx := context.Background()
	u := &models.User{Username: "jo.doe+x@y-z_w", Password: "!x", IsActive: true}
	if err := models.CreateUser(ctx, db.Write, u); err != nil {
		t.Fatal(err)
	}
	if err := models.CreateProfile(ctx, db.Write, &models.Profile{UserID: u.ID, FavoriteCity: "Lisbon"}); err != nil {
		t.Fatal(err)
	}
	runScenarios(t, h, []scenario{
		{name: "listed", path: "/profiles/", status: 200, contains: []string{`href="/profiles/jo.doe&#43;x@y-z_w/"`}},
		{name: "its page", path: "/profiles/jo.doe+x@y-z_w/", status: 200, contains: []string{"<h1>jo.doe&#43;x@y-z_w</h1>", "Lisbon"}},
		{name: "its page, encoded", path: "/profiles/jo.doe%2Bx%40y-z_w/", status: 200, contains: []string{"Lisbon"}},
	})
}

func TestHTMLConditionalRequests(t *testing.T) {
	h, _ := newSite(t)
	first := scenario{path: "/lettings/2/", status: 200}.run(t, h)
	etag := first.Header().Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-z]+"$`).MatchString(etag) {
		t.Fatalf("got ETag %q, want a strong tag", etag)
	}
	scenario{path: "/lettings/2/", header: map[string]string{"If-None-Match": etag}, status: 304}.run(t, h)
	scenario{path: "/lettings/2/", header: map[string]string{"If-None-Match": `"other"`}, status: 200}.run(t, h)
	if other := (scenario{path: "/lettings/3/", status: 200}).run(t, h).Header().Get("ETag"); other == etag {
		t.Error("got the same ETag for two different pages")
	}
}

func TestPagesFollowEdits(t *testing.T) {
	h, db := newSite(t)
	ctx := context.Background()
	scenario{path: "/lettings/2/", status: 200, contains: []string{"<h1>Oceanview Retreat</h1>"}}.run(t, h)
	scenario{path: "/lettings/", status: 200, contains: []string{"Oceanview Retreat"}}.run(t, h)

	l, err := models.GetLetting(ctx, db.Read, 2)
	if err != nil {
		t.Fatal(err)
	}
	l.Title = "Oceanview Retreat, renovated"
	if err := models.UpdateLetting(ctx, db.Write, l); err != nil {
		t.Fatal(err)
	}
	scenario{path: "/lettings/2/", status: 200, contains: []string{"<h1>Oceanview Retreat, renovated</h1>"}}.run(t, h)
	scenario{path: "/lettings/", status: 200, contains: []string{"Oceanview Retreat, renovated"}}.run(t, h)

	if err := models.DeleteAddress(ctx, db.Write, l.AddressID); err != nil {
		t.Fatal(err)
	}
	scenario{path: "/lettings/2/", status: 404}.run(t, h)
	scenario{path: "/lettings/", status: 200, excludes: []string{"Oceanview"}}.run(t, h)
}

func TestServerErrorPage(t *testing.T) {
	h, db := newSite(t)
	// A database that fails under the handlers: every page must answer with
	// the error page, saying nothing of the cause.
	if err := db.Read.Close(); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/lettings/", "/lettings/1/", "/profiles/", "/profiles/AirWow/", "/sitemap.xml"} {
		scenario{path: path, status: 500, contains: []string{"Server Error", `href="/lettings/"`},
			excludes: []string{"sql", "database", "closed"}}.run(t, h)
	}
}

func TestPagesFollowEditsByOtherProcesses(t *testing.T) {
	cfg := testdb.Config(t)
	db := testdb.OpenConfig(t, cfg)
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatal(err)
	}
	h := newRouter(t, db, testConfig(t), public.DefaultCacheBytes, nil)
	scenario{path: "/lettings/4/", status: 200, contains: []string{"Pirates of the Caribbean Getaway"}}.run(t, h)

	// Another program on the same database, as `app import-django` or a
	// second server would be: its commits reach this one only through what
	// the database itself says.
	other, err := database.Open(context.Background(), cfg, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Write.Exec("UPDATE lettings_letting SET title = 'Pirates Cove' WHERE id = 4"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // past the shared counter's poll interval
	scenario{path: "/lettings/4/", status: 200, contains: []string{"<h1>Pirates Cove</h1>"}}.run(t, h)
}

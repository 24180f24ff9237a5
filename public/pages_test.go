package public_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

type el = sitetest.Element

// layout is what every page of the site holds around its content.
var layout = []el{
	{Sel: `meta[name="description"]`, Attr: "content"},
	{Sel: "footer", Contains: "© Orange County Lettings"},
	{Sel: "a.skip-link", Attr: "href", Value: "#main"},
	{Sel: "header nav a", Attr: "href", Value: "/profiles/"},
	{Sel: "header nav a", Attr: "href", Value: "/lettings/"},
	{Sel: "main#main"},
}

func with(base []el, more ...el) []el { return append(append([]el{}, base...), more...) }

func TestPublicPages(t *testing.T) {
	t.Parallel()
	h, _ := newSite(t)
	html := map[string]string{"Content-Type": "text/html; charset=utf-8"}
	sitetest.Run(t, h, []sitetest.Scenario{
		{Name: "home", Path: "/", Status: 200, WantHeader: html,
			Has: with(layout,
				el{Sel: "title", Text: "Holiday Homes"},
				el{Sel: "h1", Text: "Welcome to Holiday Homes"},
				el{Sel: "main a", Attr: "href", Value: "/profiles/"},
				el{Sel: "main a", Attr: "href", Value: "/lettings/"})},
		{Name: "lettings", Path: "/lettings/", Status: 200, WantHeader: html,
			Has: with(layout,
				el{Sel: "title", Text: "Lettings"},
				el{Sel: "h1", Text: "Lettings"},
				el{Sel: "header nav a", Attr: "aria-current", Value: "page", Text: "Lettings"},
				el{Sel: ".listing a", Attr: "href", Value: "/lettings/1/", Text: "Joshua Tree Green Haus /w Hot Tub"},
				el{Sel: ".listing a", Attr: "href", Value: "/lettings/6/", Text: "Underground Hygge"},
				el{Sel: "form.search input", Attr: "name", Value: "q"}),
			Lacks: []el{{Sel: ".empty"}, {Sel: ".pagination"}}},
		{Name: "a letting", Path: "/lettings/1/", Status: 200, WantHeader: html,
			Has: with(layout,
				el{Sel: "title", Text: "Joshua Tree Green Haus /w Hot Tub"},
				el{Sel: "h1", Text: "Joshua Tree Green Haus /w Hot Tub"},
				el{Sel: "address", Text: "7217 Bedford Street Brunswick, GA 31525 USA"},
				el{Sel: "address > br"},
				el{Sel: ".back-links a", Attr: "href", Value: "/lettings/"},
				el{Sel: ".back-links a", Attr: "href", Value: "/"},
				el{Sel: ".back-links a", Attr: "href", Value: "/profiles/"})},
		{Name: "a letting with an apostrophe", Path: "/lettings/3/", Status: 200, Has: []el{{Sel: "h1", Text: "'Silo Studio' Cottage"}}},
		{Name: "profiles", Path: "/profiles/", Status: 200, WantHeader: html,
			Has: with(layout,
				el{Sel: "title", Text: "Profiles"},
				el{Sel: "h1", Text: "Profiles"},
				el{Sel: ".listing a", Attr: "href", Value: "/profiles/4meRomance/", Text: "4meRomance"},
				el{Sel: ".listing a", Attr: "href", Value: "/profiles/HeadlinesGazer/", Text: "HeadlinesGazer"}),
			Lacks: []el{{Sel: ".empty"}}},
		{Name: "a profile", Path: "/profiles/AirWow/", Status: 200, WantHeader: html,
			Has: with(layout,
				el{Sel: "title", Text: "AirWow"},
				el{Sel: "h1", Text: "AirWow"},
				el{Sel: `dt:contains("First name") + dd`, Text: "Ada"},
				el{Sel: `dt:contains("Last name") + dd`, Text: "Paul"},
				el{Sel: `dt:contains("Email") + dd`, Text: "flocation.vam4@glendenningflowerdesign.com"},
				el{Sel: `dt:contains("Favorite city") + dd`, Text: "Budapest"},
				el{Sel: ".back-links a", Attr: "href", Value: "/profiles/"})},

		{Name: "letting that is not a number", Path: "/lettings/abc/", Status: 404, Has: notFoundPage},
		{Name: "letting zero", Path: "/lettings/0/", Status: 404, Has: notFoundPage},
		{Name: "letting id beyond int64", Path: "/lettings/99999999999999999999/", Status: 404, Has: notFoundPage},
		{Name: "letting negative", Path: "/lettings/-1/", Status: 404, Has: notFoundPage},
		{Name: "letting missing", Path: "/lettings/999/", Status: 404, Has: notFoundPage},
		{Name: "unknown username", Path: "/profiles/nobody/", Status: 404, Has: notFoundPage},
		{Name: "username is case-sensitive", Path: "/profiles/airwow/", Status: 404, Has: notFoundPage},
		{Name: "unknown page", Path: "/nowhere/", Status: 404, Has: notFoundPage, BodyLacks: []string{"goroutine", "runtime"}},

		{Name: "lettings without slash", Path: "/lettings", Status: 301, Location: "/lettings/"},
		{Name: "letting without slash", Path: "/lettings/2", Status: 301, Location: "/lettings/2/"},
		{Name: "profile without slash", Path: "/profiles/AirWow", Status: 301, Location: "/profiles/AirWow/"},
		{Name: "query kept on redirect", Path: "/lettings?q=ocean", Status: 301, Location: "/lettings/?q=ocean"},
		{Name: "no redirect to another host", Path: "//evil.example", Status: 404},
		{Name: "no redirect for an unknown path", Path: "/nowhere", Status: 404},

		{Name: "HEAD", Method: http.MethodHead, Path: "/lettings/1/", Status: 200, WantHeader: html},
		{Name: "POST", Method: http.MethodPost, Path: "/", Status: 405, WantHeader: map[string]string{"Allow": "GET, HEAD"},
			Has: []el{{Sel: "h1", Text: "Method Not Allowed"}}},
		{Name: "DELETE a letting", Method: http.MethodDelete, Path: "/lettings/1/", Status: 405, WantHeader: map[string]string{"Allow": "GET, HEAD"}},

		{Name: "robots", Path: "/robots.txt", Status: 200, WantHeader: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
			BodyHas: []string{"User-agent: *", "Disallow: /admin/", "Sitemap: http://example.com/sitemap.xml"}},
		{Name: "sitemap", Path: "/sitemap.xml", Status: 200, WantHeader: map[string]string{"Content-Type": "application/xml; charset=utf-8"},
			BodyHas: []string{`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`, "<loc>http://example.com/</loc>",
				"<loc>http://example.com/lettings/</loc>", "<loc>http://example.com/profiles/</loc>",
				"<loc>http://example.com/lettings/6/</loc>", "<loc>http://example.com/profiles/4meRomance/</loc>"}},
		{Name: "no sitemap parts for a small site", Path: "/sitemap-1.xml", Status: 404},
		{Name: "sitemap part zero", Path: "/sitemap-0.xml", Status: 404},
	})
}

func TestPublicPagesWhenEmpty(t *testing.T) {
	t.Parallel()
	h := newHandler(t, sitetest.EmptyDB(t), nil)
	sitetest.Run(t, h, []sitetest.Scenario{
		{Name: "no lettings", Path: "/lettings/", Status: 200, Has: []el{{Sel: ".empty", Text: "No lettings are available."}}, Lacks: []el{{Sel: ".listing"}}},
		{Name: "no profiles", Path: "/profiles/", Status: 200, Has: []el{{Sel: ".empty", Text: "No profiles are available."}}, Lacks: []el{{Sel: ".listing"}}},
		{Name: "page 2 of nothing", Path: "/lettings/?page=2", Status: 302, Location: "/lettings/"},
	})
}

func TestPaginationAndSearch(t *testing.T) {
	t.Parallel()
	h, db := newSite(t)
	addLettings(t, db, 39, func(i int) string { return fmt.Sprintf("Cottage %03d", i) }) // 45 lettings: 3 pages of 20
	addLettings(t, db, 1, func(int) string { return "100% Fun_House" })
	// 46 lettings now.
	status := func(text string) el { return el{Sel: ".pagination__status", Text: text} }
	next := func(href string) el { return el{Sel: `.pagination a[rel="next"]`, Attr: "href", Value: href} }
	prev := func(href string) el { return el{Sel: `.pagination a[rel="prev"]`, Attr: "href", Value: href} }
	count := func(text string) el { return el{Sel: ".result-count", Contains: text} }
	listed := func(title string) el { return el{Sel: ".listing a", Text: title} }
	sitetest.Run(t, h, []sitetest.Scenario{
		{Name: "first page", Path: "/lettings/", Status: 200,
			Has: []el{status("Page 1 of 3"), next("/lettings/?page=2"), listed("Cottage 001")}, Lacks: []el{{Sel: `a[rel="prev"]`}}},
		{Name: "middle page", Path: "/lettings/?page=2", Status: 200,
			Has: []el{status("Page 2 of 3"), prev("/lettings/"), next("/lettings/?page=3"), {Sel: "title", Text: "Lettings (page 2)"}}},
		{Name: "last page", Path: "/lettings/?page=3", Status: 200, Has: []el{status("Page 3 of 3"), listed("Underground Hygge")},
			Lacks: []el{{Sel: `a[rel="next"]`}}},
		{Name: "page 0", Path: "/lettings/?page=0", Status: 302, Location: "/lettings/"},
		{Name: "page -1", Path: "/lettings/?page=-1", Status: 302, Location: "/lettings/"},
		{Name: "page abc", Path: "/lettings/?page=abc", Status: 302, Location: "/lettings/"},
		{Name: "page 999", Path: "/lettings/?page=999", Status: 302, Location: "/lettings/?page=3"},
		{Name: "page 1 has one address", Path: "/lettings/?page=1", Status: 200, Has: []el{status("Page 1 of 3")}},
		{Name: "profiles page 2 of 1", Path: "/profiles/?page=2", Status: 302, Location: "/profiles/"},

		{Name: "search by title", Path: "/lettings/?q=oceanview", Status: 200,
			Has: []el{count("1 letting matches “oceanview”"), listed("Oceanview Retreat")}, Lacks: []el{listed("Underground Hygge")}},
		{Name: "search by city", Path: "/lettings/?q=newport", Status: 200, Has: []el{listed("'Silo Studio' Cottage")},
			Lacks: []el{{Sel: ".listing a", Contains: "Oceanview"}}},
		{Name: "search by state", Path: "/lettings/?q=MI", Status: 200, Has: []el{listed("Pirates of the Caribbean Getaway")}},
		{Name: "every term must match", Path: "/lettings/?q=cottage+newport", Status: 200,
			Has: []el{count("1 letting matches")}, Lacks: []el{listed("Cottage 001")}},
		{Name: "no match", Path: "/lettings/?q=zzzz", Status: 200,
			Has: []el{{Sel: ".empty", Text: "No lettings match your search."}, count("0 lettings match")}},
		{Name: "percent is literal", Path: "/lettings/?q=%25", Status: 200, Has: []el{count("1 letting matches"), listed("100% Fun_House")}},
		{Name: "underscore is literal", Path: "/lettings/?q=_", Status: 200, Has: []el{count("1 letting matches"), listed("100% Fun_House")}},
		{Name: "backslash is literal", Path: "/lettings/?q=%5C", Status: 200, Has: []el{count("0 lettings match")}},
		{Name: "search keeps its query in page links", Path: "/lettings/?q=cottage", Status: 200,
			Has: []el{status("Page 1 of 2"), next("/lettings/?page=2&q=cottage")}},
		{Name: "search page past the end", Path: "/lettings/?q=cottage&page=9", Status: 302, Location: "/lettings/?page=2&q=cottage"},
		// Escaping is about the bytes sent, so the body is read as sent too.
		{Name: "query is escaped", Path: "/lettings/?q=%3Cscript%3E", Status: 200,
			Has:       []el{{Sel: "input#q", Attr: "value", Value: "<script>"}, count("“<script>”")},
			Lacks:     []el{{Sel: "script"}},
			BodyHas:   []string{`value="&lt;script&gt;"`, "“&lt;script&gt;”"},
			BodyLacks: []string{"<script>"}},
	})
}

func TestOutputIsEscaped(t *testing.T) {
	t.Parallel()
	h, db := newSite(t)
	addLettings(t, db, 1, func(int) string { return "<script>alert(1)</script>" })
	title := "<script>alert(1)</script>"
	// Escaping is about the bytes sent, so the body is read as sent too.
	sitetest.Run(t, h, []sitetest.Scenario{
		{Name: "in the list", Path: "/lettings/", Status: 200,
			Has: []el{{Sel: ".listing a", Text: title}}, Lacks: []el{{Sel: "script"}},
			BodyHas: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, BodyLacks: []string{"<script>alert(1)"}},
		{Name: "on its page", Path: "/lettings/7/", Status: 200,
			Has: []el{{Sel: "title", Text: title}, {Sel: "h1", Text: title}}, Lacks: []el{{Sel: "script"}},
			BodyHas:   []string{"<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>", "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"},
			BodyLacks: []string{"<script>alert(1)"}},
	})
}

func TestUsernamesWithPunctuation(t *testing.T) {
	t.Parallel()
	h, db := newSite(t)
	ctx := context.Background()
	u := &models.User{Username: "jo.doe+x@y-z_w", Password: "!x", IsActive: true}
	if err := models.CreateUser(ctx, db.Write, u); err != nil {
		t.Fatal(err)
	}
	if err := models.CreateProfile(ctx, db.Write, &models.Profile{UserID: u.ID, FavoriteCity: "Lisbon"}); err != nil {
		t.Fatal(err)
	}
	lisbon := el{Sel: `dt:contains("Favorite city") + dd`, Text: "Lisbon"}
	sitetest.Run(t, h, []sitetest.Scenario{
		{Name: "listed", Path: "/profiles/", Status: 200,
			Has: []el{{Sel: ".listing a", Attr: "href", Value: "/profiles/jo.doe+x@y-z_w/", Text: "jo.doe+x@y-z_w"}},
			// html/template escapes "+" in attributes; what matters is that
			// the link is the username as it is.
			BodyHas: []string{`href="/profiles/jo.doe&#43;x@y-z_w/"`}},
		{Name: "its page", Path: "/profiles/jo.doe+x@y-z_w/", Status: 200, Has: []el{{Sel: "h1", Text: "jo.doe+x@y-z_w"}, lisbon}},
		{Name: "its page, encoded", Path: "/profiles/jo.doe%2Bx%40y-z_w/", Status: 200, Has: []el{{Sel: "h1", Text: "jo.doe+x@y-z_w"}, lisbon}},
	})
}

func TestHTMLConditionalRequests(t *testing.T) {
	t.Parallel()
	h, _ := newSite(t)
	c := sitetest.NewClient(t, h)
	etag := c.Get("/lettings/2/").Want(t, 200).Header.Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-z]+"$`).MatchString(etag) {
		t.Fatalf("got ETag %q, want a strong tag", etag)
	}
	if res := c.Get("/lettings/2/", "If-None-Match", etag).Want(t, 304); res.Body != "" {
		t.Errorf("got a body of %d bytes with 304, want none", len(res.Body))
	}
	c.Get("/lettings/2/", "If-None-Match", `"other"`).Want(t, 200)
	if other := c.Get("/lettings/3/").Want(t, 200).Header.Get("ETag"); other == etag {
		t.Error("got the same ETag for two different pages")
	}
}

func TestServerErrorPage(t *testing.T) {
	t.Parallel()
	h, db := newSite(t)
	// A database that fails under the handlers: every page must answer with
	// the error page, saying nothing of the cause.
	if err := db.Read.Close(); err != nil {
		t.Fatal(err)
	}
	var scenarios []sitetest.Scenario
	for _, path := range []string{"/lettings/", "/lettings/1/", "/profiles/", "/profiles/AirWow/", "/sitemap.xml", "/sitemap-2.xml"} {
		scenarios = append(scenarios, sitetest.Scenario{Name: path, Path: path, Status: 500,
			Has:       []el{{Sel: "h1", Text: "Server Error"}, {Sel: ".error-page a", Attr: "href", Value: "/lettings/"}},
			BodyLacks: []string{"sql", "database", "closed"}})
	}
	sitetest.Run(t, h, scenarios)
}

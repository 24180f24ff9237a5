package public

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/app/web"
)

// publicSite is the public front end on a seeded test database, behind the
// site-wide middleware as it is served.
func publicSite(t testing.TB) http.Handler {
	db := sitetest.DB(t)
	site, err := New(db, sitetest.Assets(t), sitetest.Discard, DefaultCacheBytes)
	if err != nil {
		t.Fatal(err)
	}
	return sitetest.Handler(t, sitetest.Config(t), db, site.Errors(), site.Routes)
}

func get(h http.Handler, u *url.URL) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.URL, req.RequestURI = u, u.RequestURI()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// FuzzSearchAndPaging: whatever a visitor puts in the lists' query strings
// (q, page, anything else), the answer is the page, a redirect to a page
// that exists, or a 400; never a 5xx, and never a search beyond its limit
// shown back.
func FuzzSearchAndPaging(f *testing.F) {
	for _, seed := range []string{
		"", "q=loft", "q=LOFT&page=1", "page=2", "page=0", "page=-1", "page=+1", "page=01", "page=1e2",
		"page=99999999999999999999", "page=9223372036854775807", "page=2147483648", "page=1&page=2",
		"q=%00", "q=%FF", "q=%C0%80", "%00=1", "q=%zz", "q=a;page=2", "q=100%",
		"q=" + strings.Repeat("word+", 1000), "q=" + strings.Repeat("x", 60000), "q=%25_%5C+%25",
		"q=" + strings.Repeat("%20", 500) + "loft", "q=a&q=b", "utm_source=x&q=joshua",
	} {
		f.Add("/lettings/", seed)
		f.Add("/profiles/", seed)
	}
	f.Add("/", "page=2")
	h := publicSite(f)
	f.Fuzz(func(t *testing.T, path, rawQuery string) {
		if path != "/lettings/" && path != "/profiles/" && path != "/" {
			path = "/lettings/"
		}
		u, err := url.ParseRequestURI(path + "?" + rawQuery)
		if err != nil || strings.ContainsAny(rawQuery, " #\r\n\t") {
			t.Skip("not a request line a server reads")
		}
		rec := get(h, u)
		switch rec.Code {
		case http.StatusOK:
			if path == "/lettings/" {
				var box strings.Builder
				_ = searchBox.Execute(&box, models.Search(u.Query().Get("q")))
				if !strings.Contains(rec.Body.String(), box.String()) {
					t.Fatalf("%s: got a page without the search box %s", u, box.String())
				}
			}
		case http.StatusFound:
			loc, err := url.ParseRequestURI(rec.Header().Get("Location"))
			if err != nil || loc.Path != u.Path {
				t.Fatalf("%s: got a redirect to %q, want the same list", u, rec.Header().Get("Location"))
			}
			if next := get(h, loc); next.Code != http.StatusOK {
				t.Fatalf("%s: got %d following the redirect to %s, want 200", u, next.Code, loc)
			}
		case http.StatusBadRequest:
			if web.ValidText(u.Path) && validQuery(u.RawQuery) {
				t.Fatalf("%s: got 400 for readable text", u)
			}
		default:
			t.Fatalf("%s: got %d\n%s", u, rec.Code, rec.Body)
		}
	})
}

// searchBox is the lettings page's search box as it shows a search.
var searchBox = template.Must(template.New("").Parse(`name="q" value="{{.}}"`))

func validQuery(raw string) bool {
	q, err := url.ParseQuery(raw)
	return err == nil && web.ValidValues(q)
}

package public_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// Bad input from anyone gets a 4xx with a proper page, or a redirect to a
// page that exists; never a 5xx.

var badRequestPage = []el{{Sel: "h1", Text: "Bad Request"}, {Sel: ".error-page a", Attr: "href", Value: "/"}}

func TestBadTextInTheAddressIs400(t *testing.T) {
	t.Parallel()
	h, _ := newSite(t)
	var scenarios []sitetest.Scenario
	for _, path := range []string{
		"/lettings/?q=%00",
		"/lettings/?q=a%00b&page=2",
		"/lettings/?q=%FF",
		"/lettings/?%00=x",
		"/profiles/%00/",
		"/profiles/a%00b/",
		"/profiles/%FF%FE/",
		"/lettings/%00/",
		"/%00",
		"/?page=%C0%80",
	} {
		scenarios = append(scenarios, sitetest.Scenario{Name: path, Path: path, Status: 400, Has: badRequestPage})
	}
	sitetest.Run(t, h, scenarios)
}

// A search longer than anyone types is cut to the model's limit, never a
// database error, and what the page shows and links is the cut search.
func TestLongSearches(t *testing.T) {
	t.Parallel()
	h, _ := newSite(t)
	var words strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&words, "w%d ", i)
	}
	long := strings.Repeat("x", 60000)
	var scenarios []sitetest.Scenario
	for _, q := range []string{words.String(), strings.Repeat("joshua ", 1000), long, strings.Repeat("a%_\\ ", 2000)} {
		scenarios = append(scenarios, sitetest.Scenario{Name: fmt.Sprintf("%d characters", len(q)), Path: "/lettings/?q=" + url.QueryEscape(q),
			Status: 200, Has: []el{{Sel: "h1", Text: "Lettings"}}})
	}
	cut := long[:models.MaxSearchLength]
	scenarios = append(scenarios, sitetest.Scenario{Name: "the page shows what was searched for, cut", Path: "/lettings/?q=" + long, Status: 200,
		Has:       []el{{Sel: "input#q", Attr: "value", Value: cut}, {Sel: ".result-count", Contains: "“" + cut + "”"}},
		BodyLacks: []string{long[:models.MaxSearchLength+1]}})
	sitetest.Run(t, h, scenarios)
}

// What else a visitor can put in an address is answered as Django would:
// a page, a redirect to the nearest page, or a 404.
func TestHostileAddresses(t *testing.T) {
	t.Parallel()
	h, _ := newSite(t)
	long := strings.Repeat("a", 20000)
	var scenarios []sitetest.Scenario
	for _, tt := range []struct {
		path     string
		status   int
		location string
	}{
		{"/" + long + "/", 404, ""},
		{"/profiles/" + long + "/", 404, ""},
		{"/lettings/99999999999999999999/", 404, ""},
		{"/lettings/?page=99999999999999999999", 302, "/lettings/"},
		{"/lettings/?page=9223372036854775807", 302, "/lettings/"},
		{"/lettings/?page=0x1", 302, "/lettings/"},
		{"/profiles/?page=-1", 302, "/profiles/"},
		{"/lettings/?q=" + long + "&page=2", 302, "/lettings/?q=" + long[:models.MaxSearchLength]},
		{"/sitemap-99999999999999999999.xml", 404, ""},
	} {
		sc := sitetest.Scenario{Name: fmt.Sprintf("%.80s", tt.path), Path: tt.path, Status: tt.status,
			WantHeader: map[string]string{"Location": tt.location}}
		if tt.status == 404 {
			sc.Has = notFoundPage
		}
		scenarios = append(scenarios, sc)
	}
	sitetest.Run(t, h, scenarios)
}

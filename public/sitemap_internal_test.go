package public

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// TestSitemapIndex: past the protocol's limit of addresses in one file,
// the sitemap becomes an index of numbered parts that hold them all, in
// order. The limit is lowered for the test: 50,000 rows would take a
// minute to write under the race detector.
func TestSitemapIndex(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	site, err := New(db, sitetest.Assets(t), sitetest.Discard, DefaultCacheBytes)
	if err != nil {
		t.Fatal(err)
	}
	if site.sitemapLimit != 50000 {
		t.Errorf("got a limit of %d addresses per sitemap, want the protocol's 50000", site.sitemapLimit)
	}
	const limit = 4
	site.sitemapLimit = limit
	c := sitetest.NewClient(t, sitetest.Handler(t, sitetest.Config(t), db, site.Errors(), site.Routes))

	ctx := context.Background()
	ids, err := models.LettingIDs(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	names, err := models.ProfileUsernames(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"http://example.com/", "http://example.com/lettings/", "http://example.com/profiles/"}
	for _, id := range ids {
		want = append(want, "http://example.com/lettings/"+strconv.FormatInt(id, 10)+"/")
	}
	for _, name := range names {
		want = append(want, "http://example.com/profiles/"+url.PathEscape(name)+"/")
	}
	parts := (len(want) + limit - 1) / limit
	if parts < 3 {
		t.Fatalf("got %d addresses, want enough for 3 parts of %d", len(want), limit)
	}

	var index sitemapIndex
	if err := xml.Unmarshal([]byte(c.Get("/sitemap.xml").Want(t, 200).Body), &index); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	var got, wantParts []string
	for i, s := range index.Sitemaps {
		wantParts = append(wantParts, fmt.Sprintf("http://example.com/sitemap-%d.xml", i+1))
		var set sitemapURLSet
		if err := xml.Unmarshal([]byte(c.Get(fmt.Sprintf("/sitemap-%d.xml", i+1)).Want(t, 200).Body), &set); err != nil {
			t.Fatalf("%s: %v", s.Loc, err)
		}
		if len(set.URLs) > limit || len(set.URLs) == 0 {
			t.Errorf("%s: got %d addresses, want 1 to %d", s.Loc, len(set.URLs), limit)
		}
		for _, u := range set.URLs {
			got = append(got, u.Loc)
		}
	}
	if len(index.Sitemaps) != parts || !slices.Equal(locs(index.Sitemaps), wantParts) {
		t.Errorf("got index %v, want %v", locs(index.Sitemaps), wantParts)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got the parts holding %v, want %v", got, want)
	}
	for _, path := range []string{fmt.Sprintf("/sitemap-%d.xml", parts+1), "/sitemap-0.xml", "/sitemap-x.xml"} {
		c.Get(path).Want(t, 404)
	}
}

func locs(s []sitemapLoc) []string {
	var out []string
	for _, l := range s {
		out = append(out, l.Loc)
	}
	return out
}

package public

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"oclettings/app/models"
	"oclettings/app/web"
)

func (s *Site) robots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := fmt.Fprintf(w, "User-agent: *\nAllow: /\nDisallow: /admin/\n\nSitemap: %s/sitemap.xml\n", web.BaseURL(r))
	return err
}

// sitemapLimit is the sitemap protocol's limit of addresses in one file.
const sitemapLimit = 50000

// sitemap lists every public page: the fixed ones, every letting and every
// profile. Beyond the protocol's limit it becomes an index of numbered parts.
func (s *Site) sitemap(w http.ResponseWriter, r *http.Request) error {
	locs, err := s.sitemapLocations(r)
	if err != nil {
		return err
	}
	if len(locs) <= s.sitemapLimit {
		return writeXML(w, urlSet(locs))
	}
	base := web.BaseURL(r)
	var index sitemapIndex
	for part := 1; (part-1)*s.sitemapLimit < len(locs); part++ {
		index.Sitemaps = append(index.Sitemaps, sitemapLoc{Loc: base + "/sitemap-" + strconv.Itoa(part) + ".xml"})
	}
	return writeXML(w, index)
}

// sitemapPart is one numbered part of a sitemap too large for one file.
func (s *Site) sitemapPart(w http.ResponseWriter, r *http.Request) error {
	part, ok := parseID(chi.URLParam(r, "part"))
	if !ok {
		return web.Status(http.StatusNotFound)
	}
	locs, err := s.sitemapLocations(r)
	if err != nil {
		return err
	}
	limit := s.sitemapLimit
	start := (int(part) - 1) * limit
	if len(locs) <= limit || start >= len(locs) {
		return web.Status(http.StatusNotFound)
	}
	return writeXML(w, urlSet(locs[start:min(start+limit, len(locs))]))
}

func (s *Site) sitemapLocations(r *http.Request) ([]string, error) {
	ids, err := models.LettingIDs(r.Context(), s.db.Read)
	if err != nil {
		return nil, err
	}
	names, err := models.ProfileUsernames(r.Context(), s.db.Read)
	if err != nil {
		return nil, err
	}
	base := web.BaseURL(r)
	locs := make([]string, 0, 3+len(ids)+len(names))
	locs = append(locs, base+"/", base+"/lettings/", base+"/profiles/")
	for _, id := range ids {
		locs = append(locs, base+"/lettings/"+strconv.FormatInt(id, 10)+"/")
	}
	for _, name := range names {
		locs = append(locs, base+"/profiles/"+url.PathEscape(name)+"/")
	}
	return locs, nil
}

type sitemapLoc struct {
	Loc string `xml:"loc"`
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapLoc `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

func urlSet(locs []string) sitemapURLSet {
	set := sitemapURLSet{URLs: make([]sitemapLoc, len(locs))}
	for i, loc := range locs {
		set.URLs[i].Loc = loc
	}
	return set
}

// writeXML encodes into a buffer first, so a failure leaves nothing half-sent.
func writeXML(w http.ResponseWriter, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, err := w.Write(buf.Bytes())
	return err
}

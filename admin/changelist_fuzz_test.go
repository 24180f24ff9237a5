package admin

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"oclettings/app/models"
	"oclettings/app/paging"
	"oclettings/app/web"
)

// FuzzListQuery: whatever query string reaches a changelist (the perimeter
// has refused those that are not text), reading it, building its SQL, its
// sort headers and its page links never panics, and what it reads keeps
// the rules: declared, valid filters; sortable, distinct sort columns; a
// page from 1; a search within its limits.
func FuzzListQuery(f *testing.F) {
	for _, seed := range []string{
		"",
		"q=loft&o=2.-1&p=3",
		"q=" + strings.Repeat("word+", 1000),
		"q=" + strings.Repeat("x", 60000),
		"q=%25_%5C&o=-1.1.-1.2",
		"o=99999999999999999999",
		"o=-0.0.-.--1..1.",
		"o=+1",
		"o=" + strings.Repeat("1.", 5000),
		"p=0", "p=-1", "p=+2", "p=99999999999999999999", "p=9223372036854775807", "p=1e3",
		"all=&p=2", "all=1&all=2",
		"e=1", "_popup=1&_popup=0",
		"address__state__exact=CA", "address__state__exact=CA&address__state__exact=NY",
		"address__state__exact=", "address__street__exact=x", "address__=1", "__=1", "id__gt=1",
		"is_staff__exact=1", "is_staff__exact=maybe", "groups__id__exact=1", "groups__id__exact=-1",
		"groups__id__exact=99999999999999999999", "groups__id__exact=0x10",
		"favorite_city__exact=%C3%89vreux",
		"unknown=1", "q=a&q=b", "o=1&o=2", "p=1&p=2",
		"groups__isnull=True", "groups__isnull=0&groups__id__exact=1", "_facets=True", "_facets=",
		"date_joined__year=2020&date_joined__month=2&date_joined__day=30", "date_joined__year=-1",
		"date_joined__year=9999&date_joined__month=12&date_joined__day=31", "date_joined__month=6",
		"date_joined__year=2020&date_joined__year=x", "date_joined__hour=1",
	} {
		f.Add(seed)
	}
	// One registry bound to each dialect, as the sites bind theirs.
	var registries []*Registry
	for _, db := range []*bun.DB{bun.NewDB(nil, sqlitedialect.New()), bun.NewDB(nil, pgdialect.New())} {
		reg := registry()
		if problems := reg.bind(db); len(problems) > 0 {
			f.Fatalf("bind: %v", problems)
		}
		registries = append(registries, reg)
	}
	dbs := []*bun.DB{bun.NewDB(nil, sqlitedialect.New()), bun.NewDB(nil, pgdialect.New())}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		raw, err := url.ParseQuery(rawQuery)
		if err != nil || !web.ValidValues(raw) {
			t.Skip("refused by the perimeter")
		}
		for i, reg := range registries {
			for _, m := range reg.models {
				m.(interface {
					fuzzList(*testing.T, url.Values, bun.IDB)
				}).fuzzList(t, raw, dbs[i])
			}
		}
	})
}

func (m *ModelAdmin[T]) fuzzList(t *testing.T, raw url.Values, db bun.IDB) {
	t.Helper()
	lq, ok, err := m.parseListQuery(raw)
	if err != nil {
		if err != errBadLookup {
			t.Fatalf("%s: got %v, want ok, ?e=1 or a refused lookup", m.Model, err)
		}
		return
	}
	if !ok {
		return
	}
	// However many rows there are, the page either exists or sends the
	// visitor back to the list; it is never before the first.
	for _, rows := range []int{0, 1, listPerPage + 1, 1 << 40} {
		if p, exists := paging.Resolve(lq.page, rows, listPerPage); p.Number < 1 || (exists && p.Number > p.Count()) {
			t.Fatalf("%s: got page %+v (exists %v) for p=%q of %d rows", m.Model, p, exists, lq.page, rows)
		}
	}
	if lq.search != models.Search(lq.search) || utf8.RuneCountInString(lq.search) > models.MaxSearchLength {
		t.Fatalf("%s: got search %q, not within the search's limits", m.Model, lq.search)
	}
	if _, sent := raw["q"]; sent && lq.raw.Get("q") != lq.search {
		t.Fatalf("%s: got links searching for %q, want %q", m.Model, lq.raw.Get("q"), lq.search)
	}
	for param, value := range lq.filters {
		f := m.filter(param)
		if f == nil || !f.valid(param, value) {
			t.Fatalf("%s: got filter %s=%q, not a declared, valid one", m.Model, param, value)
		}
	}
	// A date hierarchy's span is a real stretch of its year.
	if d := lq.dates; d.chosen && (!d.to.After(d.from) || d.from.Year() != d.year) {
		t.Fatalf("%s: got the span %v to %v for %v", m.Model, d.from, d.to, raw)
	}
	if u := m.clearFiltersURL(lq); strings.Contains(u, "__exact=") || strings.Contains(u, "__isnull=") {
		t.Fatalf("%s: got %q clearing the filters of %v", m.Model, u, raw)
	}
	var cols []int
	for _, o := range lq.order {
		if o.col < 1 || o.col > len(m.columns) || slices.Contains(cols, o.col) {
			t.Fatalf("%s: got sort term %+v of %v", m.Model, o, lq.order)
		}
		cols = append(cols, o.col)
	}
	var rows []T
	q := m.listSelect(db, &rows, lq)
	for _, term := range m.orderBy(lq.order) {
		q = term.apply(q)
	}
	if sql := q.String(); sql == "" {
		t.Fatalf("%s: got no SQL for %v", m.Model, raw)
	}
	m.headers(lq)
	keep(lq.raw, "q", "p", "e")
	// The handler numbers pages only when the page exists, among as many
	// pages as the rows fill.
	if p, exists := paging.Resolve(lq.page, 1000*listPerPage, listPerPage); exists {
		links := pageLinks(lq.raw, p.Number, p.Count())
		if !slices.ContainsFunc(links, func(l pageLink) bool { return l.Current && l.Number == p.Number }) {
			t.Fatalf("%s: got page links %v without the current page %d", m.Model, links, p.Number)
		}
	}
}

package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/uptrace/bun"

	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// resultTable is a changelist's table as a person reads it: the column
// labels and, for each row, its cells by label.
type resultTable struct {
	Labels []string
	Rows   []map[string]string
}

// results reads the changelist's table (the selection column left out).
func results(res *sitetest.Response) resultTable {
	var rt resultTable
	res.Doc().Find("#result_list thead th").Not(".action-checkbox-column").Each(func(_ int, th *goquery.Selection) {
		rt.Labels = append(rt.Labels, sitetest.Squash(th.Find(".text").Text()))
	})
	res.Doc().Find("#result_list tbody tr").Each(func(_ int, tr *goquery.Selection) {
		row := map[string]string{}
		tr.Children().Not(".action-checkbox").Each(func(i int, cell *goquery.Selection) {
			if i < len(rt.Labels) {
				row[rt.Labels[i]] = sitetest.Squash(cell.Text())
			}
		})
		rt.Rows = append(rt.Rows, row)
	})
	return rt
}

// column returns the cells of the column labelled label, top to bottom.
func (rt resultTable) column(label string) []string {
	var cells []string
	for _, r := range rt.Rows {
		cells = append(cells, r[label])
	}
	return cells
}

// row returns the row whose cell under label is value.
func (rt resultTable) row(label, value string) (map[string]string, bool) {
	for _, r := range rt.Rows {
		if r[label] == value {
			return r, true
		}
	}
	return nil, false
}

// wantRow fails the test unless the table has a row whose cell under key is
// value with the other cells given (label, text pairs).
func wantRow(t *testing.T, res *sitetest.Response, key, value string, cells ...string) {
	t.Helper()
	r, ok := results(res).row(key, value)
	if !ok {
		t.Errorf("%s %s: got no row with %s %q", res.Method, res.Path, key, value)
		return
	}
	for i := 0; i+1 < len(cells); i += 2 {
		if got := r[cells[i]]; got != cells[i+1] {
			t.Errorf("%s %s: row %q: got %s %q, want %q", res.Method, res.Path, value, cells[i], got, cells[i+1])
		}
	}
}

// tally is the changelist's count under its table ("6 lettings"), without
// the page links.
func tally(res *sitetest.Response) string {
	p := res.Doc().Find("p.paginator").First().Clone()
	p.Children().Remove()
	return sitetest.Squash(p.Text())
}

// searched is what the search bar says of a filtered list ("4 results (6
// total)"), "" when the list is not filtered.
func searched(res *sitetest.Response) string { return res.Text("#changelist-search .small.quiet") }

// selectable counts the rows that can be selected for an action.
func selectable(res *sitetest.Response) int {
	return res.Count(`#result_list input[name="_selected_action"]`)
}

// filterLink is a choice of the filter panel.
func filterLink(href, label string) sitetest.Element {
	return el(fmt.Sprintf(`#changelist-filter li > a[href=%q]`, href), label)
}

// filterTitle is a filter of the filter panel.
func filterTitle(title string) sitetest.Element { return el("#changelist-filter summary", "By "+title) }

func TestChangelists(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	for _, tt := range []struct {
		path      string
		title     string
		tally     string
		row       []string // key label, value, then label, cell pairs
		has       []sitetest.Element
		bodyHas   []string
		wantTable bool
	}{
		{"/admin/lettings/letting/", "Select letting to change | OC Lettings site admin", "6 lettings",
			[]string{"Title", "Joshua Tree Green Haus /w Hot Tub", "Address", "7217 Bedford Street", "City", "Brunswick"},
			[]sitetest.Element{
				el(".object-tools a.addlink", "Add letting"),
				el(`#result_list th[scope="row"] > a[href="/admin/lettings/letting/1/change/"]`, "Joshua Tree Green Haus /w Hot Tub"),
				el(`select[name="action"] option[value="delete_selected"]`, "Delete selected lettings"),
				el(`select[name="action"] option[value="export_csv"]`, "Export selected as CSV"),
				attr(`#result_list input[name="_selected_action"]`, "value", "1"),
				attr(`#changelist-form button[name="index"]`, "value", "0"),
				filterTitle("state"),
				filterLink("?address__state__exact=GA", "GA"),
			}, []string{"<td>7217 Bedford Street</td>", "<td>Brunswick</td>"}, true},
		{"/admin/lettings/address/", "Select address to change | OC Lettings site admin", "6 Addresses",
			[]string{"Number", "7217", "Street", "Bedford Street", "Zip code", "31525"},
			[]sitetest.Element{
				el(`#result_list th[scope="row"] > a[href="/admin/lettings/address/1/change/"]`, "7217"),
				filterTitle("state"), filterTitle("country iso code"),
			}, []string{"<td>Bedford Street</td>", "<td>31525</td>"}, true},
		{"/admin/profiles/profile/", "Select profile to change | OC Lettings site admin", "4 profiles",
			[]string{"User", "4meRomance"},
			[]sitetest.Element{el(`#result_list th[scope="row"] > a`, "4meRomance"), filterTitle("favorite city"),
				// list_editable: the favourite city is an input for a user who may change it.
				attr(`#result_list td.editable input[name="form-0-favorite_city"]`, "value", "Berlin")},
			nil, true},
		{"/admin/auth/user/", "Select user to change | OC Lettings site admin", "5 users",
			[]string{"Username", "AirWow", "Email address", "flocation.vam4@glendenningflowerdesign.com", "Staff status", "No"},
			[]sitetest.Element{
				el(`#result_list th[scope="row"] > a`, "AirWow"),
				el(`#result_list thead th .text`, "Staff status"),
				el(`#result_list td span.icon-no`, "No"),
				// No "By groups" without groups: its only choices would be All and "-".
				filterTitle("staff status"), filterTitle("superuser status"), filterTitle("active"),
			}, nil, true},
		{"/admin/auth/group/", "Select group to change | OC Lettings site admin", "0 groups", nil, nil, nil, false},
	} {
		t.Run(tt.path, func(t *testing.T) {
			res := c.get(tt.path).Want(t, 200)
			has(t, res, title(tt.title))
			if got := tally(res); got != tt.tally {
				t.Errorf("got the tally %q, want %q", got, tt.tally)
			}
			if len(tt.row) > 0 {
				wantRow(t, res, tt.row[0], tt.row[1], tt.row[2:]...)
			}
			has(t, res, tt.has...)
			bodyHas(t, res, tt.bodyHas...)
		})
	}

	// order checks that titles come in this order in the Title column.
	order := func(t *testing.T, res *sitetest.Response, titles ...string) {
		t.Helper()
		column := results(res).column("Title")
		last := -1
		for _, title := range titles {
			i := slices.Index(column, title)
			if i < 0 || i < last {
				t.Errorf("got %q out of order in %q", title, column)
			}
			last = i
		}
	}
	t.Run("sorting", func(t *testing.T) {
		order(t, c.get("/admin/lettings/letting/"), "'Silo Studio' Cottage", "Joshua Tree Green Haus /w Hot Tub", "Underground Hygge")
		order(t, c.get("/admin/lettings/letting/?o=-1"), "Underground Hygge", "Joshua Tree Green Haus /w Hot Tub")
		res := c.get("/admin/lettings/letting/?o=3").Want(t, 200)
		has(t, res, sitetest.Element{Sel: "#result_list th.column-3.sortable.sorted.ascending"},
			attr("#result_list th.column-3 .sortpriority", "title", "Sorting priority: 1"))
		order(t, res, "The Mushroom Dome Retreat & LAND of Paradise Suite", "Joshua Tree Green Haus /w Hot Tub", "Underground Hygge")
		res = c.get("/admin/lettings/letting/?o=3.-1").Want(t, 200)
		has(t, res,
			attr("#result_list th.column-1 .sortpriority", "title", "Sorting priority: 2"),
			sitetest.Element{Sel: `#result_list thead a[href="?o=-3.-1"]`},
			sitetest.Element{Sel: `#result_list thead a[href="?o=1.3"]`},
			sitetest.Element{Sel: `#result_list thead a[href="?o=3"]`})
		order(t, res, "The Mushroom Dome Retreat & LAND of Paradise Suite", "Joshua Tree Green Haus /w Hot Tub")
		for _, bad := range []string{"x", "9", "0", "-", "1.1.1", "%27;DROP", "2.abc"} {
			if got := tally(c.get("/admin/lettings/letting/?o="+url.QueryEscape(bad)).Want(t, 200)); got != "6 lettings" {
				t.Errorf("o=%s: got the tally %q, want 6 lettings", bad, got)
			}
		}
	})
	t.Run("search", func(t *testing.T) {
		for _, tt := range []struct {
			path, searched, tally string
			titles                []string // in the first column
			absent                string   // nowhere on the page
		}{
			{"/admin/lettings/letting/?q=street", "4 results (6 total)", "", nil, ""},
			// Every term must match, not any.
			{"/admin/lettings/letting/?q=brunswick+hot", "1 result (6 total)", "1 letting", []string{"Joshua Tree Green Haus /w Hot Tub"}, "Underground Hygge"},
			{"/admin/lettings/letting/?q=%25", "0 results (6 total)", "", nil, ""},
			{"/admin/auth/user/?q=ADA", "1 result (5 total)", "", []string{"AirWow"}, ""},
			{"/admin/lettings/address/?q=31525", "1 result (6 total)", "", []string{"7217"}, ""},
			{"/admin/profiles/profile/?q=budapest", "1 result (4 total)", "", []string{"AirWow"}, ""},
		} {
			res := c.get(tt.path).Want(t, 200)
			if got := searched(res); got != tt.searched {
				t.Errorf("%s: got %q, want %q", tt.path, got, tt.searched)
			}
			has(t, res, el(`#changelist-search a[href="?"]`, strings.SplitN(strings.TrimSuffix(tt.searched, ")"), "(", 2)[1]))
			if tt.tally != "" && tally(res) != tt.tally {
				t.Errorf("%s: got the tally %q, want %q", tt.path, tally(res), tt.tally)
			}
			if tt.absent != "" {
				bodyLacks(t, res, tt.absent)
			}
			if tt.titles != nil {
				rt := results(res)
				if first := rt.column(rt.Labels[0]); !slices.Equal(first, tt.titles) {
					t.Errorf("%s: got the rows %q, want %q", tt.path, first, tt.titles)
				}
			}
		}
	})
	t.Run("filters", func(t *testing.T) {
		res := c.get("/admin/lettings/letting/?address__state__exact=GA").Want(t, 200)
		if got := searched(res); got != "1 result (6 total)" {
			t.Errorf("got %q, want 1 result (6 total)", got)
		}
		has(t, res,
			el(`#changelist-filter li.selected > a[href="?address__state__exact=GA"][aria-current="true"]`, "GA"),
			filterLink("?", "All"))
		if titles := results(res).column("Title"); slices.Contains(titles, "Oceanview Retreat") {
			t.Error("got a letting of another state")
		}
		bodyLacks(t, res, "Oceanview")
		res = c.get("/admin/auth/user/?is_staff__exact=1").Want(t, 200)
		if got, rows := searched(res), results(res).column("Username"); got != "1 result (5 total)" || !slices.Equal(rows, []string{"root"}) {
			t.Errorf("staff: got %q and %q, want 1 result, root", got, rows)
		}
		if got := searched(c.get("/admin/auth/user/?is_staff__exact=0&q=a").Want(t, 200)); got != "4 results (5 total)" {
			t.Errorf("not staff, searching a: got %q, want 4 results", got)
		}
		redirect(t, c.get("/admin/auth/user/?is_staff__exact=maybe"), "/admin/auth/user/?e=1")
		if got := searched(c.get("/admin/lettings/address/?country_iso_code__exact=USA").Want(t, 200)); got != "6 results (6 total)" {
			t.Errorf("USA: got %q, want 6 results", got)
		}
	})
	t.Run("bad parameters", func(t *testing.T) {
		for _, path := range []string{"?foo=bar", "?p=0", "?p=abc", "?p=2"} {
			redirect(t, c.get("/admin/lettings/letting/"+path), "/admin/lettings/letting/?e=1")
		}
		if got := tally(c.get("/admin/lettings/letting/?e=1").Want(t, 200)); got != "6 lettings" {
			t.Errorf("?e=1: got the tally %q, want 6 lettings", got)
		}
		for _, path := range []string{
			"/admin/lettings/letting/?address__street__exact=x",
			"/admin/lettings/letting/?address__id__gt=1",
			"/admin/profiles/profile/?user__password__startswith=pbkdf2",
		} {
			c.get(path).Want(t, 400)
		}
	})
}

func TestChangelistPagination(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	addLettings(t, s.DB, 144, func(i int) string { return fmt.Sprintf("Cottage %03d", i) }) // 150 lettings
	c := s.staff(t, "root", "*")
	for _, tt := range []struct {
		path string
		rows int
		has  []sitetest.Element
	}{
		{"/admin/lettings/letting/", 100, []sitetest.Element{
			el(`p.paginator span.this-page[aria-current="page"]`, "1"),
			el(`p.paginator a[href="?p=2"]`, "2"),
			el(`p.paginator a.showall[href="?all="]`, "Show all"),
		}},
		{"/admin/lettings/letting/?p=2", 50, []sitetest.Element{el(`p.paginator span.this-page[aria-current="page"]`, "2")}},
		{"/admin/lettings/letting/?all=", 150, nil},
	} {
		t.Run(tt.path, func(t *testing.T) {
			res := c.get(tt.path).Want(t, 200)
			if got := tally(res); got != "150 lettings" {
				t.Errorf("got the tally %q, want 150 lettings", got)
			}
			if n := selectable(res); n != tt.rows {
				t.Errorf("got %d rows, want %d", n, tt.rows)
			}
			has(t, res, tt.has...)
		})
	}
	redirect(t, c.get("/admin/lettings/letting/?p=3"), "/admin/lettings/letting/?e=1")
}

func TestChangelistQueriesDoNotGrowWithRows(t *testing.T) {
	t.Parallel()
	count := func(rows int) int64 {
		db := sitetest.DB(t)
		addLettings(t, db, rows, func(i int) string { return fmt.Sprintf("Cottage %03d", i) })
		counter := counting(db)
		s := newSite(t, onDB(db))
		c := s.staff(t, "root", "*")
		return counter.measure(func() { c.get("/admin/lettings/letting/?q=o&address__state__exact=TX&o=3").Want(t, 200) }).queries
	}
	small, large := count(10), count(100)
	if small != large || small == 0 {
		t.Errorf("got %d queries for 10 rows and %d for 100, want the same", small, large)
	}
}

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

// The count a changelist shows and the rows it lists come from one state
// of the data, even when another editor commits between the two queries.
func TestChangelistCountAndRowsAgree(t *testing.T) {
	t.Parallel()
	db, cfg := sitetest.DBConfig(t)
	other := sitetest.Reopen(t, cfg)
	hook := &commitAfterCount{db: other}
	db.Read = db.Read.WithQueryHook(hook)
	s := newSite(t, onDB(db))
	c := s.staff(t, "boss", "*")
	res := c.get("/admin/lettings/address/").Want(t, 200)
	if hook.err != nil || !hook.done.Load() {
		t.Fatalf("got no commit between the count and the list: %v", hook.err)
	}
	rows := selectable(res)
	if said := tally(res); said != fmt.Sprintf("%d Addresses", rows) {
		t.Errorf("got the page saying %q and listing %d rows, want both from one state of the data", said, rows)
	}
}

// A search longer than anyone types is cut to a limit, never a database
// error.
func TestLongSearches(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	var words strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&words, "w%d ", i)
	}
	long := strings.Repeat("x", 60000)
	for _, q := range []string{words.String(), strings.Repeat("joshua ", 1000), long, strings.Repeat("a%_\\ ", 2000)} {
		t.Run(fmt.Sprintf("%d characters", len(q)), func(t *testing.T) {
			for _, path := range []string{"/admin/lettings/letting/", "/admin/auth/user/", "/admin/profiles/profile/", "/admin/lettings/address/", "/admin/auth/group/"} {
				res := c.get(path+"?q="+url.QueryEscape(q)).Want(t, 200)
				if got := searched(res); !strings.Contains(got, " result") {
					t.Errorf("%s: got %q, want the count of results", path, got)
				}
			}
		})
	}
	t.Run("the page shows and links what was searched for", func(t *testing.T) {
		res := c.get("/admin/lettings/letting/?o=1&q="+long).Want(t, 200)
		has(t, res, attr("#searchbar", "value", long[:models.MaxSearchLength]))
		bodyHas(t, res, `value="`+long[:models.MaxSearchLength]+`"`)
		bodyLacks(t, res, long[:models.MaxSearchLength+1])
	})
	t.Run("the cut search still finds", func(t *testing.T) {
		res := c.get("/admin/lettings/letting/?q="+url.QueryEscape("joshua "+strings.Repeat(" ", 70000))).Want(t, 200)
		if got := searched(res); got != "1 result (6 total)" {
			t.Errorf("got %q, want 1 result (6 total)", got)
		}
	})
}

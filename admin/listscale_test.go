package admin_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"oclettings/app/database"
	"oclettings/app/sitetest"
	"oclettings/bench/synthetic"
)

// scaleList is a changelist as the scale tests read it: its columns (the
// declaration's List, by count), the table it lists, and a filter's
// parameter with a value some rows hold.
type scaleList struct {
	path, table string
	columns     int
	filter      string
}

var scaleLists = []scaleList{
	{"/admin/lettings/address/", "lettings_address", 6, "state__exact=CA"},
	{"/admin/lettings/letting/", "lettings_letting", 3, "address__state__exact=CA"},
	{"/admin/profiles/profile/", "profiles_profile", 2, "favorite_city__exact=Austin"},
	{"/admin/auth/user/", "auth_user", 5, "is_staff__exact=0"},
	{"/admin/auth/group/", "auth_group", 1, ""},
}

// scaleURLs are the requests of a list whose cost must not grow with its
// rows: the default order, each column sorted either way, the filter,
// the pages either side of the middle and the last page.
func scaleURLs(t *testing.T, db *database.DB, l scaleList) []string {
	t.Helper()
	urls := []string{l.path}
	for col := 1; col <= l.columns; col++ {
		urls = append(urls, fmt.Sprintf("%s?o=%d", l.path, col), fmt.Sprintf("%s?o=-%d", l.path, col))
	}
	if l.filter != "" {
		urls = append(urls, l.path+"?"+l.filter)
	}
	var n int
	if err := db.Read.QueryRowContext(context.Background(), "SELECT count(*) FROM "+l.table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if pages := (n + 99) / 100; pages > 1 {
		urls = append(urls, fmt.Sprintf("%s?p=%d", l.path, pages/2), fmt.Sprintf("%s?p=%d", l.path, pages/2+1),
			fmt.Sprintf("%s?p=%d", l.path, pages), fmt.Sprintf("%s?o=-%d&p=%d", l.path, l.columns, pages/2+1))
	}
	return urls
}

// addListRows inserts n addresses with their lettings and n users with
// their profiles, named apart from synthetic.Populate's, with plain SQL.
func addListRows(t *testing.T, db *database.DB, n int) {
	t.Helper()
	states := []string{"CA", "TX", "OR"}
	err := db.Write.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range n {
			var address, user int64
			if err := tx.QueryRowContext(ctx, "INSERT INTO lettings_address (number, street, city, state, zip_code, country_iso_code) VALUES (?, 'Scale Street', ?, ?, 75001, 'USA') RETURNING id",
				i%100, fmt.Sprintf("Scaleton %d", i%7), states[i%len(states)]).Scan(&address); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO lettings_letting (title, address_id) VALUES (?, ?)", fmt.Sprintf("Scale Cabin %d", i%13), address); err != nil {
				return err
			}
			name := fmt.Sprintf("scale%05d", i)
			if i%50 == 0 {
				if _, err := tx.ExecContext(ctx, "INSERT INTO auth_group (name) VALUES (?)", name); err != nil {
					return err
				}
			}
			if err := tx.QueryRowContext(ctx, "INSERT INTO auth_user (password, username, username_key, first_name, date_joined) VALUES ('!', ?, ?, 'Scale', '2024-01-01 00:00:00') RETURNING id",
				name, name).Scan(&user); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO profiles_profile (user_id, favorite_city) VALUES (?, 'Austin')", user); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// touch commits a change to the content, so that the next request finds
// nothing cached: every measured request is a first one.
func touch(t *testing.T, db *database.DB) {
	t.Helper()
	if _, err := db.Write.ExecContext(context.Background(), "UPDATE lettings_address SET number = number WHERE id = (SELECT min(id) FROM lettings_address)"); err != nil {
		t.Fatal(err)
	}
}

// Each changelist request (a sort by any column, related ones included, a
// filter, a page near the middle, the last page) costs the same number of
// queries with a few hundred rows as with thousands more, uncached.
func TestChangelistCostAtScale(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	counter := counting(db)
	s := newSite(t, onDB(db))
	c := s.staff(t, "root", "*")
	addListRows(t, db, 250)
	round := func() map[string]cost {
		out := map[string]cost{}
		for _, l := range scaleLists {
			for _, u := range scaleURLs(t, db, l) {
				touch(t, db)
				out[u] = counter.measure(func() { c.get(u).Want(t, 200) })
			}
		}
		return out
	}
	few := round()
	if err := synthetic.Populate(context.Background(), db.Write, 2250); err != nil {
		t.Fatal(err)
	}
	many := round()
	// The pages' numbers differ between the rounds: compare them by place.
	byPlace := func(costs map[string]cost, l scaleList) []cost {
		var out []cost
		for _, u := range scaleURLs(t, db, l) {
			if strings.Contains(u, "p=") {
				continue
			}
			out = append(out, costs[u])
		}
		return out
	}
	for _, l := range scaleLists {
		small, large := byPlace(few, l), byPlace(many, l)
		for i, u := range scaleURLs(t, db, l) {
			if i >= len(small) {
				break
			}
			t.Logf("%s: %d queries reading %d rows, then %d reading %d", u, small[i].queries, small[i].rows, large[i].queries, large[i].rows)
			if small[i].queries == 0 || small[i].queries != large[i].queries {
				t.Errorf("%s: got %d queries with 250 rows and %d with 2,500, want the same", u, small[i].queries, large[i].queries)
			}
		}
	}
	// The deep and last pages: every one costs what the first does.
	for _, costs := range []map[string]cost{few, many} {
		for u, got := range costs {
			if !strings.Contains(u, "p=") {
				continue
			}
			path, _, _ := strings.Cut(u, "?")
			first := costs[path]
			if sort, _, found := strings.Cut(strings.TrimPrefix(u, path+"?"), "&p="); found {
				first = costs[path+"?"+sort]
			}
			t.Logf("%s: %d queries reading %d rows", u, got.queries, got.rows)
			if got.queries != first.queries {
				t.Errorf("%s: got %d queries, want the first page's %d", u, got.queries, first.queries)
			}
		}
	}
}

// sortsRows reports whether the plan sorts rows rather than reading them in
// an index's order.
func sortsRows(kind, plan string) bool {
	if kind == "postgres" {
		return strings.Contains(plan, "Sort  (") || strings.Contains(plan, "Sort Key")
	}
	return strings.Contains(plan, "TEMP B-TREE")
}

// readsIndex reports whether the plan reads one of the list's indexes.
func readsIndex(kind, plan string) bool {
	if kind == "postgres" {
		return strings.Contains(plan, "Index Scan") || strings.Contains(plan, "Index Only Scan")
	}
	return strings.Contains(plan, "USING INDEX") || strings.Contains(plan, "USING COVERING INDEX")
}

// The query that reads a changelist's page (a sort by any column, related
// ones included, a page past the middle, the last page) reads it in an
// index's order, never sorting the rows; the filter's count finds its rows
// in an index. The queries are the ones the changelist runs, recorded on
// their way to the database.
func TestChangelistPagesReadFromIndexes(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	recorder := sitetest.RecordQueries(db)
	s := newSite(t, onDB(db))
	c := s.staff(t, "root", "*")
	addListRows(t, db, 100)
	if err := synthetic.Populate(context.Background(), db.Write, 2400); err != nil {
		t.Fatal(err)
	}
	sitetest.Analyze(t, db, "lettings_address", "lettings_letting", "profiles_profile", "auth_user")
	for _, l := range scaleLists {
		for _, u := range scaleURLs(t, db, l) {
			touch(t, db)
			recorder.Take()
			c.get(u).Want(t, 200)
			queries := recorder.Take()
			var page []string
			for _, q := range queries {
				if strings.Contains(q, " ORDER BY ") && strings.Contains(q, " LIMIT ") {
					page = append(page, q)
				}
			}
			if len(page) != 1 {
				t.Errorf("%s: got %d queries reading a page in order, want 1: %q", u, len(page), page)
				continue
			}
			if l.filter != "" && strings.HasSuffix(u, l.filter) {
				// Sorted by its own column, the filter's rows are sorted:
				// what must not read the table is its count.
				for _, q := range queries {
					if strings.HasPrefix(q, "SELECT count(*)") && strings.Contains(q, " WHERE ") {
						if p := sitetest.Plan(t, db, q, "enable_sort = off"); !readsIndex(db.Kind, p) {
							t.Errorf("%s: the filter's count reads no index:\n%s\n%s", u, q, p)
						}
					}
				}
				continue
			}
			p := sitetest.Plan(t, db, page[0], "enable_sort = off")
			if sortsRows(db.Kind, p) {
				t.Errorf("%s: the page's query sorts its rows:\n%s\n%s", u, page[0], p)
			}
			// A list in the order of its primary key reads the table
			// itself in that order (SQLite's rowid).
			if !readsIndex(db.Kind, p) && !(db.Kind != "postgres" && !strings.Contains(p, "TEMP") && strings.HasPrefix(p, "SCAN")) {
				t.Errorf("%s: the page's query reads no index:\n%s\n%s", u, page[0], p)
			}
		}
	}
}

package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/bench/synthetic"
)

// dateURLs are the users changelist's requests whose date hierarchy bar
// must cost the same at any size: each level of the bar, with a search
// and a filter narrowing the list.
var dateURLs = []string{
	"/admin/auth/user/",
	"/admin/auth/user/?date_joined__year=2024",
	"/admin/auth/user/?date_joined__year=2024&date_joined__month=1",
	"/admin/auth/user/?date_joined__year=2024&date_joined__month=1&date_joined__day=1",
	"/admin/auth/user/?date_joined__year=2019",
	"/admin/auth/user/?is_staff__exact=0",
	"/admin/auth/user/?is_staff__exact=0&date_joined__year=2024",
	"/admin/auth/user/?q=scale0001",
}

// spreadDates moves some users' date joined away from the 2024-01-01 the
// synthetic rows share, so that the bar offers several years, months and
// days: every user to 2024-01-01 first, written as the models write a
// moment, then every seventh to 2019, every eleventh to June 2024, every
// thirteenth to January 20th, every seventeenth to 2021. The same users
// by id keep the same dates whatever rows follow them.
func spreadDates(t *testing.T, db *database.DB) {
	t.Helper()
	for _, s := range []struct {
		every int
		at    time.Time
	}{
		{1, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{7, time.Date(2019, 3, 5, 10, 0, 0, 0, time.UTC)},
		{11, time.Date(2024, 6, 14, 9, 0, 0, 0, time.UTC)},
		{13, time.Date(2024, 1, 20, 12, 0, 0, 0, time.UTC)},
		{17, time.Date(2021, 11, 2, 8, 0, 0, 0, time.UTC)},
	} {
		if _, err := db.Write.NewUpdate().Model((*models.User)(nil)).Set("date_joined = ?", s.at).
			Where("id % ? = 0", s.every).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// dateBarText is the bar as a visitor reads it.
func dateBarText(res *sitetest.Response) string {
	return strings.Join(res.Texts("#date-hierarchy li"), " | ")
}

// The users changelist, rendered afresh, costs the same number of
// queries with a few users as with thousands more, at every level of its
// date hierarchy, filtered and searched, and offers the same dates.
func TestDateHierarchyCostAtScale(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	counter := counting(db)
	s := newSite(t, onDB(db))
	c := s.staff(t, "root", "*")
	addListRows(t, db, 50)
	spreadDates(t, db)
	type seen struct {
		cost cost
		bar  string
	}
	round := func() map[string]seen {
		out := map[string]seen{}
		for _, u := range dateURLs {
			touch(t, db)
			var res *sitetest.Response
			got := counter.measure(func() { res = c.get(u).Want(t, http.StatusOK) })
			out[u] = seen{got, dateBarText(res)}
		}
		return out
	}
	few := round()
	if err := synthetic.Populate(context.Background(), db.Write, 2000); err != nil {
		t.Fatal(err)
	}
	spreadDates(t, db)
	many := round()
	mustExec(t, db, "INSERT INTO auth_user (password, username, username_key, first_name, last_name, email, is_staff, is_active, is_superuser, date_joined) "+
		"SELECT password, 'more' || username, 'more' || username_key, first_name, last_name, email, is_staff, is_active, is_superuser, date_joined FROM auth_user WHERE username LIKE 'member%'")
	more := round()
	for _, u := range dateURLs {
		small, large, larger := few[u], many[u], more[u]
		t.Logf("%s: %d queries, then %d, then %d; bar %q", u, small.cost.queries, large.cost.queries, larger.cost.queries, larger.bar)
		if small.cost.queries == 0 || small.cost.queries != large.cost.queries || large.cost.queries != larger.cost.queries {
			t.Errorf("%s: got %d queries with a few users, %d with 2,000 more, %d with 4,000 more; want the same",
				u, small.cost.queries, large.cost.queries, larger.cost.queries)
		}
		if small.bar != large.bar || large.bar != larger.bar {
			t.Errorf("%s: got the bars %q, %q and %q as the users grew, want the same", u, small.bar, large.bar, larger.bar)
		}
	}
	for u, want := range map[string]string{
		"/admin/auth/user/":                                             "2019 | 2021 | 2024",
		"/admin/auth/user/?is_staff__exact=0":                           "2019 | 2021 | 2024",
		"/admin/auth/user/?date_joined__year=2024":                      "‹ All dates | January 2024 | June 2024",
		"/admin/auth/user/?date_joined__year=2024&date_joined__month=1": "‹ 2024 | January 1 | January 20",
		"/admin/auth/user/?date_joined__year=2019":                      "‹ All dates | March 2019",
	} {
		if got := more[u].bar; got != want {
			t.Errorf("%s: got the bar %q, want %q", u, got, want)
		}
	}
}

// barStatement says whether a statement is one of the date hierarchy
// bar's: the first or last date of the list, whether stretches of time
// hold rows (the old bar's, and a search's, read the list as a subquery
// named dates).
func barStatement(q string) bool {
	return strings.Contains(q, "EXISTS (") || strings.Contains(q, `min("`) || strings.Contains(q, `max("`) ||
		strings.Contains(q, "AS dates") || strings.Contains(q, `AS "dates"`)
}

// The date hierarchy bar's statements seek their dates in the index on
// date_joined: none reads the users table, or an index of it, whole. A
// search's take the search's own way to its rows, its index.
func TestDateHierarchyReadsIndex(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	addListRows(t, db, 50)
	if err := synthetic.Populate(context.Background(), db.Write, 5000); err != nil {
		t.Fatal(err)
	}
	spreadDates(t, db)
	sitetest.Analyze(t, db, "auth_user", "profiles_profile")
	queries := sitetest.RecordQueries(db)
	s := newSite(t, onDB(db))
	c := s.staff(t, "root", "*")
	for _, u := range dateURLs {
		t.Run(u, func(t *testing.T) {
			touch(t, db)
			queries.Take()
			c.get(u).Want(t, http.StatusOK)
			var bar int
			for _, q := range queries.Take() {
				if !barStatement(q) {
					continue
				}
				bar++
				plan := sitetest.Plan(t, db, q)
				// Whether a filtered list has more than a thousand rows
				// is asked of the list's own query.
				anyIndex := strings.Contains(u, "q=") || strings.Contains(q, "OFFSET 1000")
				if db.Kind == "postgres" {
					if strings.Contains(plan, "Seq Scan") || (!anyIndex && !strings.Contains(plan, "auth_user_date_joined_id")) {
						t.Errorf("the bar's statement reads no index on date_joined:\n%s\n%s", q, plan)
					}
					continue
				}
				if sqliteFullScan.MatchString(plan) || (!anyIndex && !strings.Contains(plan, "INDEX auth_user_date_joined_id")) {
					t.Errorf("the bar's statement reads no index on date_joined:\n%s\n%s", q, plan)
				}
			}
			if bar == 0 && !strings.Contains(u, "__day=") { // a day's bar shows that day alone
				t.Error("got no statement of the date hierarchy bar")
			}
		})
	}
}

// A filtered or searched list spanning the years up to 9999 offers the
// same dates as the whole list does, in a zone behind UTC: the years
// holding its rows, skipped through rather than asked one by one.
func TestDateHierarchyNarrowedYearEdges(t *testing.T) {
	t.Parallel()
	s := newSite(t, onDB(sitetest.EmptyDB(t)), withVars("TIME_ZONE", "America/New_York"))
	s.user(t, models.User{Username: "root", IsStaff: true, IsSuperuser: true, IsActive: true,
		DateJoined: time.Date(1990, 6, 14, 12, 0, 0, 0, time.UTC)})
	joined(t, s, "middle", time.Date(2020, 6, 14, 12, 0, 0, 0, time.UTC))
	joined(t, s, "dusk", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC))
	c := s.signedIn(t, "root")
	for _, tt := range []struct{ query, want string }{
		{"", "1990 | 2020 | 9999"},
		{"?is_staff__exact=0", "2020 | 9999"},
		{"?q=d", "2020 | 9999"}, // middle, dusk
		{"?q=dusk", "‹ 9999 | December 31"},
		{"?is_staff__exact=1&q=o", "‹ 1990 | June 14"},
		{"?is_staff__exact=0&date_joined__year=9999", "‹ All dates | December 9999"},
	} {
		if got := dateBarText(c.get("/admin/auth/user/"+tt.query).Want(t, http.StatusOK)); got != tt.want {
			t.Errorf("%s: got the bar %q, want %q", tt.query, got, tt.want)
		}
	}
}

package admin_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"oclettings/app/database"
	"oclettings/app/sitetest"
	"oclettings/bench/synthetic"
)

// Every search box of the admin (each model's changelist and the
// autocomplete) looks its terms up in the search indexes of the tables it
// searches, on both databases: the plan of every statement that searches
// uses the index of each table named, and reads no table whole.
func TestSearchesUseTheIndexes(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	// PostgreSQL weighs a search's indexes against reading the table in
	// its key's order: at a thousand rows that read is the cheaper (the
	// planner is right), at five thousand the indexes are, as at 100,000.
	rows := 1000
	if db.Kind == "postgres" {
		rows = 5000
	}
	if err := synthetic.Populate(context.Background(), db.Write, rows); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, "INSERT INTO auth_group (name) SELECT 'Group ' || username FROM auth_user")
	sitetest.Analyze(t, db, "lettings_address", "lettings_letting", "auth_user", "auth_group", "profiles_profile")
	queries := sitetest.RecordQueries(db)
	s := newSite(t, onDB(db))
	c := s.staff(t, "root", "*")
	for _, tt := range []struct {
		path   string
		tables []string // whose indexes the search looks in
	}{
		// Terms a few rows hold, as a search for one object is: for a
		// term most rows hold, reading in the list's order until a page
		// is full is the better plan, and PostgreSQL takes it.
		{"/admin/lettings/address/?q=10421", []string{"lettings_address"}},
		{"/admin/lettings/letting/?q=No.+421", []string{"lettings_letting", "lettings_address"}},
		{"/admin/profiles/profile/?q=member000421", []string{"auth_user", "profiles_profile"}},
		{"/admin/auth/user/?q=member000421", []string{"auth_user"}},
		{"/admin/auth/group/?q=member000421", []string{"auth_group"}},
		{"/admin/autocomplete/?term=10421&app_label=lettings&model_name=letting&field_name=address", []string{"lettings_address"}},
	} {
		t.Run(tt.path, func(t *testing.T) {
			queries.Take()
			c.get(tt.path).Want(t, http.StatusOK)
			var searches int
			for _, q := range queries.Take() {
				if !strings.Contains(q, " MATCH ") && !strings.Contains(q, " ILIKE ") {
					continue
				}
				searches++
				checkSearchPlan(t, db, q, tt.tables)
			}
			if searches == 0 {
				t.Error("got no statement that searches")
			}
		})
	}
}

// sqliteFullScan is a step of SQLite's plan that reads a table or an
// index whole (a SEARCH step looks rows up; a SCAN of a virtual table is
// the FTS5 index's own lookup).
var sqliteFullScan = regexp.MustCompile(`(?m)^SCAN (\w+)(?: USING (?:COVERING )?INDEX \w+)?$`)

func checkSearchPlan(t *testing.T, db *database.DB, query string, tables []string) {
	t.Helper()
	plan := sitetest.Plan(t, db, query)
	for _, table := range tables {
		want := regexp.MustCompile(`SCAN ` + database.SearchTable(table) + ` VIRTUAL TABLE INDEX \d+:M`)
		if db.Kind == "postgres" {
			want = regexp.MustCompile(`Bitmap Index Scan on ` + table + `_\w+_search`)
		}
		if !want.MatchString(plan) {
			t.Errorf("the plan of\n%s\ndoes not look in the search index of %s:\n%s", query, table, plan)
		}
	}
	full := sqliteFullScan.FindAllString(plan, -1)
	if db.Kind == "postgres" {
		full = regexp.MustCompile(`Seq Scan on \w+`).FindAllString(plan, -1)
	}
	if len(full) > 0 {
		t.Errorf("the plan of\n%s\nreads whole tables (%s):\n%s", query, strings.Join(full, "; "), plan)
	}
}

package public_test

import (
	"context"
	"testing"

	"oclettings/app/sitetest"
	"oclettings/bench/synthetic"
)

// The public pages cost the same statements, rendered afresh (the first
// request after a commit), with 6 lettings and with a thousand more: the
// search, the list and its deep pages read what they show, never a row
// at a time. (What each statement reads is the search's index:
// app/models' TestSearchUsesTheIndexes.)
func TestPublicPagesCostDoesNotGrowWithRows(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	queries := sitetest.RecordQueries(db)
	c := sitetest.NewClient(t, newHandler(t, db, nil))
	paths := []string{"/lettings/", "/lettings/?q=oceanview", "/lettings/?q=retreat+CA", "/profiles/"}
	// cost is the number of statements each page runs when a change has
	// just been committed, so nothing of it is cached.
	cost := func(paths ...string) map[string]int {
		out := map[string]int{}
		for _, path := range paths {
			if _, err := db.Write.ExecContext(context.Background(), "UPDATE lettings_letting SET title = title WHERE id = (SELECT min(id) FROM lettings_letting)"); err != nil {
				t.Fatal(err)
			}
			waitPastPoll()
			queries.Take()
			c.Get(path).Want(t, 200)
			out[path] = len(queries.Take())
		}
		return out
	}
	small := cost(paths...)
	if err := synthetic.Populate(context.Background(), db.Write, 1000); err != nil {
		t.Fatal(err)
	}
	// The last pages of the lists, which only the larger site has, cost
	// what their first pages cost.
	deep := map[string]string{"/lettings/?page=51": "/lettings/", "/profiles/?page=51": "/profiles/"}
	large := cost(append(paths, "/lettings/?page=51", "/profiles/?page=51")...)
	for _, path := range paths {
		if small[path] == 0 || large[path] != small[path] {
			t.Errorf("%s: %d statements with 6 lettings, %d with 1,006; want the same, and some", path, small[path], large[path])
		}
	}
	for path, first := range deep {
		if large[path] != large[first] {
			t.Errorf("%s: %d statements, against %d for %s", path, large[path], large[first], first)
		}
	}
}

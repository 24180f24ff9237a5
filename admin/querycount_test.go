package admin_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"oclettings/admin"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// queryCounter counts the statements run on a database handle, and the
// rows its SELECTs read (bun reports the rows a scan read as the result's
// rows affected). It leaves out transaction control and the session
// store's statements: those depend on when the store judges its copy of a
// session stale, not on what the request does.
type queryCounter struct{ queries, rows atomic.Int64 }

func (c *queryCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (c *queryCounter) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	query := strings.TrimSpace(e.Query)
	verb, _, _ := strings.Cut(query, " ")
	verb = strings.ToUpper(verb)
	if verb == "BEGIN" || verb == "COMMIT" || verb == "ROLLBACK" || strings.Contains(query, `"sessions"`) {
		return
	}
	c.queries.Add(1)
	if e.Result == nil || (verb != "SELECT" && verb != "WITH") {
		return
	}
	if n, err := e.Result.RowsAffected(); err == nil {
		c.rows.Add(n)
	}
}

// counting puts a counter on both of db's pools, before a site is built
// on it.
func counting(db *database.DB) *queryCounter {
	c := &queryCounter{}
	db.Read = db.Read.WithQueryHook(c)
	db.Write = db.Write.WithQueryHook(c)
	return c
}

// cost is what one request cost the database.
type cost struct{ queries, rows int64 }

func (c *queryCounter) measure(do func()) cost {
	c.queries.Store(0)
	c.rows.Store(0)
	do()
	return cost{c.queries.Load(), c.rows.Load()}
}

// addRelatedRows inserts n addresses, n users and n groups with plain
// SQL, in one transaction: rows no letting, profile or user the tests save
// uses, which no form or save of one should read.
func addRelatedRows(t *testing.T, db *database.DB, n int) {
	t.Helper()
	err := db.Write.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range n {
			if _, err := tx.ExecContext(ctx, "INSERT INTO lettings_address (number, street, city, state, zip_code, country_iso_code) VALUES (?, 'Filler Street', 'Fillerton', 'TX', 75001, 'USA')", i+1); err != nil {
				return err
			}
			name := fmt.Sprintf("filler%05d", i)
			if _, err := tx.ExecContext(ctx, "INSERT INTO auth_user (password, username, username_key, date_joined) VALUES ('!', ?, ?, CURRENT_TIMESTAMP)", name, name); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO auth_group (name) VALUES (?)", name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// firstID is the smallest id of table.
func firstID(t *testing.T, db *database.DB, table string) int64 {
	t.Helper()
	var id int64
	if err := db.Read.QueryRowContext(context.Background(), "SELECT min(id) FROM "+table).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A letting's, a profile's or a user's change form and its save cost the
// same queries, reading the same rows, whatever the number of addresses,
// users and groups: a save checks and labels the related objects it names
// (the history's old and new values) by looking up their ids, never by
// listing a table (at 100,000 addresses, a listing read 200,000 rows a
// letting save). With Autocomplete (the declared admin) the forms do not
// list the table either; a plain select lists it, by nature, so there only
// the saves are counted.
func TestChangeFormsAndSavesDoNotGrowWithRelatedRows(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		build func(admin.Config) (*admin.Site, error)
		forms bool
	}{
		{"autocomplete", admin.New, true},
		{"plain selects", admin.NewWithPlainSelects, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := sitetest.DB(t)
			counter := counting(db)
			s := newSite(t, onDB(db), withAdmin(tt.build))
			c := s.staff(t, "root", "*")
			member := firstID(t, db, "auth_user")
			// The user saved is in two groups and holds one permission
			// of their own, which the history names.
			for _, q := range []string{
				"INSERT INTO auth_group (name) VALUES ('Editors'), ('Readers'), ('Unused')",
				fmt.Sprintf("INSERT INTO auth_user_groups (user_id, group_id) SELECT %d, id FROM auth_group WHERE name IN ('Editors', 'Readers')", member),
				fmt.Sprintf("INSERT INTO auth_user_user_permissions (user_id, permission_id) SELECT %d, min(id) FROM auth_permission", member),
			} {
				if _, err := db.Write.ExecContext(context.Background(), q); err != nil {
					t.Fatal(err)
				}
			}
			pages := []struct{ name, path, field, list string }{
				{"letting", fmt.Sprintf("/admin/lettings/letting/%d/change/", firstID(t, db, "lettings_letting")), "title", "/admin/lettings/letting/"},
				{"profile", fmt.Sprintf("/admin/profiles/profile/%d/change/", firstID(t, db, "profiles_profile")), "favorite_city", "/admin/profiles/profile/"},
				{"user", userChangePath(member), "first_name", "/admin/auth/user/"},
			}
			// Each round changes what it saves, so that both rounds write
			// and log alike, and reads the message the save left, so that
			// no request of the next round has one to take from the session.
			round := func(n int) map[string]cost {
				out := map[string]cost{}
				for _, p := range pages {
					if tt.forms && p.name != "user" {
						out["GET the "+p.name+"'s change form"] = counter.measure(func() { c.get(p.path).Want(t, 200) })
					}
					form := with(pageForm(t, c.get(p.path)), url.Values{p.field: {fmt.Sprintf("Round %d", n)}, "_save": {"Save"}})
					out["POST the "+p.name+"'s change form"] = counter.measure(func() { redirect(t, c.post(p.path, form), p.list) })
					c.get(p.list).Want(t, 200)
				}
				return out
			}
			few := round(1)
			addRelatedRows(t, db, 2000)
			many := round(2)
			for op, small := range few {
				large := many[op]
				t.Logf("%s: %d queries and %d rows read, then %d and %d", op, small.queries, small.rows, large.queries, large.rows)
				if small.queries == 0 || large.queries != small.queries {
					t.Errorf("%s: got %d queries with the seeded rows and %d with 2,000 more addresses, users and groups, want the same", op, small.queries, large.queries)
				}
				if large.rows != small.rows {
					t.Errorf("%s: got %d rows read with the seeded rows and %d with 2,000 more addresses, users and groups, want the same", op, small.rows, large.rows)
				}
			}
		})
	}
}

// The history of a save names the related objects it looked up by id as
// their models name them, and a multi-select still refuses what is not
// one of its choices, written as its choices write ids or not.
func TestSavesNameRelatedObjectsLookedUpByID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newSite(t, withAdmin(admin.NewWithPlainSelects))
	c := s.staff(t, "root", "*")
	db := s.DB
	if _, err := db.Write.ExecContext(ctx, "INSERT INTO lettings_address (number, street, city, state, zip_code, country_iso_code) VALUES (7, 'Label Street', 'Labelton', 'TX', 75001, 'USA')"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.ExecContext(ctx, "INSERT INTO auth_group (name) VALUES ('Editors & <friends>'), ('Readers')"); err != nil {
		t.Fatal(err)
	}
	lastChanges := func(t *testing.T, model string, id int64) []models.FieldChange {
		t.Helper()
		app := map[string]string{"letting": "lettings", "user": "auth"}[model]
		entries, err := models.ObjectHistory(ctx, db.Read, app, model, fmt.Sprint(id))
		if err != nil || len(entries) == 0 {
			t.Fatalf("got %d entries (%v), want one at least", len(entries), err)
		}
		return entries[len(entries)-1].Changes
	}

	t.Run("a letting's address", func(t *testing.T) {
		letting, err := models.Get[models.Letting](ctx, db.Read, firstID(t, db, "lettings_letting"))
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/admin/lettings/letting/%d/change/", letting.ID)
		newAddress := fmt.Sprint(firstID(t, db, "lettings_address WHERE street = 'Label Street'"))
		redirect(t, c.post(path, with(pageForm(t, c.get(path)), url.Values{"address": {newAddress}, "_save": {"Save"}})), "/admin/lettings/letting/")
		got := lastChanges(t, "letting", letting.ID)
		if len(got) != 1 || got[0].Field != "Address" || got[0].Old != letting.Address.String() || got[0].New != "7 Label Street" {
			t.Errorf("got changes %+v, want Address from %q to 7 Label Street", got, letting.Address.String())
		}
	})

	t.Run("a user's groups and permissions", func(t *testing.T) {
		member := firstID(t, db, "auth_user")
		path := userChangePath(member)
		editors := fmt.Sprint(firstID(t, db, "auth_group WHERE name = 'Editors & <friends>'"))
		perm, err := models.GetPermission(ctx, db.Read, "lettings", "add_letting")
		if err != nil {
			t.Fatal(err)
		}
		form := pageForm(t, c.get(path))
		for _, bad := range []string{"0" + editors, "+" + editors, "99999", "x"} {
			res := c.post(path, with(form, url.Values{"groups": {editors, bad}, "_save": {"Save"}})).Want(t, 200)
			has(t, res, el(".field-groups .errorlist li", fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", bad)))
		}
		redirect(t, c.post(path, with(form, url.Values{"groups": {editors}, "user_permissions": {fmt.Sprint(perm.ID)}, "_save": {"Save"}})), "/admin/auth/user/")
		want := []models.FieldChange{
			{Field: "Groups", New: "Editors & <friends>"},
			{Field: "User permissions", New: "Lettings | letting | Can add letting"},
		}
		if got := lastChanges(t, "user", member); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got changes %+v, want %+v", got, want)
		}
	})
}

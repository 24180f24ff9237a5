package main

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oclettings/app/djangoimport/djangotest"
	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

func TestImportDjangoIntoAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	for _, schema := range []string{djangotest.Original, djangotest.Refactored} {
		t.Run(schema, func(t *testing.T) {
			t.Parallel()
			path, _ := djangotest.Site(t, schema)
			vars := siteEnv(t)
			r := app(t, vars, "", "import-django", path)
			r.want(t, exitOK, "a Django database in the "+schema+" schema",
				"auth_user                           3        3        0        0",
				"lettings_letting                    3        3        0        0",
				"auth_user_user_permissions          2        1        0        1",
				"admin_logentry                      5        4        0        1",
				"Left out, as this site has no such permission: admin.view_logentry.",
				"Imported 19 records into an empty database, each with its Django id")

			db := openSite(t, vars)
			ctx := context.Background()
			l, err := models.GetLetting(ctx, db.Read, 11)
			if err != nil || l.Title != "Laguna Beach Loft" || l.AddressID != 9 {
				t.Errorf("got letting 11 = %+v (%v), want the Laguna Beach Loft at address 9", l, err)
			}
			p, err := models.GetProfileByUsername(ctx, db.Read, "AirWow")
			if err != nil || p.ID != 7 || p.FavoriteCity != "Budapest" {
				t.Errorf("got %+v (%v), want profile 7 in Budapest", p, err)
			}
			editor, err := models.GetUserByUsername(ctx, db.Read, "editor")
			if err != nil || editor.ID != 2 || !editor.IsStaff || editor.FirstName != "Eddie" || !editor.LastLogin.IsZero() {
				t.Errorf("got %+v (%v), want the editor as on the Django site", editor, err)
			}
			history, err := models.ObjectHistory(ctx, db.Read, "lettings", "letting", "11")
			if err != nil || len(history) != 2 || history[1].ChangeMessage != "Changed Title and Address." || history[1].UserID != 2 {
				t.Errorf("got %+v (%v), want the letting's two entries, the change worded as Django words it", history, err)
			}
			deleted, err := models.ObjectHistory(ctx, db.Read, "auth", "user", "8")
			if err != nil || len(deleted) != 1 || deleted[0].ChangeMessage != "Deleted." {
				t.Errorf("got %+v (%v), want the deletion of a user no longer there", deleted, err)
			}

			// A record added after the import gets a new id, on either database.
			a := &models.Address{Number: 1, Street: "New Street", City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
			if err := models.CreateAddress(ctx, db.Write, a); err != nil || a.ID != 10 {
				t.Errorf("got a new address with id %d (%v), want 10", a.ID, err)
			}

			t.Run("the staff sign in with their Django passwords", func(t *testing.T) {
				s := adminSiteOn(t, db)
				b := s.browser()
				b.login("editor", djangotest.EditorPassword).redirect(t, "/admin/")
				// The group's and the user's own permissions came with them.
				b.get("/admin/lettings/letting/11/change/").want(t, 200, `name="title"`)
				b.get("/admin/profiles/profile/7/change/").want(t, 200, "View profile")
				b.get("/admin/lettings/letting/11/history/").want(t, 200, "Changed Title and Address.")
				got, _ := models.GetUser(ctx, db.Read, 2)
				if !strings.HasPrefix(got.Password, "argon2$argon2id$") {
					t.Errorf("got %q, want the hash upgraded to Argon2id by the login", got.Password)
				}
				s.browser().login("admin", djangotest.AdminPassword).redirect(t, "/admin/")
			})
			t.Run("twice adds nothing", func(t *testing.T) {
				r := app(t, vars, "", "import-django", path)
				r.want(t, exitOK, "lettings_letting                    3        0        3        0",
					"admin_logentry                      5        0        4        1",
					"Nothing to import: every record is here already.")
				wantRows(t, db, "auth_user", 3, "the users of the first import")
			})
		})
	}
}

func TestImportDjangoMergesWithExistingData(t *testing.T) {
	t.Parallel()
	path, _ := djangotest.Site(t, djangotest.Refactored)
	vars := siteEnv(t)
	app(t, vars, "", "migrate").want(t, exitOK, "Loaded reference data") // six lettings, four members
	db := openSite(t, vars)

	r := app(t, vars, "", "import-django", path)
	r.want(t, exitOK,
		"auth_user                           3        2        1        0", // AirWow is a member already
		"lettings_address                    3        1        2        0",
		"lettings_letting                    3        1        2        0",
		"profiles_profile                    1        0        1        0",
		"Imported ", "the records already here were kept and new ones numbered after them")
	wantRows(t, db, "lettings_letting", 7, "the 6 of the reference data and the new one")
	ctx := context.Background()
	ls, err := models.ListLettings(ctx, db.Read, "Laguna", 10, 0)
	if err != nil || len(ls) != 1 || ls[0].ID != 7 {
		t.Fatalf("got %+v (%v), want the new letting numbered after the others", ls, err)
	}
	history, err := models.ObjectHistory(ctx, db.Read, "lettings", "letting", "7")
	if err != nil || len(history) != 2 {
		t.Errorf("got %+v (%v), want the letting's history under its new id", history, err)
	}
	// The reference data's AirWow had no usable password; the Django one came over.
	u, _ := models.GetUserByUsername(ctx, db.Read, "AirWow")
	if !strings.HasPrefix(u.Password, "pbkdf2_sha256$") {
		t.Errorf("got %q, want the member's Django password", u.Password)
	}
	app(t, vars, "", "import-django", path).want(t, exitOK, "Nothing to import")
}

func TestImportDjangoInvalidRows(t *testing.T) {
	t.Parallel()
	path, django := djangotest.Site(t, djangotest.Original)
	if _, err := django.Exec(`UPDATE oc_lettings_site_address SET state = 'Georgia' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	if _, err := django.Exec(`INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
		VALUES (12, 'x', 0, 'ADMIN', '', '', '', 0, 1, '2022-01-01 00:00:00')`); err != nil {
		t.Fatal(err)
	}
	vars := siteEnv(t)
	app(t, vars, "", "migrate", "--no-seed").want(t, exitOK)
	db := openSite(t, vars)

	r := app(t, vars, "", "import-django", path)
	r.want(t, exitFailure, "auth_user id 12: username: A user with that username already exists. (user 1 differs only in case)",
		"oc_lettings_site_address id 2: state: Ensure this value has at most 2 characters (it has 7).",
		"oc_lettings_site_letting id 3: address: address 2 was not imported",
		"3 invalid rows; nothing was changed")
	for _, table := range []string{"auth_user", "lettings_address", "lettings_letting", "admin_logentry"} {
		wantRows(t, db, table, 0, "none after a refused import")
	}

	r = app(t, vars, "", "import-django", "--skip-invalid", path)
	r.want(t, exitOK, "Left out, as invalid (--skip-invalid):", "  oc_lettings_site_address id 2: state:",
		"lettings_letting                    3        2        0        1")
	wantRows(t, db, "lettings_letting", 2, "the 2 valid ones")
}

func TestImportDjangoDryRun(t *testing.T) {
	t.Parallel()
	path, _ := djangotest.Site(t, djangotest.Refactored)
	vars := siteEnv(t)
	app(t, vars, "", "import-django", "--dry-run", path).want(t, exitOK, "Imported 19 records", "Dry run: nothing was changed.")
	wantRows(t, openSite(t, vars), "auth_user", 0, "none after a dry run")
}

func TestImportDjangoShowsProgressOnLargeFiles(t *testing.T) {
	t.Parallel()
	path, django := djangotest.Site(t, djangotest.Refactored)
	djangotest.AddLettings(t, django, 6000, false)
	r := app(t, siteEnv(t), "", "import-django", "--dry-run", path)
	r.want(t, exitOK, "lettings_address                 6003     6003")
	if !strings.Contains(r.stderr, "lettings_address: 1000 of 6003 rows") || !strings.Contains(r.stderr, "lettings_address: 6003 of 6003 rows") {
		t.Errorf("got stderr %q, want progress every tenth of the way", r.stderr)
	}
}

func TestImportDjangoRefusesOtherFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sqliteFile := func(name string, ddl string) string {
		p := filepath.Join(dir, name)
		db, err := sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, path string
		want       []string
	}{
		{"text file", write("notes.txt", []byte(strings.Repeat("not a database\n", 100))), []string{"not a Django database of OC Lettings", "not an SQLite database"}},
		{"empty SQLite file", write("empty.sqlite3", nil), []string{"not a Django database of OC Lettings", "holds no tables"}},
		{"another app's database", sqliteFile("shop.sqlite3", "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT)"),
			[]string{"has none of the tables lettings_address, lettings_letting, profiles_profile or oc_lettings_site_address"}},
		{"a missing table", write("partial.sqlite3", djangotest.File(t, djangotest.Refactored, "DROP TABLE django_admin_log")), []string{"looks like the refactored schema", "the table django_admin_log is missing"}},
		{"no such file", filepath.Join(dir, "absent.sqlite3"), []string{"absent.sqlite3 does not exist"}},
		{"a directory", dir, []string{"is a directory"}},
	}
	vars := siteEnv(t)
	app(t, vars, "", "migrate").want(t, exitOK)
	db := openSite(t, vars)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := app(t, vars, "", "import-django", c.path)
			r.want(t, exitFailure, c.want...)
			wantRows(t, db, "auth_user", 4, "the 4 of the reference data unchanged")
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.sqlite3")); !os.IsNotExist(err) {
		t.Error("got a file created by the import, want none")
	}
	app(t, vars, "", "import-django").want(t, exitUsage, "exactly one PATH")
}

// The real databases of the Django site, beside the checkout (never in it).
func TestImportDjangoReferenceDatabases(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"django-original-schema.sqlite3", "django-refactored-schema.sqlite3"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join("..", "..", "..", "shared", "reference", name)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s is not beside the checkout", path)
			}
			vars := siteEnv(t)
			app(t, vars, "", "import-django", path).want(t, exitOK,
				"auth_user                           5        5", "lettings_letting                    6        6",
				"profiles_profile                    4        4")
			db := openSite(t, vars)
			s := adminSiteOn(t, db)
			s.browser().login("admin", "Abc1234!").redirect(t, "/admin/")
			if n := count(t, db, "admin_logentry"); n < 25 {
				t.Errorf("got %d history entries, want the Django site's", n)
			}
			app(t, vars, "", "migrate").want(t, exitOK, "Reference data: every record is here already")
		})
	}
}

func BenchmarkImportDjango50000Lettings(b *testing.B) {
	path, django := djangotest.Site(b, djangotest.Refactored)
	djangotest.AddLettings(b, django, 50000, true)
	for b.Loop() {
		b.StopTimer()
		cfg := testdb.Config(b)
		db := testdb.OpenConfig(b, cfg)
		_ = db.Close()
		vars := map[string]string{"DATABASE_URL": cfg.URL}
		b.StartTimer()
		code := run(context.Background(), []string{"import-django", path}, &env{
			stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
			getenv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		})
		if code != exitOK {
			b.Fatalf("got exit %d", code)
		}
	}
}

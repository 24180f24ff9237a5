package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/pbkdf2"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// djangoSchema is the DDL Django wrote for the site; {lettings} and
// {profiles} are the app labels of its models' tables.
const djangoSchema = `
CREATE TABLE "django_content_type" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app_label" varchar(100) NOT NULL, "model" varchar(100) NOT NULL);
CREATE TABLE "auth_permission" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "content_type_id" integer NOT NULL REFERENCES "django_content_type" ("id") DEFERRABLE INITIALLY DEFERRED, "codename" varchar(100) NOT NULL, "name" varchar(255) NOT NULL);
CREATE TABLE "auth_group" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(150) NOT NULL UNIQUE);
CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "first_name" varchar(30) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL, "last_name" varchar(150) NOT NULL);
CREATE TABLE "auth_group_permissions" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "group_id" integer NOT NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED, "permission_id" integer NOT NULL REFERENCES "auth_permission" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "auth_user_groups" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "group_id" integer NOT NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "auth_user_user_permissions" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "permission_id" integer NOT NULL REFERENCES "auth_permission" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "django_admin_log" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "action_time" datetime NOT NULL, "object_id" text NULL, "object_repr" varchar(200) NOT NULL, "change_message" text NOT NULL, "content_type_id" integer NULL REFERENCES "django_content_type" ("id") DEFERRABLE INITIALLY DEFERRED, "user_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "action_flag" smallint unsigned NOT NULL CHECK ("action_flag" >= 0));
CREATE TABLE "django_session" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "session_data" text NOT NULL, "expire_date" datetime NOT NULL);
CREATE TABLE "{lettings}_address" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "number" integer unsigned NOT NULL CHECK ("number" >= 0), "street" varchar(64) NOT NULL, "city" varchar(64) NOT NULL, "state" varchar(2) NOT NULL, "zip_code" integer unsigned NOT NULL CHECK ("zip_code" >= 0), "country_iso_code" varchar(3) NOT NULL);
CREATE TABLE "{lettings}_letting" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(256) NOT NULL, "address_id" integer NOT NULL UNIQUE REFERENCES "{lettings}_address" ("id") DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE "{profiles}_profile" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "favorite_city" varchar(64) NOT NULL, "user_id" integer NOT NULL UNIQUE REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED);
`

// Passwords of the fixture's accounts, hashed in the test the way Django
// hashes them (PBKDF2-SHA256), with few iterations to keep the test quick.
const (
	djangoAdminPassword  = "Orange-County-Admin-1"
	djangoEditorPassword = "Orange-County-Editor-2"
)

func djangoHash(password, salt string) string {
	key := pbkdf2.Key([]byte(password), []byte(salt), 1000, 32, sha256.New)
	return "pbkdf2_sha256$1000$" + salt + "$" + base64.StdEncoding.EncodeToString(key)
}

// djangoSite writes a Django database of the site in the given schema
// ("original" or "refactored") with two staff accounts, a member, a group,
// three lettings with non-consecutive ids, and admin history, and returns
// its path and a handle to add more.
func djangoSite(t testing.TB, schema string) (string, *sql.DB) {
	t.Helper()
	lettingsApp, profilesApp := "lettings", "profiles"
	if schema == "original" {
		lettingsApp, profilesApp = "oc_lettings_site", "oc_lettings_site"
	}
	path := filepath.Join(t.TempDir(), "django-"+schema+".sqlite3")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ddl := strings.NewReplacer("{lettings}", lettingsApp, "{profiles}", profilesApp).Replace(djangoSchema)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(ddl)
	// Content types as Django numbers them; the refactored site's database
	// still holds the original app's types, and its old history uses them.
	types := [][2]string{{"oc_lettings_site", "address"}, {"oc_lettings_site", "profile"}, {"oc_lettings_site", "letting"},
		{"admin", "logentry"}, {"auth", "permission"}, {"auth", "group"}, {"auth", "user"}, {"contenttypes", "contenttype"}, {"sessions", "session"}}
	if schema == "refactored" {
		types = append(types, [2]string{"lettings", "letting"}, [2]string{"lettings", "address"}, [2]string{"profiles", "profile"})
	}
	for i, ct := range types {
		exec("INSERT INTO django_content_type (id, app_label, model) VALUES (?, ?, ?)", i+1, ct[0], ct[1])
		for _, action := range []string{"add", "change", "delete", "view"} {
			exec("INSERT INTO auth_permission (content_type_id, codename, name) VALUES (?, ?, ?)", i+1, action+"_"+ct[1], "Can "+action+" "+ct[1])
		}
	}
	perm := func(app, codename string) int64 {
		t.Helper()
		var id int64
		if err := db.QueryRow(`SELECT p.id FROM auth_permission p JOIN django_content_type c ON c.id = p.content_type_id
			WHERE c.app_label = ? AND p.codename = ?`, app, codename).Scan(&id); err != nil {
			t.Fatalf("permission %s.%s: %v", app, codename, err)
		}
		return id
	}
	exec(`INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES
		(1, ?, '2020-06-14 09:41:56.975174', 1, 'admin', '', '', 'admin@email.com', 1, 1, '2020-06-14 09:41:15.326411'),
		(2, ?, NULL, 0, 'editor', 'Eddie', 'Tor', 'eddie@example.com', 1, 1, '2021-02-03 10:00:00'),
		(4, ?, NULL, 0, 'AirWow', 'Ada', 'Paul', 'flocation.vam4@glendenningflowerdesign.com', 0, 1, '2020-06-14 09:44:45')`,
		djangoHash(djangoAdminPassword, "adminsalt"), djangoHash(djangoEditorPassword, "editorsalt"), djangoHash("member-password", "membersalt"))
	exec("INSERT INTO auth_group (id, name) VALUES (3, 'Editors')")
	exec("INSERT INTO auth_group_permissions (group_id, permission_id) VALUES (3, ?), (3, ?)",
		perm(lettingsApp, "change_letting"), perm(lettingsApp, "view_letting"))
	exec("INSERT INTO auth_user_groups (user_id, group_id) VALUES (2, 3)")
	exec("INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (2, ?), (2, ?)",
		perm(profilesApp, "view_profile"), perm("admin", "view_logentry"))
	exec(`INSERT INTO "` + lettingsApp + `_address" (id, number, street, city, state, zip_code, country_iso_code) VALUES
		(2, 7217, 'Bedford Street', 'Brunswick', 'GA', 31525, 'USA'),
		(5, 4, 'Military Street', 'Willoughby', 'OH', 44094, 'USA'),
		(9, 12, 'Ocean Drive', 'Laguna Beach', 'CA', 92651, 'USA')`)
	exec(`INSERT INTO "` + lettingsApp + `_letting" (id, title, address_id) VALUES
		(3, 'Joshua Tree Green Haus /w Hot Tub', 2), (6, 'Oceanview Retreat', 5), (11, 'Laguna Beach Loft', 9)`)
	exec(`INSERT INTO "` + profilesApp + `_profile" (id, favorite_city, user_id) VALUES (7, 'Budapest', 4)`)
	exec(`INSERT INTO django_admin_log (id, action_time, object_id, object_repr, change_message, content_type_id, user_id, action_flag) VALUES
		(1, '2020-06-14 09:49:23.116969', '9', '12 Ocean Drive', '[{"added": {}}]', 1, 1, 1),
		(2, '2020-06-14 09:52:18.053407', '11', 'Laguna Beach Loft', '[{"added": {}}]', 3, 1, 1),
		(3, '2020-06-15 10:00:00', '11', 'Laguna Beach Loft', '[{"changed": {"fields": ["Title", "Address"]}}]', 3, 2, 2),
		(4, '2020-06-16 10:00:00', '8', 'test', '', 7, 1, 3),
		(5, '2020-06-16 11:00:00', 'abc', 'a session', '[]', 9, 1, 2)`)
	return path, db
}

func TestImportDjangoIntoAnEmptyDatabase(t *testing.T) {
	for _, schema := range []string{"original", "refactored"} {
		t.Run(schema, func(t *testing.T) {
			path, _ := djangoSite(t, schema)
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
				b.login("editor", djangoEditorPassword).redirect(t, "/admin/")
				// The group's and the user's own permissions came with them.
				b.get("/admin/lettings/letting/11/change/").want(t, 200, `name="title"`)
				b.get("/admin/profiles/profile/7/change/").want(t, 200, "View profile")
				b.get("/admin/lettings/letting/11/history/").want(t, 200, "Changed Title and Address.")
				got, _ := models.GetUser(ctx, db.Read, 2)
				if !strings.HasPrefix(got.Password, "argon2$argon2id$") {
					t.Errorf("got %q, want the hash upgraded to Argon2id by the login", got.Password)
				}
				s.browser().login("admin", djangoAdminPassword).redirect(t, "/admin/")
			})
			t.Run("twice adds nothing", func(t *testing.T) {
				r := app(t, vars, "", "import-django", path)
				r.want(t, exitOK, "lettings_letting                    3        0        3        0",
					"admin_logentry                      5        0        4        1",
					"Nothing to import: every record is here already.")
				if n := count(t, db, "auth_user"); n != 3 {
					t.Errorf("got %d users, want 3", n)
				}
			})
		})
	}
}

func TestImportDjangoMergesWithExistingData(t *testing.T) {
	path, _ := djangoSite(t, "refactored")
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
	if n := count(t, db, "lettings_letting"); n != 7 {
		t.Errorf("got %d lettings, want the 6 of the reference data and the new one", n)
	}
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
	path, django := djangoSite(t, "original")
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
		if n := count(t, db, table); n != 0 {
			t.Errorf("got %d rows in %s, want none after a refused import", n, table)
		}
	}

	r = app(t, vars, "", "import-django", "--skip-invalid", path)
	r.want(t, exitOK, "Left out, as invalid (--skip-invalid):", "  oc_lettings_site_address id 2: state:",
		"lettings_letting                    3        2        0        1")
	if n := count(t, db, "lettings_letting"); n != 2 {
		t.Errorf("got %d lettings, want the 2 valid ones", n)
	}
}

func TestImportDjangoDryRun(t *testing.T) {
	path, _ := djangoSite(t, "refactored")
	vars := siteEnv(t)
	app(t, vars, "", "import-django", "--dry-run", path).want(t, exitOK, "Imported 19 records", "Dry run: nothing was changed.")
	if n := count(t, openSite(t, vars), "auth_user"); n != 0 {
		t.Errorf("got %d users after a dry run, want none", n)
	}
}

func TestImportDjangoRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
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
	_, partial := djangoSite(t, "refactored")
	if _, err := partial.Exec("DROP TABLE django_admin_log"); err != nil {
		t.Fatal(err)
	}
	var partialFile string
	if err := partial.QueryRow("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&partialFile); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		want       []string
	}{
		{"text file", write("notes.txt", strings.Repeat("not a database\n", 100)), []string{"not a Django database of OC Lettings", "not an SQLite database"}},
		{"empty SQLite file", write("empty.sqlite3", ""), []string{"not a Django database of OC Lettings", "holds no tables"}},
		{"another app's database", sqliteFile("shop.sqlite3", "CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT)"),
			[]string{"has none of the tables lettings_address, lettings_letting, profiles_profile or oc_lettings_site_address"}},
		{"a missing table", partialFile, []string{"looks like the refactored schema", "the table django_admin_log is missing"}},
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
			if n := count(t, db, "auth_user"); n != 4 {
				t.Errorf("got %d users, want the 4 of the reference data unchanged", n)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.sqlite3")); !os.IsNotExist(err) {
		t.Error("got a file created by the import, want none")
	}
	app(t, vars, "", "import-django").want(t, exitUsage, "exactly one PATH")
}

// The real databases of the Django site, beside the checkout (never in it).
func TestImportDjangoReferenceDatabases(t *testing.T) {
	for _, name := range []string{"django-original-schema.sqlite3", "django-refactored-schema.sqlite3"} {
		t.Run(name, func(t *testing.T) {
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
	path, django := djangoSite(b, "refactored")
	addDjangoLettings(b, django, 50000, true)
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

func TestImportDjangoShowsProgressOnLargeFiles(t *testing.T) {
	path, django := djangoSite(t, "refactored")
	addDjangoLettings(t, django, 6000, false)
	r := app(t, siteEnv(t), "", "import-django", "--dry-run", path)
	r.want(t, exitOK, "lettings_address                 6003     6003")
	if !strings.Contains(r.stderr, "lettings_address: 1000 of 6003 rows") || !strings.Contains(r.stderr, "lettings_address: 6003 of 6003 rows") {
		t.Errorf("got stderr %q, want progress every tenth of the way", r.stderr)
	}
}

// addDjangoLettings adds n addresses to a refactored Django database, each
// with a letting when lettings is set, in one transaction.
func addDjangoLettings(tb testing.TB, django *sql.DB, n int, lettings bool) {
	tb.Helper()
	tx, err := django.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		id := 100 + i
		if _, err := tx.Exec(`INSERT INTO lettings_address (id, number, street, city, state, zip_code, country_iso_code) VALUES (?, ?, 'Bench Street', 'Irvine', 'CA', 92602, 'USA')`, id, i%10000); err != nil {
			tb.Fatal(err)
		}
		if !lettings {
			continue
		}
		if _, err := tx.Exec(`INSERT INTO lettings_letting (id, title, address_id) VALUES (?, ?, ?)`, id, fmt.Sprintf("Letting %d", i), id); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// Package djangotest builds, inside a test, SQLite databases of the Django
// site for the importer to read: the admin's upload page and the
// `app import-django` command are tested on the same fixture, and no real
// database of the site is ever committed.
package djangotest

import (
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/pbkdf2"
	_ "modernc.org/sqlite" // the "sqlite" driver Django's file is written with
)

// schema is the DDL Django wrote for the site; {lettings} and {profiles}
// are the app labels of its models' tables.
const schema = `
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

// The Django site's two layouts: everything in one app, and the apps split
// out by the refactoring.
const (
	Original   = "original"
	Refactored = "refactored"
)

// Passwords of the fixture's staff accounts, hashed the way Django hashes
// them (PBKDF2-SHA256), with few iterations to keep the tests quick.
const (
	AdminPassword  = "Orange-County-Admin-1"
	EditorPassword = "Orange-County-Editor-2"
)

func hash(password, salt string) string {
	key := pbkdf2.Key([]byte(password), []byte(salt), 1000, 32, sha256.New)
	return "pbkdf2_sha256$1000$" + salt + "$" + base64.StdEncoding.EncodeToString(key)
}

// Site writes a Django database of the site in the given schema (Original
// or Refactored) with two staff accounts ("admin", a superuser, and
// "editor"), a member, a group, three lettings with non-consecutive ids,
// and admin history, and returns its path and a handle to add more, closed
// when the test ends.
func Site(tb testing.TB, layout string) (string, *sql.DB) {
	tb.Helper()
	lettingsApp, profilesApp := "lettings", "profiles"
	if layout == Original {
		lettingsApp, profilesApp = "oc_lettings_site", "oc_lettings_site"
	}
	path := filepath.Join(tb.TempDir(), "django-"+layout+".sqlite3")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	ddl := strings.NewReplacer("{lettings}", lettingsApp, "{profiles}", profilesApp).Replace(schema)
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	exec(ddl)
	// Content types as Django numbers them; the refactored site's database
	// still holds the original app's types, and its old history uses them.
	types := [][2]string{{"oc_lettings_site", "address"}, {"oc_lettings_site", "profile"}, {"oc_lettings_site", "letting"},
		{"admin", "logentry"}, {"auth", "permission"}, {"auth", "group"}, {"auth", "user"}, {"contenttypes", "contenttype"}, {"sessions", "session"}}
	if layout == Refactored {
		types = append(types, [2]string{"lettings", "letting"}, [2]string{"lettings", "address"}, [2]string{"profiles", "profile"})
	}
	for i, ct := range types {
		exec("INSERT INTO django_content_type (id, app_label, model) VALUES (?, ?, ?)", i+1, ct[0], ct[1])
		for _, action := range []string{"add", "change", "delete", "view"} {
			exec("INSERT INTO auth_permission (content_type_id, codename, name) VALUES (?, ?, ?)", i+1, action+"_"+ct[1], "Can "+action+" "+ct[1])
		}
	}
	perm := func(app, codename string) int64 {
		tb.Helper()
		var id int64
		if err := db.QueryRow(`SELECT p.id FROM auth_permission p JOIN django_content_type c ON c.id = p.content_type_id
			WHERE c.app_label = ? AND p.codename = ?`, app, codename).Scan(&id); err != nil {
			tb.Fatalf("permission %s.%s: %v", app, codename, err)
		}
		return id
	}
	exec(`INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) VALUES
		(1, ?, '2020-06-14 09:41:56.975174', 1, 'admin', '', '', 'admin@email.com', 1, 1, '2020-06-14 09:41:15.326411'),
		(2, ?, NULL, 0, 'editor', 'Eddie', 'Tor', 'eddie@example.com', 1, 1, '2021-02-03 10:00:00'),
		(4, ?, NULL, 0, 'AirWow', 'Ada', 'Paul', 'flocation.vam4@glendenningflowerdesign.com', 0, 1, '2020-06-14 09:44:45')`,
		hash(AdminPassword, "adminsalt"), hash(EditorPassword, "editorsalt"), hash("member-password", "membersalt"))
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

// File is a Django database of the site as Site writes it, changed by the
// given statements, as bytes to upload.
func File(tb testing.TB, layout string, change ...string) []byte {
	tb.Helper()
	path, db := Site(tb, layout)
	for _, q := range change {
		if _, err := db.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
	return closeAndRead(tb, path, db)
}

// LargeFile is a refactored Django database with n more addresses, each
// with its letting: big enough for an import to take a while.
func LargeFile(tb testing.TB, n int) []byte {
	tb.Helper()
	path, db := Site(tb, Refactored)
	AddLettings(tb, db, n, true)
	return closeAndRead(tb, path, db)
}

// closeAndRead closes the database first, so that every page of it is in
// the file read.
func closeAndRead(tb testing.TB, path string, db *sql.DB) []byte {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// AddLettings adds n addresses to a refactored Django database, ids from
// 100 on, each with a letting when lettings is set. SQLite numbers the rows
// itself, in one statement per table: a statement per row takes seconds
// under the race detector.
func AddLettings(tb testing.TB, db *sql.DB, n int, lettings bool) {
	tb.Helper()
	const numbers = `WITH RECURSIVE n(i) AS (SELECT 0 WHERE ? > 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?) `
	if _, err := db.Exec(numbers+`INSERT INTO lettings_address (id, number, street, city, state, zip_code, country_iso_code)
		SELECT 100 + i, i % 10000, 'Bench Street', 'Irvine', 'CA', 92602, 'USA' FROM n`, n, n); err != nil {
		tb.Fatal(err)
	}
	if !lettings {
		return
	}
	if _, err := db.Exec(numbers+`INSERT INTO lettings_letting (id, title, address_id)
		SELECT 100 + i, 'Letting ' || i, 100 + i FROM n`, n, n); err != nil {
		tb.Fatal(err)
	}
}

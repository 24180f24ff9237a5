package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"oclettings/app/backup"
	"oclettings/app/models"
)

// sqliteSite is a migrated, seeded SQLite site: its environment, its
// database file and its backup directory (BACKUP_DIR's default).
func sqliteSite(t *testing.T) (vars map[string]string, path, dir string) {
	t.Helper()
	vars = sqliteEnv(t)
	path = strings.TrimPrefix(vars["DATABASE_URL"], "sqlite:")
	app(t, vars, "", "migrate").want(t, exitOK)
	return vars, path, filepath.Join(filepath.Dir(path), "backups")
}

// addStreet changes the site's data as the site itself would, and lets go
// of the database before the next command replaces it (closing it again
// when the test ends does nothing).
func addStreet(t *testing.T, vars map[string]string, street string) {
	t.Helper()
	db := openSite(t, vars)
	defer db.Close()
	a := &models.Address{Number: 7, Street: street, City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
	if err := models.CreateAddress(context.Background(), db.Write, a); err != nil {
		t.Fatal(err)
	}
}

// query reads one value from the SQLite file at path, opened read-only.
func query(t *testing.T, path, q string, args ...any) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

func hasAddress(t *testing.T, path, street string) bool {
	t.Helper()
	return query(t, path, "SELECT count(*) FROM lettings_address WHERE street = ?", street) > 0
}

// On Render the operator has no shell: RESTORE_FROM, set on the service,
// is how a backup goes back in place.
func TestRestoreFromAtStart(t *testing.T) {
	t.Parallel()
	vars, path, dir := sqliteSite(t)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	name := backup.Name(time.Now())
	app(t, vars, "", "backup", filepath.Join(dir, name)).want(t, exitOK)
	addStreet(t, vars, "Written After The Backup")

	restoring := with(vars, "RESTORE_FROM", name)
	// Only a release's start restores: status looks, and down changes the
	// database it finds.
	for _, action := range []string{"status", "down"} {
		r := app(t, restoring, "", "migrate", action)
		r.want(t, exitOK)
		if strings.Contains(r.stdout+r.stderr, "restored") || !hasAddress(t, path, "Written After The Backup") {
			t.Fatalf("migrate %s restored the backup:\n%s%s", action, r.stdout, r.stderr)
		}
	}
	app(t, restoring, "", "migrate").want(t, exitOK, `"msg":"database restored from a backup"`, `"from":"`+filepath.Join(dir, name)+`"`, `"previous":"`+path+`.before-restore-`)
	if hasAddress(t, path, "Written After The Backup") {
		t.Error("got the change made after the backup, want the backup's data")
	}
	aside, _ := filepath.Glob(path + ".before-restore-*Z")
	if len(aside) != 1 {
		t.Fatalf("got %q, want the previous database kept aside", aside)
	}
	if err := backup.Check(context.Background(), aside[0]); err != nil || !hasAddress(t, aside[0], "Written After The Backup") {
		t.Errorf("got %s without the change (%v), want the previous database whole", aside[0], err)
	}
	if _, err := os.Stat(path + ".restored"); err != nil {
		t.Errorf("got no record of the restore: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Errorf("got the backup gone (%v), want it left where it was", err)
	}

	// Every deploy restarts the service, RESTORE_FROM still set.
	addStreet(t, vars, "Written After The Restore")
	r := serving(t, with(restoring, "SECRET_KEY", "s3cr3t-key-that-is-long-enough-0123456789", "ALLOWED_HOSTS", "example.com", "PORT", freePort(t)))()
	r.want(t, exitOK, `"level":"WARN"`, "RESTORE_FROM names a backup already restored on ", "; remove RESTORE_FROM")
	if strings.Contains(r.stderr+r.stdout, "database restored from a backup") {
		t.Error("got the backup restored again")
	}
	if !hasAddress(t, path, "Written After The Restore") {
		t.Error("got the change made since the restore gone, want it kept")
	}
	if again, _ := filepath.Glob(path + ".before-restore-*Z"); len(again) != 1 {
		t.Errorf("got %q, want no second copy set aside", again)
	}
}

func TestRestoreFromRefuses(t *testing.T) {
	t.Parallel()
	vars, path, dir := sqliteSite(t)
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.sqlite3")
	app(t, vars, "", "backup", good).want(t, exitOK)
	sound, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := bytes.Clone(sound)
	copy(corrupt[4096:], bytes.Repeat([]byte{0xAB}, min(3*4096, len(corrupt)-4096)))
	plant := map[string][]byte{
		"corrupt.sqlite3": corrupt,
		"text.sqlite3":    bytes.Repeat([]byte("not a database "), 400),
	}
	for name, content := range plant {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	other := filepath.Join(dir, "other.sqlite3")
	odb, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec("CREATE TABLE notes (body TEXT)"); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	addStreet(t, vars, "Kept")

	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, from, want string
	}{
		{"a missing file", "oc-lettings-20200101T000000Z.sqlite3", "app migrate: RESTORE_FROM: there is no backup " + filepath.Join(dir, "oc-lettings-20200101T000000Z.sqlite3")},
		{"a corrupt database", "corrupt.sqlite3", "app migrate: RESTORE_FROM: " + filepath.Join(dir, "corrupt.sqlite3") + " cannot be restored"},
		{"a file that is not SQLite", "text.sqlite3", "app migrate: RESTORE_FROM: " + filepath.Join(dir, "text.sqlite3") + " cannot be restored"},
		{"another application's database", other, "not this site's"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := app(t, with(vars, "RESTORE_FROM", tt.from), "", "migrate")
			r.want(t, exitFailure, tt.want)
			if lines := strings.Count(strings.TrimSpace(r.stderr), "\n") + 1; lines != 1 {
				t.Errorf("got %d lines on stderr, want one:\n%s", lines, r.stderr)
			}
			if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, before) || !hasAddress(t, path, "Kept") {
				t.Error("got the database changed")
			}
			if aside, _ := filepath.Glob(path + ".*"); len(aside) != 0 {
				t.Errorf("got %q beside the database, want nothing", aside)
			}
		})
	}
}

func TestRestoreFromOnPostgreSQL(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"DATABASE_URL": "postgres://app@127.0.0.1:1/app", "RESTORE_FROM": "oc-lettings-20261125T120000Z.sqlite3"}
	for _, cmd := range []string{"migrate", "serve"} {
		r := app(t, with(vars, "DEBUG", "true"), "", cmd)
		r.want(t, exitUsage, "RESTORE_FROM: restores an SQLite database only", "pg_restore")
	}
}

var beforeName = regexp.MustCompile(`^oc-lettings-\d{8}T\d{6}Z-before-\d{14}_[a-z0-9_]+\.sqlite3$`)

// beforeBackups lists the backups taken before migrations in dir.
func beforeBackups(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), "-before-") {
			if !beforeName.MatchString(e.Name()) {
				t.Errorf("got %s, want a name like oc-lettings-<time>-before-<migration>.sqlite3", e.Name())
			}
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// A release that migrates backs the data up first, so a rollback to the
// release before has a copy of it as that release left it.
func TestBackupBeforeMigrating(t *testing.T) {
	t.Parallel()
	vars, _, dir := sqliteSite(t)
	t.Run("none of a new database", func(t *testing.T) {
		if got := beforeBackups(t, dir); len(got) != 0 {
			t.Errorf("got %q, want none", got)
		}
	})

	app(t, vars, "", "migrate", "down").want(t, exitOK)
	addStreet(t, vars, "Before The Release")
	latest, count := latestMigration(t)
	app(t, vars, "", "migrate").want(t, exitOK, `"msg":"backup written before migrating"`, "Applied migration "+latest)
	got := beforeBackups(t, dir)
	if len(got) != 1 {
		t.Fatalf("got %q, want one backup before the migration", got)
	}
	if err := backup.Check(context.Background(), got[0]); err != nil {
		t.Error(err)
	}
	if n := query(t, got[0], "SELECT count(*) FROM schema_migrations WHERE name = '"+latest[:14]+"'"); n != 0 {
		t.Error("got the migration applied in the backup, want the schema as it was before")
	}
	if n := query(t, got[0], "SELECT count(*) FROM schema_migrations"); n != count-1 {
		t.Errorf("got %d migrations in the backup, want %d", n, count-1)
	}
	if !hasAddress(t, got[0], "Before The Release") {
		t.Error("got the backup without the data")
	}

	t.Run("none when up to date", func(t *testing.T) {
		app(t, vars, "", "migrate").want(t, exitOK)
		if again := beforeBackups(t, dir); len(again) != 1 {
			t.Errorf("got %q, want no new backup", again)
		}
	})

	t.Run("no migration without its backup", func(t *testing.T) {
		app(t, vars, "", "migrate", "down").want(t, exitOK)
		blocked := filepath.Join(t.TempDir(), "a-file")
		if err := os.WriteFile(blocked, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		r := app(t, with(vars, "BACKUP_DIR", blocked), "", "migrate")
		r.want(t, exitFailure, "app migrate: no migration applied: the backup before them failed")
		app(t, vars, "", "migrate", "status").want(t, exitOK, "[ ] "+latest+"  (pending)")
	})
}

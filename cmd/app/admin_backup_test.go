package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"oclettings/app/backup"
	"oclettings/app/database"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
)

const backupPath = "/admin/backup/"

// backupSite is an admin site on db whose backups go to dir, logging JSON
// lines to logs, with a superuser "root" and a member of staff "clerk".
func backupSite(t *testing.T, db *database.DB, dir string, logs io.Writer) *adminSite {
	t.Helper()
	backups := backup.New(backup.Options{Source: db.Path, Dir: dir, Interval: 24 * time.Hour, Keep: 7}, slog.New(slog.NewJSONHandler(logs, nil)))
	s := loggingSite(t, db, logs, backups)
	s.user("clerk", bossPassword, true, false, true)
	return s
}

// seededSQLite is a seeded SQLite database, whatever TEST_DATABASE_URL says:
// only SQLite has backups to download.
func seededSQLite(t *testing.T) *database.DB {
	t.Helper()
	db := testdb.OpenConfig(t, testdb.SQLite(t))
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestAdminBackupDownload(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	var logs lockedBuffer
	s := backupSite(t, seededSQLite(t), dir, &logs)
	root := s.browser()
	root.login("root", bossPassword).redirect(t, "/admin/")

	t.Run("the index links to it for superusers", func(t *testing.T) {
		root.get("/admin/").want(t, 200, "Maintenance", `<a href="/admin/backup/">Backups</a>`)
	})
	t.Run("the page says what it does", func(t *testing.T) {
		p := root.get(backupPath).want(t, 200, "<title>Backups | OC Lettings site admin</title>",
			`<a href="/admin/">Home</a> › Backups`, "A backup is taken every 24 hours into <code>"+dir+"</code>",
			"the newest 7 are kept", "the newest 3 of those are kept", "set <code>RESTORE_FROM</code> on the service", "No backups yet.", `action="/admin/backup/"`, `name="csrfmiddlewaretoken"`,
			`value="Download a backup now"`)
		if p.header.Get("Content-Disposition") != "" || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
			t.Errorf("got a GET answered with %q, %q; want the page, not a download", p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
		}
	})

	var body []byte
	t.Run("a superuser downloads a fresh backup", func(t *testing.T) {
		p := root.post(backupPath, nil).want(t, 200)
		body = []byte(p.body)
		for k, want := range map[string]string{
			"Content-Type":   "application/vnd.sqlite3",
			"Content-Length": strconv.Itoa(len(body)),
			"Cache-Control":  "no-store",
		} {
			if got := p.header.Get(k); got != want {
				t.Errorf("got %s %q, want %q", k, got, want)
			}
		}
		if cd := p.header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="oc-lettings-\d{8}T\d{6}Z\.sqlite3"$`).MatchString(cd) {
			t.Errorf("got Content-Disposition %q, want an attachment named oc-lettings-<time>.sqlite3", cd)
		}
		copyPath := filepath.Join(t.TempDir(), "downloaded.sqlite3")
		if err := os.WriteFile(copyPath, body, 0o600); err != nil {
			t.Fatal(err)
		}
		copyDB, err := sql.Open("sqlite", "file:"+copyPath+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer copyDB.Close()
		var check string
		var lettings int
		if err := copyDB.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
			t.Errorf("got integrity check %q (%v), want ok", check, err)
		}
		if err := copyDB.QueryRow("SELECT count(*) FROM lettings_letting").Scan(&lettings); err != nil || lettings != 6 {
			t.Errorf("got %d lettings (%v), want the 6 of the site", lettings, err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			t.Errorf("got %s left in the backup directory, want the download's copy removed", e.Name())
		}
		var line map[string]any
		for _, l := range logLines(t, logs.String()) {
			if l["msg"] == "backup downloaded" {
				line = l
			}
		}
		if line["user_id"] == nil || line["username"] != "root" || line["bytes"] != float64(len(body)) || line["duration"] == nil {
			t.Errorf("got log line %v, want who (user id and username), size and duration", line)
		}
		if strings.Contains(logs.String(), bossPassword) {
			t.Error("got the password in the log")
		}
	})
	t.Run("the page lists the backups on the server", func(t *testing.T) {
		taken := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		if _, err := backup.Write(context.Background(), s.db.Path, filepath.Join(dir, backup.Name(taken))); err != nil {
			t.Fatal(err)
		}
		p := root.get(backupPath).want(t, 200, "oc-lettings-20261124T030000Z.sqlite3", " KB</td>")
		if strings.Contains(p.body, "No backups yet.") {
			t.Error("got no backups, want the one in the directory")
		}
	})
	t.Run("a second download right after the first", func(t *testing.T) {
		root.post(backupPath, nil).want(t, 200)
	})
}

func TestAdminBackupIsForSuperusersOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	s := backupSite(t, seededSQLite(t), dir, io.Discard)
	clerk := s.browser()
	clerk.login("clerk", bossPassword).redirect(t, "/admin/")
	anonymous := s.browser()
	root := s.browser()
	root.login("root", bossPassword).redirect(t, "/admin/")

	forbidden := []string{"403 Forbidden", "You do not have permission to access this page."}
	refused := "CSRF verification failed. Request aborted."
	for _, tt := range []struct {
		name    string
		b       *browser
		method  string
		form    url.Values
		status  int
		has     []string
		login   bool // redirected to the login page
		noToken bool
	}{
		{name: "staff without superuser, page", b: clerk, method: http.MethodGet, status: 403, has: forbidden},
		{name: "staff without superuser, download", b: clerk, method: http.MethodPost, status: 403, has: forbidden},
		{name: "anonymous, page", b: anonymous, method: http.MethodGet, login: true},
		{name: "anonymous, download", b: anonymous, method: http.MethodPost, login: true},
		{name: "superuser without the CSRF token", b: root, method: http.MethodPost, form: url.Values{}, noToken: true, status: 403, has: []string{refused}},
		{name: "superuser with another token", b: root, method: http.MethodPost, form: url.Values{"csrfmiddlewaretoken": {"forged"}}, noToken: true, status: 403, has: []string{refused}},
		{name: "superuser, other method", b: root, method: http.MethodPut, form: url.Values{}, status: 405},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var p page
			switch {
			case tt.method == http.MethodPost && !tt.noToken:
				p = tt.b.post(backupPath, nil)
			case tt.method == http.MethodPut:
				p = tt.b.do(tt.method, backupPath, url.Values{"csrfmiddlewaretoken": {tt.b.csrfToken()}}, nil)
			default:
				p = tt.b.do(tt.method, backupPath, tt.form, nil)
			}
			if tt.login {
				p.redirect(t, "/admin/login/?next=%2Fadmin%2Fbackup%2F")
			} else {
				p.want(t, tt.status, tt.has...)
			}
			if p.header.Get("Content-Disposition") != "" || strings.HasPrefix(p.body, "SQLite format 3") {
				t.Error("got a backup sent")
			}
		})
	}
	t.Run("the index hides it from staff", func(t *testing.T) {
		p := clerk.get("/admin/").want(t, 200)
		if strings.Contains(p.body, backupPath) || strings.Contains(p.body, "Maintenance") {
			t.Error("got the backups linked for a member of staff who is not a superuser")
		}
	})
	if _, err := os.Stat(dir); err == nil {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			t.Errorf("got %s in the backup directory, want nothing copied", e.Name())
		}
	}
}

func TestAdminBackupOnPostgreSQLPointsToPgDump(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("runs on PostgreSQL: set " + testdb.URLVariable)
	}
	s := backupSite(t, testdb.Seeded(t), t.TempDir(), io.Discard)
	root := s.browser()
	root.login("root", bossPassword).redirect(t, "/admin/")
	p := root.get(backupPath).want(t, 200, "<code>pg_dump</code>", "the database provider’s own backups")
	for _, s := range []string{"Download a backup now", `action="/admin/backup/"`} {
		if strings.Contains(p.body, s) {
			t.Errorf("got %q on the page, want no download offered", s)
		}
	}
	root.post(backupPath, nil).want(t, 404)
}

package admin_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"oclettings/app/backup"
	"oclettings/app/database"
	"oclettings/app/sitetest"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
)

const backupPath = "/admin/backup/"

// logRecorder keeps the JSON log lines of a site, written by its handlers
// while the test reads them.
type logRecorder struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logRecorder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logRecorder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logRecorder) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(l, nil)) }

// lines parses the log lines written so far.
func (l *logRecorder) lines(t testing.TB) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for line := range strings.Lines(l.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// seededSQLite is a seeded SQLite database, whatever TEST_DATABASE_URL
// says: only SQLite has backups to download.
func seededSQLite(t testing.TB) *database.DB {
	t.Helper()
	db := testdb.OpenConfig(t, testdb.SQLite(t))
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatal(err)
	}
	return db
}

// backupSite is the admin on db with a schedule of a backup a day into dir,
// the newest 7 kept, logging to logger, with a superuser "root" and a
// member of staff "clerk".
func backupSite(t testing.TB, db *database.DB, dir string, logger *slog.Logger) *site {
	t.Helper()
	backups := backup.New(backup.Options{Source: db.Path, Dir: dir, Interval: 24 * time.Hour, Keep: 7}, logger)
	s := newSite(t, onDB(db), withBackups(backups), withLogger(logger))
	s.superuser(t, "root")
	s.staffUser(t, "clerk")
	return s
}

// textHas fails the test unless the text of the first element sel matches
// holds every string, for sentences that go on around what is checked.
func textHas(t testing.TB, res *sitetest.Response, sel string, want ...string) {
	t.Helper()
	got := res.Text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s %s: got %s %q, want it to hold %q", res.Method, res.Path, sel, got, w)
		}
	}
}

// notADownload fails the test if res sent a database.
func notADownload(t testing.TB, res *sitetest.Response) {
	t.Helper()
	if cd := res.Header.Get("Content-Disposition"); cd != "" || strings.HasPrefix(res.Body, "SQLite format 3") {
		t.Errorf("%s %s: got a backup sent (Content-Disposition %q), want none", res.Method, res.Path, cd)
	}
}

// emptyDir fails the test if dir holds anything.
func emptyDir(t testing.TB, dir, want string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("got %s in %s, want %s", e.Name(), dir, want)
	}
}

func TestAdminBackupDownload(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "backups")
	var logs logRecorder
	db := seededSQLite(t)
	s := backupSite(t, db, dir, logs.logger())
	root := s.signedIn(t, "root")

	t.Run("the index links to it for superusers", func(t *testing.T) {
		res := root.get("/admin/").Want(t, http.StatusOK)
		has(t, res, el("#maintenance-module h2", "Maintenance"), el(`#maintenance-module a[href="/admin/backup/"]`, "Backups"))
	})
	t.Run("the page says what it does", func(t *testing.T) {
		res := root.get(backupPath).Want(t, http.StatusOK)
		has(t, res, title("Backups | OC Lettings site admin"), el(".breadcrumbs", "Home › Backups"),
			el(`.breadcrumbs a[href="/admin/"]`, "Home"), el("#backup-schedule code", dir),
			el("#backup-before code", "RESTORE_FROM"), el("#content-main .module p", "No backups yet."),
			attr(`form[method="post"][action="/admin/backup/"] input[type="hidden"][name="csrfmiddlewaretoken"]`, "value", ""),
			attr(`form[action="/admin/backup/"] input[type="submit"]`, "value", "Download a backup now"))
		textHas(t, res, "#backup-schedule", "A backup is taken every 24 hours into "+dir+", on the server’s disk", "the newest 7 are kept")
		textHas(t, res, "#backup-before", "the newest 3 of those are kept", "set RESTORE_FROM on the service")
		if cd, ct := res.Header.Get("Content-Disposition"), res.Header.Get("Content-Type"); cd != "" || !strings.HasPrefix(ct, "text/html") {
			t.Errorf("got a GET answered with %q, %q; want the page, not a download", ct, cd)
		}
	})

	var body []byte
	t.Run("a superuser downloads a fresh backup", func(t *testing.T) {
		res := root.post(backupPath, nil).Want(t, http.StatusOK)
		body = []byte(res.Body)
		for k, want := range map[string]string{
			"Content-Type":   "application/vnd.sqlite3",
			"Content-Length": strconv.Itoa(len(body)),
			"Cache-Control":  "no-store",
		} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("got %s %q, want %q", k, got, want)
			}
		}
		if cd := res.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="oc-lettings-\d{8}T\d{6}Z\.sqlite3"$`).MatchString(cd) {
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
		emptyDir(t, dir, "the download's copy removed")
		var line map[string]any
		for _, l := range logs.lines(t) {
			if l["msg"] == "backup downloaded" {
				line = l
			}
		}
		if line["user_id"] == nil || line["username"] != "root" || line["bytes"] != float64(len(body)) || line["duration"] == nil {
			t.Errorf("got log line %v, want who (user id and username), size and duration", line)
		}
		if strings.Contains(logs.String(), password) {
			t.Error("got the password in the log")
		}
	})
	t.Run("the page lists the backups on the server", func(t *testing.T) {
		taken := time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)
		if _, err := backup.Write(context.Background(), db.Path, filepath.Join(dir, backup.Name(taken))); err != nil {
			t.Fatal(err)
		}
		res := root.get(backupPath).Want(t, http.StatusOK)
		has(t, res, el(`#backup-list tbody th[scope="row"]`, "oc-lettings-20261124T030000Z.sqlite3"))
		if size := res.Text("#backup-list tbody td:last-child"); !strings.HasSuffix(size, " KB") {
			t.Errorf("got size %q, want the backup's size in KB", size)
		}
		bodyLacks(t, res, "No backups yet.")
	})
	t.Run("a second download right after the first", func(t *testing.T) {
		root.post(backupPath, nil).Want(t, http.StatusOK)
	})
}

func TestAdminBackupIsForSuperusersOnly(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "backups")
	s := backupSite(t, seededSQLite(t), dir, sitetest.Discard)

	forbidden := []sitetest.Element{el("h1", "403 Forbidden"), el("p", "You do not have permission to access this page.")}
	refused := []string{"CSRF verification failed. Request aborted."}
	t.Run("requests", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			user   string // signed in, or anonymous when empty
			method string
			// token is the CSRF token sent: the session's when "session",
			// none when "".
			token  string
			status int
			has    []sitetest.Element
			body   []string
			login  bool // redirected to the login page
		}{
			{name: "staff without superuser, page", user: "clerk", method: http.MethodGet, status: 403, has: forbidden},
			{name: "staff without superuser, download", user: "clerk", method: http.MethodPost, token: "session", status: 403, has: forbidden},
			{name: "anonymous, page", method: http.MethodGet, login: true},
			{name: "anonymous, download", method: http.MethodPost, token: "session", login: true},
			{name: "superuser without the CSRF token", user: "root", method: http.MethodPost, status: 403, body: refused},
			{name: "superuser with another token", user: "root", method: http.MethodPost, token: "forged", status: 403, body: refused},
			{name: "superuser, other method", user: "root", method: http.MethodPut, token: "session", status: 405},
		} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				c := s.client(t)
				if tt.user != "" {
					redirect(t, c.login(tt.user, password), "/admin/")
				}
				var res *sitetest.Response
				if tt.method == http.MethodGet {
					res = c.get(backupPath)
				} else {
					form := url.Values{}
					switch tt.token {
					case "session":
						form.Set("csrfmiddlewaretoken", c.token())
					case "forged":
						form.Set("csrfmiddlewaretoken", "forged")
					}
					res = c.Do(c.request(tt.method, backupPath, form.Encode(), "Content-Type", "application/x-www-form-urlencoded"))
				}
				if tt.login {
					redirect(t, res, "/admin/login/?next=%2Fadmin%2Fbackup%2F")
				} else {
					res.Want(t, tt.status)
					has(t, res, tt.has...)
					bodyHas(t, res, tt.body...)
				}
				notADownload(t, res)
			})
		}
	})
	t.Run("the index hides it from staff", func(t *testing.T) {
		res := s.signedIn(t, "clerk").get("/admin/").Want(t, http.StatusOK)
		lacks(t, res, attr(`a[href="/admin/backup/"]`, "href", ""), el("h2", "Maintenance"))
		bodyLacks(t, res, backupPath, "Maintenance")
	})
	emptyDir(t, dir, "nothing copied")
}

func TestAdminBackupOnPostgreSQLPointsToPgDump(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("runs on PostgreSQL: set " + testdb.URLVariable)
	}
	t.Parallel()
	s := backupSite(t, sitetest.DB(t), t.TempDir(), sitetest.Discard)
	root := s.signedIn(t, "root")
	res := root.get(backupPath).Want(t, http.StatusOK)
	has(t, res, el("#backup-schedule code", "pg_dump"))
	textHas(t, res, "#backup-schedule", "the database provider’s own backups")
	lacks(t, res, attr(`input[type="submit"]`, "value", "Download a backup now"), attr(`form[action="/admin/backup/"]`, "action", ""))
	bodyLacks(t, res, "Download a backup now", `action="/admin/backup/"`)
	notADownload(t, root.post(backupPath, nil).Want(t, http.StatusNotFound))
}

// The page says the schedule's period and each backup's size in words, as
// Django's naturaltime and filesizeformat would.
func TestAdminBackupPageWords(t *testing.T) {
	t.Parallel()
	db := seededSQLite(t)
	t.Run("period", func(t *testing.T) {
		for _, tt := range []struct {
			every time.Duration
			want  string
		}{
			{24 * time.Hour, "24 hours"},
			{time.Hour, "1 hour"},
			{90 * time.Minute, "90 minutes"},
			{time.Minute, "1 minute"},
			{90 * time.Second, "1m30s"},
		} {
			t.Run(tt.want, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				s := newSite(t, onDB(db), withBackups(backup.New(backup.Options{Source: db.Path, Dir: dir, Interval: tt.every, Keep: 7}, sitetest.Discard)))
				username := "root-" + strconv.FormatInt(int64(tt.every/time.Second), 10)
				s.superuser(t, username)
				res := s.signedIn(t, username).get(backupPath).Want(t, http.StatusOK)
				textHas(t, res, "#backup-schedule", "A backup is taken every "+tt.want+" into "+dir+",")
			})
		}
	})
	t.Run("size", func(t *testing.T) {
		dir := t.TempDir()
		sizes := []struct {
			size int64
			want string
		}{
			{0, "0 bytes"},
			{1, "1 byte"},
			{1023, "1023 bytes"},
			{204800, "200.0 KB"},
			{5 << 20, "5.0 MB"},
			{3 << 30, "3.0 GB"},
			// The largest file common file systems hold (ext4's limit is
			// 16 TiB); sparse, so it takes no room.
			{15 << 40, "15.0 TB"},
		}
		names := map[string]string{}
		for i, sz := range sizes {
			name := backup.Name(time.Date(2026, 1, 1, i, 0, 0, 0, time.UTC))
			f, err := os.Create(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := f.Truncate(sz.size); err != nil {
				t.Fatalf("make %s %d bytes: %v", name, sz.size, err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			names[name] = sz.want
		}
		s := newSite(t, onDB(db), withBackups(backup.New(backup.Options{Source: db.Path, Dir: dir, Interval: time.Hour, Keep: 10}, sitetest.Discard)))
		s.superuser(t, "sizer")
		res := s.signedIn(t, "sizer").get(backupPath).Want(t, http.StatusOK)
		got := map[string]string{}
		res.Doc().Find("#backup-list tbody tr").Each(func(_ int, row *goquery.Selection) {
			got[sitetest.Squash(row.Find(`th[scope="row"]`).Text())] = sitetest.Squash(row.Find("td:last-child").Text())
		})
		if len(got) != len(names) {
			t.Errorf("got %d backups listed, want %d", len(got), len(names))
		}
		for name, want := range names {
			if got[name] != want {
				t.Errorf("got %s listed as %q, want %q", name, got[name], want)
			}
		}
	})
}

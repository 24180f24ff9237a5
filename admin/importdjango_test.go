package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"oclettings/admin"
	"oclettings/app/database"
	"oclettings/app/djangoimport/djangotest"
	"oclettings/app/sitetest"
)

// importBody is the import form as a browser sends it: multipart, the file
// under "database" (none when name is empty), the fields given (empty
// values left out).
func importBody(t testing.TB, fields url.Values, name string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			if v == "" {
				continue
			}
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if name != "" {
		fw, err := mw.CreateFormFile("database", name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &body, mw.FormDataContentType()
}

// importRequest is the upload of the import form with body, read as the
// server reads a request: with its length when body is a bytes.Buffer, as a
// chunked stream of unknown length otherwise.
func (c *client) importRequest(ctx context.Context, body io.Reader, contentType string) *http.Request {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, c.url(admin.ImportDjangoPath), body)
	req.Header.Set("Content-Type", contentType)
	return req
}

// upload posts the import form with the session's CSRF token, unless fields
// set one ("" sends none).
func (c *client) upload(fields url.Values, name string, content []byte) *sitetest.Response {
	c.t.Helper()
	fields = maps.Clone(fields)
	if fields == nil {
		fields = url.Values{}
	}
	if _, set := fields["csrfmiddlewaretoken"]; !set {
		fields.Set("csrfmiddlewaretoken", c.token())
	}
	body, contentType := importBody(c.t, fields, name, content)
	return c.Do(c.importRequest(context.Background(), body, contentType))
}

// importSite is the admin on an empty database but for the superuser
// "root", logging to logger, with the binary's body limit for the import
// (IMPORT_MAX_BYTES), and with os.TempDir() pointing at a directory the
// test can watch for the upload's temporary files. vars change the
// configuration, NAME, value pairs.
func importSite(t *testing.T, logger *slog.Logger, vars ...string) (*site, string) {
	t.Helper()
	db := sitetest.EmptyDB(t) // before TMPDIR moves: its file is no upload's
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	limits := map[string]int64{admin.ImportDjangoPath: sitetest.Config(t, vars...).ImportMaxBytes}
	s := newSite(t, onDB(db), withVars(vars...), withLogger(logger), withSiteOptions(sitetest.WithBodyLimits(limits)))
	s.superuser(t, "root")
	return s, tmp
}

// noTempFiles fails if an upload left a file behind in dir.
func noTempFiles(t testing.TB, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("got %s left in the temporary directory", filepath.Join(dir, e.Name()))
	}
}

// rowCounts counts the rows of the tables an import writes.
func rowCounts(t testing.TB, db *database.DB) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	for _, table := range []string{"auth_user", "auth_group", "lettings_address", "lettings_letting", "profiles_profile", "admin_logentry"} {
		n, err := db.Read.NewSelect().TableExpr(table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got[table] = int64(n)
	}
	return got
}

// sameRowCounts fails unless the tables hold as many rows as before.
func sameRowCounts(t testing.TB, db *database.DB, want map[string]int64) {
	t.Helper()
	got := rowCounts(t, db)
	for table, n := range want {
		if got[table] != n {
			t.Errorf("got %d rows in %s, want %d: nothing changed", got[table], table, n)
		}
	}
}

// reportRows fails the test unless the import report's table holds each
// row, written "table found imported merged skipped".
func reportRows(t testing.TB, res *sitetest.Response, want ...string) {
	t.Helper()
	var rows []string
	res.Doc().Find("#import-report tbody tr").Each(func(_ int, tr *goquery.Selection) {
		cells := []string{sitetest.Squash(tr.Find(`th[scope="row"]`).Text())}
		tr.Find("td").Each(func(_ int, td *goquery.Selection) { cells = append(cells, sitetest.Squash(td.Text())) })
		rows = append(rows, strings.Join(cells, " "))
	})
	for _, w := range want {
		if !slices.Contains(rows, w) {
			t.Errorf("%s %s: got the report's rows %q, want one %q", res.Method, res.Path, rows, w)
		}
	}
}

func TestAdminImportDjango(t *testing.T) {
	var logs logRecorder
	s, tmp := importSite(t, logs.logger())
	root := s.signedIn(t, "root")
	before := rowCounts(t, s.DB)
	refactored := djangotest.File(t, djangotest.Refactored)

	t.Run("the index links to the page", func(t *testing.T) {
		res := root.get("/admin/").Want(t, http.StatusOK)
		has(t, res, el("#maintenance-module h2", "Maintenance"), el(`#maintenance-module a[href="/admin/import-django/"]`, "Import from Django"))
	})
	t.Run("the form", func(t *testing.T) {
		res := root.get(admin.ImportDjangoPath).Want(t, http.StatusOK)
		const form = `form[method="post"][action="/admin/import-django/"][enctype="multipart/form-data"]`
		has(t, res, title("Import from Django | OC Lettings site admin"),
			attr(form+` input[type="hidden"][name="csrfmiddlewaretoken"]`, "value", ""),
			attr(form+` input[type="file"][name="database"]`, "id", "id_database"),
			attr(form+` input[type="checkbox"][name="dry_run"]`, "id", "id_dry_run"),
			el(form+` label[for="id_dry_run"]`, "Dry run (report only, change nothing)"),
			attr(form+` input[type="checkbox"][name="skip_invalid"]`, "id", "id_skip_invalid"),
			el(form+` label[for="id_skip_invalid"]`, "Skip invalid rows"))
		lacks(t, res, attr("#id_dry_run", "checked", ""), attr("#id_skip_invalid", "checked", ""), el("#import-report", ""))
	})
	t.Run("no file", func(t *testing.T) {
		res := root.upload(url.Values{}, "", nil).Want(t, http.StatusOK)
		has(t, res, errorNote("Please correct the error below."), el("#id_database_error li", "This field is required."))
	})
	t.Run("a file that is not SQLite", func(t *testing.T) {
		res := root.upload(url.Values{}, "notes.txt", []byte(strings.Repeat("not a database\n", 100))).Want(t, http.StatusOK)
		has(t, res, errorNote("Please correct the error below."),
			el("#id_database_error li", "notes.txt: not a Django database of OC Lettings: the file is not an SQLite database"),
			attr("#id_database", "aria-invalid", "true"))
		bodyLacks(t, res, tmp, "django-import-")
		sameRowCounts(t, s.DB, before)
		noTempFiles(t, tmp)
	})
	t.Run("another app's database", func(t *testing.T) {
		res := root.upload(url.Values{}, "empty.sqlite3", nil).Want(t, http.StatusOK)
		has(t, res, el("#id_database_error li", "empty.sqlite3: not a Django database of OC Lettings: the file holds no tables"))
		sameRowCounts(t, s.DB, before)
	})
	t.Run("invalid rows", func(t *testing.T) {
		broken := djangotest.File(t, djangotest.Original, `UPDATE oc_lettings_site_address SET state = 'Georgia' WHERE id = 2`)
		res := root.upload(url.Values{}, "db.sqlite3", broken).Want(t, http.StatusOK)
		textHas(t, res, "#id_database_error li", "The file has 2 invalid rows")
		has(t, res, el("#id_database_problems li", "oc_lettings_site_address id 2: state: Ensure this value has at most 2 characters (it has 7)."),
			el("#id_database_problems li", "oc_lettings_site_letting id 3: address: address 2 was not imported"))
		lacks(t, res, el("#import-report", ""))
		sameRowCounts(t, s.DB, before)

		res = root.upload(url.Values{"dry_run": {"on"}, "skip_invalid": {"on"}}, "db.sqlite3", broken).Want(t, http.StatusOK)
		has(t, res, message("Dry run: nothing was changed."), el("#import-report p", "Left out, as invalid (--skip-invalid):"),
			el("#import-report li", "oc_lettings_site_address id 2: state: Ensure this value has at most 2 characters (it has 7)."),
			attr(`input[type="checkbox"][name="dry_run"]#id_dry_run`, "checked", ""),
			attr(`input[type="checkbox"][name="skip_invalid"]#id_skip_invalid`, "checked", ""))
		reportRows(t, res, "lettings_letting 3 2 0 1")
		lacks(t, res, el(".errorlist", ""))
		sameRowCounts(t, s.DB, before)
	})
	t.Run("dry run changes nothing", func(t *testing.T) {
		res := root.upload(url.Values{"dry_run": {"on"}}, "db.sqlite3", refactored).Want(t, http.StatusOK)
		has(t, res, el(".messagelist li.success", "Dry run: nothing was changed."),
			el("#import-report p", "db.sqlite3: a Django database in the refactored schema (lettings_address, lettings_letting, profiles_profile)."),
			el("#import-report p", "Left out, as this site has no such permission: admin.view_logentry."))
		reportRows(t, res, "lettings_letting 3 3 0 0")
		if got, want := res.Texts(`#import-report thead th[scope="col"]`), []string{"table", "found", "imported", "merged", "skipped"}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("got the report's columns %q, want %q", got, want)
		}
		sameRowCounts(t, s.DB, before)
		noTempFiles(t, tmp)
	})
	t.Run("import", func(t *testing.T) {
		res := root.upload(url.Values{}, "db.sqlite3", refactored).Want(t, http.StatusOK)
		has(t, res, el(".messagelist li.success", "The Django database was imported."))
		reportRows(t, res, "auth_user 3 3 0 0", "lettings_letting 3 3 0 0")
		textHas(t, res, "#import-report", "the records already here were kept and new ones numbered after them")
		bodyLacks(t, res, "Dry run: nothing was changed.")
		noTempFiles(t, tmp)
		got := rowCounts(t, s.DB)
		if got["lettings_letting"] != 3 || got["auth_user"] != 4 || got["profiles_profile"] != 1 {
			t.Errorf("got %v, want the Django site's 3 lettings, 3 users beside root and its profile", got)
		}
		res = root.get("/admin/lettings/letting/").Want(t, http.StatusOK)
		has(t, res, el("#result_list a", "Laguna Beach Loft"), el("#result_list a", "Oceanview Retreat"))

		editor := s.client(t)
		redirect(t, editor.login("editor", djangotest.EditorPassword), "/admin/")
		has(t, editor.get("/admin/lettings/letting/").Want(t, http.StatusOK), el("#result_list a", "Laguna Beach Loft"))
		res = editor.get("/admin/").Want(t, http.StatusOK)
		lacks(t, res, el("a", "Import from Django"), attr(`a[href="/admin/import-django/"]`, "href", ""))
		bodyLacks(t, res, "Import from Django")
		has(t, editor.get(admin.ImportDjangoPath).Want(t, http.StatusForbidden), el("h1", "403 Forbidden"))
	})
	t.Run("twice adds nothing", func(t *testing.T) {
		after := rowCounts(t, s.DB)
		res := root.upload(url.Values{}, "db.sqlite3", refactored).Want(t, http.StatusOK)
		has(t, res, el("#import-report p", "Nothing to import: every record is here already."))
		sameRowCounts(t, s.DB, after)
	})
	t.Run("one log line per upload, saying who and what came of it", func(t *testing.T) {
		var lines []map[string]any
		for _, l := range logs.lines(t) {
			if m, _ := l["msg"].(string); strings.HasPrefix(m, "Django import") {
				lines = append(lines, l)
			}
		}
		var outcomes []string
		for _, l := range lines {
			outcome, _ := l["outcome"].(string)
			outcomes = append(outcomes, outcome)
			if l["username"] != "root" || l["user_id"] == nil || l["bytes"] == nil || l["dry_run"] == nil {
				t.Errorf("got %v, want who imported, the size and whether it was a dry run", l)
			}
		}
		want := []string{"refused", "refused", "invalid rows", "dry run", "dry run", "imported", "imported"}
		if strings.Join(outcomes, ",") != strings.Join(want, ",") {
			t.Errorf("got outcomes %q, want %q", outcomes, want)
		}
		raw, err := json.Marshal(lines)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(raw), password) || strings.Contains(string(raw), "sessionid") {
			t.Error("got a secret in the log")
		}
	})
}

func TestAdminImportDjangoIsForSuperusers(t *testing.T) {
	s, tmp := importSite(t, sitetest.Discard)
	file := djangotest.File(t, djangotest.Refactored)
	clerk := s.staff(t, "clerk", "lettings.view_letting", "lettings.add_letting", "auth.change_user")
	before := rowCounts(t, s.DB)
	forbidden := el("h1", "403 Forbidden")
	refused := "CSRF verification failed. Request aborted."

	t.Run("staff who are not superusers get 403", func(t *testing.T) {
		has(t, clerk.get(admin.ImportDjangoPath).Want(t, http.StatusForbidden), forbidden)
		has(t, clerk.upload(url.Values{}, "db.sqlite3", file).Want(t, http.StatusForbidden), forbidden)
	})
	t.Run("anonymous visitors are sent to the login page", func(t *testing.T) {
		anon := s.client(t)
		redirect(t, anon.get(admin.ImportDjangoPath), "/admin/login/?next=%2Fadmin%2Fimport-django%2F")
		// Their upload is refused before it is read: a session from the
		// login page alone must not be able to spool files to disk.
		has(t, anon.upload(url.Values{}, "db.sqlite3", file).Want(t, http.StatusForbidden), forbidden)
	})
	t.Run("no CSRF token", func(t *testing.T) {
		root := s.signedIn(t, "root")
		bodyHas(t, root.upload(url.Values{"csrfmiddlewaretoken": {""}}, "db.sqlite3", file).Want(t, http.StatusForbidden), refused)
		bodyHas(t, root.upload(url.Values{"csrfmiddlewaretoken": {"forged"}}, "db.sqlite3", file).Want(t, http.StatusForbidden), refused)
		// No session at all: refused before the upload is read.
		bodyHas(t, s.client(t).upload(url.Values{"csrfmiddlewaretoken": {"forged"}}, "db.sqlite3", file).Want(t, http.StatusForbidden), refused)
	})
	sameRowCounts(t, s.DB, before)
	noTempFiles(t, tmp)
}

func TestAdminImportDjangoBodyLimit(t *testing.T) {
	file := djangotest.File(t, djangotest.Refactored)
	if len(file) < 8192 {
		t.Fatalf("got a Django file of %d bytes, want one over the limits below", len(file))
	}

	t.Run("an upload over IMPORT_MAX_BYTES gets 413", func(t *testing.T) {
		s, tmp := importSite(t, sitetest.Discard, "IMPORT_MAX_BYTES", "8192")
		root := s.signedIn(t, "root")
		before := rowCounts(t, s.DB)
		root.upload(url.Values{}, "db.sqlite3", file).Want(t, http.StatusRequestEntityTooLarge)

		// A body that hides its size (chunked) is cut off as it is read.
		body, contentType := importBody(t, url.Values{"csrfmiddlewaretoken": {root.token()}}, "db.sqlite3", file)
		req := root.importRequest(context.Background(), io.MultiReader(body), contentType)
		if req.ContentLength != -1 {
			t.Fatalf("got a request of length %d, want one of unknown length", req.ContentLength)
		}
		if res := root.Do(req); res.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("got %d for a chunked upload over the limit, want 413", res.Status)
		}
		sameRowCounts(t, s.DB, before)
		noTempFiles(t, tmp)
		has(t, root.get("/admin/").Want(t, http.StatusOK), el("h1", "Site administration"))
	})
	t.Run("other routes keep the small limit", func(t *testing.T) {
		s, _ := importSite(t, sitetest.Discard, "MAX_BODY_BYTES", "4096")
		root := s.signedIn(t, "root")
		has(t, root.upload(url.Values{}, "db.sqlite3", file).Want(t, http.StatusOK), message("The Django database was imported."))
		big := url.Values{"old_password": {strings.Repeat("x", 5000)}}
		root.post("/admin/password_change/", big).Want(t, http.StatusRequestEntityTooLarge)
		root.post("/admin/lettings/letting/add/", url.Values{"title": {strings.Repeat("x", 5000)}}).Want(t, http.StatusRequestEntityTooLarge)
		s.client(t).send("/admin/login/", url.Values{"username": {strings.Repeat("x", 5000)}}).Want(t, http.StatusRequestEntityTooLarge)
	})
}

// TestAdminImportDjangoClientHangsUp: a superuser who closes the tab mid
// import changes nothing, and the server reports no error for it.
func TestAdminImportDjangoClientHangsUp(t *testing.T) {
	if testing.Short() {
		t.Skip("imports thousands of lettings; skipped with -short")
	}
	var logs logRecorder
	s, _ := importSite(t, logs.logger())
	root := s.signedIn(t, "root")
	before := rowCounts(t, s.DB)
	file := djangotest.LargeFile(t, 5000) // long enough to hang up during

	// The client goes a moment after the last byte of its upload; tried with
	// longer moments until one lands during the import itself.
	for _, after := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond} {
		body, contentType := importBody(t, url.Values{"csrfmiddlewaretoken": {root.token()}}, "db.sqlite3", file)
		ctx, cancel := context.WithCancel(context.Background())
		sent := &afterLastByte{buf: body, done: func() { time.AfterFunc(after, cancel) }}
		root.Do(root.importRequest(ctx, sent, contentType))
		cancel()
		if strings.Contains(logs.String(), `"outcome":"abandoned"`) {
			break
		}
	}
	if !strings.Contains(logs.String(), `"outcome":"abandoned"`) {
		t.Errorf("got no import abandoned mid-way:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("got an error logged for a client that went away:\n%s", logs.String())
	}
	sameRowCounts(t, s.DB, before)
}

// afterLastByte calls done once the last of its buffer's bytes is read:
// the moment the browser has sent the whole upload. Not at io.EOF, which
// the server's multipart reader, done at the closing boundary, never asks
// for.
type afterLastByte struct {
	buf  *bytes.Buffer
	done func()
	once sync.Once
}

func (a *afterLastByte) Read(p []byte) (int, error) {
	n, err := a.buf.Read(p)
	if a.buf.Len() == 0 {
		a.once.Do(a.done)
	}
	return n, err
}

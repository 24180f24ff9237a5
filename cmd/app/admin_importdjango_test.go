package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"mime/multipart"
	"net/http"

	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"oclettings/app/database"
	"oclettings/migrations/testdb"
)

const importPath = "/admin/import-django/"

// uploadBody is the import form as a browser sends it: multipart, the file
// under "database" (none when name is empty), the fields given (empty
// values left out).
func uploadBody(t *testing.T, fields url.Values, name string, content []byte) (*bytes.Buffer, string) {
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

// upload posts the import form with the session's CSRF token, unless fields
// set one ("" sends none).
func (b *browser) upload(fields url.Values, name string, content []byte) page {
	b.site.t.Helper()
	fields = maps.Clone(fields)
	if fields == nil {
		fields = url.Values{}
	}
	if _, set := fields["csrfmiddlewaretoken"]; !set {
		fields.Set("csrfmiddlewaretoken", b.csrfToken())
	}
	body, contentType := uploadBody(b.site.t, fields, name, content)
	req, err := http.NewRequest(http.MethodPost, b.site.srv.URL+importPath, body)
	if err != nil {
		b.site.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return b.send(req)
}

// djangoFile is a Django database of the site, as bytes to upload.
func djangoFile(t *testing.T, schema string, change ...string) []byte {
	t.Helper()
	path, django := djangoSite(t, schema)
	for _, q := range change {
		if _, err := django.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := django.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importSite is an admin site on an empty database but for one superuser,
// logging to logs, with os.TempDir() pointing at a directory the test can
// watch for the upload's temporary files.
func importSite(t *testing.T, logs io.Writer, vars ...string) (*adminSite, string) {
	t.Helper()
	db := testdb.Open(t) // before TMPDIR moves: its file is no upload's
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	return loggingSite(t, db, logs, nil, vars...), tmp
}

// noTempFiles fails if an upload left a file behind in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("got %s left in the temporary directory", filepath.Join(dir, e.Name()))
	}
}

func counts(t *testing.T, db *database.DB) map[string]int64 {
	t.Helper()
	got := map[string]int64{}
	for _, table := range []string{"auth_user", "auth_group", "lettings_address", "lettings_letting", "profiles_profile", "admin_logentry"} {
		got[table] = count(t, db, table)
	}
	return got
}

func sameCounts(t *testing.T, db *database.DB, want map[string]int64) {
	t.Helper()
	got := counts(t, db)
	for table, n := range want {
		if got[table] != n {
			t.Errorf("got %d rows in %s, want %d: nothing changed", got[table], table, n)
		}
	}
}

func TestAdminImportDjango(t *testing.T) {
	var logs lockedBuffer
	s, tmp := importSite(t, &logs)
	root := s.browser()
	root.login("root", bossPassword).redirect(t, "/admin/")
	before := counts(t, s.db)
	refactored := djangoFile(t, "refactored")

	t.Run("the index links to the page", func(t *testing.T) {
		root.get("/admin/").want(t, 200, `<h2>Maintenance</h2>`, `<a href="/admin/import-django/">Import from Django</a>`)
	})
	t.Run("the form", func(t *testing.T) {
		root.get(importPath).want(t, 200, "<title>Import from Django | OC Lettings site admin</title>",
			`<form method="post" action="/admin/import-django/" enctype="multipart/form-data"`,
			`name="csrfmiddlewaretoken"`, `type="file" name="database"`,
			`name="dry_run"`, "Dry run (report only, change nothing)", `name="skip_invalid"`, "Skip invalid rows")
	})
	t.Run("no file", func(t *testing.T) {
		root.upload(url.Values{}, "", nil).want(t, 200, "Please correct the error below.", "This field is required.")
	})
	t.Run("a file that is not SQLite", func(t *testing.T) {
		p := root.upload(url.Values{}, "notes.txt", []byte(strings.Repeat("not a database\n", 100))).want(t, 200,
			"Please correct the error below.", "notes.txt: not a Django database of OC Lettings: the file is not an SQLite database")
		if strings.Contains(p.body, tmp) || strings.Contains(p.body, "django-import-") {
			t.Error("got the temporary file's path on the page")
		}
		sameCounts(t, s.db, before)
		noTempFiles(t, tmp)
	})
	t.Run("another app's database", func(t *testing.T) {
		root.upload(url.Values{}, "empty.sqlite3", nil).want(t, 200, "empty.sqlite3: not a Django database of OC Lettings: the file holds no tables")
		sameCounts(t, s.db, before)
	})
	t.Run("invalid rows", func(t *testing.T) {
		broken := djangoFile(t, "original", `UPDATE oc_lettings_site_address SET state = 'Georgia' WHERE id = 2`)
		root.upload(url.Values{}, "db.sqlite3", broken).want(t, 200, "The file has 2 invalid rows",
			"oc_lettings_site_address id 2: state: Ensure this value has at most 2 characters (it has 7).",
			"oc_lettings_site_letting id 3: address: address 2 was not imported")
		sameCounts(t, s.db, before)
		root.upload(url.Values{"dry_run": {"on"}, "skip_invalid": {"on"}}, "db.sqlite3", broken).want(t, 200,
			"Dry run: nothing was changed.", "Left out, as invalid (--skip-invalid):",
			"<li>oc_lettings_site_address id 2: state: Ensure this value has at most 2 characters (it has 7).</li>",
			`<th scope="row">lettings_letting</th><td>3</td><td>2</td><td>0</td><td>1</td>`,
			`type="checkbox" name="dry_run" id="id_dry_run" checked`, `name="skip_invalid" id="id_skip_invalid" checked`)
		sameCounts(t, s.db, before)
	})
	t.Run("dry run changes nothing", func(t *testing.T) {
		root.upload(url.Values{"dry_run": {"on"}}, "db.sqlite3", refactored).want(t, 200,
			`<li class="success">Dry run: nothing was changed.</li>`,
			"db.sqlite3: a Django database in the refactored schema (lettings_address, lettings_letting, profiles_profile).",
			`<th scope="col">table</th><th scope="col">found</th><th scope="col">imported</th><th scope="col">merged</th><th scope="col">skipped</th>`,
			`<th scope="row">lettings_letting</th><td>3</td><td>3</td><td>0</td><td>0</td>`,
			"Left out, as this site has no such permission: admin.view_logentry.")
		sameCounts(t, s.db, before)
		noTempFiles(t, tmp)
	})
	t.Run("import", func(t *testing.T) {
		p := root.upload(url.Values{}, "db.sqlite3", refactored).want(t, 200,
			`<li class="success">The Django database was imported.</li>`,
			`<th scope="row">auth_user</th><td>3</td><td>3</td><td>0</td><td>0</td>`,
			`<th scope="row">lettings_letting</th><td>3</td><td>3</td><td>0</td><td>0</td>`,
			"the records already here were kept and new ones numbered after them")
		if strings.Contains(p.body, "Dry run: nothing was changed.") {
			t.Error("got a dry run's words after an import")
		}
		noTempFiles(t, tmp)
		got := counts(t, s.db)
		if got["lettings_letting"] != 3 || got["auth_user"] != 4 || got["profiles_profile"] != 1 {
			t.Errorf("got %v, want the Django site's 3 lettings, 3 users beside root and its profile", got)
		}
		root.get("/admin/lettings/letting/").want(t, 200, "Laguna Beach Loft", "Oceanview Retreat")

		editor := s.browser()
		editor.login("editor", djangoEditorPassword).redirect(t, "/admin/")
		editor.get("/admin/lettings/letting/").want(t, 200, "Laguna Beach Loft")
		if p := editor.get("/admin/"); strings.Contains(p.body, "Import from Django") {
			t.Error("got the import offered to staff who are not superusers")
		}
		editor.get(importPath).want(t, 403, "403 Forbidden")
	})
	t.Run("twice adds nothing", func(t *testing.T) {
		after := counts(t, s.db)
		root.upload(url.Values{}, "db.sqlite3", refactored).want(t, 200, "Nothing to import: every record is here already.")
		sameCounts(t, s.db, after)
	})
	t.Run("one log line per upload, saying who and what came of it", func(t *testing.T) {
		var lines []map[string]any
		for _, l := range logLines(t, logs.String()) {
			if m, _ := l["msg"].(string); strings.HasPrefix(m, "Django import") {
				lines = append(lines, l)
			}
		}
		var outcomes []string
		for _, l := range lines {
			outcomes = append(outcomes, l["outcome"].(string))
			if l["username"] != "root" || l["user_id"] == nil || l["bytes"] == nil || l["dry_run"] == nil {
				t.Errorf("got %v, want who imported, the size and whether it was a dry run", l)
			}
		}
		want := []string{"refused", "refused", "invalid rows", "dry run", "dry run", "imported", "imported"}
		if strings.Join(outcomes, ",") != strings.Join(want, ",") {
			t.Errorf("got outcomes %q, want %q", outcomes, want)
		}
		raw, _ := json.Marshal(lines)
		if strings.Contains(string(raw), bossPassword) || strings.Contains(string(raw), "sessionid") {
			t.Error("got a secret in the log")
		}
	})
}

func TestAdminImportDjangoIsForSuperusers(t *testing.T) {
	s, tmp := importSite(t, io.Discard)
	file := djangoFile(t, "refactored")
	clerk := s.staff(t, "clerk", "lettings.view_letting", "lettings.add_letting", "auth.change_user")
	before := counts(t, s.db)

	t.Run("staff who are not superusers get 403", func(t *testing.T) {
		clerk.get(importPath).want(t, 403, "403 Forbidden")
		clerk.upload(url.Values{}, "db.sqlite3", file).want(t, 403, "403 Forbidden")
	})
	t.Run("anonymous visitors are sent to the login page", func(t *testing.T) {
		anon := s.browser()
		anon.get(importPath).redirect(t, "/admin/login/?next=%2Fadmin%2Fimport-django%2F")
		// Their upload is refused before it is read: a session from the
		// login page alone must not be able to spool files to disk.
		anon.upload(url.Values{}, "db.sqlite3", file).want(t, 403, "403 Forbidden")
	})
	t.Run("no CSRF token", func(t *testing.T) {
		root := s.browser()
		root.login("root", bossPassword).redirect(t, "/admin/")
		root.upload(url.Values{"csrfmiddlewaretoken": {""}}, "db.sqlite3", file).want(t, 403, "CSRF verification failed. Request aborted.")
		root.upload(url.Values{"csrfmiddlewaretoken": {"forged"}}, "db.sqlite3", file).want(t, 403, "CSRF verification failed. Request aborted.")
		// No session at all: refused before the upload is read.
		s.browser().upload(url.Values{"csrfmiddlewaretoken": {"forged"}}, "db.sqlite3", file).want(t, 403, "CSRF verification failed. Request aborted.")
	})
	sameCounts(t, s.db, before)
	noTempFiles(t, tmp)
}

func TestAdminImportDjangoBodyLimit(t *testing.T) {
	file := djangoFile(t, "refactored")
	if len(file) < 8192 {
		t.Fatalf("got a Django file of %d bytes, want one over the limits below", len(file))
	}

	t.Run("an upload over IMPORT_MAX_BYTES gets 413", func(t *testing.T) {
		s, tmp := importSite(t, io.Discard, "IMPORT_MAX_BYTES", "8192")
		root := s.browser()
		root.login("root", bossPassword).redirect(t, "/admin/")
		before := counts(t, s.db)
		root.upload(url.Values{}, "db.sqlite3", file).want(t, 413, "Request Too Large")

		// A body that hides its size (chunked) is cut off as it is read.
		body, contentType := uploadBody(t, url.Values{"csrfmiddlewaretoken": {root.csrfToken()}}, "db.sqlite3", file)
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+importPath, io.MultiReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		if p := root.send(req); p.status != 413 {
			t.Errorf("got %d for a chunked upload over the limit, want 413", p.status)
		}
		sameCounts(t, s.db, before)
		noTempFiles(t, tmp)
		root.get("/admin/").want(t, 200, "Site administration")
	})
	t.Run("other routes keep the small limit", func(t *testing.T) {
		s, _ := importSite(t, io.Discard, "MAX_BODY_BYTES", "4096")
		root := s.browser()
		root.login("root", bossPassword).redirect(t, "/admin/")
		root.upload(url.Values{}, "db.sqlite3", file).want(t, 200, "The Django database was imported.")
		big := url.Values{"old_password": {strings.Repeat("x", 5000)}}
		root.post("/admin/password_change/", big).want(t, 413)
		root.post("/admin/lettings/letting/add/", url.Values{"title": {strings.Repeat("x", 5000)}}).want(t, 413)
		s.browser().do(http.MethodPost, "/admin/login/", url.Values{"username": {strings.Repeat("x", 5000)}}, nil).want(t, 413)
	})
}

// TestAdminImportDjangoClientHangsUp: a superuser who closes the tab mid
// import changes nothing, and the server reports no error for it.
func TestAdminImportDjangoClientHangsUp(t *testing.T) {
	if testing.Short() {
		t.Skip("imports thousands of lettings; skipped with -short")
	}
	var logs lockedBuffer
	s, _ := importSite(t, &logs)
	root := s.browser()
	root.login("root", bossPassword).redirect(t, "/admin/")
	before := counts(t, s.db)
	path, django := djangoSite(t, "refactored")
	addDjangoLettings(t, django, 5000, true) // long enough to hang up during
	if err := django.Close(); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// The client goes a moment after the last byte of its upload; tried with
	// longer moments until one lands during the import itself.
	for _, after := range []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond} {
		body, contentType := uploadBody(t, url.Values{"csrfmiddlewaretoken": {root.csrfToken()}}, "db.sqlite3", file)
		ctx, cancel := context.WithCancel(context.Background())
		sent := &onEOF{r: body, done: func() { time.AfterFunc(after, cancel) }}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.srv.URL+importPath, sent)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		if resp, err := root.client.Do(req); err == nil {
			resp.Body.Close()
		}
		cancel()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(logs.String(), `"msg":"request","request_id"`) || strings.Count(logs.String(), `"path":"/admin/import-django/"`) == 0 {
			if time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // the handler's own line comes before the request's
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
	sameCounts(t, s.db, before)
}

// onEOF calls done once its reader is read to the end.
type onEOF struct {
	r    io.Reader
	done func()
	once sync.Once
}

func (o *onEOF) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	if err == io.EOF {
		o.once.Do(o.done)
	}
	return n, err
}

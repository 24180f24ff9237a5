package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"oclettings/admin"
	"oclettings/migrations/testdb"
	"oclettings/public"
)

// The binary's router gives uploads to the admin's Django import a body
// limit of their own, IMPORT_MAX_BYTES, and everything else MAX_BODY_BYTES,
// and answers a body over its limit with the site's 413 page. What the
// import page does with an upload is the admin's tests' concern.
func TestRouterGivesTheImportItsBodyLimit(t *testing.T) {
	t.Parallel()
	db := testdb.Seeded(t)
	var upload bytes.Buffer
	mw := multipart.NewWriter(&upload)
	if err := mw.WriteField("csrfmiddlewaretoken", "forged"); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("database", "db.sqlite3")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(bytes.Repeat([]byte("x"), 9000)); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"csrfmiddlewaretoken": {"forged"}, "username": {strings.Repeat("x", 9000)}}.Encode()

	tooLarge := "Request Too Large"
	for _, tt := range []struct {
		name        string
		vars        []string
		path        string
		body        string
		contentType string
		status      int
		has         string
	}{
		{"an upload over IMPORT_MAX_BYTES", []string{"IMPORT_MAX_BYTES", "8192"}, admin.ImportDjangoPath,
			upload.String(), mw.FormDataContentType(), http.StatusRequestEntityTooLarge, tooLarge},
		// Let through, it meets the admin's CSRF check.
		{"an upload over MAX_BODY_BYTES but not IMPORT_MAX_BYTES", []string{"MAX_BODY_BYTES", "4096"}, admin.ImportDjangoPath,
			upload.String(), mw.FormDataContentType(), http.StatusForbidden, "CSRF verification failed. Request aborted."},
		{"the same upload to another page", []string{"MAX_BODY_BYTES", "4096"}, "/admin/login/",
			upload.String(), mw.FormDataContentType(), http.StatusRequestEntityTooLarge, tooLarge},
		{"a form to the import page over MAX_BODY_BYTES", []string{"MAX_BODY_BYTES", "4096"}, admin.ImportDjangoPath,
			form, "application/x-www-form-urlencoded", http.StatusRequestEntityTooLarge, tooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newRouter(t, db, testConfig(t, tt.vars...), public.DefaultCacheBytes, nil)
			req := httptest.NewRequest(http.MethodPost, "http://example.com"+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.has) {
				t.Errorf("got %d, %.300q; want %d with %q", rec.Code, rec.Body.String(), tt.status, tt.has)
			}
		})
	}
}

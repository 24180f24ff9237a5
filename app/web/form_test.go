package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// formServer is the perimeter (for its body limit) in front of a handler
// that reads its form with Form, as every form handler does; seen holds
// what the handler read.
func formServer(t testing.TB, limit int64, seen *url.Values) http.Handler {
	pages, err := NewErrorPages(func(status int, message string) ([]byte, error) {
		return fmt.Appendf(nil, "<h1>error %d</h1>%s", status, message), nil
	}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	p := &Perimeter{AllowedHosts: []string{"*"}, MaxBodyBytes: limit, Pages: pages}
	return p.Middleware(pages.Handle(func(w http.ResponseWriter, r *http.Request) error {
		form, err := Form(r)
		if r.MultipartForm != nil {
			defer func() { _ = r.MultipartForm.RemoveAll() }()
		}
		if err != nil {
			return err
		}
		again, err := Form(r)
		if err != nil || again.Encode() != form.Encode() {
			t.Errorf("got %v (%v) asking again, want the same form", again, err)
		}
		*seen = form
		_, _ = io.WriteString(w, "read")
		return nil
	}))
}

func postBody(h http.Handler, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/form/", bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func multipartFields(t testing.TB, fields ...string) ([]byte, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := mw.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return body.Bytes(), mw.FormDataContentType()
}

const urlencoded = "application/x-www-form-urlencoded"

func TestForm(t *testing.T) {
	var seen url.Values
	h := formServer(t, 4096, &seen)
	multi, multiType := multipartFields(t, "name", "Renée", "groups", "1", "groups", "2")
	nulPart, nulPartType := multipartFields(t, "name", "a\x00b")
	badPart, badPartType := multipartFields(t, "na\xffme", "x")
	tests := []struct {
		name        string
		contentType string
		body        []byte
		status      int
		want        url.Values
	}{
		{"urlencoded", urlencoded, []byte("name=Ren%C3%A9e&groups=1&groups=2"), 200, url.Values{"name": {"Renée"}, "groups": {"1", "2"}}},
		{"multipart", multiType, multi, 200, url.Values{"name": {"Renée"}, "groups": {"1", "2"}}},
		{"no body", urlencoded, nil, 200, url.Values{}},
		{"a type that is not a form", "text/plain", []byte("name=x"), 200, url.Values{}},
		{"NUL in a value", urlencoded, []byte("name=a%00b"), 400, nil},
		{"NUL unescaped", urlencoded, []byte("name=a\x00b"), 400, nil},
		{"NUL in a key", urlencoded, []byte("na%00me=x"), 400, nil},
		{"invalid UTF-8 in a value", urlencoded, []byte("name=%FF"), 400, nil},
		{"invalid UTF-8 unescaped", urlencoded, []byte("name=\xff"), 400, nil},
		{"an over-long encoding", urlencoded, []byte("name=%C0%AF"), 400, nil},
		{"NUL in a multipart value", nulPartType, nulPart, 400, nil},
		{"invalid UTF-8 in a multipart name", badPartType, badPart, 400, nil},
		{"a bad escape", urlencoded, []byte("name=%zz"), 400, nil},
		{"multipart without a boundary", "multipart/form-data", []byte("name=x"), 400, nil},
		{"multipart cut inside its last boundary", multiType, multi[:len(multi)-5], 400, nil},
		{"too large", urlencoded, []byte("name=" + strings.Repeat("x", 5000)), 413, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = nil
			rec := postBody(h, tt.contentType, tt.body)
			if rec.Code != tt.status {
				t.Fatalf("got %d %q, want %d", rec.Code, rec.Body, tt.status)
			}
			if tt.status != 200 {
				if seen != nil || !strings.Contains(rec.Body.String(), "error ") {
					t.Errorf("got the form %v read or page %q, want the error page only", seen, rec.Body)
				}
				return
			}
			if seen.Encode() != tt.want.Encode() {
				t.Errorf("got %v, want %v", seen, tt.want)
			}
		})
	}
}

// A body over the limit sent without a Content-Length (chunked) is found
// only while it is read, by Form.
func TestFormTooLargeWhileRead(t *testing.T) {
	var seen url.Values
	h := formServer(t, 1024, &seen)
	req := httptest.NewRequest("POST", "/form/", io.MultiReader(strings.NewReader("name="), strings.NewReader(strings.Repeat("x", 2048))))
	req.ContentLength = -1
	req.Header.Set("Content-Type", urlencoded)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 413 || seen != nil {
		t.Errorf("got %d and form %v, want 413 and nothing read", rec.Code, seen)
	}
}

// FuzzForm: whatever body and content type arrive, reading the form is a
// 2xx or a 4xx, never a panic or a 5xx, and a form that is read holds only
// valid text.
func FuzzForm(f *testing.F) {
	multi, multiType := multipartFields(f, "name", "Renée", CSRFField, "token")
	for _, seed := range []struct {
		contentType string
		body        []byte
	}{
		{urlencoded, []byte("name=Ren%C3%A9e&groups=1&groups=1")},
		{urlencoded, []byte("name=a%00b")},
		{urlencoded, []byte("name=\xff\xfe")},
		{urlencoded, []byte("%zz=1;a=2&&=&")},
		{urlencoded + "; charset=utf-8", []byte("a=b")},
		{multiType, multi},
		{multiType, multi[:len(multi)-5]},
		{"multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\x00\r\n--x--\r\n")},
		{"multipart/form-data; boundary=x", []byte("--x\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\x00.txt\"\r\n\r\nbody\r\n--x--\r\n")},
		{"multipart/form-data", []byte("x")},
		{"multipart/mixed; boundary=x", []byte("--x--")},
		{"text/plain", []byte("a=b")},
		{"", []byte("a=b")},
		{"application/x-www-form-urlencoded; charset=\"", []byte("a=b")},
	} {
		f.Add(seed.contentType, seed.body)
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		var seen url.Values
		h := formServer(t, 4096, &seen)
		rec := postBody(h, contentType, body)
		if rec.Code >= 500 || rec.Code < 200 {
			t.Fatalf("got %d for %q %q", rec.Code, contentType, body)
		}
		if rec.Code == 200 && !ValidValues(seen) {
			t.Fatalf("got %q read as a form", seen)
		}
	})
}

func TestStatusErrorsFromForm(t *testing.T) {
	req := httptest.NewRequest("POST", "/", strings.NewReader("a=%00"))
	req.Header.Set("Content-Type", urlencoded)
	_, err := Form(req)
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 400 {
		t.Errorf("got %v, want a 400 status error", err)
	}
}

package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

// multipartBody is a form with a token field (unless empty) and a file.
func multipartBody(t *testing.T, token string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if token != "" {
		if err := mw.WriteField(CSRFField, token); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.WriteField("note", "kept"); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", "db.sqlite3")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &body, mw.FormDataContentType()
}

func filesIn(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// An upload's token is read from its multipart form; the handler gets the
// parsed form, and the file, larger than what is held in memory, spills to
// a temporary file that is gone once the handler has returned.
func TestCSRFMultipart(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	sm := scs.New()
	csrf := &CSRF{Sessions: sm, Pages: testPages(t, io.Discard)}
	file := bytes.Repeat([]byte("x"), multipartMemory+1)
	var token string
	var sawNote string
	var sawSize int
	var spilled int
	h := sm.LoadAndSave(csrf.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token = csrf.Token(r)
		if r.Method != http.MethodPost {
			return
		}
		sawNote = r.PostForm.Get("note")
		f, _, err := r.FormFile("file")
		if err != nil {
			t.Errorf("got %v, want the uploaded file", err)
			return
		}
		b, _ := io.ReadAll(f)
		_ = f.Close()
		sawSize = len(b)
		spilled = filesIn(t, tmp)
	})))
	cookie := serve(h, "GET", "/", nil).Result().Cookies()[0]

	for _, tt := range []struct {
		name     string
		token    string // in the form
		header   string // in X-CSRFToken
		noCookie bool
		want     int
	}{
		{name: "token in the form", token: "right", want: 200},
		{name: "token in the header", header: "right", want: 200},
		{name: "no token", want: 403},
		{name: "wrong token", token: "forged", want: 403},
		{name: "no session", token: "right", noCookie: true, want: 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sawNote, sawSize, spilled = "", 0, 0
			formToken := strings.ReplaceAll(tt.token, "right", token)
			body, contentType := multipartBody(t, formToken, file)
			size := body.Len()
			req := httptest.NewRequest("POST", "/", body)
			req.Header.Set("Content-Type", contentType)
			if tt.header != "" {
				req.Header.Set(CSRFHeader, token)
			}
			if !tt.noCookie {
				req.AddCookie(cookie)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("got %d, want %d", rec.Code, tt.want)
			}
			if tt.want == 200 && (sawNote != "kept" || sawSize != len(file) || spilled != 1) {
				t.Errorf("got note %q, a file of %d bytes and %d temporary files, want the parsed form with the file spilled to disk", sawNote, sawSize, spilled)
			}
			if tt.noCookie && body.Len() != size {
				t.Error("got the upload read without a session to check it against")
			}
			if n := filesIn(t, tmp); n != 0 {
				t.Errorf("got %d temporary files left, want none", n)
			}
		})
	}
	t.Run("malformed multipart", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/", strings.NewReader("no parts here"))
		req.Header.Set("Content-Type", "multipart/form-data") // no boundary
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 400 {
			t.Errorf("got %d, want 400", rec.Code)
		}
	})
}

// BodyLimits raise the limit for the paths they name and for no other.
func TestPerimeterBodyLimits(t *testing.T) {
	p := &Perimeter{AllowedHosts: []string{"*"}, MaxBodyBytes: 1024, BodyLimits: map[string]int64{"/upload/": 8192}, Pages: testPages(t, io.Discard)}
	h := p.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); BodyTooLarge(err) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		}
	}))
	const multipart, form = "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"
	for _, tt := range []struct {
		path, contentType string
		size              int
		chunked           bool
		want              int
	}{
		{"/upload/", multipart, 4096, false, 200},
		{"/upload/", multipart, 4096, true, 200},
		{"/upload/", multipart, 9000, false, 413},
		{"/upload/", multipart, 9000, true, 413},
		{"/other/", multipart, 4096, false, 413},
		{"/other/", multipart, 4096, true, 413},
		{"/upload", multipart, 4096, false, 413}, // the exact path only
		{"/other/", multipart, 1000, false, 200},
		// A form is read whole into memory: only uploads get the larger limit.
		{"/upload/", form, 4096, false, 413},
		{"/upload/", form, 4096, true, 413},
		{"/upload/", "", 4096, false, 413},
	} {
		req := httptest.NewRequest("POST", tt.path, bytes.NewReader(make([]byte, tt.size)))
		req.Header.Set("Content-Type", tt.contentType)
		if tt.chunked {
			req.ContentLength = -1
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s, %q, %d bytes (chunked %v): got %d, want %d", tt.path, tt.contentType, tt.size, tt.chunked, rec.Code, tt.want)
		}
	}
}

// TestPerimeterGivesUploadsTime: the server's read timeout suits forms,
// and an upload on a slow line outlasts it on its own path only.
func TestPerimeterGivesUploadsTime(t *testing.T) {
	p := &Perimeter{AllowedHosts: []string{"*"}, MaxBodyBytes: 1 << 20, BodyLimits: map[string]int64{"/upload/": 1 << 20}, Pages: testPages(t, io.Discard)}
	srv := httptest.NewUnstartedServer(p.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
		}
	})))
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	defer srv.Close()

	slowPost := func(path string) (int, error) {
		body, w := io.Pipe()
		go func() {
			for range 6 {
				time.Sleep(100 * time.Millisecond)
				if _, err := w.Write(make([]byte, 100)); err != nil {
					return
				}
			}
			w.Close()
		}()
		resp, err := srv.Client().Post(srv.URL+path, "multipart/form-data; boundary=x", body)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := slowPost("/upload/"); err != nil || code != http.StatusOK {
		t.Errorf("a slow upload to the upload path: got %d, %v; want 200", code, err)
	}
	if code, err := slowPost("/other/"); err == nil && code == http.StatusOK {
		t.Error("a slow body elsewhere outlasted the read timeout, want it cut off")
	}
}

// countingReader counts what is read of a body.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestCSRFReadsNoBodyWithoutASessionToken: a visitor with no session can
// send any body to any path; it is refused before a byte of it is read, so
// a burst of large bodies costs no memory.
func TestCSRFReadsNoBodyWithoutASessionToken(t *testing.T) {
	sessions := scs.New()
	c := &CSRF{Sessions: sessions, Pages: testPages(t, io.Discard)}
	h := sessions.LoadAndSave(c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the handler ran")
	})))
	for _, contentType := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		body := &countingReader{r: bytes.NewReader(bytes.Repeat([]byte("a=b&"), 1<<18))}
		req := httptest.NewRequest(http.MethodPost, "/admin/import-django/", body)
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden || body.n != 0 {
			t.Errorf("%q: got %d after reading %d bytes, want 403 before reading any", contentType, rec.Code, body.n)
		}
	}
}

package web

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Templates holds one front end's pages, each parsed with the shared layout
// once at start-up, so a missing or broken template stops the start instead
// of failing a visitor's request.
type Templates struct {
	pages map[string]*template.Template
}

// ParseTemplates parses every page of fsys ("pages/*.html") together with the
// layout files ("layout/*.html").
func ParseTemplates(fsys fs.FS, funcs template.FuncMap) (*Templates, error) {
	layout, err := template.New("layout").Funcs(funcs).ParseFS(fsys, "layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(fsys, "pages/*.html")
	if err != nil {
		return nil, err
	}
	t := &Templates{pages: map[string]*template.Template{}}
	for _, name := range names {
		page, err := template.Must(layout.Clone()).ParseFS(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		t.pages[name[len("pages/"):len(name)-len(".html")]] = page
	}
	return t, nil
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Execute renders a page into a new byte slice.
func (t *Templates) Execute(name string, data any) ([]byte, error) {
	page, ok := t.pages[name]
	if !ok {
		return nil, fmt.Errorf("no page template %q", name)
	}
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer buffers.Put(buf)
	// Rendering into a buffer first means an error never leaves half a page
	// on the wire: the caller can still answer with an error page.
	if err := page.ExecuteTemplate(buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return bytes.Clone(buf.Bytes()), nil
}

// WriteHTML sends a rendered page with an ETag, answering 304 when the
// client already has this exact page. Pages that may not be stored (the
// admin's) get no tag: nothing would ever send it back.
func WriteHTML(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if status == http.StatusOK && !strings.Contains(h.Get("Cache-Control"), "no-store") {
		sum := fnv.New64a()
		_, _ = sum.Write(body)
		etag := `"` + strconv.FormatUint(sum.Sum64(), 36) + `"`
		h.Set("ETag", etag)
		if matchesETag(r, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

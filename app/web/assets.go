package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Assets serves embedded static files the way whitenoise's compressed
// manifest storage did for the Django site: each file under a name that
// carries a hash of its content, cached for a year, and compressed once.
type Assets struct {
	prefix string            // URL path the files are served under, e.g. "/static/"
	byName map[string]*asset // both the plain and the hashed name lead to the file
	hashed map[string]string // plain name → hashed name, for templates
}

type asset struct {
	hashedName  string
	contentType string
	etag        string // the content hash, quoted
	raw         []byte

	// Compressed forms are made on first demand, once: start-up stays quick
	// and files nobody asks for are never compressed.
	compressOnce sync.Once
	br, gz       []byte // nil when compressing would not make the file smaller
}

// contentTypes is fixed here rather than read from the system's mime.types,
// which differs between machines (and does not exist in the container).
var contentTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".txt":         "text/plain; charset=utf-8",
	".webmanifest": "application/manifest+json",
	".woff2":       "font/woff2",
}

// Lifetimes: a hashed name never changes content; a plain name might with the next release.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheShort     = "public, max-age=300"
)

// NewAssets indexes every file of fsys for serving under prefix.
func NewAssets(fsys fs.FS, prefix string) (*Assets, error) {
	a := &Assets{prefix: prefix, byName: map[string]*asset{}, hashed: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(name, ".go") {
			return err
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		hash := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(name)
		hashedName := strings.TrimSuffix(name, ext) + "." + hash + ext
		contentType, known := contentTypes[ext]
		if !known {
			return fmt.Errorf("static file %s: no content type for %q files", name, ext)
		}
		f := &asset{hashedName: hashedName, contentType: contentType, etag: `"` + hash + `"`, raw: raw}
		a.byName[name] = f
		a.byName[hashedName] = f
		a.hashed[name] = hashedName
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("index static files: %w", err)
	}
	return a, nil
}

// URL returns the hashed URL of a file, for templates. An unknown name is a
// bug in a template; it fails the template's execution, which the start-up
// check of every page catches.
func (a *Assets) URL(name string) (string, error) {
	hashed, ok := a.hashed[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return a.prefix + hashed, nil
}

// Serve serves one file. Only names from the index are served, so no path,
// however encoded, can reach anything else.
func (a *Assets) Serve(w http.ResponseWriter, r *http.Request) error {
	name, ok := strings.CutPrefix(r.URL.Path, a.prefix)
	f := a.byName[name]
	if !ok || f == nil {
		return Status(http.StatusNotFound)
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Vary", "Accept-Encoding")
	if name == f.hashedName {
		h.Set("Cache-Control", cacheImmutable)
	} else {
		h.Set("Cache-Control", cacheShort)
	}

	body, encoding := f.raw, ""
	if compressible(f.contentType) {
		f.compressOnce.Do(f.compress)
		switch {
		case f.br != nil && accepts(r, "br"):
			body, encoding = f.br, "br"
		case f.gz != nil && accepts(r, "gzip"):
			body, encoding = f.gz, "gzip"
		}
	}
	etag := f.etag
	if encoding != "" {
		// Each representation has its own tag, so a cache never mixes them up.
		etag = strings.TrimSuffix(etag, `"`) + "-" + encoding + `"`
		h.Set("Content-Encoding", encoding)
	}
	h.Set("ETag", etag)
	if matchesETag(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, err := w.Write(body)
	return err
}

func (f *asset) compress() {
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	_, _ = bw.Write(f.raw)
	_ = bw.Close()
	if br.Len() < len(f.raw) {
		f.br = br.Bytes()
	}
	var gz bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = gw.Write(f.raw)
	_ = gw.Close()
	if gz.Len() < len(f.raw) {
		f.gz = gz.Bytes()
	}
}

// compressible is true for text formats; images and fonts are compressed already.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") ||
		contentType == "image/svg+xml" ||
		contentType == "image/x-icon" ||
		contentType == "application/manifest+json"
}

// accepts reports whether the request's Accept-Encoding allows coding
// (named, with a q-value above zero).
func accepts(r *http.Request, coding string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		q, found := strings.CutPrefix(strings.TrimSpace(params), "q=")
		if !found {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}

// matchesETag reports whether If-None-Match names etag (or is "*").
func matchesETag(r *http.Request, etag string) bool {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, candidate := range strings.Split(inm, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			return true
		}
	}
	return false
}

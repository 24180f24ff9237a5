package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"

	"oclettings/app/database"
)

// PageCache keeps the public pages as rendered, tagged with the database's
// data version. A page is served from memory only while that version is
// still current, so an edit committed by any connection or process shows on
// the very next request; reading the version costs microseconds, rendering
// the page from the database costs far more.
type PageCache struct {
	version  func(context.Context) (database.DataVersion, error)
	maxBytes int

	mu      sync.RWMutex
	entries map[string]*cachedPage
	size    int
}

type cachedPage struct {
	version     database.DataVersion
	contentType string
	etag        string
	body        []byte
}

// Limits that keep the cache from becoming a way to fill the memory.
const (
	maxCachedPage = 256 << 10 // a larger response (the sitemap of a big site) is not kept
	maxCacheKey   = 512       // nor one for a long, probably made-up, address
)

// NewPageCache returns a cache holding at most maxBytes of pages.
func NewPageCache(version func(context.Context) (database.DataVersion, error), maxBytes int) *PageCache {
	return &PageCache{version: version, maxBytes: maxBytes, entries: map[string]*cachedPage{}}
}

// Middleware serves GET and HEAD requests from the cache when it can, and
// keeps successful responses of next for the following requests.
func (c *PageCache) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.RequestURI()
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || len(key) > maxCacheKey {
			next.ServeHTTP(w, r)
			return
		}
		version, err := c.version(r.Context())
		if err != nil {
			next.ServeHTTP(w, r) // the handler meets the same problem and answers for it
			return
		}
		c.mu.RLock()
		page := c.entries[key]
		c.mu.RUnlock()
		if page != nil && page.version == version {
			page.write(w, r)
			return
		}

		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		h := w.Header()
		if rec.status != http.StatusOK || rec.overflow || r.Method != http.MethodGet ||
			h.Get("Set-Cookie") != "" || h.Get("Cache-Control") != "" {
			return
		}
		c.store(key, &cachedPage{version: version, contentType: h.Get("Content-Type"), etag: h.Get("ETag"), body: rec.body.Bytes()})
	})
}

func (c *PageCache) store(key string, page *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[key]; old != nil {
		c.size -= len(old.body)
	}
	if c.size+len(page.body) > c.maxBytes {
		// Starting afresh is crude but cheap, and every page it drops is a
		// page of an older version or one that is quick to render again.
		c.entries, c.size = map[string]*cachedPage{}, 0
	}
	c.entries[key] = page
	c.size += len(page.body)
}

func (p *cachedPage) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", p.contentType)
	if p.etag != "" {
		h.Set("ETag", p.etag)
		if matchesETag(r, p.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(p.body)))
	_, _ = w.Write(p.body)
}

// recorder passes a response through while keeping a copy of its body.
type recorder struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	overflow bool
}

func (r *recorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.overflow {
		if r.body.Len()+len(b) > maxCachedPage {
			r.overflow = true
			r.body = bytes.Buffer{}
		} else {
			r.body.Write(b)
		}
	}
	return r.ResponseWriter.Write(b)
}

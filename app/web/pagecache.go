package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"oclettings/app/database"
)

// PageCache keeps the public pages as rendered, tagged with the database's
// content version. A page is served from memory only while that version is
// still current, so an edit committed by any connection or process shows on
// the very next request, while sessions and sign-in attempts leave the pages
// alone; reading the version costs microseconds, rendering the page from the
// database costs far more.
//
// A page is kept under what it depends on: its path, the query parameters
// its handler reads (declared per route: anything else in the query neither
// makes an entry nor evicts one), and, for pages with absolute links, the
// address BaseURL names. After a change, concurrent requests for one page
// wait for one render instead of each rendering it.
type PageCache struct {
	version  func(context.Context) (database.ContentVersion, error)
	maxBytes int

	mu      sync.Mutex
	entries map[string]*cachedPage
	flights map[string]*pageFlight
	size    int
}

type cachedPage struct {
	version     database.ContentVersion
	contentType string
	etag        string
	body        []byte
	length      string // of body, formatted once
}

// pageFlight is a render under way; page is what it gave, nil when that
// was not a page to share (an error, a redirect, a page too large).
type pageFlight struct {
	version database.ContentVersion
	done    chan struct{}
	page    *cachedPage
	waiters int // requests waiting for it, under PageCache.mu
}

// Limits that keep the cache from becoming a way to fill the memory.
const (
	maxCachedPage = 256 << 10 // a larger response (the sitemap of a big site) is not kept
	maxCacheKey   = 512       // nor one for a long, probably made-up, address
)

// renderTimeout bounds a render that others wait for, which the hang-up of
// the client that started it does not stop.
const renderTimeout = 30 * time.Second

// NewPageCache returns a cache holding at most maxBytes of pages.
func NewPageCache(version func(context.Context) (database.ContentVersion, error), maxBytes int) *PageCache {
	return &PageCache{version: version, maxBytes: maxBytes, entries: map[string]*cachedPage{}, flights: map[string]*pageFlight{}}
}

// Page serves a route whose page depends on its path and on the query
// parameters named, the only ones its handler reads.
func (c *PageCache) Page(params ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return c.serve(next, func(r *http.Request) string { return pageKey(r, params) })
	}
}

// AbsolutePage is Page for a page with absolute links (robots.txt, the
// sitemaps): it is kept per site address as BaseURL gives it, so one
// host's or scheme's page is never served to another.
func (c *PageCache) AbsolutePage(params ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return c.serve(next, func(r *http.Request) string { return BaseURL(r) + " " + pageKey(r, params) })
	}
}

// pageKey is the path and the declared parameters' first values (what
// Query().Get reads), in the declared order; an empty value is as absent.
func pageKey(r *http.Request, params []string) string {
	if len(params) == 0 || r.URL.RawQuery == "" {
		return r.URL.EscapedPath() // most requests: no copy, no parsed query
	}
	var b strings.Builder
	b.WriteString(r.URL.EscapedPath())
	query := r.URL.Query()
	sep := byte('?')
	for _, p := range params {
		if v := query.Get(p); v != "" {
			b.WriteByte(sep)
			b.WriteString(url.QueryEscape(p) + "=" + url.QueryEscape(v))
			sep = '&'
		}
	}
	return b.String()
}

func (c *PageCache) serve(next http.Handler, keyOf func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			renderHolding(next, w, r)
			return
		}
		key := keyOf(r)
		if len(key) > maxCacheKey {
			renderHolding(next, w, r)
			return
		}
		version, err := c.version(r.Context())
		if err != nil {
			renderHolding(next, w, r) // the handler meets the same problem and answers for it
			return
		}

		c.mu.Lock()
		if page := c.entries[key]; page != nil && page.version == version {
			c.mu.Unlock()
			page.write(w, r)
			return
		}
		if f := c.flights[key]; f != nil && f.version == version {
			f.waiters++
			c.mu.Unlock()
			select {
			case <-f.done:
			case <-r.Context().Done():
				return // nobody is left to answer
			}
			if f.page != nil {
				f.page.write(w, r)
				return
			}
			renderHolding(next, w, r) // its answer was not one to share: answer this one afresh
			return
		}
		if r.Method != http.MethodGet {
			c.mu.Unlock()
			renderHolding(next, w, r) // a HEAD response has no body to keep
			return
		}
		f := &pageFlight{version: version, done: make(chan struct{})}
		c.flights[key] = f
		c.mu.Unlock()
		c.lead(w, r, next, key, f)
	})
}

// lead renders a page for its own client and for whoever waits on f. The
// render goes on when its client hangs up (the others still need the
// page); and a panic releases the others before it goes on up.
func (c *PageCache) lead(w http.ResponseWriter, r *http.Request, next http.Handler, key string, f *pageFlight) {
	defer func() {
		c.mu.Lock()
		if c.flights[key] == f {
			delete(c.flights, key)
		}
		if f.page != nil {
			c.store(key, f.page)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	// Others wait on this render: its turn must come even if its client
	// leaves, and it does (see renderSlots).
	slot, _ := holdRenderSlot(context.WithoutCancel(r.Context()))
	defer slot.releaseRenderSlot()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), renderTimeout)
	defer cancel()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	next.ServeHTTP(rec, r.WithContext(ctx))
	h := w.Header()
	if rec.status != http.StatusOK || rec.overflow || h.Get("Set-Cookie") != "" || h.Get("Cache-Control") != "" {
		return
	}
	body := rec.body.Bytes()
	f.page = &cachedPage{version: f.version, contentType: h.Get("Content-Type"), etag: h.Get("ETag"), body: body, length: strconv.Itoa(len(body))}
}

// renderHolding serves r from next, which builds the page from the
// database, in one of the site's render slots.
func renderHolding(next http.Handler, w http.ResponseWriter, r *http.Request) {
	slot, ok := holdRenderSlot(r.Context())
	if !ok {
		return // the client left while waiting; nobody to answer
	}
	defer slot.releaseRenderSlot()
	next.ServeHTTP(w, r)
}

// store keeps page under key unless a newer one is there; c.mu is held.
func (c *PageCache) store(key string, page *cachedPage) {
	old := c.entries[key]
	if old != nil {
		if old.version > page.version {
			return
		}
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
	// The values share one allocation; the names are in canonical form.
	values := []string{p.contentType, p.etag, p.length}
	h["Content-Type"] = values[0:1:1]
	if p.etag != "" {
		h["Etag"] = values[1:2:2]
		if matchesETag(r, p.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h["Content-Length"] = values[2:3:3]
	_, _ = w.Write(p.body)
}

// OneVersion makes the caches a request touches (the public pages, the
// admin's memo and pages) agree on one content version: the first of them
// to ask reads it, before any data is read, and the others get the same.
// The site's router does the same in its first middleware (requestContext),
// sparing a copy of the request; this is for handlers mounted elsewhere.
func OneVersion(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(database.WithOneVersion(r.Context())))
	})
}

// recorder passes a response through while keeping a copy of its body. A
// client that has gone away does not stop the copy: the page is for the
// requests waiting on it too.
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
	_, _ = r.ResponseWriter.Write(b)
	return len(b), nil
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"oclettings/app/database"
)

func TestPageCacheKeysByWhatThePageReads(t *testing.T) {
	f := newCacheFixture(1<<20, func(w http.ResponseWriter, r *http.Request, n int) {
		q := r.URL.Query()
		WriteHTML(w, r, http.StatusOK, fmt.Appendf(nil, "render %d: q=%s page=%s", n, q.Get("q"), q.Get("page")))
	})
	serve(f.h, "GET", "/lettings/", nil)
	serve(f.h, "GET", "/lettings/?q=ocean&page=2", nil)
	for i := range 1000 {
		serve(f.h, "GET", fmt.Sprintf("/lettings/?utm_source=%d&fbclid=%d", i, i), nil)
	}
	if rec := serve(f.h, "GET", "/lettings/?page=2&junk=1&q=ocean", nil); rec.Body.String() != "render 2: q=ocean page=2" {
		t.Errorf("got %q, want the page kept for q and page, whatever else the query holds", rec.Body)
	}
	if rec := serve(f.h, "GET", "/lettings/?q=", nil); rec.Body.String() != "render 1: q= page=" {
		t.Errorf("got %q, want an empty parameter taken as absent", rec.Body)
	}
	if f.renders != 2 || len(f.cache.entries) != 2 {
		t.Errorf("got %d renders and %d entries, want junk queries served by the pages they decorate", f.renders, len(f.cache.entries))
	}
}

func TestPageCacheKeepsAbsolutePagesPerAddress(t *testing.T) {
	// One cache for all of them in turn: each must get its own page.
	c := NewPageCache(func(context.Context) (database.ContentVersion, error) { return 1, nil }, 1<<20)
	for _, tt := range []struct {
		name    string
		origin  Origin
		request func(r *http.Request)
		want    string
	}{
		{"host A", Origin{}, func(r *http.Request) { r.Host = "a.example" }, "http://a.example/"},
		{"host B", Origin{}, func(r *http.Request) { r.Host = "b.example" }, "http://b.example/"},
		{"host B over HTTPS behind a trusted proxy", Origin{Proxies: Proxies{Trusted: true}}, func(r *http.Request) {
			r.Host = "b.example"
			r.Header.Set("X-Forwarded-Proto", "https")
		}, "https://b.example/"},
		{"a proxy header from an untrusted client", Origin{}, func(r *http.Request) {
			r.Host = "b.example"
			r.Header.Set("X-Forwarded-Proto", "https")
		}, "http://b.example/"},
		{"the configured site", Origin{SiteURL: "https://site.example"}, func(r *http.Request) { r.Host = "a.example" }, "https://site.example/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.origin.Middleware(c.AbsolutePage()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = w.Write([]byte("Sitemap: " + BaseURL(r) + "/sitemap.xml"))
			})))
			req := httptest.NewRequest("GET", "/robots.txt", nil)
			tt.request(req)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Body.String(); got != "Sitemap: "+tt.want+"sitemap.xml" {
				t.Errorf("got %q, want links under %s", got, tt.want)
			}
		})
	}
}

// waitForPageWaiters returns once n requests wait for the render of key.
func waitForPageWaiters(c *PageCache, key string, n int) {
	for {
		c.mu.Lock()
		waiting := 0
		if f := c.flights[key]; f != nil {
			waiting = f.waiters
		}
		c.mu.Unlock()
		if waiting >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestPageCacheRendersOnceForACrowd(t *testing.T) {
	var renders atomic.Int64
	started, release := make(chan struct{}), make(chan struct{})
	c := NewPageCache(func(context.Context) (database.ContentVersion, error) { return 7, nil }, 1<<20)
	h := c.Page()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if renders.Add(1) == 1 {
			close(started)
			<-release
		}
		WriteHTML(w, r, http.StatusOK, []byte("the page"))
	}))
	const crowd = 50
	bodies := make(chan string, crowd)
	go func() { bodies <- serve(h, "GET", "/a/", nil).Body.String() }()
	<-started
	for range crowd - 1 {
		go func() { bodies <- serve(h, "GET", "/a/", nil).Body.String() }()
	}
	waitForPageWaiters(c, "/a/", crowd-1)
	close(release)
	for range crowd {
		if body := <-bodies; body != "the page" {
			t.Errorf("got %q", body)
		}
	}
	if renders.Load() != 1 {
		t.Errorf("got %d renders for %d concurrent requests, want 1", renders.Load(), crowd)
	}
}

func TestPageCacheRenderOutlivesItsClient(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	c := NewPageCache(func(context.Context) (database.ContentVersion, error) { return 7, nil }, 1<<20)
	var renders atomic.Int64
	h := c.Page()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if renders.Add(1) == 1 {
			close(started)
			<-release
		}
		if err := r.Context().Err(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError) // as a handler whose query was cancelled
			return
		}
		WriteHTML(w, r, http.StatusOK, []byte("the page"))
	}))
	ctx, hangUp := context.WithCancel(context.Background())
	firstDone := make(chan struct{})
	go func() {
		defer close(firstDone)
		req := httptest.NewRequest("GET", "/a/", nil).WithContext(ctx)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}()
	<-started
	waiter := make(chan *httptest.ResponseRecorder)
	go func() { waiter <- serve(h, "GET", "/a/", nil) }()
	waitForPageWaiters(c, "/a/", 1)
	hangUp()
	close(release)
	<-firstDone
	if rec := <-waiter; rec.Code != 200 || rec.Body.String() != "the page" || renders.Load() != 1 {
		t.Errorf("got %d %q after %d renders, want the page the first client left behind", rec.Code, rec.Body, renders.Load())
	}
}

func TestPageCachePanicReleasesWaiters(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	c := NewPageCache(func(context.Context) (database.ContentVersion, error) { return 7, nil }, 1<<20)
	var renders atomic.Int64
	h := c.Page()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if renders.Add(1) == 1 {
			close(started)
			<-release
			panic("broken template")
		}
		WriteHTML(w, r, http.StatusOK, []byte("the page"))
	}))
	go func() {
		defer func() { _ = recover() }() // the site's Recover answers it
		serve(h, "GET", "/a/", nil)
	}()
	<-started
	waiter := make(chan *httptest.ResponseRecorder)
	go func() { waiter <- serve(h, "GET", "/a/", nil) }()
	waitForPageWaiters(c, "/a/", 1)
	close(release)
	select {
	case rec := <-waiter:
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "the page") {
			t.Errorf("got %d %q, want the waiter answered afresh", rec.Code, rec.Body)
		}
	case <-time.After(10 * time.Second): // a hang fails the test, not the run
		t.Fatal("got the waiter stuck after the render it waited for panicked")
	}
}

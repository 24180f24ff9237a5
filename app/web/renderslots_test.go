package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-chi/chi/v5"

	"oclettings/app/config"
	"oclettings/app/database"
)

// gauge counts the requests inside a handler and the most there ever were.
type gauge struct{ now, most atomic.Int64 }

func (g *gauge) enter() {
	n := g.now.Add(1)
	for m := g.most.Load(); n > m && !g.most.CompareAndSwap(m, n); m = g.most.Load() {
	}
}

func (g *gauge) leave() { g.now.Add(-1) }

// slotSite is the site-wide router with slots render slots, in front of
// routes that read "the database" (a handler that waits for gate): an
// admin-like group behind RenderSlot, the same group's page also behind the
// page cache (a request that could take two slots), and a cached public
// page with a version that changes on every request (always a render).
func slotSite(t *testing.T, slots int, gate <-chan struct{}, g *gauge) http.Handler {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	pages, err := NewErrorPages(func(int, string) ([]byte, error) { return []byte("error page"), nil }, logger)
	if err != nil {
		t.Fatal(err)
	}
	assets, err := NewAssets(fstest.MapFS{"css/a.css": {Data: []byte("a{}")}}, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	var version atomic.Int64
	fresh := NewPageCache(func(context.Context) (database.ContentVersion, error) {
		return database.ContentVersion(version.Add(1)), nil
	}, 1<<20)
	steady := NewPageCache(func(context.Context) (database.ContentVersion, error) { return 1, nil }, 1<<20)
	render := func(w http.ResponseWriter, r *http.Request) {
		g.enter()
		defer g.leave()
		<-gate
		_, _ = w.Write([]byte("a page"))
	}
	h, err := NewSiteRouter(SiteOptions{
		Config:      &config.Config{AllowedHosts: []string{"example.com"}, MaxBodyBytes: 1 << 20},
		Logger:      logger,
		Pages:       pages,
		Assets:      assets,
		Ready:       func(context.Context) error { return nil },
		Monitor:     func(h http.Handler) http.Handler { return h },
		RenderSlots: slots,
		Mount: func(r chi.Router) {
			r.With(fresh.Page()).Get("/public/", render)
			r.With(steady.Page()).Get("/shared/", render) // one render for a crowd
			r.Group(func(r chi.Router) {
				r.Use(RenderSlot)
				r.Get("/admin/", render)
				r.Post("/admin/", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("saved")) })
				r.With(steady.Page()).Get("/admin/cached/", render)
			})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// More requests than slots, of every kind, all at once: no more than the
// slots render at a time, none fails, and all are answered: the bound
// makes requests wait, never refuses them, and never deadlocks (a request
// holds one slot at most, and no holder waits on a request without one).
func TestRenderSlotsBoundRendersWithoutRefusingOrDeadlocking(t *testing.T) {
	t.Parallel()
	for _, slots := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d slots", slots), func(t *testing.T) {
			t.Parallel()
			gate := make(chan struct{})
			var g gauge
			h := slotSite(t, slots, gate, &g)
			paths := []string{"/public/", "/admin/", "/admin/cached/", "/shared/"}
			const crowd = 40
			codes := make(chan int, crowd)
			var wg sync.WaitGroup
			for i := range crowd {
				wg.Go(func() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil))
					codes <- rec.Code
				})
			}
			// Every slot taken: the renders wait at the gate, the rest for a slot.
			for deadline := time.Now().Add(10 * time.Second); g.now.Load() < int64(slots); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("got %d renders under way, want %d", g.now.Load(), slots)
				}
			}
			close(gate)
			finished := make(chan struct{})
			go func() { wg.Wait(); close(finished) }()
			select {
			case <-finished:
			case <-time.After(30 * time.Second): // a deadlock, not a slow machine
				t.Fatalf("got %d of %d requests answered, want all", len(codes), crowd)
			}
			close(codes)
			for code := range codes {
				if code != http.StatusOK {
					t.Errorf("got status %d, want every request answered 200", code)
				}
			}
			if most := g.most.Load(); most > int64(slots) {
				t.Errorf("got %d renders at once, want at most %d", most, slots)
			}
		})
	}
}

// A request whose client has left while it waits for a slot stops waiting
// and is never rendered; the slot's holder then goes on alone.
func TestRenderSlotWaiterWhoseClientLeftIsDropped(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	var g gauge
	h := slotSite(t, 1, gate, &g)
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/admin/", nil))
		done <- rec.Code
	}()
	for deadline := time.Now().Add(10 * time.Second); g.now.Load() < 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first request never started rendering")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// (A page the cache renders is another matter: others may come to wait
	// for it, so it waits for its turn whoever its client was.)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/admin/", nil).WithContext(ctx))
	if most := g.most.Load(); most != 1 {
		t.Errorf("got %d renders at once, want the gone clients' requests never rendered", most)
	}
	close(gate)
	if code := <-done; code != http.StatusOK {
		t.Errorf("got status %d for the request holding the slot, want 200", code)
	}
}

// A POST takes no slot: with every slot held by a page that waits (as a
// slow client's upload or download would hold one for minutes), a save is
// still answered.
func TestRenderSlotsLeavePostsAlone(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	defer close(gate)
	var g gauge
	h := slotSite(t, 1, gate, &g)
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/admin/", nil))
	for deadline := time.Now().Add(10 * time.Second); g.now.Load() < 1; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the page never started rendering")
		}
	}
	answered := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/admin/", nil))
		answered <- rec.Code
	}()
	select {
	case code := <-answered:
		if code != http.StatusOK {
			t.Errorf("got status %d for the save, want 200", code)
		}
	case <-time.After(10 * time.Second): // waiting for the slot, not a slow machine
		t.Fatal("the save waited for the page's slot")
	}
}

package web

import (
	"context"
	"net/http"
	"runtime"
)

// DefaultRenderSlots is how many requests build pages from the database at
// once when SiteOptions.RenderSlots is 0: twice the processors the Go
// runtime uses, at least 4. More would not answer faster (the processors
// and the database's connections are busy already), only hold more in
// memory at once.
func DefaultRenderSlots() int { return max(4, 2*runtime.GOMAXPROCS(0)) }

// renderSlots bounds how many requests build pages from the database at
// once. Past the bound, requests wait their turn, holding little (their
// connection's buffers), instead of all holding their rows, relations and
// pages in the making at the same time: 256 staff on a changelist of
// 100,000 rows would otherwise take 256 pages' worth of memory for no
// gain, since the database answers a few queries at a time anyway.
//
// A request holds at most one slot (taking one again is a no-op), takes it
// before waiting on nothing else of the site's making, and gives it back
// when it is answered: whoever holds a slot can finish, so a request
// waiting for one always gets it.
type renderSlots chan struct{}

// RenderSlot runs the pages of a group of routes (the admin's: every page
// reads the database) one slot of the site's each (see
// SiteOptions.RenderSlots). Only GET and HEAD take one: a POST may spend
// minutes reading an upload (an import) or writing a download (a backup)
// at the client's pace, and a few slow clients holding every slot would
// stop every page; sign-ins have their own bound (the hash concurrency). A
// request whose client leaves while it waits is dropped unanswered: there
// is nobody to answer.
func RenderSlot(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		f, ok := holdRenderSlot(r.Context())
		if !ok {
			return
		}
		defer f.releaseRenderSlot()
		next.ServeHTTP(w, r)
	})
}

// holdRenderSlot waits for a render slot until ctx ends; ok is false when
// it ended first. The facts returned give the slot back; nil when the
// request took none (it held one already, or the site has no bound).
func holdRenderSlot(ctx context.Context) (f *requestFacts, ok bool) {
	f = factsOf(ctx)
	if f == nil || f.renders == nil || f.rendering {
		return nil, true
	}
	select {
	case f.renders <- struct{}{}:
		f.rendering = true
		return f, true
	default:
	}
	select {
	case f.renders <- struct{}{}:
		f.rendering = true
		return f, true
	case <-ctx.Done():
		return nil, false
	}
}

// releaseRenderSlot gives back the slot holdRenderSlot took, if it took one.
func (f *requestFacts) releaseRenderSlot() {
	if f != nil {
		f.rendering = false
		<-f.renders
	}
}

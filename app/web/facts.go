package web

import (
	"context"
	"net/http"

	"oclettings/app/database"
)

// requestFacts are what the site-wide middleware learn of a request for
// everything after them: the client's address (Proxies), the request's id
// (RequestLog) and the site's address (Origin). They share one value on the
// context, filled in as the request goes down the chain: each fact on a
// context of its own cost a copy of the request (a few hundred bytes) per
// fact, on every request, for nothing. A fact is written before the
// handlers after its middleware run, and never after.
type requestFacts struct {
	client string
	id     string
	base   string

	// The site's render slots, and whether the request holds one (see
	// renderSlots): set and read by the request's own goroutine only.
	renders   renderSlots
	rendering bool
}

type factsKey struct{}

func factsOf(ctx context.Context) *requestFacts {
	f, _ := ctx.Value(factsKey{}).(*requestFacts)
	return f
}

// withFacts returns r with facts on its context: the ones it has, or new
// ones on a copy of r when a middleware runs outside the site's router.
func withFacts(r *http.Request) (*http.Request, *requestFacts) {
	if f := factsOf(r.Context()); f != nil {
		return r, f
	}
	f := &requestFacts{}
	return r.WithContext(context.WithValue(r.Context(), factsKey{}, f)), f
}

// requestContext is the site's first middleware: one copy of the request
// carries the facts the middleware after it fill in, with the site's render
// slots, and the one content version the caches the request touches agree
// on (see OneVersion).
func requestContext(renders renderSlots) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := context.WithValue(r.Context(), factsKey{}, &requestFacts{renders: renders})
			next.ServeHTTP(w, r.WithContext(database.WithOneVersion(ctx)))
		})
	}
}

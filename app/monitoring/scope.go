package monitoring

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/getsentry/sentry-go"

	"oclettings/app/web"
)

// defaultMaxBreadcrumbs is sentry-go's own default, for MaxBreadcrumbs 0.
const defaultMaxBreadcrumbs = 100

type scopeKey struct{}

// requestScope is what Sentry may need to know of one request. Most
// requests report nothing, so the hub (a clone of the process's, with the
// scrubbed request and the user on it) is made only when an event is
// about to be sent, or when the request is traced; and the log records
// that would be breadcrumbs wait here as they are, unconverted, until an
// event needs them. The request's own log line, written as it ends, is
// thus kept a moment and dropped, never turned into a breadcrumb.
// Handlers may log from goroutines of their own, hence the lock.
type requestScope struct {
	req       *http.Request
	maxCrumbs int

	mu      sync.Mutex
	h       *sentry.Hub
	user    *sentry.User
	pending []pendingCrumb
}

// pendingCrumb is a record kept for a breadcrumb, with the handler (its
// attributes and group) that received it. The record is a copy the logger
// no longer touches; it is read, never modified.
type pendingCrumb struct {
	h *LogHandler
	r slog.Record
}

func scopeFrom(ctx context.Context) *requestScope {
	rs, _ := ctx.Value(scopeKey{}).(*requestScope)
	return rs
}

// hub returns the request's hub, making it on first use.
func (rs *requestScope) hub() *sentry.Hub {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.hubLocked()
}

// eventHub is hub with the breadcrumbs kept so far added to it, for an
// event about to be captured.
func (rs *requestScope) eventHub() *sentry.Hub {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	h := rs.hubLocked()
	for _, p := range rs.pending {
		h.AddBreadcrumb(p.h.breadcrumb(p.r), nil)
	}
	rs.pending = nil
	return h
}

func (rs *requestScope) hubLocked() *sentry.Hub {
	if rs.h != nil {
		return rs.h
	}
	h := sentry.CurrentHub().Clone()
	h.Scope().SetRequest(scrubRequest(rs.req))
	if rs.user != nil {
		h.Scope().SetUser(*rs.user)
	} else {
		h.Scope().SetUser(sentry.User{IPAddress: web.ClientAddr(rs.req)})
	}
	rs.h = h
	return h
}

func (rs *requestScope) setUser(u sentry.User) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.user = &u
	if rs.h != nil {
		rs.h.Scope().SetUser(u)
	}
}

// addCrumb keeps a record for the request's next event, converted only if
// that event comes (a traced request's transaction carries none).
func (rs *requestScope) addCrumb(h *LogHandler, r slog.Record) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.maxCrumbs < 0 {
		return
	}
	if len(rs.pending) >= rs.maxCrumbs {
		rs.pending = append(rs.pending[:0], rs.pending[1:]...)
	}
	rs.pending = append(rs.pending, pendingCrumb{h: h, r: r})
}

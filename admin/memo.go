package admin

import (
	"bytes"
	"context"
	"crypto/subtle"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"oclettings/app/database"
)

// memo keeps values computed from the database for as long as its content
// version stays the same: the signed-in user and their permissions, or a
// filter's choices, which every admin page would otherwise read again.
// Any change to the content, here or in another process, moves the version
// and empties it; sessions and sign-in attempts do not.
type memo struct {
	db *database.DB

	mu       sync.Mutex
	version  database.ContentVersion
	values   map[string]any
	inflight map[flightKey]*flight // computations under way, so that a crowd of requests after a commit computes once
	onReset  func()                // called, under the lock, when the memo starts afresh
}

type flightKey struct {
	version database.ContentVersion
	key     string
}

type flight struct {
	done    chan struct{}
	value   any
	err     error
	waiters int // requests waiting for it besides the one that started it, under memo.mu
}

// loadTimeout bounds a computation, which no request's cancellation stops.
const loadTimeout = 30 * time.Second

// forget drops one key.
func (m *memo) forget(key string) {
	m.mu.Lock()
	delete(m.values, key)
	m.mu.Unlock()
}

// maxMemo bounds the entries kept for one content version.
const maxMemo = 1000

// pageCache keeps rendered admin pages, per user and address, within the
// memo's content version and a byte budget. The session's CSRF token is the
// one thing in them that differs between two requests of the same user, so
// the page is rendered with a marker in its place and the token goes in on
// the way out. The marker is random per process: no data can contain it.
type pageCache struct {
	marker string
	budget int

	mu    sync.Mutex
	bytes int
}

// render returns the page for key (which starts with "page:", apart from
// the memo's other keys) with token in place, rendering it (with
// the marker, on the context render is given) when the content version has
// moved or the page is new. The page returned may be shared with other
// requests: it is for writing out, never to be changed.
func (c *pageCache) render(ctx context.Context, m *memo, key, token string, render func(ctx context.Context, marker string) ([]byte, error)) ([]byte, error) {
	v, err := m.get(ctx, key, func(ctx context.Context) (any, error) {
		body, err := render(ctx, c.marker)
		if err != nil {
			return nil, err
		}
		p := newCachedPage(body, c.marker)
		c.mu.Lock()
		defer c.mu.Unlock()
		// Twice the body: the page as rendered and the page with the token
		// of its last session in place.
		if c.bytes+2*len(body) > c.budget {
			// Over budget: the page is still answered, just not kept (a
			// page marked skip is rendered afresh next time).
			p.skip = true
			return p, nil
		}
		c.bytes += 2 * len(body)
		return p, nil
	})
	if err != nil {
		return nil, err
	}
	p := v.(*cachedPage)
	if p.skip {
		m.forget(key)
	}
	return p.with(token), nil
}

// cachedPage is a page as rendered, cut at the marker's places, and the
// page with the token of the last session that asked for it in place: a
// member of staff browsing in one session is sent the same bytes again,
// without a copy of the page per request.
type cachedPage struct {
	parts  [][]byte // the page between the markers
	size   int      // of the parts together
	skip   bool
	filled atomic.Pointer[filledPage]
}

type filledPage struct {
	token string
	body  []byte
}

func newCachedPage(body []byte, marker string) *cachedPage {
	p := &cachedPage{parts: bytes.Split(body, []byte(marker))}
	for _, part := range p.parts {
		p.size += len(part)
	}
	return p
}

// with returns the page with token in the marker's places.
func (p *cachedPage) with(token string) []byte {
	// The comparison takes the same time whatever the tokens hold: it is
	// between the session's own token and the one of another session
	// of the same user.
	if f := p.filled.Load(); f != nil && subtle.ConstantTimeCompare([]byte(f.token), []byte(token)) == 1 {
		return f.body
	}
	body := make([]byte, 0, p.size+(len(p.parts)-1)*len(token))
	for i, part := range p.parts {
		if i > 0 {
			body = append(body, token...)
		}
		body = append(body, part...)
	}
	if !p.skip {
		p.filled.Store(&filledPage{token: token, body: body})
	}
	return body
}

// get returns the value for key, computing it with load when the version
// has moved or the key is new. Concurrent requests for the same key and
// version wait for one computation instead of each doing it.
//
// The computation belongs to none of them: it runs on a context of its own
// (the first request's values, without its cancellation, with its own
// timeout), so a client hanging up fails nobody else; and a panic in it
// becomes an error for every request waiting, not a key stuck in flight.
// A request that gives up waiting leaves it running for the others.
func (m *memo) get(ctx context.Context, key string, load func(context.Context) (any, error)) (any, error) {
	version, err := m.db.ContentVersion(ctx)
	if err != nil {
		return nil, err
	}
	fk := flightKey{version, key}
	m.mu.Lock()
	if version > m.version || len(m.values) >= maxMemo {
		m.version, m.values = version, map[string]any{}
		if m.onReset != nil {
			m.onReset()
		}
	}
	// A request that read its version before the latest change computes
	// for itself and keeps nothing: its values are of the older data.
	if v, ok := m.values[key]; ok && version == m.version {
		m.mu.Unlock()
		return v, nil
	}
	f, ok := m.inflight[fk]
	if ok {
		f.waiters++
	} else {
		f = &flight{done: make(chan struct{})}
		if m.inflight == nil {
			m.inflight = map[flightKey]*flight{}
		}
		m.inflight[fk] = f
		go m.compute(context.WithoutCancel(ctx), fk, f, load)
	}
	m.mu.Unlock()
	select {
	case <-f.done:
		return f.value, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// compute runs one flight's load and hands its result to the waiters.
func (m *memo) compute(ctx context.Context, fk flightKey, f *flight, load func(context.Context) (any, error)) {
	defer func() {
		if p := recover(); p != nil {
			f.value, f.err = nil, fmt.Errorf("admin: computing %q panicked: %v\n%s", fk.key, p, debug.Stack())
		}
		m.mu.Lock()
		delete(m.inflight, fk)
		if f.err == nil && fk.version == m.version && m.values != nil {
			m.values[fk.key] = f.value
		}
		m.mu.Unlock()
		close(f.done)
	}()
	ctx, cancel := context.WithTimeout(ctx, loadTimeout)
	defer cancel()
	f.value, f.err = load(ctx)
}

// reset empties the byte count along with the memo it lives in.
func (c *pageCache) reset() {
	c.mu.Lock()
	c.bytes = 0
	c.mu.Unlock()
}

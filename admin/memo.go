package admin

import (
	"bytes"
	"context"
	"sync"

	"oclettings/app/database"
)

// memo keeps values computed from the database for as long as its data
// version stays the same: the signed-in user and their permissions, or a
// filter's choices, which every admin page would otherwise read again.
// Any commit, here or in another process, moves the version and empties it.
type memo struct {
	db *database.DB

	mu       sync.Mutex
	version  database.DataVersion
	values   map[string]any
	inflight map[flightKey]*flight // computations under way, so that a crowd of requests after a commit computes once
	onReset  func()                // called, under the lock, when the memo starts afresh
}

type flightKey struct {
	version database.DataVersion
	key     string
}

type flight struct {
	done  chan struct{}
	value any
	err   error
}

// forget drops one key.
func (m *memo) forget(key string) {
	m.mu.Lock()
	delete(m.values, key)
	m.mu.Unlock()
}

// maxMemo bounds the entries kept for one data version.
const maxMemo = 1000

// pageCache keeps rendered admin pages, per user and address, within the
// memo's data version and a byte budget. The session's CSRF token is the
// one thing in them that differs between two requests of the same user, so
// the page is rendered with a marker in its place and the token goes in on
// the way out. The marker is random per process: no data can contain it.
type pageCache struct {
	marker string
	budget int

	mu    sync.Mutex
	bytes int
}

// render returns the page for key with token in place, rendering it (with
// the marker) when the data version has moved or the page is new.
func (c *pageCache) render(ctx context.Context, m *memo, key, token string, render func(marker string) ([]byte, error)) ([]byte, error) {
	v, err := m.get(ctx, "page:"+key, func() (any, error) {
		body, err := render(c.marker)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.bytes+len(body) > c.budget {
			// Over budget: the page is still answered, just not kept (a
			// nil value is rendered afresh next time).
			return cachedBody{body: body, skip: true}, nil
		}
		c.bytes += len(body)
		return cachedBody{body: body}, nil
	})
	if err != nil {
		return nil, err
	}
	cb := v.(cachedBody)
	if cb.skip {
		m.forget("page:" + key)
	}
	return bytes.ReplaceAll(cb.body, []byte(c.marker), []byte(token)), nil
}

type cachedBody struct {
	body []byte
	skip bool
}

// get returns the value for key, computing it with load when the version
// has moved or the key is new. Concurrent requests for the same key and
// version wait for one computation instead of each doing it.
func (m *memo) get(ctx context.Context, key string, load func() (any, error)) (any, error) {
	version, err := m.db.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	fk := flightKey{version, key}
	m.mu.Lock()
	if version != m.version || len(m.values) >= maxMemo {
		m.version, m.values = version, map[string]any{}
		if m.onReset != nil {
			m.onReset()
		}
	}
	if v, ok := m.values[key]; ok {
		m.mu.Unlock()
		return v, nil
	}
	if f, ok := m.inflight[fk]; ok {
		m.mu.Unlock()
		select {
		case <-f.done:
			return f.value, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	if m.inflight == nil {
		m.inflight = map[flightKey]*flight{}
	}
	m.inflight[fk] = f
	m.mu.Unlock()

	f.value, f.err = load()

	m.mu.Lock()
	delete(m.inflight, fk)
	if f.err == nil && version == m.version {
		m.values[key] = f.value
	}
	m.mu.Unlock()
	close(f.done)
	return f.value, f.err
}

// reset empties the byte count along with the memo it lives in.
func (c *pageCache) reset() {
	c.mu.Lock()
	c.bytes = 0
	c.mu.Unlock()
}

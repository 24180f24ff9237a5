package admin

import (
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

	mu      sync.Mutex
	version database.DataVersion
	values  map[string]any
}

// maxMemo bounds the entries kept for one data version.
const maxMemo = 1000

// get returns the value for key, computing it with load when the version
// has moved or the key is new.
func (m *memo) get(ctx context.Context, key string, load func() (any, error)) (any, error) {
	version, err := m.db.DataVersion(ctx)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if version != m.version || len(m.values) >= maxMemo {
		m.version, m.values = version, map[string]any{}
	}
	v, ok := m.values[key]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err = load()
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if version == m.version {
		m.values[key] = v
	}
	m.mu.Unlock()
	return v, nil
}

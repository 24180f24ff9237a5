// Package sessions keeps scs sessions in the application's database, so that
// any instance of the app can serve any request of a signed-in user.
package sessions

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/uptrace/bun"

	"oclettings/app/database"
)

// Lifetimes: Django's two weeks at most, and a day without activity ends a
// session sooner, so a forgotten staff session on a shared computer expires.
const (
	Lifetime    = 14 * 24 * time.Hour
	IdleTimeout = 24 * time.Hour
)

// CookieName is Django's, so nothing in front of the site needs to change.
const CookieName = "sessionid"

// NewManager returns the session manager of the admin: cookie sessionid,
// HttpOnly, SameSite=Lax, Secure unless debugging over plain HTTP, and only
// a hash of each token in the database.
func NewManager(db *database.DB, secure bool, onError func(http.ResponseWriter, *http.Request, error)) *scs.SessionManager {
	m := scs.New()
	m.Store = &Store{db: db}
	m.Codec = &codec{}
	m.HashTokenInStore = true
	m.Lifetime = Lifetime
	m.IdleTimeout = IdleTimeout
	m.Cookie.Name = CookieName
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = secure
	m.Cookie.Path = "/"
	m.Cookie.Persist = true
	m.ErrorFunc = onError
	return m
}

// row is one stored session.
type row struct {
	bun.BaseModel `bun:"table:sessions"`

	Token  string    `bun:"token,pk"`
	Data   []byte    `bun:"data,notnull"`
	Expiry time.Time `bun:"expiry,notnull"`
}

// Store is an scs.CtxStore on the app's database.
type Store struct {
	db *database.DB

	// seen remembers what the store holds for a token, and at which data
	// version it was read. While the version stands, no commit has touched
	// the sessions, so the next request of the session is answered from
	// memory. And with an idle timeout scs commits on every request only to
	// push the expiry forward: when nothing else changed and the stored
	// expiry is recent, that write (a write transaction, which SQLite runs
	// one at a time) is skipped.
	mu   sync.Mutex
	seen map[string]seenRow
}

type seenRow struct {
	row
	version database.DataVersion
}

// expirySlack is how far behind the stored expiry may fall before an
// unchanged session is written again.
const expirySlack = time.Minute

// FindCtx returns the data of an unexpired session.
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	version, err := s.db.DataVersion(ctx)
	if err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	known, ok := s.seen[token]
	s.mu.Unlock()
	if ok && known.version == version && known.Expiry.After(time.Now()) {
		return known.Data, true, nil
	}
	var r row
	err = s.db.Read.NewSelect().Model(&r).
		Where("token = ?", token).Where("expiry > ?", time.Now().UTC()).
		Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	if s.seen == nil || len(s.seen) > 10000 {
		s.seen = map[string]seenRow{} // a bound on the memory it takes
	}
	s.seen[token] = seenRow{row: r, version: version}
	s.mu.Unlock()
	return r.Data, true, nil
}

// CommitCtx adds or replaces a session.
func (s *Store) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	s.mu.Lock()
	prev, found := s.seen[token]
	s.mu.Unlock()
	if found && bytes.Equal(prev.Data, b) && expiry.Sub(prev.Expiry) < expirySlack {
		return nil
	}
	s.mu.Lock()
	delete(s.seen, token)
	s.mu.Unlock()
	_, err := s.db.Write.NewInsert().Model(&row{Token: token, Data: b, Expiry: expiry.UTC()}).
		On("CONFLICT (token) DO UPDATE").
		Set("data = EXCLUDED.data").
		Set("expiry = EXCLUDED.expiry").
		Exec(ctx)
	return err
}

// DeleteCtx removes a session.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	s.mu.Lock()
	delete(s.seen, token)
	s.mu.Unlock()
	_, err := s.db.Write.NewDelete().Model((*row)(nil)).Where("token = ?", token).Exec(ctx)
	return err
}

// Find, Commit and Delete satisfy scs.Store; scs calls the Ctx forms.
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *Store) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s *Store) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes the sessions whose expiry has passed.
func DeleteExpired(ctx context.Context, db *database.DB, now time.Time) (int64, error) {
	res, err := db.Write.NewDelete().Model((*row)(nil)).Where("expiry <= ?", now.UTC()).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Sweep deletes expired sessions every interval until ctx ends.
func Sweep(ctx context.Context, db *database.DB, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n, err := DeleteExpired(ctx, db, now); err != nil && ctx.Err() == nil {
				logger.Warn("deleting expired sessions failed", "error", err)
			} else if n > 0 {
				logger.Debug("expired sessions deleted", "count", n)
			}
		}
	}
}

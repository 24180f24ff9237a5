package database

import (
	"context"
	"database/sql"
	"hash/maphash"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
)

// DataVersion identifies the state of the database's data: it differs
// whenever a change may have been committed since it was last read.
type DataVersion struct {
	Local  uint64 // commits made through this process's write handle
	Shared uint64 // what the database says of commits by any other process
}

// sharedPollInterval is how old the shared counter may get before a request
// reads it again. Changes made by this process count at once; changes made
// by another process (a command line tool, a second server on the same file)
// show within this interval.
const sharedPollInterval = time.Millisecond

// versionWatch keeps the DataVersion cheap enough to ask on every request:
// a read of two atomics, and at most once a millisecond, under load only,
// one query of the shared counter.
//
// The shared counter is a query whose answer changes whenever another
// connection commits: SQLite's PRAGMA data_version, or PostgreSQL's current
// snapshot, whose list of running transactions changes as each write
// transaction starts and ends (so a page rendered while another instance's
// edit was still uncommitted is dropped once that edit commits).
type versionWatch struct {
	local    atomic.Uint64
	shared   atomic.Uint64
	polledAt atomic.Int64 // UnixNano of the last successful read of the shared counter
	polling  atomic.Bool

	db    *sql.DB
	query string
	seed  maphash.Seed
	mu    sync.Mutex // guards conn, stmt and epoch
	conn  *sql.Conn
	stmt  *sql.Stmt
	epoch uint64 // bumped when the connection is replaced, since its counter starts afresh
}

// newVersionWatch watches through db, which it owns and closes, with query.
func newVersionWatch(ctx context.Context, db *sql.DB, query string) (*versionWatch, error) {
	w := &versionWatch{db: db, query: query, seed: maphash.MakeSeed()}
	if err := w.connect(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := w.poll(ctx, time.Now()); err != nil {
		_ = w.close()
		return nil, err
	}
	return w, nil
}

// connect opens the watch's own connection, which never writes: SQLite's
// data_version counts the commits of every connection but the one asking.
func (w *versionWatch) connect(ctx context.Context) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	stmt, err := conn.PrepareContext(ctx, w.query)
	if err != nil {
		_ = conn.Close()
		return err
	}
	w.conn, w.stmt = conn, stmt
	w.epoch++
	return nil
}

func (w *versionWatch) current(ctx context.Context) (DataVersion, error) {
	now := time.Now()
	if now.UnixNano()-w.polledAt.Load() >= int64(sharedPollInterval) && w.polling.CompareAndSwap(false, true) {
		err := w.poll(ctx, now)
		w.polling.Store(false)
		if err != nil {
			return DataVersion{}, err
		}
	}
	return DataVersion{Local: w.local.Load(), Shared: w.shared.Load()}, nil
}

func (w *versionWatch) poll(ctx context.Context, now time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var v []byte
	if err := w.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
		// A broken connection is replaced; its successor counts from a new
		// start, which the epoch keeps apart from the old numbers.
		_ = w.stmt.Close()
		_ = w.conn.Close()
		if err := w.connect(ctx); err != nil {
			return err
		}
		if err := w.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
			return err
		}
	}
	var h maphash.Hash
	h.SetSeed(w.seed)
	h.WriteString(strconv.FormatUint(w.epoch, 10) + ":")
	h.Write(v)
	w.shared.Store(h.Sum64())
	w.polledAt.Store(now.UnixNano())
	return nil
}

func (w *versionWatch) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.stmt.Close()
	_ = w.conn.Close()
	return w.db.Close()
}

// BeforeQuery and AfterQuery make versionWatch a bun query hook on the write
// handle: every statement that is not a SELECT, and every COMMIT after it
// succeeded, moves the local counter. Counting after the commit is what
// matters: a page rendered between a statement and its commit was tagged
// with the version before the commit and is discarded after it.
func (w *versionWatch) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (w *versionWatch) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if e.Err == nil && !strings.EqualFold(e.Operation(), "SELECT") {
		w.local.Add(1)
	}
}

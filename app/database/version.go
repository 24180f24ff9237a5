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

// ContentVersion identifies the state of what the site shows (lettings,
// profiles, users, groups, permissions, the admin's history): it moves when
// one of those changes and stays put for sessions and sign-in attempts.
// Versions read later in this process are larger, which lets a cache tell
// a late request from a change.
type ContentVersion uint64

// sharedPollInterval is how old the shared counters may get before a
// request reads them again. Changes made by this process count at once;
// changes made by another process (a command line tool, a second server on
// the same file) show within this interval.
const sharedPollInterval = time.Millisecond

// contentQuery reads the counter that migration 20261128000011 keeps: every
// change to a table the pages show moves it, in the change's transaction.
const contentQuery = "SELECT n FROM content_version WHERE id = 1"

// versionWatch keeps the versions cheap enough to ask on every request: a
// read of atomics, and at most once a millisecond, under load only, one
// query of each shared counter on the watch's own connection.
//
// The data counter is a query whose answer changes whenever another
// connection commits: SQLite's PRAGMA data_version, or PostgreSQL's current
// snapshot. The content counter is a row that triggers move in the same
// transaction as the change: it is read before the data a page shows, so a
// page rendered while a change was uncommitted carries the number from
// before it and is dropped once the change commits. Before the migration
// that adds the row, the content version follows the data version.
type versionWatch struct {
	local     atomic.Uint64 // statements that may have changed data, through this process's handle
	shared    atomic.Uint64
	content   atomic.Uint64 // the ContentVersion: counts the changes the polls saw
	polledAt  atomic.Int64  // UnixNano of the last successful poll
	polledFor atomic.Uint64 // the local count when the last successful poll began
	polling   atomic.Bool

	db    *sql.DB
	query string
	seed  maphash.Seed
	mu    sync.Mutex // guards the rest
	conn  *sql.Conn
	stmt  *sql.Stmt
	count *sql.Stmt // the content counter's query; nil while the database has no counter
	epoch uint64    // bumped when the connection is replaced, since its counter starts afresh
	last  observation
}

// observation is what a poll saw of the content: the counter, or, without
// one, the data version standing in for it.
type observation struct {
	counted bool
	n       int64
	data    DataVersion
}

// newVersionWatch watches through db, which it owns and closes, with query.
func newVersionWatch(ctx context.Context, db *sql.DB, query string) (*versionWatch, error) {
	w := &versionWatch{db: db, query: query, seed: maphash.MakeSeed()}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.connect(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := w.poll(ctx, time.Now()); err != nil {
		_ = w.stmt.Close()
		_ = w.conn.Close()
		_ = db.Close()
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
	w.conn, w.stmt, w.count = conn, stmt, nil
	w.epoch++
	return nil
}

// data is the DataVersion, for what must notice every write (the session
// store's memory of session rows).
func (w *versionWatch) data(ctx context.Context) (DataVersion, error) {
	if err := w.pollIfOld(ctx); err != nil {
		return DataVersion{}, err
	}
	return DataVersion{Local: w.local.Load(), Shared: w.shared.Load()}, nil
}

// contentVersion is the ContentVersion. After a commit through this
// process's handle it asks the database before answering, so whoever made
// a change sees it on their next page.
func (w *versionWatch) contentVersion(ctx context.Context) (ContentVersion, error) {
	if local := w.local.Load(); w.polledFor.Load() < local {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.polledFor.Load() < local { // no poll began after that commit meanwhile
			if err := w.poll(ctx, time.Now()); err != nil {
				return 0, err
			}
		}
	} else if err := w.pollIfOld(ctx); err != nil {
		return 0, err
	}
	return ContentVersion(w.content.Load()), nil
}

// pollIfOld polls when the last poll is older than the interval and nobody
// else is polling: the others go on with what was last seen.
func (w *versionWatch) pollIfOld(ctx context.Context) error {
	now := time.Now()
	if now.UnixNano()-w.polledAt.Load() < int64(sharedPollInterval) || !w.polling.CompareAndSwap(false, true) {
		return nil
	}
	defer w.polling.Store(false)
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.poll(ctx, now)
}

// poll reads both counters; w.mu is held.
func (w *versionWatch) poll(ctx context.Context, now time.Time) error {
	local := w.local.Load() // before the queries, which then see every commit it counts
	var v []byte
	if err := w.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the request gave up, the connection is fine
		}
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
	data := DataVersion{Local: local, Shared: h.Sum64()}

	if w.count == nil && data != w.last.data {
		// The counter may have come with a migration since the last look:
		// looking again costs a query only when something was written.
		if stmt, err := w.conn.PrepareContext(ctx, contentQuery); err == nil {
			w.count = stmt
		}
	}
	seen := observation{data: data}
	if w.count != nil {
		var n int64
		switch err := w.count.QueryRowContext(ctx).Scan(&n); {
		case err == nil:
			seen = observation{counted: true, n: n}
		case ctx.Err() != nil:
			return ctx.Err() // nothing was learnt, and nothing changes
		default:
			// Gone (a rollback of the migration) or failing: every write
			// counts again, which is never wrong, only slower.
			_ = w.count.Close()
			w.count = nil
		}
	}
	if seen != w.last {
		w.content.Add(1)
		w.last = seen
	}

	w.shared.Store(data.Shared)
	w.polledAt.Store(now.UnixNano())
	w.polledFor.Store(local)
	return nil
}

func (w *versionWatch) close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.count != nil {
		_ = w.count.Close()
	}
	_ = w.stmt.Close()
	_ = w.conn.Close()
	return w.db.Close()
}

// BeforeQuery and AfterQuery make versionWatch a bun query hook on the write
// handle: every statement that may change data, and every COMMIT after it
// succeeded, moves the local counter. Counting after the commit is what
// matters: a page rendered between a statement and its commit was tagged
// with the version before the commit and is discarded after it. BEGIN and
// ROLLBACK change nothing, and a read-only transaction is only those.
func (w *versionWatch) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (w *versionWatch) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if e.Err != nil {
		return
	}
	switch op := e.Operation(); {
	case strings.EqualFold(op, "SELECT"), strings.EqualFold(op, "BEGIN"), strings.EqualFold(op, "ROLLBACK"):
	default:
		w.local.Add(1)
	}
}

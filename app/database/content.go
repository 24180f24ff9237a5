package database

import (
	"context"
	"database/sql"
	"sync"

	"github.com/uptrace/bun"
)

// ContentVersion tells caches of rendered pages and of what they show
// whether they are still right: it moves as soon as this process commits a
// change to the content, and within a millisecond of such a commit by
// another process; sessions and sign-in attempts leave it alone.
//
// Inside a context from WithOneVersion it is read once, at the first call,
// and every later call answers the same: the caches one request touches
// agree on the state of the data, and the version is read before the data.
func (db *DB) ContentVersion(ctx context.Context) (ContentVersion, error) {
	p, ok := ctx.Value(oneVersionKey{}).(*oneVersion)
	if !ok {
		return db.version.contentVersion(ctx)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.db != db { // another database than the one the request started with
		if p.db != nil {
			return db.version.contentVersion(ctx)
		}
		v, err := db.version.contentVersion(ctx)
		if err != nil {
			return 0, err
		}
		p.db, p.version = db, v
	}
	return p.version, nil
}

type oneVersionKey struct{}

type oneVersion struct {
	mu      sync.Mutex
	db      *DB
	version ContentVersion
}

// WithOneVersion returns a context in which ContentVersion is read once: at
// the first call, which a request makes before it reads any data.
func WithOneVersion(ctx context.Context) context.Context {
	return context.WithValue(ctx, oneVersionKey{}, &oneVersion{})
}

// Snapshot runs fn in a read-only transaction, so that what it reads comes
// from one state of the data: a count and the page of rows it counts agree
// even when a change commits between the two queries. SQLite's WAL gives a
// read transaction its snapshot at the first read; PostgreSQL needs
// REPEATABLE READ for one snapshot per transaction.
func (db *DB) Snapshot(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Kind == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.Read.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	// Ending it with a rollback rather than a commit: it wrote nothing,
	// and the write handle's hook on PostgreSQL counts every commit.
	defer func() { _ = tx.Rollback() }()
	return fn(ctx, tx)
}

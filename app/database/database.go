// Package database opens the application's database the one deliberate way
// the rest of the app relies on, and tells storage errors apart so the model
// layer can translate them into its own small vocabulary.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"oclettings/app/config"
)

// sqliteCacheKiB is each SQLite connection's page cache (SQLite's default
// is 2000 KiB), which also bounds a sort's memory before it spills to a
// temporary file. It lives outside the Go heap, so outside the runtime's
// memory limit: times the read pool's connections and the writer's, it
// bounds what the database holds, whatever the load. The operating
// system's file cache keeps the rest of the file close.
const sqliteCacheKiB = 1024

// DB holds the two handles the app uses. SQLite allows one writer at a time:
// funnelling writes through a single connection makes them queue in Go instead
// of failing with SQLITE_BUSY, while reads run in parallel on their own pool.
type DB struct {
	Write *bun.DB
	Read  *bun.DB
	Kind  string
	Path  string // the SQLite file, for what works on the file itself (backups); empty on PostgreSQL

	version *versionWatch
}

// ErrMissing is returned by Open with MustExist when the database file is absent.
var ErrMissing = errors.New("database does not exist")

// Options change how Open treats a database that is not there yet.
type Options struct {
	// MustExist refuses to create a new, empty database file (for `app check`,
	// which must report a problem rather than hide it behind a fresh file).
	MustExist bool
}

// Open connects to the configured database and checks that it answers.
func Open(ctx context.Context, cfg config.Database, opts Options) (*DB, error) {
	switch cfg.Kind {
	case "sqlite":
		return openSQLite(ctx, cfg.Path, opts)
	case "postgres":
		return openPostgres(ctx, cfg)
	default:
		return nil, fmt.Errorf("unsupported database kind %q", cfg.Kind)
	}
}

func openSQLite(ctx context.Context, path string, opts Options) (*DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if opts.MustExist {
			return nil, fmt.Errorf("%w: %s (run `app migrate` to create it)", ErrMissing, path)
		}
		if dir := filepath.Dir(path); dir != "." {
			if _, err := os.Stat(dir); err != nil {
				return nil, fmt.Errorf("cannot create database %s: directory %s does not exist", path, dir)
			}
		}
	}

	// WAL lets readers work while the writer writes; NORMAL synchronous is
	// durable across application crashes in WAL mode and much faster than FULL;
	// IMMEDIATE transactions take the write lock up front so a transaction never
	// fails half-way when it upgrades from reading to writing.
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(5000)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(NORMAL)")
	params.Add("_pragma", fmt.Sprintf("cache_size(-%d)", sqliteCacheKiB))
	params.Add("_txlock", "immediate")
	write, err := sqliteHandle(ctx, path, params, 1)
	if err != nil {
		return nil, err
	}

	params.Add("_pragma", "query_only(1)")
	read, err := sqliteHandle(ctx, path, params, max(4, runtime.NumCPU()))
	if err != nil {
		_ = write.Close()
		return nil, err
	}
	watchDB, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		_ = read.Close()
		_ = write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	watch, err := newVersionWatch(ctx, watchDB, "PRAGMA data_version")
	if err != nil {
		_ = read.Close()
		_ = write.Close()
		return nil, fmt.Errorf("open database %s: %w", path, describe(err))
	}
	return &DB{Write: write.WithQueryHook(watch), Read: read, Kind: "sqlite", Path: path, version: watch}, nil
}

func sqliteHandle(ctx context.Context, path string, params url.Values, conns int) (*bun.DB, error) {
	sqldb, err := sql.Open("sqlite", path+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(conns)
	sqldb.SetMaxIdleConns(conns)
	// Connections live as long as the process: each one carries its pragmas,
	// and reopening them buys nothing for a local file.
	sqldb.SetConnMaxLifetime(0)

	db := bun.NewDB(sqldb, sqlitedialect.New())
	// A file that is not a database only fails on first use; find out now.
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, describe(err))
	}
	return db, nil
}

// describe turns SQLite's terse codes into something an operator can act on.
func describe(err error) error {
	if IsNotSQLite(err) {
		return errors.New("the file is not an SQLite database")
	}
	return err
}

// IsNotSQLite reports whether err is SQLite's answer to a file that is not
// one of its databases.
func IsNotSQLite(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_NOTADB
}

// Close closes both handles.
func (db *DB) Close() error {
	// On PostgreSQL both are one pool (query hooks make copies of the handle
	// but not of the pool).
	if db.Read.DB == db.Write.DB {
		return errors.Join(db.version.close(), db.Write.Close())
	}
	return errors.Join(db.version.close(), db.Read.Close(), db.Write.Close())
}

// DataVersion tells what remembers rows (the session store) whether they
// may have changed: it changes as soon as this process writes anything, and
// within a millisecond of a commit by another process. It costs
// nanoseconds, not a query. Caches of what the pages show use
// ContentVersion instead.
func (db *DB) DataVersion(ctx context.Context) (DataVersion, error) {
	return db.version.data(ctx)
}

// IsUniqueViolation reports whether err is a unique or primary-key constraint failure.
func IsUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return pgCode(err) == pgUniqueViolation
}

// IsForeignKeyViolation reports whether err is a foreign-key constraint failure.
func IsForeignKeyViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return pgCode(err) == pgForeignKeyViolation
}

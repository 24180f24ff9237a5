package database

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"oclettings/app/config"
)

// SQLSTATE codes the model layer tells apart.
const (
	pgUniqueViolation     = "23505"
	pgForeignKeyViolation = "23503"
	pgInvalidCatalog      = "3D000" // the database named in the URL does not exist
)

const (
	// pgMaxConns bounds each instance's share of the server's connections
	// (a small managed PostgreSQL allows about a hundred in all).
	pgMaxConns = 10
	// pgConnectTimeout applies when the URL sets no connect_timeout, so an
	// unreachable server fails the start in seconds rather than hanging.
	pgConnectTimeout = 10 * time.Second
)

// openPostgres connects through pgx, which reads every libpq option of the
// URL (sslmode, sslrootcert, sslcert, sslkey, connect_timeout…). PostgreSQL
// takes concurrent writers itself, so one pool serves reads and writes.
func openPostgres(ctx context.Context, cfg config.Database) (*DB, error) {
	where := "PostgreSQL at " + cfg.Host
	pc, err := pgx.ParseConfig(cfg.URL)
	if err != nil {
		// pgx's message quotes the URL with the password replaced.
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if pc.ConnectTimeout == 0 {
		pc.ConnectTimeout = pgConnectTimeout
	}
	open := func() (*bun.DB, error) {
		sqldb := stdlib.OpenDB(*pc)
		db := bun.NewDB(sqldb, pgdialect.New())
		if err := db.PingContext(ctx); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("cannot connect to %s: %w", where, describePostgres(err))
		}
		return db, nil
	}
	pool, err := open()
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(pgMaxConns)
	pool.SetMaxIdleConns(pgMaxConns)
	// Servers and proxies drop idle connections; retire them first.
	pool.SetConnMaxIdleTime(5 * time.Minute)

	watchDB, err := open()
	if err != nil {
		_ = pool.Close()
		return nil, err
	}
	watch, err := newVersionWatch(ctx, watchDB.DB, "SELECT pg_current_snapshot()::text")
	if err != nil {
		_ = pool.Close()
		return nil, fmt.Errorf("%s: %w", where, describePostgres(err))
	}
	pool = pool.WithQueryHook(watch)
	return &DB{Write: pool, Read: pool, Kind: "postgres", version: watch}, nil
}

// describePostgres keeps the server's reason and drops pgx's preamble,
// which repeats the user and database names.
func describePostgres(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if pe.Code == pgInvalidCatalog {
			return fmt.Errorf("%s (create it first, e.g. createdb, or fix the name in DATABASE_URL)", pe.Message)
		}
		return fmt.Errorf("%s (SQLSTATE %s)", pe.Message, pe.Code)
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		err = ce.Unwrap()
	}
	// pgx tries each address and each sslmode fallback and joins their
	// errors with newlines; an operator's error is one line.
	lines := slices.Compact(strings.Split(err.Error(), "\n"))
	return errors.New(strings.Join(lines, "; "))
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

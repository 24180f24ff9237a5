// Package testdb gives tests a fresh database, migrated and optionally
// seeded: a temporary SQLite file by default or, when TEST_DATABASE_URL
// names a PostgreSQL server, a schema of its own on that server, so that the
// same tests run on both databases without seeing each other's data.
//
// SQLite databases are copies of files migrated (and seeded) once per test
// binary: migrating costs tens of milliseconds, and far more under the race
// detector, while copying a file costs almost nothing.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for the schema set-up

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/migrations"
)

// URLVariable names the PostgreSQL server the tests run on; unset, they run
// on SQLite.
const URLVariable = "TEST_DATABASE_URL"

// Open returns a migrated database without data.
func Open(t testing.TB) *database.DB {
	t.Helper()
	if Postgres() {
		return OpenConfig(t, Config(t))
	}
	db, _ := fromTemplate(t, func(tpl *templates) []byte { return tpl.empty })
	return db
}

// OpenConfig opens and migrates the database cfg names.
func OpenConfig(t testing.TB, cfg config.Database) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, cfg, database.Options{})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	m, err := migrations.NewMigrator(db.Write, db.Kind)
	if err != nil {
		t.Fatalf("migrator: %v", err)
	}
	if err := m.Up(ctx, func(string) {}); err != nil {
		t.Fatalf("migrate test database: %v", err)
	}
	return db
}

// Seeded returns a migrated database holding the reference data.
func Seeded(t testing.TB) *database.DB {
	t.Helper()
	db, _ := SeededConfig(t)
	return db
}

// SeededConfig returns a migrated database holding the reference data, and
// what names it, for tests that open it a second time as another process
// would.
func SeededConfig(t testing.TB) (*database.DB, config.Database) {
	t.Helper()
	if !Postgres() {
		return fromTemplate(t, func(tpl *templates) []byte { return tpl.seeded })
	}
	cfg := Config(t)
	db := OpenConfig(t, cfg)
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatalf("seed test database: %v", err)
	}
	return db, cfg
}

// templates are the contents of two SQLite files, migrated and then
// seeded, made on first use.
type templates struct {
	empty, seeded []byte
}

var template struct {
	once sync.Once
	tpl  templates
	err  error
}

// fromTemplate opens a new SQLite file holding the template pick chooses.
func fromTemplate(t testing.TB, pick func(*templates) []byte) (*database.DB, config.Database) {
	t.Helper()
	template.once.Do(func() { template.tpl, template.err = makeTemplates() })
	if template.err != nil {
		t.Fatalf("test database template: %v", template.err)
	}
	cfg := SQLite(t)
	if err := os.WriteFile(cfg.Path, pick(&template.tpl), 0o644); err != nil {
		t.Fatalf("copy test database: %v", err)
	}
	db, err := database.Open(context.Background(), cfg, database.Options{MustExist: true})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, cfg
}

// makeTemplates migrates a file, keeps its content, seeds it and keeps its
// content again. Each time the database is closed first, so that the whole
// database is in the one file (the last connection to close folds the
// write-ahead log into it).
func makeTemplates() (tpl templates, err error) {
	dir, err := os.MkdirTemp("", "testdb-template-")
	if err != nil {
		return tpl, err
	}
	defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
	path := filepath.Join(dir, "template.sqlite3")
	cfg := config.Database{Kind: "sqlite", Path: path, URL: "sqlite:" + path}
	ctx := context.Background()
	step := func(do func(db *database.DB) error) ([]byte, error) {
		db, err := database.Open(ctx, cfg, database.Options{})
		if err != nil {
			return nil, err
		}
		if err := errors.Join(do(db), db.Close()); err != nil {
			return nil, err
		}
		if _, err := os.Stat(path + "-wal"); !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the write-ahead log outlived the database's close (%v)", err)
		}
		return os.ReadFile(path)
	}
	tpl.empty, err = step(func(db *database.DB) error {
		m, err := migrations.NewMigrator(db.Write, db.Kind)
		if err != nil {
			return err
		}
		return m.Up(ctx, func(string) {})
	})
	if err != nil {
		return tpl, fmt.Errorf("migrate: %w", err)
	}
	tpl.seeded, err = step(func(db *database.DB) error {
		_, err := migrations.Seed(ctx, db.Write)
		return err
	})
	if err != nil {
		return tpl, fmt.Errorf("seed: %w", err)
	}
	return tpl, nil
}

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(URLVariable) != "" }

// Config names a new, empty database for the test: a file in a temporary
// directory, or a new PostgreSQL schema dropped when the test ends.
func Config(t testing.TB) config.Database {
	t.Helper()
	if Postgres() {
		return postgresSchema(t)
	}
	return SQLite(t)
}

// SQLite names a new SQLite file, for the tests of what only SQLite has.
func SQLite(t testing.TB) config.Database {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.sqlite3")
	return config.Database{Kind: "sqlite", Path: path, URL: "sqlite:" + path}
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// postgresSchema creates a schema with a random name and returns a URL whose
// connections put it first on their search_path, so every unqualified table
// the app and its migrations use lives there.
func postgresSchema(t testing.TB) config.Database {
	t.Helper()
	raw := os.Getenv(URLVariable)
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", raw)
		if admin.err == nil {
			admin.err = admin.db.Ping()
		}
	})
	if admin.err != nil {
		// Never a skip: a set variable means the PostgreSQL run was asked for.
		t.Fatalf("%s is set but the server does not answer: %v", URLVariable, admin.err)
	}
	schema := "test_" + strings.ToLower(rand.Text())
	if _, err := admin.db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", URLVariable, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	cfg, err := config.ParseDatabaseURL(u.String())
	if err != nil {
		t.Fatalf("%s: %v", URLVariable, err)
	}
	return cfg
}

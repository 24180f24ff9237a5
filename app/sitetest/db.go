package sitetest

import (
	"context"
	"testing"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/migrations/testdb"
)

// DB returns a fresh database, migrated and holding the reference data: a
// temporary SQLite file, or a schema of its own on the PostgreSQL server
// TEST_DATABASE_URL names.
func DB(t testing.TB) *database.DB {
	t.Helper()
	return testdb.Seeded(t)
}

// DBConfig returns a fresh, seeded database as DB does, and what names it,
// for a second handle on it (see Reopen).
func DBConfig(t testing.TB) (*database.DB, config.Database) {
	t.Helper()
	return testdb.SeededConfig(t)
}

// Reopen opens the database cfg names once more, as another process (a
// second server, `app import-django`) would; it is closed when the test
// ends. What one handle commits reaches the other only through the
// database itself.
func Reopen(t testing.TB, cfg config.Database) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), cfg, database.Options{})
	if err != nil {
		t.Fatalf("reopen test database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// EmptyDB returns a fresh, migrated database without data.
func EmptyDB(t testing.TB) *database.DB {
	t.Helper()
	return testdb.Open(t)
}

// SecretKey is the test configuration's SECRET_KEY.
const SecretKey = "test-secret-key-0123456789-abcdefghijklmnop"

// Config returns the configuration of a test site: DEBUG on, answering to
// example.com (httptest's host) and 127.0.0.1. vars are NAME, value pairs
// that override or add to it, read as the environment would be.
func Config(t testing.TB, vars ...string) *config.Config {
	t.Helper()
	if len(vars)%2 != 0 {
		t.Fatalf("sitetest.Config: got %d vars, want NAME, value pairs", len(vars))
	}
	env := map[string]string{
		"DEBUG":         "true",
		"SECRET_KEY":    SecretKey,
		"ALLOWED_HOSTS": "example.com,127.0.0.1",
	}
	for i := 0; i < len(vars); i += 2 {
		env[vars[i]] = vars[i+1]
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

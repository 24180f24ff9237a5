// Package testdb gives tests a fresh database, migrated and optionally
// seeded, on a temporary SQLite file that disappears with the test.
package testdb

import (
	"context"
	"path/filepath"
	"testing"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/migrations"
)

// Open returns a migrated database in a temporary directory, without data.
func Open(t testing.TB) *database.DB {
	t.Helper()
	ctx := context.Background()
	db, err := database.Open(ctx, Config(t), database.Options{})
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
	db := Open(t)
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatalf("seed test database: %v", err)
	}
	return db
}

// Config names a new database file in a temporary directory.
func Config(t testing.TB) config.Database {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.sqlite3")
	return config.Database{Kind: "sqlite", Path: path, URL: "sqlite:" + path}
}

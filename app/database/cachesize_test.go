package database_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"oclettings/app/database"
)

// Every SQLite connection, the writer's and each reader's, keeps a page
// cache of 1 MiB at most (SQLite's default is about 2 MB): the cache lives
// outside the Go heap, and the runtime's memory limit knows nothing of it.
func TestEverySQLiteConnectionHasABoundedCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := database.Open(ctx, sqliteConfig(filepath.Join(t.TempDir(), "db.sqlite3")), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, pool := range []struct {
		name string
		db   *sql.DB
	}{{"write", db.Write.DB}, {"read", db.Read.DB}} {
		// Every connection the pool may open, held at once.
		conns := make([]*sql.Conn, pool.db.Stats().MaxOpenConnections)
		for i := range conns {
			c, err := pool.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			conns[i] = c
		}
		for i, c := range conns {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&got); err != nil || got != "-1024" {
				t.Errorf("%s connection %d: got cache_size %q (%v), want -1024 (KiB)", pool.name, i, got, err)
			}
		}
	}
}

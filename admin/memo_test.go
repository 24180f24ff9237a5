package admin

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"oclettings/app/config"
	"oclettings/app/database"
)

// On SQLite only: PostgreSQL's data version follows every write on the
// server, other tests' too, and this test needs it to stand still.
func TestMemo(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite3")
	db, err := database.Open(ctx, config.Database{Kind: "sqlite", Path: path}, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := &memo{db: db}
	var loads atomic.Int64
	load := func() (any, error) {
		loads.Add(1)
		time.Sleep(5 * time.Millisecond) // long enough for the others to arrive
		return loads.Load(), nil
	}

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := m.get(ctx, "k", load); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if loads.Load() != 1 {
		t.Errorf("got %d computations for 20 concurrent requests, want 1", loads.Load())
	}
	if v, _ := m.get(ctx, "k", load); v != int64(1) || loads.Load() != 1 {
		t.Errorf("got %v after %d loads, want the kept value", v, loads.Load())
	}
	if _, err := db.Write.ExecContext(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	if v, _ := m.get(ctx, "k", load); v != int64(2) {
		t.Errorf("got %v after a commit, want a fresh value", v)
	}
}

package admin

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"oclettings/migrations/testdb"
)

func TestMemo(t *testing.T) {
	ctx := context.Background()
	db := testdb.Seeded(t)
	m := &memo{db: db}
	var loads atomic.Int64
	load := func(context.Context) (any, error) {
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
	// Sessions and sign-in attempts are written on every visit and guess;
	// they change nothing the memo keeps.
	if _, err := db.Write.ExecContext(ctx, "INSERT INTO sessions (token, data, expiry) VALUES ('t', ?, ?)", []byte("x"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.ExecContext(ctx, "INSERT INTO auth_login_attempt (username_key, client_addr, attempted_at) VALUES ('boss', '203.0.113.7', ?)", time.Now()); err != nil {
		t.Fatal(err)
	}
	if v, _ := m.get(ctx, "k", load); v != int64(1) {
		t.Errorf("got %v after a session write and a failed sign-in, want the kept value", v)
	}
	if _, err := db.Write.ExecContext(ctx, "UPDATE lettings_address SET city = 'Atlantis' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if v, _ := m.get(ctx, "k", load); v != int64(2) {
		t.Errorf("got %v after an edit, want a fresh value", v)
	}
}

// waitForWaiters returns once n requests besides the first wait on key.
func waitForWaiters(t *testing.T, m *memo, key string, n int) {
	t.Helper()
	for {
		m.mu.Lock()
		waiting := 0
		for fk, f := range m.inflight {
			if fk.key == key {
				waiting = f.waiters
			}
		}
		m.mu.Unlock()
		if waiting >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

func TestMemoLoadOutlivesItsFirstCaller(t *testing.T) {
	ctx := context.Background()
	db := testdb.Seeded(t)
	m := &memo{db: db}
	first, hangUp := context.WithCancel(ctx)
	started, release := make(chan struct{}), make(chan struct{})
	load := func(ctx context.Context) (any, error) {
		close(started)
		<-release
		var n int
		return n, db.Read.QueryRowContext(ctx, "SELECT count(*) FROM lettings_address").Scan(&n)
	}
	firstErr := make(chan error)
	go func() { _, err := m.get(first, "k", load); firstErr <- err }()
	<-started
	const waiters = 5
	got := make(chan error, waiters)
	for range waiters {
		go func() {
			v, err := m.get(ctx, "k", func(context.Context) (any, error) { return nil, errors.New("computed twice") })
			if err == nil && v != 6 {
				err = errors.New("got a wrong value")
			}
			got <- err
		}()
	}
	waitForWaiters(t, m, "k", waiters)
	hangUp() // the first client goes away mid-computation
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("got %v for the client that left, want its own cancellation", err)
	}
	close(release)
	for range waiters {
		if err := <-got; err != nil {
			t.Errorf("got %v for a waiter, want the value: the first client's leaving is not theirs", err)
		}
	}
}

func TestMemoPanicFailsWaitersOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a hang fails the test, not the run
	defer cancel()
	db := testdb.Seeded(t)
	m := &memo{db: db}
	started, release := make(chan struct{}), make(chan struct{})
	const requests = 4
	errs := make(chan error, requests)
	go func() {
		_, err := m.get(ctx, "k", func(context.Context) (any, error) {
			close(started)
			<-release
			panic("the load is broken")
		})
		errs <- err
	}()
	<-started
	for range requests - 1 {
		go func() { _, err := m.get(ctx, "k", nil); errs <- err }()
	}
	waitForWaiters(t, m, "k", requests-1)
	close(release)
	for range requests {
		if err := <-errs; err == nil || !strings.Contains(err.Error(), "the load is broken") {
			t.Errorf("got %v, want the panic as an error", err)
		}
	}
	v, err := m.get(ctx, "k", func(context.Context) (any, error) { return "fixed", nil })
	if err != nil || v != "fixed" {
		t.Errorf("got %v, %v after the panic, want the key free to compute again", v, err)
	}
}

package sessions_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"oclettings/app/sessions"
	"oclettings/migrations/testdb"
)

func TestStore(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	m := sessions.NewManager(db, true, func(http.ResponseWriter, *http.Request, error) {})
	store := m.Store.(*sessions.Store)
	now := time.Now()

	if err := store.CommitCtx(ctx, "live", []byte("a"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := store.CommitCtx(ctx, "live", []byte("b"), now.Add(2*time.Hour)); err != nil {
		t.Fatalf("commit over an existing token: %v", err)
	}
	if err := store.Commit("old", []byte("c"), now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if b, found, err := store.Find("live"); err != nil || !found || string(b) != "b" {
		t.Errorf("got %q %v %v, want the latest data", b, found, err)
	}
	if _, found, err := store.FindCtx(ctx, "old"); err != nil || found {
		t.Errorf("got an expired session found (%v)", err)
	}
	if _, found, _ := store.FindCtx(ctx, "never"); found {
		t.Error("got an unknown token found")
	}

	n, err := sessions.DeleteExpired(ctx, db, now)
	if err != nil || n != 1 {
		t.Errorf("got %d deleted (%v), want the expired one", n, err)
	}
	if err := store.Delete("live"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := store.FindCtx(ctx, "live"); found {
		t.Error("got a deleted session found")
	}

	if m.Cookie.Name != "sessionid" || !m.Cookie.HttpOnly || !m.Cookie.Secure || m.Cookie.SameSite != http.SameSiteLaxMode || !m.HashTokenInStore {
		t.Errorf("got cookie %+v, want sessionid, HttpOnly, Secure, Lax, hashed in the store", m.Cookie)
	}
}

func TestSweep(t *testing.T) {
	db := testdb.Open(t)
	m := sessions.NewManager(db, false, nil)
	if err := m.Store.(*sessions.Store).CommitCtx(context.Background(), "old", []byte("x"), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sessions.Sweep(ctx, db, time.Millisecond, slog.New(slog.DiscardHandler)); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int
		if err := db.Read.QueryRowContext(context.Background(), "SELECT count(*) FROM sessions").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("got the expired session kept by the sweeper")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
}

func TestIdleCommitsAreSkipped(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	store := sessions.NewManager(db, true, nil).Store.(*sessions.Store)
	start := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	if err := store.CommitCtx(ctx, "t", []byte("same"), start); err != nil {
		t.Fatal(err)
	}
	expiry := func() time.Time {
		var e time.Time
		if err := db.Read.QueryRowContext(ctx, "SELECT expiry FROM sessions WHERE token = 't'").Scan(&e); err != nil {
			t.Fatal(err)
		}
		return e.UTC()
	}

	// A request that only pushes the expiry forward a little writes nothing.
	if _, found, _ := store.FindCtx(ctx, "t"); !found {
		t.Fatal("got the session lost")
	}
	if err := store.CommitCtx(ctx, "t", []byte("same"), start.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if !expiry().Equal(start) {
		t.Errorf("got expiry %v, want the write skipped", expiry())
	}
	// Changed data is written at once.
	store.FindCtx(ctx, "t")
	if err := store.CommitCtx(ctx, "t", []byte("changed"), start.Add(20*time.Second)); err != nil {
		t.Fatal(err)
	}
	if b, _, _ := store.FindCtx(ctx, "t"); string(b) != "changed" {
		t.Errorf("got %q, want the new data stored", b)
	}
	// So is an expiry that has fallen more than a minute behind.
	if err := store.CommitCtx(ctx, "t", []byte("changed"), start.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if !expiry().Equal(start.Add(5 * time.Minute)) {
		t.Errorf("got expiry %v, want it moved forward", expiry())
	}
}

func TestCodec(t *testing.T) {
	m := sessions.NewManager(testdb.Open(t), true, nil)
	deadline := time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC)
	in := map[string]any{"_auth_user_id": int64(42), "_auth_user_hash": "abc", "flag": true, "n": 7}
	b, err := m.Codec.Encode(deadline, in)
	if err != nil {
		t.Fatal(err)
	}
	gotDeadline, got, err := m.Codec.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"_auth_user_id": int64(42), "_auth_user_hash": "abc", "flag": true, "n": int64(7)}
	if !gotDeadline.Equal(deadline) || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v %v, want %v %v", gotDeadline, got, deadline, want)
	}
	if _, err := m.Codec.Encode(deadline, map[string]any{"x": 1.5}); err == nil {
		t.Error("got a float encoded, want it refused")
	}
	if _, _, err := m.Codec.Decode([]byte("not json")); err == nil {
		t.Error("got garbage decoded")
	}
}

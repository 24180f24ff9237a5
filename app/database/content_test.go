package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/database"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
)

func TestContentVersion(t *testing.T) {
	ctx := context.Background()
	db, other := seededPair(t)
	version := func() database.ContentVersion {
		t.Helper()
		time.Sleep(2 * time.Millisecond) // past the poll interval, not a timing assertion
		v, err := db.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	exec := func(db *database.DB, query string, args ...any) {
		t.Helper()
		if _, err := db.Write.ExecContext(ctx, query, args...); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC()

	t.Run("sessions and sign-in attempts leave it alone", func(t *testing.T) {
		before := version()
		for _, d := range []*database.DB{db, other} {
			exec(d, "INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)", "t"+time.Now().String(), []byte("x"), now.Add(time.Hour))
			exec(d, "DELETE FROM sessions WHERE expiry < ?", now)
			exec(d, "INSERT INTO auth_login_attempt (username_key, client_addr, attempted_at) VALUES ('boss', '203.0.113.7', ?)", now)
			exec(d, "UPDATE auth_user SET last_login = ?", now) // a sign-in's stamp
		}
		if after := version(); after != before {
			t.Errorf("got %v, then %v after session and sign-in writes, want it unchanged", before, after)
		}
	})
	t.Run("an edit through this process counts at once", func(t *testing.T) {
		before, err := db.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		exec(db, "UPDATE lettings_address SET city = 'Atlantis' WHERE id = 1")
		if after, err := db.ContentVersion(ctx); err != nil || after <= before {
			t.Errorf("got %v, then %v (%v) right after an edit, want a later version", before, after, err)
		}
	})
	for _, tt := range []struct{ what, query string }{
		{"an address", "UPDATE lettings_address SET city = 'Lemuria' WHERE id = 1"},
		{"a letting", "UPDATE lettings_letting SET title = 'Renamed' WHERE id = 1"},
		{"a profile", "UPDATE profiles_profile SET favorite_city = 'Mu' WHERE id = 1"},
		{"a user's name", "UPDATE auth_user SET first_name = 'Ada'"},
		{"a group", "INSERT INTO auth_group (name) VALUES ('editors')"},
		{"a deletion", "DELETE FROM lettings_letting WHERE id = 2"},
	} {
		t.Run("an edit of "+tt.what+" by another process counts within the poll interval", func(t *testing.T) {
			before := version()
			exec(other, tt.query)
			if after := version(); after <= before {
				t.Errorf("got %v, then %v, want a later version", before, after)
			}
		})
	}
	t.Run("a page read while an edit was uncommitted is not current after the commit", func(t *testing.T) {
		tx, err := other.Write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "UPDATE lettings_letting SET title = 'Uncommitted' WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		during := version()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if after := version(); after <= during {
			t.Errorf("got %v during the edit and %v after its commit, want a later version", during, after)
		}
	})
}

func TestOneVersionPerRequest(t *testing.T) {
	ctx := context.Background()
	db := testdb.Seeded(t)
	req := database.WithOneVersion(ctx)
	first, err := db.ContentVersion(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.ExecContext(ctx, "UPDATE lettings_address SET city = 'Atlantis' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.ContentVersion(req); again != first {
		t.Errorf("got %v, then %v within one request, want the version it started with", first, again)
	}
	if fresh, _ := db.ContentVersion(ctx); fresh == first {
		t.Error("got the old version outside the request after an edit")
	}
}

func TestSnapshotIsOneStateOfTheData(t *testing.T) {
	ctx := context.Background()
	db, other := seededPair(t)
	var before, after int
	err := db.Snapshot(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM lettings_address").Scan(&before); err != nil {
			return err
		}
		if _, err := other.Write.ExecContext(ctx, "INSERT INTO lettings_address (number, street, city, state, zip_code, country_iso_code) VALUES (1, 'Late Street', 'Lateville', 'CA', 90000, 'USA')"); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM lettings_address").Scan(&after)
	})
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Errorf("got %d then %d rows in one snapshot, want the commit between them unseen", before, after)
	}
}

// seededPair opens a seeded test database twice: as this process and as
// another one (a second server, or a command) on the same data.
func seededPair(t *testing.T) (db, other *database.DB) {
	t.Helper()
	cfg := testdb.Config(t)
	db = testdb.OpenConfig(t, cfg)
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatal(err)
	}
	other, err := database.Open(context.Background(), cfg, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Close() })
	return db, other
}

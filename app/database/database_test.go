package database_test

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/migrations/testdb"
)

func sqliteConfig(path string) config.Database {
	return config.Database{Kind: "sqlite", Path: path, URL: "sqlite:" + path}
}

func TestOpenSetsPragmas(t *testing.T) {
	ctx := context.Background()
	db, err := database.Open(ctx, sqliteConfig(filepath.Join(t.TempDir(), "db.sqlite3")), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"busy_timeout", "5000"},
	}
	for _, tt := range tests {
		t.Run(tt.pragma, func(t *testing.T) {
			for _, handle := range []struct {
				name string
				q    func() (string, error)
			}{
				{"write", func() (s string, err error) {
					err = db.Write.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&s)
					return
				}},
				{"read", func() (s string, err error) { err = db.Read.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&s); return }},
			} {
				got, err := handle.q()
				if err != nil || got != tt.want {
					t.Errorf("%s pool: got %q (%v), want %q", handle.name, got, err, tt.want)
				}
			}
		})
	}

	t.Run("the read pool cannot write", func(t *testing.T) {
		if _, err := db.Read.ExecContext(ctx, "CREATE TABLE nope (id INTEGER)"); err == nil {
			t.Error("got no error, want the read pool to refuse writes")
		}
	})
	t.Run("writes queue on one connection", func(t *testing.T) {
		if _, err := db.Write.ExecContext(ctx, "CREATE TABLE counter (n INTEGER)"); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Go(func() {
				_, err := db.Write.ExecContext(ctx, "INSERT INTO counter (n) VALUES (1)")
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("got %v, want every concurrent write to succeed", err)
			}
		}
		if got := db.Write.DB.Stats().MaxOpenConnections; got != 1 {
			t.Errorf("got %d write connections, want 1", got)
		}
	})
}

func TestOpenRefusals(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("this is not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		opts database.Options
		want string
	}{
		{"not a database", notDB, database.Options{}, "not an SQLite database"},
		{"missing directory", filepath.Join(dir, "missing", "db.sqlite3"), database.Options{}, "directory " + filepath.Join(dir, "missing") + " does not exist"},
		{"must exist", filepath.Join(dir, "absent.sqlite3"), database.Options{MustExist: true}, "run `app migrate` to create it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := database.Open(context.Background(), sqliteConfig(tt.path), tt.opts)
			if err == nil {
				_ = db.Close()
				t.Fatalf("got no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to say %q", err, tt.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.sqlite3")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want MustExist to leave no file behind", err)
	}
	if _, err := database.Open(context.Background(), config.Database{Kind: "oracle"}, database.Options{}); err == nil {
		t.Error("got no error for an unknown kind")
	}
}

func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	cfg := testdb.Config(t)
	db, err := database.Open(ctx, cfg, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Write.ExecContext(ctx, "CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	version := func() database.DataVersion {
		t.Helper()
		v, err := db.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// PostgreSQL's snapshot moves with every write transaction on the
	// server, including other tests', so only SQLite can show that reads
	// leave the version alone.
	if db.Kind == "sqlite" {
		// This process's writes move the shared counter too, a poll later.
		time.Sleep(2 * time.Millisecond)
		v0 := version()
		if _, err := db.Read.QueryContext(ctx, "SELECT * FROM t"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Write.NewSelect().TableExpr("t").Exists(ctx); err != nil {
			t.Fatal(err)
		}
		if v := version(); v != v0 {
			t.Errorf("got %v after reads, want %v unchanged", v, v0)
		}
	}

	t.Run("a write through this process counts at once", func(t *testing.T) {
		before := version()
		if _, err := db.Write.ExecContext(ctx, "INSERT INTO t VALUES (1)"); err != nil {
			t.Fatal(err)
		}
		if version() == before {
			t.Error("got the same version right after a write")
		}
	})
	t.Run("a commit through this process counts", func(t *testing.T) {
		before := version()
		err := db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO t VALUES (2)")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if version().Local < before.Local+2 {
			t.Error("got the commit uncounted")
		}
	})

	// Another process: a second server or a command on the same database.
	other, err := database.Open(ctx, cfg, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	t.Run("a write by another process counts within the poll interval", func(t *testing.T) {
		time.Sleep(2 * time.Millisecond)
		before := version()
		if _, err := other.Write.ExecContext(ctx, "INSERT INTO t VALUES (3)"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // past the poll interval, not a timing assertion
		after := version()
		if after.Shared == before.Shared || after.Local != before.Local {
			t.Errorf("got %v then %v, want only the shared counter moved", before, after)
		}
	})
	t.Run("a commit by another process counts even when its writes were seen", func(t *testing.T) {
		// A page rendered while the other transaction was open shows the
		// old data; it must not outlive the commit.
		tx, err := other.Write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "INSERT INTO t VALUES (4)"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
		during := version()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
		if after := version(); after.Shared == during.Shared {
			t.Errorf("got %v before and after the commit, want the shared counter moved", after)
		}
	})
}

func TestOpenPostgresProblems(t *testing.T) {
	ctx := context.Background()
	// A port nobody listens on: refused at once, on any machine.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	_ = ln.Close()

	tests := []struct {
		name, url string
		want      []string
	}{
		{"unreachable server", "postgres://app:hunter2@" + closed + "/app", []string{"cannot connect to PostgreSQL at " + closed, "refused"}},
		{"bad option", "postgres://app:hunter2@" + closed + "/app?sslmode=sometimes", []string{"PostgreSQL at " + closed, "sslmode"}},
	}
	if testdb.Postgres() {
		server := pgURL(t)
		missing := *server
		missing.Path = "/no_such_database_here"
		tests = append(tests, struct {
			name, url string
			want      []string
		}{"missing database", missing.String(), []string{"PostgreSQL at " + server.Host, `database "no_such_database_here" does not exist`, "createdb"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.ParseDatabaseURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			db, err := database.Open(ctx, cfg, database.Options{})
			if err == nil {
				db.Close()
				t.Fatal("got the database opened, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("got %q, want one line without the password", err)
			}
		})
	}
}

// pgURL is the test server's URL, for the tests only PostgreSQL has.
func pgURL(t *testing.T) *url.URL {
	t.Helper()
	u, err := url.Parse(os.Getenv(testdb.URLVariable))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPostgresHonoursTLSOptions(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("needs a PostgreSQL server: set " + testdb.URLVariable)
	}
	ctx := context.Background()
	withMode := func(mode string) config.Database {
		u := pgURL(t)
		q := u.Query()
		q.Set("sslmode", mode)
		u.RawQuery = q.Encode()
		cfg, err := config.ParseDatabaseURL(u.String())
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	db, err := database.Open(ctx, withMode("disable"), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var serverSSL string
	if err := db.Read.QueryRowContext(ctx, "SHOW ssl").Scan(&serverSSL); err != nil {
		t.Fatal(err)
	}
	var encrypted bool
	if err := db.Read.QueryRowContext(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&encrypted); err != nil || encrypted {
		t.Errorf("got ssl=%v (%v) with sslmode=disable, want a plain connection", encrypted, err)
	}

	if serverSSL != "on" {
		// Without TLS on the server, require must refuse to go on in clear.
		if db, err := database.Open(ctx, withMode("require"), database.Options{}); err == nil {
			db.Close()
			t.Error("got a connection with sslmode=require to a server without TLS, want an error")
		}
		return
	}
	db2, err := database.Open(ctx, withMode("require"), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if err := db2.Read.QueryRowContext(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&encrypted); err != nil || !encrypted {
		t.Errorf("got ssl=%v (%v) with sslmode=require, want an encrypted connection", encrypted, err)
	}
	// The server's certificate is self-signed: verify-full must refuse it.
	if db, err := database.Open(ctx, withMode("verify-full"), database.Options{}); err == nil {
		db.Close()
		t.Error("got a connection with sslmode=verify-full to an unverifiable certificate, want an error")
	} else if !strings.Contains(err.Error(), "certificate") {
		t.Errorf("got %q, want the certificate named", err)
	}
}

package backup_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"oclettings/app/backup"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
)

// siteFile returns a migrated, seeded SQLite file that nothing holds open,
// as the database is when serve or migrate starts.
func siteFile(t *testing.T) string {
	t.Helper()
	cfg := testdb.SQLite(t)
	db, err := database.Open(context.Background(), cfg, database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := migrations.NewMigrator(db.Write, db.Kind)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Up(context.Background(), func(string) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatal(err)
	}
	return cfg.Path
}

// addAddress makes a change to the database at path, as the site would:
// through the app's own connections, leaving the change in the WAL.
func addAddress(t *testing.T, path, street string) {
	t.Helper()
	db, err := database.Open(context.Background(), config.Database{Kind: "sqlite", Path: path, URL: "sqlite:" + path}, database.Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := &models.Address{Number: 1, Street: street, City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
	if err := models.CreateAddress(context.Background(), db.Write, a); err != nil {
		t.Fatal(err)
	}
}

// hasStreet opens the SQLite file at path read-only, as any client would,
// and tells whether an address on street is in it.
func hasStreet(t *testing.T, path, street string) bool {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM lettings_address WHERE street = ?", street).Scan(&n); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n > 0
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := siteFile(t)
	dataDir := filepath.Dir(db)
	dir := filepath.Join(dataDir, "backups")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	first := backup.Name(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	if _, err := backup.Write(ctx, db, filepath.Join(dir, first)); err != nil {
		t.Fatal(err)
	}
	backupSum := sum(t, filepath.Join(dir, first))
	addAddress(t, db, "After The Backup")
	// A copy an earlier, interrupted restore left behind.
	leftover := filepath.Join(dataDir, "."+filepath.Base(db)+"-123"+".tmp")
	if err := os.WriteFile(leftover, []byte("half a copy"), 0o600); err != nil {
		t.Fatal(err)
	}

	now := time.Date(2026, 11, 26, 8, 30, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var logs logBuffer
	opts := backup.RestoreOptions{From: first, Dir: dir, Database: db, Now: clock}
	if err := backup.Restore(ctx, opts, logs.logger()); err != nil {
		t.Fatal(err)
	}
	aside := db + ".before-restore-20261126T083000Z"
	t.Run("the backup is in place", func(t *testing.T) {
		if hasStreet(t, db, "After The Backup") {
			t.Error("got the change made after the backup, want it gone")
		}
		if lettings, _ := checkCopy(t, db); lettings != 6 {
			t.Errorf("got %d lettings, want the backup's 6", lettings)
		}
	})
	t.Run("the previous database is kept whole", func(t *testing.T) {
		for _, suffix := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(aside + suffix); err == nil {
				t.Errorf("got %s, want the WAL checkpointed into the file kept aside", aside+suffix)
			}
		}
		if !hasStreet(t, aside, "After The Backup") {
			t.Errorf("got %s without the change, want the database as it was", aside)
		}
		checkCopy(t, aside)
	})
	t.Run("the backup stays where it was", func(t *testing.T) {
		if sum(t, filepath.Join(dir, first)) != backupSum {
			t.Error("got the backup changed")
		}
	})
	t.Run("the restore is recorded and logged", func(t *testing.T) {
		b, err := os.ReadFile(db + ".restored")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m["backup"] != filepath.Join(dir, first) || m["previous"] != aside || len(m["sha256"].(string)) != 64 {
			t.Errorf("got the record %s", b)
		}
		for _, want := range []string{"level=INFO", `msg="database restored from a backup"`, "from=" + filepath.Join(dir, first), "previous=" + aside, "previous_bytes=", "bytes=", "unfinished restore removed"} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("got log without %q:\n%s", want, logs.String())
			}
		}
		if _, err := os.Stat(leftover); err == nil {
			t.Error("got the interrupted restore's copy left")
		}
	})

	t.Run("the same backup is not restored twice", func(t *testing.T) {
		addAddress(t, db, "After The Restore")
		var logs logBuffer
		later := opts
		later.Now = func() time.Time { return now.Add(time.Hour) }
		if err := backup.Restore(ctx, later, logs.logger()); err != nil {
			t.Fatal(err)
		}
		if !hasStreet(t, db, "After The Restore") {
			t.Error("got the change made since the restore gone, want the database left alone")
		}
		want := "RESTORE_FROM names a backup already restored on 2026-11-26T08:30:00Z; remove RESTORE_FROM"
		if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), want) {
			t.Errorf("got log %q, want a warning saying %q", logs.String(), want)
		}
		if _, err := os.Stat(db + ".before-restore-20261126T093000Z"); err == nil {
			t.Error("got the database set aside again")
		}
	})

	t.Run("the restored backup pruned since: the start goes on", func(t *testing.T) {
		kept := filepath.Join(t.TempDir(), first)
		if err := os.Rename(filepath.Join(dir, first), kept); err != nil { // as the schedule's pruning would
			t.Fatal(err)
		}
		defer os.Rename(kept, filepath.Join(dir, first))
		var logs logBuffer
		if err := backup.Restore(ctx, opts, logs.logger()); err != nil {
			t.Fatalf("got %v, want a warning and the database left alone", err)
		}
		if !strings.Contains(logs.String(), "already restored") || !hasStreet(t, db, "After The Restore") {
			t.Errorf("got log %q, want the warning and the database as it was", logs.String())
		}
	})

	t.Run("another backup is restored", func(t *testing.T) {
		second := filepath.Join(t.TempDir(), "elsewhere.sqlite3") // a path, not a name in BACKUP_DIR
		if _, err := backup.Write(ctx, db, second); err != nil {
			t.Fatal(err)
		}
		addAddress(t, db, "After The Second Backup")
		var logs logBuffer
		other := backup.RestoreOptions{From: second, Dir: dir, Database: db, Now: func() time.Time { return now.Add(2 * time.Hour) }}
		if err := backup.Restore(ctx, other, logs.logger()); err != nil {
			t.Fatal(err)
		}
		if !hasStreet(t, db, "After The Restore") || hasStreet(t, db, "After The Second Backup") {
			t.Errorf("got the wrong data in place; log:\n%s", logs.String())
		}
		if !hasStreet(t, db+".before-restore-20261126T103000Z", "After The Second Backup") {
			t.Error("got the replaced database not kept aside")
		}
	})
}

func TestRestoreRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := siteFile(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.sqlite3")
	if _, err := backup.Write(ctx, db, good); err != nil {
		t.Fatal(err)
	}
	addAddress(t, db, "Kept")

	write := func(name string, content []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	sound, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := slices.Clone(sound)
	// Page 1 stays (the file still opens as SQLite); the pages of the
	// tables it points to are garbage.
	copy(corrupt[4096:], bytes.Repeat([]byte{0xAB}, min(3*4096, len(corrupt)-4096)))
	write("corrupt.sqlite3", corrupt)
	write("text.sqlite3", bytes.Repeat([]byte("not SQLite at all "), 500))
	other := filepath.Join(dir, "other.sqlite3")
	func() {
		o, err := sql.Open("sqlite", other)
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		if _, err := o.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello')"); err != nil {
			t.Fatal(err)
		}
	}()

	before := sum(t, db)
	for _, tt := range []struct {
		name, from, want string
	}{
		{"a missing file", "oc-lettings-20200101T000000Z.sqlite3", "there is no backup " + filepath.Join(dir, "oc-lettings-20200101T000000Z.sqlite3")},
		{"a corrupt database", "corrupt.sqlite3", "corrupt.sqlite3 cannot be restored"},
		{"a file that is not SQLite", "text.sqlite3", "text.sqlite3 cannot be restored"},
		{"another application's database", other, "not this site's"},
		{"the database itself", db, "is the database itself"},
		{"a directory", t.TempDir(), "is not a file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs logBuffer
			err := backup.Restore(ctx, backup.RestoreOptions{From: tt.from, Dir: dir, Database: db}, logs.logger())
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "RESTORE_FROM: ") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line starting RESTORE_FROM and saying %q", err, tt.want)
			}
			if sum(t, db) != before || !hasStreet(t, db, "Kept") {
				t.Error("got the database changed")
			}
			left := names(t, filepath.Dir(db))
			if slices.ContainsFunc(left, func(n string) bool {
				return strings.Contains(n, ".before-restore-") || strings.HasSuffix(n, ".restored") || strings.HasSuffix(n, ".tmp")
			}) {
				t.Errorf("got %q beside the database, want nothing new", left)
			}
			if strings.Contains(logs.String(), "restored") {
				t.Errorf("got log %q, want nothing restored", logs.String())
			}
		})
	}
}

func TestRestoreOntoNoDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := siteFile(t)
	from := filepath.Join(t.TempDir(), "b.sqlite3")
	if _, err := backup.Write(ctx, src, from); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "new.sqlite3")
	var logs logBuffer
	if err := backup.Restore(ctx, backup.RestoreOptions{From: from, Dir: "unused", Database: db}, logs.logger()); err != nil {
		t.Fatal(err)
	}
	if lettings, _ := checkCopy(t, db); lettings != 6 {
		t.Errorf("got %d lettings, want the backup's", lettings)
	}
	if !strings.Contains(logs.String(), "previous=none") {
		t.Errorf("got log %q, want it to say there was no previous database", logs.String())
	}
}

func TestRestorePath(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ from, want string }{
		{"oc-lettings-20261125T120000Z.sqlite3", "/data/backups/oc-lettings-20261125T120000Z.sqlite3"},
		{"/mnt/old.sqlite3", "/mnt/old.sqlite3"},
		{"./old.sqlite3", "./old.sqlite3"},
		{"sub/old.sqlite3", "sub/old.sqlite3"},
	} {
		if got := backup.RestorePath(tt.from, "/data/backups"); got != tt.want {
			t.Errorf("RestorePath(%q): got %q, want %q", tt.from, got, tt.want)
		}
	}
}

func TestBeforeMigrating(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, source := seeded(t)
	pending := []string{"20261125000009_postgres_byte_order"}
	t.Run("only a database with data and pending migrations", func(t *testing.T) {
		for _, tt := range []struct {
			name    string
			source  string
			applied int
			pending []string
		}{
			{"a new database", source, 0, slices.Clone(pending)},
			{"nothing pending", source, 9, nil},
			{"PostgreSQL", "", 8, slices.Clone(pending)},
		} {
			dir := filepath.Join(t.TempDir(), "backups")
			s := backup.New(backup.Options{Source: tt.source, Dir: dir, Keep: 7}, slog.New(slog.DiscardHandler))
			if _, taken, err := s.BeforeMigrating(ctx, tt.applied, tt.pending); err != nil || taken {
				t.Errorf("%s: got taken %v (%v), want no backup", tt.name, taken, err)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%s: got %s made, want nothing", tt.name, dir)
			}
		}
	})
	t.Run("kept apart from the schedule", func(t *testing.T) {
		dir := t.TempDir()
		var logs logBuffer
		s := backup.New(backup.Options{Source: source, Dir: dir, Keep: 2, Now: minuteClock()}, logs.logger())
		var before []backup.File
		for range backup.KeepBeforeMigrating + 2 {
			f, taken, err := s.BeforeMigrating(ctx, 8, pending)
			if err != nil || !taken {
				t.Fatalf("got taken %v (%v), want a backup", taken, err)
			}
			before = append(before, f)
			if _, err := s.Scheduled(ctx); err != nil {
				t.Fatal(err)
			}
		}
		want := "oc-lettings-20261125T120100Z-before-20261125000009_postgres_byte_order.sqlite3"
		if before[0].Name != want || before[0].Before != pending[0] {
			t.Errorf("got %+v, want the name %s", before[0], want)
		}
		checkCopy(t, before[len(before)-1].Path)
		list, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		var scheduled, kept []string
		for _, f := range list {
			if f.Before == "" {
				scheduled = append(scheduled, f.Name)
			} else {
				kept = append(kept, f.Name)
			}
		}
		if len(scheduled) != 2 {
			t.Errorf("got scheduled backups %q, want BACKUP_KEEP's 2", scheduled)
		}
		var newest []string
		for _, f := range slices.Backward(before) {
			newest = append(newest, f.Name)
		}
		if !slices.Equal(kept, newest[:backup.KeepBeforeMigrating]) {
			t.Errorf("got pre-migration backups %q, want the newest %d: %q", kept, backup.KeepBeforeMigrating, newest[:backup.KeepBeforeMigrating])
		}
		if !strings.Contains(logs.String(), `msg="backup written before migrating" path=`+before[0].Path) {
			t.Errorf("got log without the pre-migration backup:\n%s", logs.String())
		}
	})
	t.Run("a failure is returned", func(t *testing.T) {
		s := backup.New(backup.Options{Source: filepath.Join(t.TempDir(), "gone.sqlite3"), Dir: t.TempDir()}, slog.New(slog.DiscardHandler))
		if _, taken, err := s.BeforeMigrating(ctx, 8, pending); err == nil || taken {
			t.Errorf("got taken %v (%v), want an error", taken, err)
		}
	})
}

package backup_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/backup"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
)

var backupName = regexp.MustCompile(`^oc-lettings-\d{8}T\d{6}Z\.sqlite3$`)

// seeded returns a migrated, seeded SQLite database and its file: backups
// exist for SQLite only, whatever TEST_DATABASE_URL says.
func seeded(t *testing.T) (*database.DB, string) {
	t.Helper()
	cfg := testdb.SQLite(t)
	db := testdb.OpenConfig(t, cfg)
	if _, err := migrations.Seed(context.Background(), db.Write); err != nil {
		t.Fatal(err)
	}
	return db, cfg.Path
}

// logBuffer collects a logger's lines; the scheduler writes from its own goroutine.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// minuteClock moves a minute each time it is read, so backups taken
// milliseconds apart get names of their own.
func minuteClock() func() time.Time {
	var n atomic.Int64
	start := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	return func() time.Time { return start.Add(time.Duration(n.Add(1)) * time.Minute) }
}

// checkCopy opens a backup as any SQLite client would and returns its
// lettings and addresses after the integrity check.
func checkCopy(t *testing.T, path string) (lettings, addresses int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("%s: got integrity check %q (%v), want ok", path, check, err)
	}
	if err := db.QueryRow("SELECT (SELECT count(*) FROM lettings_letting), (SELECT count(*) FROM lettings_address)").Scan(&lettings, &addresses); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return lettings, addresses
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestScheduledBackups(t *testing.T) {
	t.Parallel()
	_, source := seeded(t)
	dir := filepath.Join(t.TempDir(), "backups")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	planted := map[string]string{
		".oc-lettings-20260101T000000Z.sqlite3-123.tmp": "half a backup, from a crash",
		"oc-lettings-20200101T000000Z.sqlite3":          "an old backup, to be pruned",
		"notes.txt":                                     "the operator's",
		"oc-lettings-latest.sqlite3":                    "not a backup's name",
	}
	for name, content := range planted {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The crash was an hour ago; a copy written this very moment belongs to
	// another process (a migrate beside the server) and must be left alone.
	crashed := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, ".oc-lettings-20260101T000000Z.sqlite3-123.tmp"), crashed, crashed); err != nil {
		t.Fatal(err)
	}
	live := ".oc-lettings-20261125T115900Z.sqlite3-456.tmp"
	if err := os.WriteFile(filepath.Join(dir, live), []byte("being written"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	const keep = 3
	s := backup.New(backup.Options{Source: source, Dir: dir, Interval: 50 * time.Millisecond, Keep: keep, Now: minuteClock()}, logs.logger())
	stop := s.Start(context.Background())
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(logs.String(), `msg="backup written"`) < keep+2 {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("got too few backups in time; log:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()

	got := names(t, dir)
	if !slices.Contains(got, live) {
		t.Errorf("got %v, want another process's copy in progress kept", got)
	}
	var backups []string
	for _, name := range got {
		if strings.HasSuffix(name, ".tmp") && name != live {
			t.Errorf("got %s left in the directory, want temporary files removed", name)
		}
		if backupName.MatchString(name) {
			backups = append(backups, name)
		}
	}
	for _, name := range []string{"notes.txt", "oc-lettings-latest.sqlite3"} {
		if !slices.Contains(got, name) {
			t.Errorf("got %s removed, want files of other names kept", name)
		}
	}
	if len(backups) != keep {
		t.Fatalf("got backups %q, want the newest %d", backups, keep)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != keep || list[0].Name != backups[keep-1] || !list[0].Time.After(list[1].Time) {
		t.Errorf("got List %+v, want the %d backups newest first", list, keep)
	}
	written := strings.Count(logs.String(), `msg="backup written"`)
	for _, f := range list {
		if lettings, _ := checkCopy(t, f.Path); lettings != 6 {
			t.Errorf("%s: got %d lettings, want 6", f.Name, lettings)
		}
		if f.Size <= 0 {
			t.Errorf("%s: got size %d", f.Name, f.Size)
		}
		info, err := os.Stat(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: got mode %v, want 0600 (a backup holds password hashes)", f.Name, info.Mode().Perm())
		}
		if !strings.Contains(logs.String(), "path="+f.Path+" bytes=") {
			t.Errorf("got no log line with the path and size of %s", f.Path)
		}
	}
	for _, want := range []string{"unfinished backup removed", "old backup removed", "oc-lettings-20200101T000000Z.sqlite3", "duration="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("got a log without %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("got errors logged:\n%s", logs.String())
	}
	time.Sleep(100 * time.Millisecond)
	if n := strings.Count(logs.String(), `msg="backup written"`); n != written {
		t.Errorf("got %d backups after stop, want none", n-written)
	}
}

func TestBackupDuringWrites(t *testing.T) {
	t.Parallel()
	db, source := seeded(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var inserted atomic.Int64
	wg.Go(func() {
		// A letting and its address in one transaction: a consistent copy
		// always holds as many of one as of the other.
		for i := 0; ctx.Err() == nil; i++ {
			err := db.Write.RunInTx(context.Background(), nil, func(ctx context.Context, tx bun.Tx) error {
				a := &models.Address{Number: i % 10000, Street: "Busy Street", City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
				if err := models.CreateAddress(ctx, tx, a); err != nil {
					return err
				}
				return models.CreateLetting(ctx, tx, &models.Letting{Title: "Busy letting", AddressID: a.ID})
			})
			if err != nil {
				t.Error(err)
				return
			}
			inserted.Add(1)
		}
	})
	for inserted.Load() < 10 { // let the writes get going; not a timing assertion
		time.Sleep(time.Millisecond)
	}
	s := backup.New(backup.Options{Source: source, Dir: t.TempDir(), Keep: 10, Now: minuteClock()}, slog.New(slog.DiscardHandler))
	var files []backup.File
	for range 3 {
		f, err := s.Scheduled(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	cancel()
	wg.Wait()
	last := 0
	for _, f := range files {
		lettings, addresses := checkCopy(t, f.Path)
		if lettings != addresses || lettings < 6 || lettings > 6+int(inserted.Load()) {
			t.Errorf("%s: got %d lettings and %d addresses, want as many of each, between 6 and %d", f.Name, lettings, addresses, 6+inserted.Load())
		}
		if lettings < last {
			t.Errorf("%s: got %d lettings, fewer than the backup before (%d)", f.Name, lettings, last)
		}
		last = lettings
	}
}

func TestWrite(t *testing.T) {
	t.Parallel()
	_, source := seeded(t)
	ctx := context.Background()
	t.Run("replaces the target whole", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "copy of the site.sqlite3")
		if err := os.WriteFile(path, []byte("an older file"), 0o600); err != nil {
			t.Fatal(err)
		}
		size, err := backup.Write(ctx, source, path)
		if err != nil {
			t.Fatal(err)
		}
		if info, _ := os.Stat(path); info == nil || info.Size() != size {
			t.Errorf("got %v, want a file of %d bytes", info, size)
		}
		checkCopy(t, path)
		if got := names(t, dir); !slices.Equal(got, []string{"copy of the site.sqlite3"}) {
			t.Errorf("got %q in the directory, want the backup alone", got)
		}
	})
	t.Run("a failed copy leaves nothing", func(t *testing.T) {
		notDB := filepath.Join(t.TempDir(), "not-a-database")
		if err := os.WriteFile(notDB, bytes.Repeat([]byte("not SQLite "), 1000), 0o600); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := backup.Write(ctx, notDB, filepath.Join(dir, "x.sqlite3")); err == nil {
			t.Error("got no error copying a file that is not a database")
		}
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("got %q left behind, want nothing", got)
		}
	})
	t.Run("never over the database or its own files", func(t *testing.T) {
		if _, err := backup.Write(ctx, source, source); err == nil || !strings.Contains(err.Error(), "the database's own file") {
			t.Errorf("got %v, want the database kept", err)
		}
		for _, own := range []string{"-wal", "-shm", "-journal"} {
			before, _ := os.ReadFile(source + own)
			if _, err := backup.Write(ctx, source, source+own); err == nil || !strings.Contains(err.Error(), "the database's own file") {
				t.Errorf("%s: got %v, want it refused", own, err)
			}
			if after, _ := os.ReadFile(source + own); !bytes.Equal(before, after) {
				t.Errorf("got %s changed", own)
			}
		}
		if lettings, _ := checkCopy(t, source); lettings != 6 {
			t.Errorf("got %d lettings in the database, want it untouched", lettings)
		}
	})
	t.Run("a missing directory", func(t *testing.T) {
		if _, err := backup.Write(ctx, source, filepath.Join(t.TempDir(), "no", "x.sqlite3")); err == nil {
			t.Error("got no error writing into a missing directory")
		}
	})
	t.Run("a cancelled copy leaves nothing", func(t *testing.T) {
		dir := t.TempDir()
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := backup.Write(cancelled, source, filepath.Join(dir, "x.sqlite3")); err == nil {
			t.Error("got no error with a cancelled context")
		}
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("got %q left behind, want nothing", got)
		}
	})
}

func TestSnapshot(t *testing.T) {
	t.Parallel()
	_, source := seeded(t)
	dir := filepath.Join(t.TempDir(), "data", "backups")
	s := backup.New(backup.Options{Source: source, Dir: dir, Keep: 1}, slog.New(slog.DiscardHandler))
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !backupName.MatchString(snap.Name) {
		t.Errorf("got name %q, want oc-lettings-<time>.sqlite3", snap.Name)
	}
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("got the directory %v (%v), want it created owner-only", info, err)
	}
	body, err := io.ReadAll(snap)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(body)) != snap.Size || !bytes.HasPrefix(body, []byte("SQLite format 3\x00")) {
		t.Errorf("got %d bytes (want %d) starting %q", len(body), snap.Size, body[:min(16, len(body))])
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Errorf("got %v listed, want a download kept out of the backups", list)
	}
	if err := snap.Close(); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("got %q after Close, want the temporary file removed", got)
	}
}

func TestNotScheduled(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opts backup.Options
		log  string
	}{
		{"PostgreSQL", backup.Options{Interval: time.Hour}, "pg_dump"},
		{"interval 0", backup.Options{Source: "site.sqlite3", Dir: filepath.Join(t.TempDir(), "backups")}, "BACKUP_INTERVAL is 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs logBuffer
			s := backup.New(tt.opts, logs.logger())
			done := make(chan struct{})
			go func() { s.Run(context.Background()); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("got Run still running, want it to return at once")
			}
			if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), tt.log) {
				t.Errorf("got log %q, want one info line saying %q", logs.String(), tt.log)
			}
			if tt.opts.Dir != "" {
				// Crash leftovers are cleared even then; nothing is taken.
				if entries, err := os.ReadDir(tt.opts.Dir); err != nil || len(entries) != 0 {
					t.Errorf("got %v (%v) in the directory, want no backup", entries, err)
				}
			}
		})
	}
	t.Run("no copies on PostgreSQL", func(t *testing.T) {
		s := backup.New(backup.Options{Dir: t.TempDir()}, slog.New(slog.DiscardHandler))
		if s.Available() {
			t.Error("got Available, want not")
		}
		if _, err := s.Snapshot(context.Background()); err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Errorf("got %v, want an error pointing to pg_dump", err)
		}
		if _, err := s.Scheduled(context.Background()); err == nil {
			t.Error("got a scheduled backup of PostgreSQL")
		}
	})
}

func TestScheduleFailureIsLoggedAndGoesOn(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	missing := filepath.Join(t.TempDir(), "gone.sqlite3") // never created: every copy fails
	s := backup.New(backup.Options{Source: missing, Dir: t.TempDir(), Interval: 20 * time.Millisecond, Keep: 1}, logs.logger())
	stop := s.Start(context.Background())
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(logs.String(), "scheduled backup failed") < 2 {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("got fewer than two failures logged:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("got %q, want failures at ERROR", logs.String())
	}
}

func TestFirstBackupFollowsTheNewest(t *testing.T) {
	t.Parallel()
	_, source := seeded(t)
	dir := t.TempDir()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	// Taken ten minutes ago with an hourly schedule: the next is 50 minutes away.
	if err := os.WriteFile(filepath.Join(dir, backup.Name(now.Add(-10*time.Minute))), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	s := backup.New(backup.Options{Source: source, Dir: dir, Interval: time.Hour, Keep: 2, Now: func() time.Time { return now }}, logs.logger())
	stop := s.Start(context.Background())
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "next=") {
		if time.Now().After(deadline) {
			t.Fatalf("got no schedule logged:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	if !strings.Contains(logs.String(), "next=50m0s") || strings.Contains(logs.String(), "backup written") {
		t.Errorf("got %q, want the next backup 50 minutes away and none now", logs.String())
	}
}

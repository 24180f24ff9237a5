package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"oclettings/app/backup"
	"oclettings/migrations/testdb"
)

// `app serve` takes the backups itself: on Render nothing else sees its disk.
func TestServeTakesScheduledBackups(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "backups")
	port := freePort(t)
	vars := with(prodVars(t), "PORT", port, "BACKUP_DIR", dir, "BACKUP_INTERVAL", "1h")
	stop := serving(t, vars)
	if testdb.Postgres() {
		stop().want(t, exitOK, "scheduled backups are off: PostgreSQL is backed up with its own tools (pg_dump")
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("got the backup directory made (%v), want nothing on PostgreSQL", err)
		}
		return
	}

	// With no backup there yet, the first is due at once.
	name := regexp.MustCompile(`^oc-lettings-\d{8}T\d{6}Z\.sqlite3$`)
	var found string
	deadline := time.Now().Add(20 * time.Second)
	for found == "" {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if name.MatchString(e.Name()) {
				found = filepath.Join(dir, e.Name())
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("got no backup in %s\n%+v", dir, stop())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop().want(t, exitOK, `"msg":"scheduled backups"`, `"interval":"1h0m0s"`, `"msg":"backup written"`, `"path":"`+found+`"`, `"bytes":`)
	if err := backup.Check(context.Background(), found); err != nil {
		t.Error(err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("got the directory %v (%v), want it made owner-only", info, err)
	}
}

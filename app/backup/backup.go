// Package backup writes consistent, checked copies of the SQLite database:
// on demand (`app backup PATH`, a download from the admin) and on a schedule
// inside `app serve`, which on a platform such as Render is the only process
// that can see the disk the database lives on.
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver, for the copy's own connections
)

// File names. A finished backup is only ever renamed into place, so a file
// under a final name is complete and checked; a crash can leave only a
// dot-file ending in .tmp, which the scheduler removes when it starts.
const (
	namePrefix  = "oc-lettings-"
	nameSuffix  = ".sqlite3"
	stampLayout = "20060102T150405Z"
	tempSuffix  = ".tmp"
)

// Name is the file name of a backup taken at t: oc-lettings-YYYYMMDDTHHMMSSZ.sqlite3, in UTC.
func Name(t time.Time) string {
	return namePrefix + t.UTC().Format(stampLayout) + nameSuffix
}

// beforeInfix marks a backup taken before migrations:
// oc-lettings-YYYYMMDDTHHMMSSZ-before-<first pending migration>.sqlite3.
const beforeInfix = "-before-"

// BeforeName is the file name of a backup taken at t, before the migration
// named first (the first of those pending) was applied.
func BeforeName(t time.Time, first string) string {
	return namePrefix + t.UTC().Format(stampLayout) + beforeInfix + first + nameSuffix
}

// parseName returns the time a backup's file name records, the migration a
// pre-migration backup preceded (empty for any other), and whether name is
// a backup's name at all: only such files are ever pruned.
func parseName(name string) (t time.Time, before string, ok bool) {
	stamp, ok := strings.CutPrefix(name, namePrefix)
	if !ok {
		return time.Time{}, "", false
	}
	stamp, ok = strings.CutSuffix(stamp, nameSuffix)
	if !ok || len(stamp) < len(stampLayout) {
		return time.Time{}, "", false
	}
	if rest := stamp[len(stampLayout):]; rest != "" {
		before, ok = strings.CutPrefix(rest, beforeInfix)
		if !ok || before == "" {
			return time.Time{}, "", false
		}
	}
	t, err := time.Parse(stampLayout, stamp[:len(stampLayout)])
	return t, before, err == nil
}

// isTemp tells a temporary file this package writes in a backup directory.
func isTemp(name string) bool {
	return strings.HasPrefix(name, "."+namePrefix) && strings.HasSuffix(name, tempSuffix)
}

// Write copies the SQLite database at source to path, replacing any file
// there, and returns the copy's size in bytes. The copy is made beside path
// under a temporary name, checked, flushed to disk and only then renamed, so
// path never holds half a backup; the temporary file goes on any failure.
func Write(ctx context.Context, source, path string) (int64, error) {
	// The rename would put the copy in the place of the live database or of
	// one of its own files, under the feet of every connection to it.
	// By name too: a write-ahead log that does not exist yet would be
	// taken for one by the next connection.
	b, statErr := os.Stat(path)
	absPath, _ := filepath.Abs(path)
	for _, own := range []string{"", "-wal", "-shm", "-journal"} {
		absOwn, _ := filepath.Abs(source + own)
		a, err := os.Stat(source + own)
		if absOwn == absPath || (err == nil && statErr == nil && os.SameFile(a, b)) {
			return 0, fmt.Errorf("%s is the database's own file; choose another path", path)
		}
	}
	tmp, size, err := copyChecked(ctx, source, filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return 0, err
	}
	// The rename is only durable once the directory entry is on disk.
	if err := syncPath(filepath.Dir(path)); err != nil {
		return 0, fmt.Errorf("backup %s written but not flushed: %w", path, err)
	}
	return size, nil
}

// copyChecked writes a consistent copy of source into dir under a new
// temporary name derived from base, checks it and flushes it to disk. It
// returns the temporary file's path and size; on failure nothing is left.
func copyChecked(ctx context.Context, source, dir, base string) (tmp string, size int64, err error) {
	// Creating the file first gives it owner-only permissions (a backup holds
	// password hashes) and a name no other backup can take; VACUUM INTO
	// accepts an empty file as its target.
	f, err := os.CreateTemp(dir, "."+base+"-*"+tempSuffix)
	if err != nil {
		return "", 0, err
	}
	path := f.Name()
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return "", 0, err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(path)
		}
	}()
	if err := vacuumInto(ctx, source, path); err != nil {
		return "", 0, err
	}
	if err := Check(ctx, path); err != nil {
		return "", 0, err
	}
	if err := syncPath(path); err != nil {
		return "", 0, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", 0, err
	}
	return path, info.Size(), nil
}

// vacuumInto copies source into the empty file target. It uses a read-only
// connection of its own: VACUUM INTO reads one snapshot while the app's
// connections go on reading and writing, and the app's single write
// connection is never held for the length of a copy.
func vacuumInto(ctx context.Context, source, target string) error {
	db, err := sql.Open("sqlite", fileURI(source, "mode=ro&_pragma=busy_timeout(5000)"))
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", target); err != nil {
		return fmt.Errorf("copy the database: %w", err)
	}
	return nil
}

// Check opens the SQLite file at path read-only and runs its integrity check.
func Check(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", fileURI(path, "mode=ro"))
	if err != nil {
		return err
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return fmt.Errorf("integrity check of %s: %w", filepath.Base(path), err)
	}
	if result != "ok" {
		// SQLite lists one problem a line; an operator reads one line.
		return fmt.Errorf("%s failed its integrity check: %s", filepath.Base(path), strings.ReplaceAll(strings.TrimSpace(result), "\n", "; "))
	}
	return nil
}

// fileURI names a file in SQLite's URI form, so that a path with ?, # or %
// in it is not read as parameters.
func fileURI(path, params string) string {
	return "file:" + url.PathEscape(path) + "?" + params
}

// syncPath flushes a file, or a directory's entries, to disk.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

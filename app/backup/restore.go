package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// RestoreOptions say which backup to put in place of which database.
type RestoreOptions struct {
	// From is what RESTORE_FROM says: a path, or a bare file name looked up
	// in Dir, as the admin's Backups page and the logs name backups.
	From string
	// Dir is BACKUP_DIR.
	Dir string
	// Database is the SQLite file the backup replaces.
	Database string
	// Now stamps the name the current database is kept under; tests give it
	// a clock of their own.
	Now func() time.Time
}

// File names beside the database.
const (
	// asideInfix names the database a restore replaced:
	// oc-lettings.sqlite3.before-restore-YYYYMMDDTHHMMSSZ.
	asideInfix = ".before-restore-"
	// markerSuffix names the record of the last restore. It lets a restart
	// with RESTORE_FROM still set (Render restarts the service on every
	// deploy) leave alone a database that has changed since.
	markerSuffix = ".restored"
)

// sidecars are the files SQLite keeps beside a database; they belong to it
// and go wherever it goes.
var sidecars = []string{"-wal", "-shm", "-journal"}

// marker is what <database>.restored records of the last restore.
type marker struct {
	Backup   string    `json:"backup"`
	SHA256   string    `json:"sha256"`
	Bytes    int64     `json:"bytes"`
	Restored time.Time `json:"restored"`
	Previous string    `json:"previous,omitempty"`
}

// warnRestored says that RESTORE_FROM, still set, names the backup already
// restored, which is left at that.
func warnRestored(logger *slog.Logger, m marker, from, database string) {
	when := m.Restored.UTC().Format(time.RFC3339)
	logger.Warn("RESTORE_FROM names a backup already restored on "+when+"; remove RESTORE_FROM",
		"backup", from, "database", database, "restored", when)
}

// RestorePath is the file RESTORE_FROM names: a bare name is one of the
// backups in dir, anything else a path.
func RestorePath(from, dir string) string {
	if from == filepath.Base(from) {
		return filepath.Join(dir, from)
	}
	return from
}

// Restore puts the backup opts.From in place of the database, before
// anything has opened it. The backup must open read-only, pass SQLite's
// integrity check and hold this site's tables, or nothing changes. The
// current database is kept under a before-restore name beside it, never
// deleted, and the backup is copied in through a checked temporary file
// renamed into place, so the database's path always holds a whole
// database. The backup itself stays where it is.
//
// A backup already restored (the marker beside the database holds its
// SHA-256) is not restored again: the data written since would be set
// aside on every restart until someone removed RESTORE_FROM.
func Restore(ctx context.Context, opts RestoreOptions, logger *slog.Logger) error {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	from := RestorePath(opts.From, opts.Dir)
	info, err := os.Stat(from)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// The backup last restored has since been pruned; a RESTORE_FROM
		// still set must not keep the site from starting.
		if m, ok := readMarker(opts.Database); ok && m.Backup == from {
			warnRestored(logger, m, from, opts.Database)
			return nil
		}
		return fmt.Errorf("RESTORE_FROM: there is no backup %s; name one of the files in %s (the admin's Backups page lists them) or give a path", from, opts.Dir)
	case err != nil:
		return fmt.Errorf("RESTORE_FROM: %w", err)
	case !info.Mode().IsRegular():
		return fmt.Errorf("RESTORE_FROM: %s is not a file", from)
	}
	if db, err := os.Stat(opts.Database); err == nil && os.SameFile(info, db) {
		return fmt.Errorf("RESTORE_FROM: %s is the database itself; name a backup", from)
	}
	sum, err := fileSHA256(from)
	if err != nil {
		return fmt.Errorf("RESTORE_FROM: %w", err)
	}
	if m, ok := readMarker(opts.Database); ok && m.SHA256 == sum {
		warnRestored(logger, m, from, opts.Database)
		return nil
	}
	if err := checkRestorable(ctx, from); err != nil {
		return fmt.Errorf("RESTORE_FROM: %s cannot be restored (%w); the database was left as it was", from, err)
	}

	dir := filepath.Dir(opts.Database)
	removeTemps(dir, filepath.Base(opts.Database), logger)
	tmp, size, err := copyChecked(ctx, from, dir, filepath.Base(opts.Database))
	if err != nil {
		return fmt.Errorf("RESTORE_FROM: copy %s beside the database: %w; the database was left as it was", from, err)
	}
	stamp := opts.Now().UTC().Format(stampLayout)
	previous, previousSize, err := setAside(ctx, opts.Database, opts.Database+asideInfix+stamp, logger)
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("RESTORE_FROM: keep the current database aside: %w; nothing was restored", err)
	}
	if err := os.Rename(tmp, opts.Database); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("RESTORE_FROM: put the copy of %s in place: %w; the previous database is %s", from, err, previous)
	}
	if err := syncPath(dir); err != nil {
		return fmt.Errorf("RESTORE_FROM: %s restored but not flushed to disk: %w", from, err)
	}
	restored := opts.Now().UTC().Truncate(time.Second)
	if err := writeMarker(opts.Database, marker{Backup: from, SHA256: sum, Bytes: info.Size(), Restored: restored, Previous: previous}); err != nil {
		// Without the record the next start would restore the backup again
		// over whatever was written in between.
		return fmt.Errorf("RESTORE_FROM: %s restored, but the record of it could not be written (%w); remove RESTORE_FROM before the next start", from, err)
	}
	attrs := []any{"from", from, "bytes", info.Size(), "sha256", sum, "database", opts.Database, "database_bytes", size}
	if previous != "" {
		attrs = append(attrs, "previous", previous, "previous_bytes", previousSize)
	} else {
		attrs = append(attrs, "previous", "none")
	}
	logger.Info("database restored from a backup", attrs...)
	return nil
}

// checkRestorable refuses what is not a sound copy of this site's database.
func checkRestorable(ctx context.Context, path string) error {
	if err := Check(ctx, path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", fileURI(path, "mode=ro"))
	if err != nil {
		return err
	}
	defer db.Close()
	var n int
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('schema_migrations', 'lettings_letting')").Scan(&n)
	if err != nil {
		return err
	}
	if n != 2 {
		return errors.New("it is an SQLite database but not this site's: it has no schema_migrations and lettings_letting tables")
	}
	return nil
}

// setAside keeps the database at path under aside, with its WAL, and
// returns aside and its size; "" when there is no database yet. The
// database is linked, not moved, so that its path is never empty: the
// restored copy's rename replaces it in one step.
func setAside(ctx context.Context, path, aside string, logger *slog.Logger) (string, int64, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return "", 0, nil
	}
	// Folding the WAL into the file makes the copy kept aside one whole
	// database. If that fails (a damaged database is a reason to restore),
	// the WAL is kept beside it instead.
	if err := checkpoint(ctx, path); err != nil {
		logger.Warn("the database to be replaced could not be checkpointed; its -wal file is kept beside it", "database", path, "error", err)
	}
	if _, err := os.Lstat(aside); err == nil {
		return "", 0, fmt.Errorf("%s exists already", aside)
	}
	if err := os.Link(path, aside); err != nil {
		// A disk without hard links: a moment without a database at path,
		// which the next start's restore would fill.
		if err := os.Rename(path, aside); err != nil {
			return "", 0, err
		}
	}
	for _, suffix := range sidecars {
		if err := os.Rename(path+suffix, aside+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", 0, err
		}
	}
	info, err := os.Stat(aside)
	if err != nil {
		return "", 0, err
	}
	return aside, info.Size(), nil
}

// checkpoint copies the WAL into the database at path and empties it.
// Nothing else has the database open yet, so the checkpoint is complete,
// and closing the last connection removes the -wal and -shm files.
func checkpoint(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", fileURI(path, "_pragma=busy_timeout(5000)"))
	if err != nil {
		return err
	}
	var busy, frames, done int
	err = db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done)
	if err == nil && busy != 0 {
		err = errors.New("the database is busy")
	}
	return errors.Join(err, db.Close())
}

// removeTemps removes the temporary copies an interrupted restore left
// beside the database (see copyChecked's names).
func removeTemps(dir, base string, logger *slog.Logger) {
	matches, _ := filepath.Glob(filepath.Join(dir, "."+escapeGlob(base)+"-*"+tempSuffix))
	for _, path := range matches {
		if err := os.Remove(path); err == nil {
			logger.Info("unfinished restore removed", "path", path)
		}
	}
}

func escapeGlob(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(s)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readMarker returns the record of the last restore into database; a
// missing or unreadable record is no record.
func readMarker(database string) (marker, bool) {
	b, err := os.ReadFile(database + markerSuffix)
	if err != nil {
		return marker{}, false
	}
	var m marker
	if err := json.Unmarshal(b, &m); err != nil || m.SHA256 == "" {
		return marker{}, false
	}
	return m, true
}

// writeMarker replaces the record of the last restore, whole.
func writeMarker(database string, m marker) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := database + markerSuffix
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*"+tempSuffix)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	err = errors.Join(err, f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return err
	}
	return syncPath(filepath.Dir(path))
}

package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"

	"oclettings/app/backup"
	"oclettings/app/config"
	"oclettings/app/database"
)

// backupTables are the rows a backup's report counts.
var backupTables = []string{"lettings_address", "lettings_letting", "auth_user", "profiles_profile", "auth_group", "admin_logentry"}

func backupCommand() command {
	var force bool
	return command{
		summary: "Write a consistent copy of the SQLite database to PATH while the site keeps serving,\n" +
			"check it, and print its size and row counts. An existing PATH is kept unless --force.",
		usage: " [--force] PATH",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&force, "force", false, "overwrite PATH if it exists")
		},
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usagef("give exactly one PATH to write the backup to")
			}
			path := args[0]
			// Through withDatabase like every other command: started as root
			// (docker exec), it must write as the user the server runs as.
			return withDatabase(ctx, e, dbAccess{open: openExisting}, func(ws *workspace) error {
				if ws.db.Kind != "sqlite" {
					return errors.New("this database is backed up with its own tools (pg_dump); see docs/operations.md")
				}
				if _, err := os.Stat(path); err == nil && !force {
					return fmt.Errorf("%s exists; choose another path or use --force to overwrite it", path)
				} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
				// Written beside PATH and renamed over it once checked, so an
				// older file there is only replaced by a complete backup.
				size, err := backup.Write(ctx, ws.db.Path, path)
				if err != nil {
					return fmt.Errorf("backup to %s: %w", path, err)
				}
				return reportBackup(ctx, e, path, size)
			})
		},
	}
}

// newBackups is the backup service of a site on db: the schedule `app
// serve` runs and the admin's downloads. On PostgreSQL it takes none.
func newBackups(db *database.DB, cfg *config.Config, logger *slog.Logger) *backup.Service {
	return backup.New(backup.Options{Source: db.Path, Dir: cfg.BackupDir, Interval: cfg.BackupInterval, Keep: cfg.BackupKeep}, logger)
}

// reportBackup prints what the checked copy holds, so the operator knows
// the file is the database they meant.
func reportBackup(ctx context.Context, e *env, path string, size int64) error {
	copyDB, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=ro")
	if err != nil {
		return err
	}
	defer copyDB.Close()
	fmt.Fprintf(e.stdout, "Backup written to %s (%d bytes), integrity ok.\n", path, size)
	for _, table := range backupTables {
		var n int64
		if err := copyDB.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			return fmt.Errorf("count %s in the backup: %w", table, err)
		}
		fmt.Fprintf(e.stdout, "  %-18s %d rows\n", table, n)
	}
	return nil
}

package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"

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
			cfg, _, err := setup(e, e.stderr, config.LoadForManagement)
			if err != nil {
				return err
			}
			db, err := database.Open(ctx, cfg.Database, database.Options{MustExist: true})
			if err != nil {
				return err
			}
			defer db.Close()
			if db.Kind != "sqlite" {
				return errors.New("this database is backed up with its own tools (pg_dump); see docs/operations.md")
			}
			if _, err := os.Stat(path); err == nil {
				if !force {
					return fmt.Errorf("%s exists; choose another path or use --force to overwrite it", path)
				}
				if err := os.Remove(path); err != nil {
					return err
				}
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			// VACUUM INTO copies one consistent snapshot, page by page, while
			// other connections go on reading and writing.
			if _, err := db.Write.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
				return fmt.Errorf("backup to %s: %w", path, err)
			}
			return reportBackup(ctx, e, path)
		},
	}
}

// reportBackup opens the copy read-only, checks its integrity and prints
// what it holds, so the operator knows the file is a usable database.
func reportBackup(ctx context.Context, e *env, path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	copyDB, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?mode=ro")
	if err != nil {
		return err
	}
	defer copyDB.Close()
	var integrity string
	if err := copyDB.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if integrity != "ok" {
		return fmt.Errorf("the backup %s failed its integrity check: %s", path, integrity)
	}
	fmt.Fprintf(e.stdout, "Backup written to %s (%d bytes), integrity ok.\n", path, info.Size())
	for _, table := range backupTables {
		var n int64
		if err := copyDB.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			return fmt.Errorf("count %s in the backup: %w", table, err)
		}
		fmt.Fprintf(e.stdout, "  %-18s %d rows\n", table, n)
	}
	return nil
}

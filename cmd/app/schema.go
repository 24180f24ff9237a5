package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"

	"oclettings/app/backup"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/datadir"
	"oclettings/app/models"
	"oclettings/migrations"
)

// openDatabase opens the configured database and its migrations, once the
// data directory is the process's to write (see prepareData).
func openDatabase(ctx context.Context, e *env, cfg *config.Config, opts database.Options) (*database.DB, *migrations.Migrator, error) {
	if err := prepareData(e, cfg); err != nil {
		return nil, nil, err
	}
	return openPrepared(ctx, cfg, opts)
}

// openRestored is openDatabase for the commands a release starts with,
// serve and migrate: before the database opens, it puts in place the
// backup RESTORE_FROM names, as the unprivileged user (see backup.Restore).
func openRestored(ctx context.Context, e *env, cfg *config.Config, logger *slog.Logger) (*database.DB, *migrations.Migrator, error) {
	if err := prepareData(e, cfg); err != nil {
		return nil, nil, err
	}
	if cfg.RestoreFrom != "" {
		opts := backup.RestoreOptions{From: cfg.RestoreFrom, Dir: cfg.BackupDir, Database: cfg.Database.Path}
		if err := backup.Restore(ctx, opts, logger); err != nil {
			return nil, nil, err
		}
	}
	return openPrepared(ctx, cfg, database.Options{})
}

func openPrepared(ctx context.Context, cfg *config.Config, opts database.Options) (*database.DB, *migrations.Migrator, error) {
	db, err := database.Open(ctx, cfg.Database, opts)
	if err != nil {
		return nil, nil, err
	}
	m, err := migrations.NewMigrator(db.Write, db.Kind)
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	return db, m, nil
}

// migrateUp applies the pending migrations, after a backup of a database
// that has data (see backup.BeforeMigrating): a release must not change a
// schema it could not back up first.
func migrateUp(ctx context.Context, m *migrations.Migrator, backups *backup.Service, applied func(name string)) error {
	if backups.Available() {
		all, err := m.Status(ctx)
		if err != nil {
			return err
		}
		done := 0
		var pending []string
		for _, mig := range all {
			if mig.Applied() {
				done++
			} else {
				pending = append(pending, mig.Name)
			}
		}
		if _, _, err := backups.BeforeMigrating(ctx, done, pending); err != nil {
			return fmt.Errorf("no migration applied: the backup before them failed: %w", err)
		}
	}
	return m.Up(ctx, applied)
}

// openMigrated opens the database for a command that works on its data, and
// refuses one whose schema is behind the binary's: every query after that
// point could fail half-way.
func openMigrated(ctx context.Context, e *env, cfg *config.Config) (*database.DB, error) {
	db, m, err := openDatabase(ctx, e, cfg, database.Options{})
	if err != nil {
		return nil, err
	}
	pending, err := m.Pending(ctx)
	if err == nil && len(pending) > 0 {
		err = fmt.Errorf("the database schema is not up to date (%d pending migrations); run `app migrate` first", len(pending))
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// prepareData runs before any command opens the database. The binary
// started as root with RUN_AS (the image's) hands the SQLite file's
// directory, and the backups' directory, to that user and drops root for
// good; otherwise the directory is only checked.
func prepareData(e *env, cfg *config.Config) error {
	var dir string
	var files []string
	if cfg.Database.Kind == "sqlite" {
		dir = filepath.Dir(cfg.Database.Path)
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			files = append(files, cfg.Database.Path+suffix)
		}
		// Backups may live on a volume of their own, as root mounted it.
		files = append(files, cfg.BackupDir)
	}
	var runAs *datadir.User
	if e.mayDropRoot {
		runAs = cfg.RunAs
	}
	return datadir.Prepare(dir, files, runAs)
}

// describeInvalid turns a validation error into one line naming each field.
func describeInvalid(err error) error {
	var invalid *models.ValidationError
	if !errors.As(err, &invalid) {
		return err
	}
	fields := make([]string, 0, len(invalid.Fields))
	for field := range invalid.Fields {
		fields = append(fields, field)
	}
	sort.Strings(fields)
	parts := make([]string, 0, len(fields))
	for _, field := range fields {
		parts = append(parts, field+": "+strings.Join(invalid.Fields[field], " "))
	}
	return errors.New(strings.Join(parts, "; "))
}

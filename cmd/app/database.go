package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"oclettings/app/backup"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/datadir"
	"oclettings/migrations"
)

// opening says how a command opens the database.
type opening int

const (
	// openExisting refuses to create an SQLite file that is not there:
	// check and backup must report a wrong path, not hide it behind a new,
	// empty database.
	openExisting opening = iota
	// openCreating creates the SQLite file when it is not there yet.
	openCreating
	// openRestored is for the commands a release starts with, serve and
	// migrate: before the database opens, the backup RESTORE_FROM names is
	// put in place, as the unprivileged user (see backup.Restore).
	openRestored
	// openMigrated is for a command that works on the data: it refuses a
	// database whose schema is behind the binary's, as every query after
	// that point could fail half-way.
	openMigrated
)

// dbAccess says how a command loads its configuration and opens the
// database.
type dbAccess struct {
	// serving loads the configuration as the web server needs it
	// (config.Load); the other commands need neither SECRET_KEY nor
	// ALLOWED_HOSTS (config.LoadForManagement).
	serving bool
	// logs is where the command's log lines go; nil means standard error.
	logs io.Writer
	open opening
	// before runs once the configuration is loaded and before the database
	// opens, with ws.db and ws.migrator still nil: for what must not wait
	// on the database (checks of the command line, what is printed even
	// when the database cannot be reached). It may replace ws.logger.
	before func(ws *workspace) error
}

// workspace is what a command that works on the database is given.
type workspace struct {
	cfg      *config.Config
	logger   *slog.Logger
	db       *database.DB
	migrator *migrations.Migrator
}

// withDatabase loads the configuration, opens the database as access says,
// runs the command's body, and closes the database after it.
func withDatabase(ctx context.Context, e *env, access dbAccess, body func(ws *workspace) error) error {
	load := config.LoadForManagement
	if access.serving {
		load = config.Load
	}
	logs := access.logs
	if logs == nil {
		logs = e.stderr
	}
	cfg, logger, err := setup(e, logs, load)
	if err != nil {
		return err
	}
	ws := &workspace{cfg: cfg, logger: logger}
	if access.before != nil {
		if err := access.before(ws); err != nil {
			return err
		}
	}
	if err := ws.open(ctx, e, access.open); err != nil {
		return err
	}
	defer ws.db.Close()
	return body(ws)
}

// open opens the configured database and its migrations, once the data
// directory is the process's to write (see prepareData).
func (ws *workspace) open(ctx context.Context, e *env, how opening) error {
	cfg := ws.cfg
	if err := prepareData(e, cfg); err != nil {
		return err
	}
	if how == openRestored && cfg.RestoreFrom != "" {
		opts := backup.RestoreOptions{From: cfg.RestoreFrom, Dir: cfg.BackupDir, Database: cfg.Database.Path}
		if err := backup.Restore(ctx, opts, ws.logger); err != nil {
			return err
		}
	}
	db, err := database.Open(ctx, cfg.Database, database.Options{MustExist: how == openExisting})
	if err != nil {
		return err
	}
	m, err := migrations.NewMigrator(db.Write, db.Kind)
	if err == nil && how == openMigrated {
		var pending []string
		pending, err = m.Pending(ctx)
		if err == nil && len(pending) > 0 {
			err = fmt.Errorf("the database schema is not up to date (%d pending migrations); run `app migrate` first", len(pending))
		}
	}
	if err != nil {
		_ = db.Close()
		return err
	}
	ws.db, ws.migrator = db, m
	return nil
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

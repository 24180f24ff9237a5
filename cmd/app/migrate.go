package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"oclettings/app/backup"
	"oclettings/migrations"
)

func migrateCommand() command {
	var noSeed bool
	return command{
		summary: "Apply pending migrations and load the reference data (again changes nothing).\n" +
			"  app migrate status   list applied and pending migrations\n" +
			"  app migrate down     roll back the last applied migration",
		usage: " [--no-seed] [status|down]",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&noSeed, "no-seed", false, "apply migrations without loading the reference data")
		},
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			action := ""
			if len(args) > 0 {
				action = args[0]
			}
			if len(args) > 1 || (action != "" && action != "status" && action != "down") {
				return usagef("unexpected arguments %q; expected nothing, status or down", args)
			}
			if noSeed && action != "" {
				return usagef("--no-seed goes with plain 'app migrate' only")
			}
			// Only a plain migrate, as serve, restores RESTORE_FROM: status
			// must only look, and down must not start from another database.
			access := dbAccess{open: openCreating}
			if action == "" {
				access.open = openRestored
			}
			return withDatabase(ctx, e, access, func(ws *workspace) error {
				switch action {
				case "status":
					return migrateStatus(ctx, e, ws.migrator)
				case "down":
					return migrateDown(ctx, e, ws.migrator)
				}
				backups := newBackups(ws.db, ws.cfg, ws.logger)
				if err := migrateUp(ctx, ws.migrator, backups, func(name string) { fmt.Fprintf(e.stdout, "Applied migration %s\n", name) }); err != nil {
					return err
				}
				if noSeed {
					fmt.Fprintln(e.stdout, "Schema up to date; reference data skipped (--no-seed).")
				} else {
					report, err := migrations.Seed(ctx, ws.db.Write)
					if err != nil {
						return err
					}
					fmt.Fprintln(e.stdout, report.String())
				}
				return bootstrapSuperuser(ctx, ws.cfg, ws.db, ws.logger)
			})
		},
	}
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

func migrateStatus(ctx context.Context, e *env, m *migrations.Migrator) error {
	all, err := m.Status(ctx)
	if err != nil {
		return err
	}
	pending := 0
	for _, mig := range all {
		if mig.Applied() {
			fmt.Fprintf(e.stdout, "[X] %s  (applied %s)\n", mig.Name, mig.AppliedAt.UTC().Format(time.RFC3339))
		} else {
			pending++
			fmt.Fprintf(e.stdout, "[ ] %s  (pending)\n", mig.Name)
		}
	}
	fmt.Fprintf(e.stdout, "%d applied, %d pending\n", len(all)-pending, pending)
	return nil
}

func migrateDown(ctx context.Context, e *env, m *migrations.Migrator) error {
	name, err := m.Down(ctx)
	if err != nil {
		return err
	}
	if name == "" {
		fmt.Fprintln(e.stdout, "No migration is applied; nothing to roll back.")
		return nil
	}
	fmt.Fprintf(e.stdout, "Rolled back migration %s\n", name)
	return nil
}

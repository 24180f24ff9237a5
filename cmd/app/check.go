package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"oclettings/admin"
	"oclettings/app/config"
	"oclettings/app/monitoring"
)

func checkCommand() command {
	var sentry bool
	return command{
		summary: "Check the configuration and the database: print the configuration (secrets hidden),\n" +
			"connect to the database, report pending migrations and check the admin's model declarations\n" +
			"against the schema. Exits non-zero when anything is wrong.",
		usage: " [--sentry]",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&sentry, "sentry", false, "also send a test event to Sentry and say whether it was accepted")
		},
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			// The settings are printed first, so that they are there to read
			// when the database cannot be reached.
			access := dbAccess{serving: true, open: openExisting, before: func(ws *workspace) error {
				printSettings(e, ws.cfg)
				return nil
			}}
			return withDatabase(ctx, e, access, func(ws *workspace) error {
				fmt.Fprintf(e.stdout, "\nDatabase: %s at %s: connected\n", ws.db.Kind, ws.cfg.Database.Where())
				pending, err := ws.migrator.Pending(ctx)
				if err != nil {
					return err
				}
				if len(pending) > 0 {
					fmt.Fprintf(e.stdout, "Migrations: %d pending: %s\n", len(pending), strings.Join(pending, ", "))
					return errors.New("the database schema is not up to date; run `app migrate`")
				}
				fmt.Fprintln(e.stdout, "Migrations: up to date")
				// What serve would refuse to start with, found beforehand; the
				// error names the model and the field.
				if err := admin.Check(ctx, ws.db); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, "Admin: every model declaration matches the schema")
				if sentry {
					if err := monitoring.SendTestEvent(ws.cfg, e.build, 10*time.Second); err != nil {
						return err
					}
					fmt.Fprintln(e.stdout, "Sentry: the test event was accepted")
				}
				fmt.Fprintln(e.stdout, "\nEverything is in order.")
				return nil
			})
		},
	}
}

func printSettings(e *env, cfg *config.Config) {
	fmt.Fprintln(e.stdout, "Configuration:")
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, s := range cfg.Dump() {
		fmt.Fprintf(tw, "  %s\t%s\t(%s)\n", s.Name, s.Value, s.Source)
	}
	_ = tw.Flush()
}

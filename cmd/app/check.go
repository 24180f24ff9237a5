package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/monitoring"
)

func checkCommand() command {
	var sentry bool
	return command{
		summary: "Check the configuration and the database: print the configuration (secrets hidden),\n" +
			"connect to the database and report pending migrations. Exits non-zero when anything is wrong.",
		usage: " [--sentry]",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&sentry, "sentry", false, "also send a test event to Sentry and say whether it was accepted")
		},
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			cfg, _, err := setup(e, e.stderr, config.Load)
			if err != nil {
				return err
			}
			printSettings(e, cfg)

			db, m, err := openDatabase(ctx, e, cfg, database.Options{MustExist: true})
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintf(e.stdout, "\nDatabase: %s at %s: connected\n", db.Kind, cfg.Database.Where())
			pending, err := m.Pending(ctx)
			if err != nil {
				return err
			}
			if len(pending) > 0 {
				fmt.Fprintf(e.stdout, "Migrations: %d pending: %s\n", len(pending), strings.Join(pending, ", "))
				return errors.New("the database schema is not up to date; run `app migrate`")
			}
			fmt.Fprintln(e.stdout, "Migrations: up to date")
			if sentry {
				if err := monitoring.SendTestEvent(cfg, e.build, 10*time.Second); err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, "Sentry: the test event was accepted")
			}
			fmt.Fprintln(e.stdout, "\nEverything is in order.")
			return nil
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

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"oclettings/app/djangoimport"
)

func importDjangoCommand() command {
	var dryRun, skipInvalid bool
	return command{
		summary: "Import the Django site's database file at PATH (either of its schemas): users with their\n" +
			"passwords, groups and permissions, addresses, lettings, profiles and the admin history,\n" +
			"in one transaction. Into an empty database every record keeps its id; otherwise records\n" +
			"already here (same username, same address, same letting) are merged, never duplicated.",
		usage: " [--dry-run] [--skip-invalid] PATH",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&dryRun, "dry-run", false, "report what the import would do and change nothing")
			fs.BoolVar(&skipInvalid, "skip-invalid", false, "leave out the rows that fail validation, and list them, instead of stopping")
		},
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usagef("give exactly one PATH: the Django site's SQLite database file")
			}
			return withDatabase(ctx, e, dbAccess{open: openCreating}, func(ws *workspace) error {
				// The schema, not the reference data: into a database the seed
				// has not filled, the Django ids can be kept.
				if err := ws.migrator.Up(ctx, func(name string) { fmt.Fprintf(e.stdout, "Applied migration %s\n", name) }); err != nil {
					return err
				}
				report, err := djangoimport.Import(ctx, ws.db, args[0], djangoimport.Options{
					DryRun: dryRun, SkipInvalid: skipInvalid, Progress: progress(e),
				})
				var invalid *djangoimport.InvalidError
				if errors.As(err, &invalid) {
					for _, line := range invalid.Lines() {
						fmt.Fprintln(e.stderr, line)
					}
				}
				if err != nil {
					return err
				}
				printImport(e, args[0], report)
				return nil
			})
		},
	}
}

// progress reports a large table every tenth of the way, on stderr.
func progress(e *env) func(table string, done, total int) {
	last := map[string]int{}
	return func(table string, done, total int) {
		if total < 5000 {
			return
		}
		if tenth := done * 10 / total; tenth > last[table] {
			last[table] = tenth
			fmt.Fprintf(e.stderr, "%s: %d of %d rows\n", table, done, total)
		}
	}
}

func printImport(e *env, path string, r *djangoimport.Report) {
	fmt.Fprintf(e.stdout, "%s\n\n", r.Heading(path))
	const row = "%-28s %8v %8v %8v %8v\n"
	c := djangoimport.Columns
	fmt.Fprintf(e.stdout, row, c[0], c[1], c[2], c[3], c[4])
	for _, c := range r.Counts {
		fmt.Fprintf(e.stdout, row, c.Table, c.Found, c.Imported, c.Merged, c.Skipped)
	}
	fmt.Fprintln(e.stdout)
	for _, n := range r.Notes() {
		fmt.Fprintln(e.stdout, n.Text)
		for _, row := range n.Rows {
			fmt.Fprintf(e.stdout, "  %s\n", row)
		}
	}
	if r.DryRun {
		fmt.Fprintln(e.stdout, djangoimport.DryRunNote)
	}
}

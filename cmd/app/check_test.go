package main

import (
	"slices"
	"strings"
	"testing"
)

// TestCheckAdminDeclarations: `app check` runs the admin's system checks
// once the schema is up to date, and says so on the line after the
// migrations'. A declaration that does not match cannot be made from here;
// admin's own tests cover that failure.
func TestCheckAdminDeclarations(t *testing.T) {
	t.Parallel()
	const adminLine = "Admin: every model declaration matches the schema"
	vars := prodVars(t)
	app(t, vars, "", "migrate", "--no-seed").want(t, exitOK)
	app(t, vars, "", "migrate", "down").want(t, exitOK)

	t.Run("not with migrations pending", func(t *testing.T) {
		r := app(t, vars, "", "check")
		r.want(t, exitFailure, "pending")
		if strings.Contains(r.stdout, adminLine) {
			t.Errorf("got %q before the schema is up to date, want the admin checked only on an up-to-date schema\nstdout: %s", adminLine, r.stdout)
		}
	})

	app(t, vars, "", "migrate").want(t, exitOK)
	t.Run("after the migrations", func(t *testing.T) {
		r := app(t, vars, "", "check")
		r.want(t, exitOK, adminLine, "Everything is in order.")
		lines := strings.Split(r.stdout, "\n")
		i := slices.Index(lines, "Migrations: up to date")
		if i < 0 || i+1 >= len(lines) || lines[i+1] != adminLine {
			t.Errorf("got stdout\n%s\nwant %q on the line after %q", r.stdout, adminLine, "Migrations: up to date")
		}
	})
}

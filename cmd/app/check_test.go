package main

import (
	"fmt"
	"oclettings/admin"
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

// TestCheckProblemsPrintOneLineEach: the admin's system checks refuse a
// start with every problem on a line of its own, as Django's checks print
// them, where other failures are one line.
func TestCheckProblemsPrintOneLineEach(t *testing.T) {
	var out strings.Builder
	code := report(&out, "serve", fmt.Errorf("start: %w", &admin.CheckError{Problems: []admin.Problem{
		{Model: "lettings.photo", Option: "List[0]", Text: `"captoin": captoin is not a field of lettings_photo`},
		{Model: "lettings.photo", Option: "permissions", Text: "lettings.view_photo do not exist"},
	}}))
	want := "app serve: the admin's model declarations do not match the schema:\n" +
		"  lettings.photo: List[0]: \"captoin\": captoin is not a field of lettings_photo\n" +
		"  lettings.photo: permissions: lettings.view_photo do not exist\n"
	if code != exitFailure || out.String() != want {
		t.Fatalf("got %d and\n%s\nwant %d and\n%s", code, out.String(), exitFailure, want)
	}
}

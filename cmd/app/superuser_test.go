package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"oclettings/app/auth"
	"oclettings/app/models"
)

// TestSuperuserFromTheEnvironment: with no shell on the platform, migrate
// and serve create the administrator declared in SUPERUSER_*, once, and
// never touch an existing user.
func TestSuperuserFromTheEnvironment(t *testing.T) {
	t.Parallel()
	user := func(t *testing.T, vars map[string]string, username string) *models.User {
		t.Helper()
		u, err := models.GetUserByUsername(context.Background(), openSite(t, vars).Read, username)
		if err != nil {
			t.Fatalf("user %s: %v", username, err)
		}
		return u
	}
	noPassword := func(t *testing.T, r result, passwords ...string) {
		t.Helper()
		for _, p := range passwords {
			if strings.Contains(r.stdout+r.stderr, p) {
				t.Errorf("got the password %q in the output:\n%s%s", p, r.stdout, r.stderr)
			}
		}
	}

	t.Run("created once, then left alone", func(t *testing.T) {
		t.Parallel()
		vars := with(siteEnv(t), "SUPERUSER_USERNAME", "boss", "SUPERUSER_EMAIL", "boss@example.com", "SUPERUSER_PASSWORD", strongPassword)
		r := app(t, vars, "", "migrate")
		r.want(t, exitOK, "administrator created from SUPERUSER_USERNAME", "remove SUPERUSER_PASSWORD")
		noPassword(t, r, strongPassword)
		u := user(t, vars, "boss")
		if !u.IsSuperuser || !u.IsStaff || !u.IsActive || u.Email != "boss@example.com" {
			t.Errorf("got %+v, want an active staff superuser with the email", u)
		}
		if ok, _ := auth.Default().Check(strongPassword, u.Password); !ok {
			t.Error("the password from SUPERUSER_PASSWORD does not verify")
		}

		// The staff change the account; a later start must not undo it.
		demoted := *u
		demoted.IsSuperuser, demoted.Email = false, "changed@example.com"
		if err := models.UpdateUser(context.Background(), openSite(t, vars).Write, &demoted); err != nil {
			t.Fatal(err)
		}
		r = app(t, with(vars, "SUPERUSER_USERNAME", "BOSS", "SUPERUSER_PASSWORD", "Different-Secret-9931"), "", "migrate")
		r.want(t, exitOK, "exists and was left unchanged")
		noPassword(t, r, "Different-Secret-9931")
		after := user(t, vars, "boss")
		if after.Password != u.Password || after.IsSuperuser || after.Email != "changed@example.com" {
			t.Errorf("got %+v, want the existing user exactly as the staff left it", after)
		}
		wantRows(t, openSite(t, vars), "auth_user", 5, "the 4 members and one administrator")
	})

	t.Run("Django's variable names", func(t *testing.T) {
		t.Parallel()
		vars := with(siteEnv(t), "DJANGO_SUPERUSER_USERNAME", "chief", "DJANGO_SUPERUSER_PASSWORD", strongPassword)
		app(t, vars, "", "migrate", "--no-seed").want(t, exitOK, "administrator created")
		if !user(t, vars, "chief").IsSuperuser {
			t.Error("got no superuser from DJANGO_SUPERUSER_*")
		}
	})

	for _, weak := range []string{"boss", "password123", "80245139671"} {
		t.Run("a weak password stops the start: "+weak, func(t *testing.T) {
			t.Parallel()
			vars := with(siteEnv(t), "SUPERUSER_USERNAME", "boss", "SUPERUSER_PASSWORD", weak)
			r := app(t, vars, "", "migrate", "--no-seed")
			r.want(t, exitFailure, `cannot create the administrator "boss" from SUPERUSER_USERNAME and SUPERUSER_PASSWORD: password:`)
			wantRows(t, openSite(t, vars), "auth_user", 0, "none after a refused password")
			serve := app(t, with(prodVars(t), "DATABASE_URL", vars["DATABASE_URL"], "PORT", freePort(t),
				"SUPERUSER_USERNAME", "boss", "SUPERUSER_PASSWORD", weak), "", "serve")
			serve.want(t, exitFailure, "cannot create the administrator")
			if strings.Count(strings.TrimSpace(serve.stderr), "\n") != 0 {
				t.Errorf("got %q, want one line on stderr", serve.stderr)
			}
		})
	}

	t.Run("a bad username stops the start", func(t *testing.T) {
		t.Parallel()
		vars := with(siteEnv(t), "SUPERUSER_USERNAME", "chief of staff", "SUPERUSER_PASSWORD", strongPassword)
		r := app(t, vars, "", "migrate", "--no-seed")
		r.want(t, exitFailure, "username: Enter a valid username.")
		noPassword(t, r, strongPassword)
	})

	t.Run("no password for a missing user: a warning, and the site starts", func(t *testing.T) {
		t.Parallel()
		vars := with(siteEnv(t), "SUPERUSER_USERNAME", "boss")
		app(t, vars, "", "migrate", "--no-seed").want(t, exitOK, "SUPERUSER_PASSWORD is not set, so no administrator was created")
		if _, err := models.GetUserByUsername(context.Background(), openSite(t, vars).Read, "boss"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("got %v, want no user", err)
		}
	})

	t.Run("a password without a username is noticed", func(t *testing.T) {
		t.Parallel()
		vars := with(siteEnv(t), "SUPERUSER_PASSWORD", strongPassword)
		r := app(t, vars, "", "migrate", "--no-seed")
		r.want(t, exitOK, "SUPERUSER_PASSWORD is set without SUPERUSER_USERNAME")
		noPassword(t, r, strongPassword)
	})

	t.Run("check redacts the password", func(t *testing.T) {
		t.Parallel()
		vars := with(prodVars(t), "SUPERUSER_USERNAME", "boss", "SUPERUSER_PASSWORD", strongPassword)
		app(t, vars, "", "migrate").want(t, exitOK)
		r := app(t, vars, "", "check")
		r.want(t, exitOK, "SUPERUSER_USERNAME", "boss", "SUPERUSER_PASSWORD", "********")
		noPassword(t, r, strongPassword)
	})
}

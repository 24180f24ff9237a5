package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oclettings/app/web"
	"oclettings/migrations/testdb"
)

// result is what a command did.
type result struct {
	code           int
	stdout, stderr string
}

// app runs the command line in-process, with only the given environment,
// and returns its exit status and output.
func app(t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	return appContext(context.Background(), t, vars, stdin, args...)
}

func appContext(ctx context.Context, t *testing.T, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &env{
		stdin:  strings.NewReader(stdin),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		build:  web.Build{Version: "1.2.3", Commit: "abc123", Date: "2026-11-25"},
	})
	return result{code, stdout.String(), stderr.String()}
}

// siteEnv returns the environment of a site on a new, empty database: a
// file in a temporary directory, or a PostgreSQL schema of its own (see
// testdb).
func siteEnv(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{"DATABASE_URL": testdb.Config(t).URL}
}

// sqliteEnv is siteEnv for the tests of what only an SQLite file has.
func sqliteEnv(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{"DATABASE_URL": testdb.SQLite(t).URL}
}

// with returns a copy of vars with more variables set.
func with(vars map[string]string, more ...string) map[string]string {
	out := make(map[string]string, len(vars)+len(more)/2)
	for k, v := range vars {
		out[k] = v
	}
	for i := 0; i+1 < len(more); i += 2 {
		out[more[i]] = more[i+1]
	}
	return out
}

func (r result) want(t *testing.T, code int, contains ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("got exit status %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	all := r.stdout + r.stderr
	for _, s := range contains {
		if !strings.Contains(all, s) {
			t.Errorf("got output without %q\nstdout: %s\nstderr: %s", s, r.stdout, r.stderr)
		}
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"no command", nil, exitUsage, []string{"Usage: app <command>", "serve", "migrate", "createsuperuser", "changepassword", "check", "version"}},
		{"help", []string{"--help"}, exitOK, []string{"Usage: app <command>"}},
		{"unknown command", []string{"frobnicate"}, exitUsage, []string{`unknown command "frobnicate"`}},
		{"unknown flag", []string{"migrate", "--frob"}, exitUsage, []string{"flag provided but not defined: -frob", "app migrate --help"}},
		{"serve help", []string{"serve", "--help"}, exitOK, []string{"Usage: app serve"}},
		{"migrate help", []string{"migrate", "-h"}, exitOK, []string{"Usage: app migrate", "--no-seed", "status", "down"}},
		{"createsuperuser help", []string{"createsuperuser", "--help"}, exitOK, []string{"Usage: app createsuperuser", "-noinput", "-username", "-email", "SUPERUSER_PASSWORD"}},
		{"changepassword help", []string{"changepassword", "--help"}, exitOK, []string{"Usage: app changepassword", "-password-stdin", "USERNAME"}},
		{"check help", []string{"check", "--help"}, exitOK, []string{"Usage: app check"}},
		{"version help", []string{"version", "--help"}, exitOK, []string{"Usage: app version"}},
		{"stray arguments", []string{"version", "now"}, exitUsage, []string{`unexpected arguments ["now"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			app(t, siteEnv(t), "", tt.args...).want(t, tt.code, tt.contains...)
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	app(t, nil, "", "version").want(t, exitOK, "app 1.2.3", "commit: abc123", "built: 2026-11-25")
}

func TestBuildInfoDefaults(t *testing.T) {
	t.Parallel()
	b := buildInfo("", "", "")
	if b.Version == "" || b.Commit == "" || b.Date == "" {
		t.Errorf("got %+v, want every field filled", b)
	}
	if got := buildInfo("v2.0.0", "deadbeef", "2026-01-01"); got != (web.Build{Version: "v2.0.0", Commit: "deadbeef", Date: "2026-01-01"}) {
		t.Errorf("got %+v, want the linker's values kept", got)
	}
}

func TestConfigurationErrorsExit2(t *testing.T) {
	t.Parallel()
	prod := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "x.sqlite3"), "DEBUG": "false"}
	tests := []struct {
		name     string
		vars     map[string]string
		args     []string
		contains []string
	}{
		{"serve without SECRET_KEY", prod, []string{"serve"}, []string{"SECRET_KEY", "ALLOWED_HOSTS"}},
		{"check without SECRET_KEY", prod, []string{"check"}, []string{"SECRET_KEY"}},
		{"migrate with a bad PORT", with(prod, "PORT", "eighty"), []string{"migrate"}, []string{"PORT"}},
		{"migrate with an unsupported database", with(prod, "DATABASE_URL", "mysql://db/x"), []string{"migrate"}, []string{"DATABASE_URL", "sqlite:PATH"}},
		{"every problem at once", with(prod, "PORT", "0", "LOG_LEVEL", "loud"), []string{"serve"}, []string{"PORT", "LOG_LEVEL", "SECRET_KEY", "ALLOWED_HOSTS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := app(t, tt.vars, "", tt.args...)
			r.want(t, exitUsage, tt.contains...)
			if r.stdout != "" {
				t.Errorf("got stdout %q, want the problems on stderr only", r.stdout)
			}
		})
	}
}

func TestManagementCommandsNeedNoSiteSecrets(t *testing.T) {
	t.Parallel()
	// A migration in a build or pre-deploy step runs before the site's secrets exist.
	vars := with(siteEnv(t), "DEBUG", "false")
	app(t, vars, "", "migrate").want(t, exitOK, "Loaded reference data")
}

func TestNoticesForIgnoredDjangoSettings(t *testing.T) {
	t.Parallel()
	vars := with(siteEnv(t), "DJANGO_STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage")
	app(t, vars, "", "migrate", "--no-seed").want(t, exitOK, "DJANGO_STATICFILES_STORAGE is ignored")
}

func TestMain(m *testing.M) {
	// Commands log to the real stderr nowhere: every test passes its own writers.
	code := m.Run()
	for _, bin := range []*built{&devBin, &releaseBin} {
		if bin.path != "" {
			os.RemoveAll(filepath.Dir(bin.path))
		}
	}
	os.Exit(code)
}

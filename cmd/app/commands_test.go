package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"oclettings/app/auth"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// openSite opens the database a test's commands work on.
func openSite(t *testing.T, vars map[string]string) *database.DB {
	t.Helper()
	cfg, err := config.LoadForManagement(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(context.Background(), cfg.Database, database.Options{MustExist: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func count(t *testing.T, db *database.DB, table string) int64 {
	t.Helper()
	n, err := db.Read.NewSelect().TableExpr(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantRows checks that table holds n rows; why says which they are.
func wantRows(t *testing.T, db *database.DB, table string, n int64, why string) {
	t.Helper()
	if got := count(t, db, table); got != n {
		t.Errorf("got %d rows in %s, want %d: %s", got, table, n, why)
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	vars := siteEnv(t)
	app(t, vars, "", "migrate").want(t, exitOK, "Applied migration 20261125000001_auth", "Loaded reference data: 6 addresses, 6 lettings, 4 users, 4 profiles.")
	app(t, vars, "", "migrate").want(t, exitOK, "Reference data already loaded; nothing changed.")
	db := openSite(t, vars)
	for table, want := range map[string]int64{"lettings_letting": 6, "profiles_profile": 4, "lettings_address": 6, "auth_user": 4} {
		wantRows(t, db, table, want, "the reference data, once after migrating twice")
	}

	t.Run("status", func(t *testing.T) {
		r := app(t, vars, "", "migrate", "status")
		_, migrations := latestMigration(t)
		r.want(t, exitOK, "[X] 20261125000001_auth", fmt.Sprintf("%d applied, 0 pending", migrations))
	})
	t.Run("down then status then up", func(t *testing.T) {
		latest, migrations := latestMigration(t)
		app(t, vars, "", "migrate", "down").want(t, exitOK, "Rolled back migration "+latest)
		app(t, vars, "", "migrate", "status").want(t, exitOK, "[ ] "+latest+"  (pending)", fmt.Sprintf("%d applied, 1 pending", migrations-1))
		app(t, vars, "", "migrate", "--no-seed").want(t, exitOK, "Applied migration "+latest, "reference data skipped")
		wantRows(t, db, "lettings_letting", 6, "the lettings kept")
	})
	t.Run("bad arguments", func(t *testing.T) {
		app(t, vars, "", "migrate", "sideways").want(t, exitUsage, "expected nothing, status or down")
		app(t, vars, "", "migrate", "--no-seed", "status").want(t, exitUsage, "--no-seed goes with plain 'app migrate' only")
	})
}

func TestMigrateNoSeed(t *testing.T) {
	t.Parallel()
	vars := siteEnv(t)
	app(t, vars, "", "migrate", "--no-seed").want(t, exitOK, "Schema up to date; reference data skipped (--no-seed).")
	wantRows(t, openSite(t, vars), "lettings_letting", 0, "none with --no-seed")
	app(t, vars, "", "migrate").want(t, exitOK, "Loaded reference data: 6 addresses")
}

func TestMigrateDownOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	app(t, siteEnv(t), "", "migrate", "down").want(t, exitOK, "nothing to roll back")
}

func TestMigrateRefusesAFileThatIsNotADatabase(t *testing.T) {
	t.Parallel()
	vars := sqliteEnv(t)
	path := strings.TrimPrefix(vars["DATABASE_URL"], "sqlite:")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 200)), 0o600); err != nil {
		t.Fatal(err)
	}
	r := app(t, vars, "", "migrate")
	r.want(t, exitFailure, "not an SQLite database")
	if strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("got %q, want one line on stderr", r.stderr)
	}
}

const strongPassword = "Tangerine-Harbour-42"

func TestCreateSuperuserNoInput(t *testing.T) {
	t.Parallel()
	vars := siteEnv(t)
	app(t, vars, "", "migrate").want(t, exitOK)

	r := app(t, with(vars, "SUPERUSER_PASSWORD", strongPassword), "", "createsuperuser", "--noinput", "--username", "boss", "--email", "boss@example.com")
	r.want(t, exitOK, "Superuser created successfully.")

	u, err := models.GetUserByUsername(context.Background(), openSite(t, vars).Read, "boss")
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsSuperuser || !u.IsStaff || !u.IsActive || u.Email != "boss@example.com" {
		t.Errorf("got %+v, want an active staff superuser", u)
	}
	if ok, _ := auth.Default().Check(strongPassword, u.Password); !ok || !strings.HasPrefix(u.Password, "argon2$argon2id$") {
		t.Errorf("got hash %q, want an Argon2id hash the password verifies against", u.Password)
	}

	tests := []struct {
		name     string
		vars     map[string]string
		args     []string
		code     int
		contains []string
	}{
		{"duplicate username, other case", with(vars, "SUPERUSER_PASSWORD", strongPassword), []string{"--noinput", "--username", "BOSS"}, exitFailure,
			[]string{"username: A user with that username already exists."}},
		{"weak password", with(vars, "SUPERUSER_PASSWORD", "boss"), []string{"--noinput", "--username", "chief"}, exitFailure,
			[]string{"This password is too short. It must contain at least 8 characters."}},
		{"common password", with(vars, "SUPERUSER_PASSWORD", "password123"), []string{"--noinput", "--username", "chief"}, exitFailure,
			[]string{"This password is too common."}},
		{"numeric password", with(vars, "SUPERUSER_PASSWORD", "80245139671"), []string{"--noinput", "--username", "chief"}, exitFailure,
			[]string{"This password is entirely numeric."}},
		{"bad email", with(vars, "SUPERUSER_PASSWORD", strongPassword), []string{"--noinput", "--username", "chief", "--email", "chief@"}, exitFailure,
			[]string{"email: Enter a valid email address."}},
		{"bad username", with(vars, "SUPERUSER_PASSWORD", strongPassword), []string{"--noinput", "--username", "chief of staff"}, exitFailure,
			[]string{"username: Enter a valid username."}},
		{"no username", with(vars, "SUPERUSER_PASSWORD", strongPassword), []string{"--noinput"}, exitUsage,
			[]string{"--noinput needs --username or SUPERUSER_USERNAME"}},
		{"no password", vars, []string{"--noinput", "--username", "chief"}, exitUsage,
			[]string{"--noinput needs the password in SUPERUSER_PASSWORD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := app(t, tt.vars, "", append([]string{"createsuperuser"}, tt.args...)...)
			r.want(t, tt.code, tt.contains...)
			if strings.Contains(r.stderr, strongPassword) {
				t.Error("got the password echoed on stderr")
			}
		})
	}
	wantRows(t, openSite(t, vars), "auth_user", 5, "the 4 members and boss only")
}

func TestCreateSuperuserFromEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		prefix string
	}{
		{"our names", "SUPERUSER_"},
		{"Django's names", "DJANGO_SUPERUSER_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			vars := siteEnv(t)
			app(t, vars, "", "migrate", "--no-seed").want(t, exitOK)
			vars = with(vars, tt.prefix+"USERNAME", "admin", tt.prefix+"EMAIL", "admin@example.com", tt.prefix+"PASSWORD", strongPassword)
			app(t, vars, "", "createsuperuser", "--noinput").want(t, exitOK, "Superuser created successfully.")
			u, err := models.GetUserByUsername(context.Background(), openSite(t, vars).Read, "admin")
			if err != nil || u.Email != "admin@example.com" {
				t.Fatalf("got %+v (%v), want admin with its email", u, err)
			}
		})
	}
}

func TestCreateSuperuserInteractive(t *testing.T) {
	t.Parallel()
	vars := siteEnv(t)
	app(t, vars, "", "migrate").want(t, exitOK)

	t.Run("asks again until the answers are acceptable", func(t *testing.T) {
		input := strings.Join([]string{
			"airwow", "boss one", "boss", // taken by a member (in another case), then invalid
			"not-an-email", "boss@example.com",
			strongPassword, strongPassword + "!", // a mismatch
			"", "",
			"short", "short",
			strongPassword, strongPassword,
		}, "\n") + "\n"
		r := app(t, vars, input, "createsuperuser")
		r.want(t, exitOK, "Username: ", "Email address: ", "Password: ", "Password (again): ",
			"Error: Your passwords didn't match.",
			"Error: A user with that username already exists.",
			"Error: Enter a valid username.",
			"Error: Enter a valid email address.",
			"Error: Blank passwords aren't allowed.",
			"Error: This password is too short. It must contain at least 8 characters.",
			"Superuser created successfully.")
		if strings.Contains(r.stdout+r.stderr, strongPassword) {
			t.Error("got the password in the output")
		}
	})
	t.Run("flags answer their questions", func(t *testing.T) {
		r := app(t, vars, strongPassword+"\n"+strongPassword+"\n", "createsuperuser", "--username", "deputy", "--email", "deputy@example.com")
		r.want(t, exitOK, "Superuser created successfully.")
		if strings.Contains(r.stdout, "Username: ") || strings.Contains(r.stdout, "Email address: ") {
			t.Errorf("got %q, want no question the flags answered", r.stdout)
		}
	})
	t.Run("a taken username from a flag cannot be fixed by asking", func(t *testing.T) {
		app(t, vars, strongPassword+"\n"+strongPassword+"\n", "createsuperuser", "--username", "deputy", "--email", "").
			want(t, exitFailure, "A user with that username already exists.")
	})
	t.Run("input ends", func(t *testing.T) {
		app(t, vars, "newcomer\n", "createsuperuser").want(t, exitFailure, "input ended")
	})
}

func TestCreateSuperuserNeedsMigratedSchema(t *testing.T) {
	t.Parallel()
	vars := with(siteEnv(t), "SUPERUSER_PASSWORD", strongPassword)
	app(t, vars, "", "createsuperuser", "--noinput", "--username", "boss").want(t, exitFailure, "run `app migrate` first")
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	vars := siteEnv(t)
	app(t, vars, "", "migrate").want(t, exitOK)
	app(t, with(vars, "SUPERUSER_PASSWORD", strongPassword), "", "createsuperuser", "--noinput", "--username", "boss").want(t, exitOK)
	db := openSite(t, vars)
	password := func() string {
		u, err := models.GetUserByUsername(context.Background(), db.Read, "boss")
		if err != nil {
			t.Fatal(err)
		}
		return u.Password
	}

	t.Run("from standard input", func(t *testing.T) {
		app(t, vars, "Lemon-Grove-Sunset-7\n", "changepassword", "--password-stdin", "boss").
			want(t, exitOK, `Password changed successfully for user "boss".`)
		if ok, _ := auth.Default().Check("Lemon-Grove-Sunset-7", password()); !ok {
			t.Error("got the new password refused, want it to verify")
		}
	})
	t.Run("interactive, after a mismatch", func(t *testing.T) {
		input := "Olive-Branch-Morning-3\nOlive-Branch-Morning-4\nOlive-Branch-Morning-3\nOlive-Branch-Morning-3\n"
		app(t, vars, input, "changepassword", "boss").
			want(t, exitOK, `Changing password for user "boss"`, "Passwords do not match. Please try again.", "Password changed successfully")
		if ok, _ := auth.Default().Check("Olive-Branch-Morning-3", password()); !ok {
			t.Error("got the new password refused, want it to verify")
		}
	})

	before := password()
	tests := []struct {
		name     string
		input    string
		args     []string
		code     int
		contains []string
	}{
		{"weak from standard input", "12345\n", []string{"--password-stdin", "boss"}, exitFailure, []string{"This password is too short", "This password is entirely numeric."}},
		{"similar to the username", "Boss\n", []string{"--password-stdin", "boss"}, exitFailure, []string{"The password is too similar to the username."}},
		{"empty standard input", "", []string{"--password-stdin", "boss"}, exitFailure, []string{"no password on standard input"}},
		{"three failed attempts", "a\nb\nshort\nshort\nc\nd\n", []string{"boss"}, exitFailure,
			[]string{"Passwords do not match.", "This password is too short.", `aborting password change for user "boss" after 3 attempts`}},
		{"unknown user", "x\n", []string{"--password-stdin", "nobody"}, exitFailure, []string{`user "nobody" does not exist`}},
		{"username is exact", "x\n", []string{"--password-stdin", "BOSS"}, exitFailure, []string{`user "BOSS" does not exist`}},
		{"no username", "", nil, exitUsage, []string{"give exactly one USERNAME"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app(t, vars, tt.input, append([]string{"changepassword"}, tt.args...)...).want(t, tt.code, tt.contains...)
			if password() != before {
				t.Error("got the password changed, want it kept")
			}
		})
	}
}

func prodVars(t *testing.T) map[string]string {
	return with(siteEnv(t), "SECRET_KEY", "s3cr3t-key-that-is-long-enough-0123456789", "ALLOWED_HOSTS", "example.com",
		"SENTRY_DSN", "http://public@127.0.0.1:9/42") // loopback: a test never reaches a real Sentry
}

func TestCheckMissingSQLiteFile(t *testing.T) {
	t.Parallel()
	vars := with(prodVars(t), "DATABASE_URL", sqliteEnv(t)["DATABASE_URL"])
	app(t, vars, "", "check").want(t, exitFailure, "Configuration:", "database does not exist", "run `app migrate` to create it")
	if _, err := os.Stat(strings.TrimPrefix(vars["DATABASE_URL"], "sqlite:")); !errors.Is(err, os.ErrNotExist) {
		t.Error("got a database file created by check, want none")
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	vars := prodVars(t)
	if testdb.Postgres() { // a PostgreSQL database exists before migrate; an SQLite file does not
		t.Run("empty database", func(t *testing.T) {
			_, count := latestMigration(t)
			app(t, vars, "", "check").want(t, exitFailure, "Database: postgres at postgres://", "connected", fmt.Sprintf("Migrations: %d pending", count), "run `app migrate`")
		})
	}

	app(t, vars, "", "migrate", "--no-seed").want(t, exitOK)
	app(t, vars, "", "migrate", "down").want(t, exitOK)
	t.Run("pending migrations", func(t *testing.T) {
		latest, _ := latestMigration(t)
		app(t, vars, "", "check").want(t, exitFailure, "Migrations: 1 pending: "+latest, "run `app migrate`")
	})

	app(t, vars, "", "migrate").want(t, exitOK)
	t.Run("all in order", func(t *testing.T) {
		r := app(t, vars, "", "check")
		r.want(t, exitOK, "SECRET_KEY", "********", "ALLOWED_HOSTS", "example.com", "Migrations: up to date", "Everything is in order.")
		for _, secret := range []string{vars["SECRET_KEY"], "public@"} {
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("got %q in the output, want secrets redacted", secret)
			}
		}
	})
}

// freePort finds a port nobody listens on.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// serving runs `app serve` in-process with vars until the returned stop is
// called, once it answers /healthz on vars' PORT; stop returns what the
// command did.
func serving(t *testing.T, vars map[string]string) (stop func() result) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() { done <- appContext(ctx, t, vars, "", "serve") }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://127.0.0.1:" + vars["PORT"] + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the server did not answer: %v\n%+v", err, <-done)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var r *result
	t.Cleanup(func() { cancel() })
	return func() result {
		if r == nil {
			cancel()
			got := <-done
			r = &got
		}
		return *r
	}
}

func TestServe(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	vars := with(prodVars(t), "PORT", port)
	stop := serving(t, vars)

	url := "http://127.0.0.1:" + port + "/healthz"
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var health struct{ Status, Version, Commit string }
	if err := json.Unmarshal(body, &health); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("got %d %s, want 200 with JSON", resp.StatusCode, body)
	}
	if health != (struct{ Status, Version, Commit string }{"ok", "1.2.3", "abc123"}) {
		t.Errorf("got %+v, want status, version and commit", health)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("got Content-Type %q, want application/json", ct)
	}

	r := stop()
	r.want(t, exitOK, `"msg":"migration applied"`, `"migration":"20261125000001_auth"`,
		`"msg":"Loaded reference data: 6 addresses, 6 lettings, 4 users, 4 profiles."`,
		`"msg":"serving"`, fmt.Sprintf(":%s", port), `"msg":"stopped"`)
	if _, err := http.Get(url); err == nil {
		t.Error("got an answer after shutdown, want the port closed")
	}

	// Where no command reaches the database (Render's disk), serve loads the
	// reference data; once, so what the staff delete stays deleted.
	db := openSite(t, vars)
	if n := count(t, db, "lettings_letting"); n != 6 {
		t.Fatalf("got %d lettings after the first start, want the 6 of the reference data", n)
	}
	if _, err := db.Write.ExecContext(context.Background(), "DELETE FROM lettings_letting WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if r := serving(t, vars)(); strings.Contains(r.stdout, "Loaded reference data") {
		t.Errorf("got the reference data loaded again:\n%s", r.stdout)
	}
	wantRows(t, db, "lettings_letting", 5, "the deleted one stays deleted after the second start")
}

func TestServeReportsABusyPort(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	app(t, with(prodVars(t), "PORT", port), "", "serve").want(t, exitFailure, "address already in use")
}

func TestCheckSentry(t *testing.T) {
	t.Parallel()
	var received atomic.Int64
	sentrySrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { received.Add(1) }))
	defer sentrySrv.Close()
	vars := with(prodVars(t), "SENTRY_DSN", "http://publickey@"+strings.TrimPrefix(sentrySrv.URL, "http://")+"/42")
	app(t, vars, "", "migrate").want(t, exitOK)
	r := app(t, vars, "", "check", "--sentry")
	r.want(t, exitOK, "Sentry: the test event was accepted")
	if received.Load() == 0 {
		t.Error("got nothing sent to Sentry")
	}
	app(t, with(vars, "SENTRY_DSN", ""), "", "check", "--sentry").want(t, exitFailure, "SENTRY_DSN is not set")
}

func TestUnreachablePostgreSQL(t *testing.T) {
	t.Parallel()
	addr := "127.0.0.1:" + freePort(t) // nobody listens there
	vars := map[string]string{"DATABASE_URL": "postgres://app:hunter2@" + addr + "/site"}
	for _, args := range [][]string{{"migrate"}, {"migrate", "status"}, {"createsuperuser", "--noinput", "--username", "x"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			r := app(t, with(vars, "SUPERUSER_PASSWORD", bossPassword), "", args...)
			r.want(t, exitFailure, "cannot connect to PostgreSQL at "+addr)
			if strings.Contains(r.stderr, "hunter2") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("got %q, want one line without the password", r.stderr)
			}
		})
	}
}

package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"oclettings/bench/reliability"
	"oclettings/migrations/testdb"
)

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer = reliability.LockedBuffer

// client is a user agent of the test: a cookie jar that every instance of
// the site shares, as a browser behind a load balancer would.
type client struct {
	t    *testing.T
	http *http.Client
}

func newClient(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, u string, form url.Values) (int, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// post sends a form with the CSRF token that base's page gives this client.
func (c *client) post(base, path string, form url.Values) (int, string) {
	c.t.Helper()
	_, body := c.do(http.MethodGet, base+"/admin/login/", nil)
	if !strings.Contains(body, "csrfmiddlewaretoken") { // signed in: the login page redirects
		_, body = c.do(http.MethodGet, base+"/admin/", nil)
	}
	m := csrfInput.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no CSRF token at %s:\n%s", base, body)
	}
	form.Set("csrfmiddlewaretoken", m[1])
	return c.do(http.MethodPost, base+path, form)
}

// Two instances behind a load balancer on one PostgreSQL database: they
// start together and migrate once, and sessions, edits and login throttling
// are one site whichever instance answers.
func TestTwoInstancesShareOnePostgreSQLDatabase(t *testing.T) {
	t.Parallel()
	if !testdb.Postgres() {
		t.Skip("needs PostgreSQL: set " + testdb.URLVariable)
	}
	bin := appBinary(t)
	// One SECRET_KEY for both, as a deploy has: sessions are signed with it.
	env := []string{"DEBUG=true", "SECRET_KEY=" + strings.Repeat("k", 50), "DATABASE_URL=" + testdb.Config(t).URL, "SHUTDOWN_TIMEOUT=10s", "LOG_FORMAT=text"}

	var a, b string // the instances' base URLs
	var logs [2]*lockedBuffer
	for i, base := range []*string{&a, &b} {
		port := freePort(t)
		logs[i] = &lockedBuffer{}
		serve := exec.Command(bin, "serve")
		serve.Env = append(env, "PORT="+port)
		serve.Stdout, serve.Stderr = logs[i], logs[i]
		if err := serve.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
		*base = "http://127.0.0.1:" + port
	}
	waitReady(t, a+"/readyz", logs[0])
	waitReady(t, b+"/readyz", logs[1])
	// The lines reach the buffers through pipes, a moment after the processes wrote them.
	_, migrations := latestMigration(t)
	applied := 0
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if applied = strings.Count(logs[0].String(), "migration applied") + strings.Count(logs[1].String(), "migration applied"); applied >= migrations {
			break
		}
	}
	if applied != migrations {
		t.Errorf("got %d migrations applied by the two instances, want each of the %d once:\n%s\n%s", applied, migrations, logs[0], logs[1])
	}

	cli := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(env, "SUPERUSER_PASSWORD="+bossPassword)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("app %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	cli("migrate") // the reference data
	cli("createsuperuser", "--noinput", "--username", "boss", "--email", "boss@example.com")

	staff := newClient(t)
	if code, body := staff.post(a, "/admin/login/", url.Values{"username": {"boss"}, "password": {bossPassword}}); code != http.StatusFound {
		t.Fatalf("got %d signing in on A, want 302:\n%s", code, body)
	}
	t.Run("a session started on A is valid on B", func(t *testing.T) {
		if code, body := staff.do(http.MethodGet, b+"/admin/", nil); code != 200 || !strings.Contains(body, "Site administration") {
			t.Fatalf("got %d on B, want the admin index:\n%s", code, body)
		}
	})
	t.Run("an edit on B shows on A's public page at once", func(t *testing.T) {
		visitor := newClient(t)
		if _, body := visitor.do(http.MethodGet, a+"/lettings/1/", nil); !strings.Contains(body, "Joshua Tree Green Haus") {
			t.Fatalf("got A's page without the letting:\n%s", body)
		}
		code, body := staff.post(b, "/admin/lettings/letting/1/change/", url.Values{"title": {"Joshua Tree Blue Haus"}, "address": {"1"}, "_save": {"1"}})
		if code != http.StatusFound {
			t.Fatalf("got %d saving on B, want 302:\n%s", code, body)
		}
		if _, body := visitor.do(http.MethodGet, a+"/lettings/1/", nil); !strings.Contains(body, "<h1>Joshua Tree Blue Haus</h1>") {
			t.Errorf("got A's page without B's edit:\n%s", body)
		}
	})
	t.Run("a throttle triggered on A holds on B", func(t *testing.T) {
		for range 5 {
			if code, _ := newClient(t).post(a, "/admin/login/", url.Values{"username": {"boss"}, "password": {"wrong"}}); code != 200 {
				t.Fatalf("got %d for a wrong password on A, want 200", code)
			}
		}
		code, body := newClient(t).post(b, "/admin/login/", url.Values{"username": {"boss"}, "password": {bossPassword}})
		if code != http.StatusTooManyRequests || !strings.Contains(body, throttled) {
			t.Errorf("got %d on B after five failures on A, want 429:\n%s", code, body)
		}
	})
}

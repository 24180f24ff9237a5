package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"oclettings/app/models"
	"oclettings/app/web"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
	"oclettings/public"
)

// logLines parses JSON log lines.
func logLines(t *testing.T, raw string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(raw), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	db := testdb.Seeded(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h, err := router(site{DB: db, Config: testConfig(t), Logger: logger, Build: web.Build{}, CacheBytes: public.DefaultCacheBytes, Accounts: nil})
	if err != nil {
		t.Fatal(err)
	}

	req := httptest.NewRequest(http.MethodGet, "/lettings/2/?x=1", nil)
	req.Header.Set("X-Request-Id", "proxy-abc.123")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("X-Request-Id"); got != "proxy-abc.123" {
		t.Errorf("got X-Request-Id %q, want the proxy's id returned", got)
	}
	for _, bad := range []string{"", "has space", strings.Repeat("x", 200), "line\nbreak"} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Request-Id", bad)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("X-Request-Id"); got == bad || len(got) != 24 {
			t.Errorf("for %q got %q, want a fresh id", bad, got)
		}
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/readyz", nil))

	lines := logLines(t, logs.String())
	first := lines[0]
	want := map[string]any{"msg": "request", "request_id": "proxy-abc.123", "method": "GET", "path": "/lettings/2/",
		"route": "/lettings/{id}/", "status": float64(200), "client": "192.0.2.1"}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("got %s=%v, want %v (line %v)", k, first[k], v, first)
		}
	}
	if first["bytes"].(float64) < 500 || first["duration"] == nil {
		t.Errorf("got bytes %v and duration %v, want both", first["bytes"], first["duration"])
	}
	if len(lines) != 5 {
		t.Errorf("got %d lines, want one per request and none for the health checks at info level:\n%s", len(lines), logs.String())
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Seeded(t)
	h := newRouter(t, db, testConfig(t), 0, nil)
	scenario{path: "/healthz", header: map[string]string{"Host": "10.1.2.3"}, status: 200}.run(t, h)
	scenario{path: "/readyz", header: map[string]string{"Host": "10.1.2.3"}, status: 200, contains: []string{`"status":"ready"`},
		headers: map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"}}.run(t, h)

	m, err := migrations.NewMigrator(db.Write, db.Kind)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Down(ctx); err != nil {
		t.Fatal(err)
	}
	scenario{path: "/readyz", status: 503, contains: []string{`"status":"unavailable"`}}.run(t, h)
	if err := m.Up(ctx, func(string) {}); err != nil {
		t.Fatal(err)
	}
	scenario{path: "/readyz", status: 200}.run(t, h)
	_ = db.Read.Close()
	scenario{path: "/readyz", status: 503}.run(t, h)
	scenario{path: "/healthz", status: 200}.run(t, h) // no database needed
}

func TestBackupDuringWrites(t *testing.T) {
	t.Parallel()
	vars := sqliteEnv(t)
	app(t, vars, "", "migrate").want(t, exitOK)
	db := openSite(t, vars)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			a := &models.Address{Number: i % 10000, Street: "Busy Street", City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
			if err := models.CreateAddress(context.Background(), db.Write, a); err != nil {
				t.Error(err)
				return
			}
		}
	})
	time.Sleep(20 * time.Millisecond) // let the writes get going; not a timing assertion
	path := filepath.Join(t.TempDir(), "backup.sqlite3")
	r := app(t, vars, "", "backup", path)
	cancel()
	wg.Wait()
	r.want(t, exitOK, "Backup written to "+path, "integrity ok", "lettings_letting   6 rows", "auth_user          4 rows")

	copyDB, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var check string
	if err := copyDB.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("got %q (%v), want the copy to pass its integrity check", check, err)
	}

	app(t, vars, "", "backup", path).want(t, exitFailure, "exists; choose another path or use --force")
	app(t, vars, "", "backup", "--force", path).want(t, exitOK, "integrity ok")
	app(t, vars, "", "backup").want(t, exitUsage, "give exactly one PATH")
	app(t, vars, "", "backup", filepath.Join(t.TempDir(), "no", "such", "dir.sqlite3")).want(t, exitFailure, "backup to")
	app(t, sqliteEnv(t), "", "backup", path+"2").want(t, exitFailure, "database does not exist")
}

func TestBackupRefersPostgreSQLToPgDump(t *testing.T) {
	t.Parallel()
	if !testdb.Postgres() {
		t.Skip("runs on PostgreSQL: set " + testdb.URLVariable)
	}
	path := filepath.Join(t.TempDir(), "backup.sqlite3")
	app(t, siteEnv(t), "", "backup", path).want(t, exitFailure, "pg_dump", "docs/operations.md")
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("got a file written, want none")
	}
}

// startServer builds the binary and starts `app serve` on a fresh database,
// returning the command, its address and its output so far.
func startServer(t *testing.T) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	bin := appBinary(t)
	port := freePort(t)
	env := []string{"DEBUG=true", "PORT=" + port, "DATABASE_URL=" + testdb.Config(t).URL, "SHUTDOWN_TIMEOUT=10s"}
	if out, err := (&exec.Cmd{Path: bin, Args: []string{bin, "migrate"}, Env: env}).CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	logs := &bytes.Buffer{}
	serve := &exec.Cmd{Path: bin, Args: []string{bin, "serve"}, Env: env, Stdout: logs, Stderr: logs}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill() })
	addr := "127.0.0.1:" + port
	waitReady(t, "http://"+addr+"/healthz", logs)
	return serve, addr, logs
}

// halfSentRequest opens a connection and sends a request whose body stops
// half way, leaving it in flight.
func halfSentRequest(t *testing.T, addr string) (net.Conn, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	body := "username=boss&password=x"
	fmt.Fprintf(conn, "POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:9])
	time.Sleep(100 * time.Millisecond) // the request reaches the server; not a timing assertion
	return conn, body[9:]
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	serve, addr, logs := startServer(t)
	halfSentRequest(t, addr) // keeps the graceful stop waiting
	for range 2 {
		if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(logs.String(), "second signal") {
			t.Errorf("got %v, want exit status 1 after the second signal\n%s", err, logs.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the server did not exit on the second signal:\n%s", logs.String())
	}
}

// TestGracefulShutdown runs the real binary: a request still being sent
// when SIGTERM arrives is answered, new connections are refused, and the
// process exits 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	serve, addr, logs := startServer(t)
	conn, rest := halfSentRequest(t, addr)

	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	refused := false
	for i := 0; i < 100 && !refused; i++ {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			refused = true
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	if !refused {
		t.Error("got new connections accepted after SIGTERM")
	}

	if _, err := io.WriteString(conn, rest); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("got no answer to the in-flight request: %v\n%s", err, logs.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden { // no CSRF token: refused, but answered
		t.Errorf("got %d, want the in-flight request answered (403 without a token)", resp.StatusCode)
	}

	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("got %v, want exit status 0\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		_ = serve.Process.Kill()
		t.Fatalf("the server did not stop:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "shutting down") || !strings.Contains(logs.String(), "stopped") {
		t.Errorf("got logs without the shutdown:\n%s", logs.String())
	}
}

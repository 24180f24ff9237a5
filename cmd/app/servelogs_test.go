package main

import (
	"encoding/json"
	"math"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"oclettings/migrations/testdb"
)

// A serving process writes its log lines in batches; every request
// answered before the stop still has its line in the output, the last
// ones included, whole, and without what the request carried in its query
// string or headers. With a DSN (prodVars), as in production.
func TestServeWritesEveryRequestLineBeforeStopping(t *testing.T) {
	t.Parallel()
	vars := with(prodVars(t), "PORT", freePort(t), "ALLOWED_HOSTS", "127.0.0.1", "LOG_LEVEL", "info")
	stop := serving(t, vars)
	const requests = 200
	for range requests {
		req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+vars["PORT"]+"/lettings/?token=QUERY-SECRET", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Cookie", "sessionid=SESSION-SECRET")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	got := stop()
	lines := 0
	for _, line := range strings.Split(strings.TrimSpace(got.stdout), "\n") {
		var rec struct{ Msg, Path string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("got a line that is not JSON (%v): %q", err, line)
		}
		if rec.Msg == "request" && rec.Path == "/lettings/" {
			lines++
		}
	}
	if lines != requests {
		t.Errorf("got %d request lines, want %d", lines, requests)
	}
	for _, secret := range []string{"QUERY-SECRET", "SESSION-SECRET"} {
		if strings.Contains(got.stdout, secret) {
			t.Errorf("got %s in the log", secret)
		}
	}
	if !strings.Contains(got.stdout, `"msg":"stopped"`) {
		t.Errorf("got no last line:\n%s", got.stdout)
	}
}

// The binary serves under a soft memory limit for the Go runtime: 48 MiB
// with two password hashes at once, 19 MiB more for each hash more,
// unless the operator's GOMEMLIMIT says otherwise, "off" included. The
// "serving" line says which.
func TestServeSetsASoftMemoryLimit(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := appBinary(t)
	for _, tc := range []struct {
		gomemlimit string // "" leaves it unset
		hashes     string // PASSWORD_HASH_CONCURRENCY
		want       int64
	}{
		{"", "2", 48 << 20},
		{"", "1", 48 << 20},
		{"", "4", 86 << 20},
		{"100MiB", "4", 100 << 20},
		{"off", "2", math.MaxInt64},
	} {
		t.Run("GOMEMLIMIT="+tc.gomemlimit+",hashes="+tc.hashes, func(t *testing.T) {
			t.Parallel()
			port := freePort(t)
			env := []string{"DEBUG=true", "PORT=" + port, "DATABASE_URL=" + testdb.Config(t).URL, "PASSWORD_HASH_CONCURRENCY=" + tc.hashes}
			if tc.gomemlimit != "" {
				env = append(env, "GOMEMLIMIT="+tc.gomemlimit)
			}
			logs := &lockedBuffer{}
			serve := &exec.Cmd{Path: bin, Args: []string{bin, "serve"}, Env: env, Stdout: logs, Stderr: logs}
			if err := serve.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
			waitReady(t, "http://127.0.0.1:"+port+"/healthz", logs)
			// DEBUG=true: the log is text, for people.
			serving := regexp.MustCompile(`msg=serving .*memory_limit=(\d+)\n`)
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				out := logs.String()
				if m := serving.FindStringSubmatch(out); m != nil {
					if m[1] != strconv.FormatInt(tc.want, 10) {
						t.Errorf("got memory_limit=%s, want %d", m[1], tc.want)
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("got no serving line:\n%s", out)
				}
			}
		})
	}
}

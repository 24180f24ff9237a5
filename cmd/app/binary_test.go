package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// dockerBuildArgs reads the go build command of the Dockerfile and returns
// its arguments (without -o and the package), with the build arguments
// given in vars put in.
func dockerBuildArgs(t *testing.T, vars map[string]string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`CGO_ENABLED=0 go (build -trimpath -ldflags "([^"]*)") -o /out/app \./cmd/app`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("no `CGO_ENABLED=0 go build -trimpath -ldflags \"…\" -o /out/app ./cmd/app` in the Dockerfile")
	}
	ldflags := string(m[2])
	for k, v := range vars {
		ldflags = strings.ReplaceAll(ldflags, "${"+k+"}", v)
	}
	for _, want := range []string{"-s", "-w", "-X main.version=", "-X main.commit=", "-X main.date="} {
		if !strings.Contains(ldflags, want) {
			t.Errorf("got ldflags %q, want %s", ldflags, want)
		}
	}
	return []string{"build", "-trimpath", "-ldflags", ldflags}
}

// TestStaticBinary builds the binary as the release does (no cgo, version
// stamped by the linker) and runs it in an empty directory with an empty
// environment: it must need nothing beside itself.
func TestStaticBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	// The flags are the Dockerfile's own, so the image builds what is tested.
	bin := releaseBinary(t)

	dir := t.TempDir()
	runBin := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = []string{} // nothing from the test's environment
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("app %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	if out := runBin("version"); !strings.Contains(out, "app 9.9.9") || !strings.Contains(out, "commit: feedface") {
		t.Errorf("got %q, want the stamped version and commit", out)
	}
	if out := runBin("migrate"); !strings.Contains(out, "Loaded reference data: 6 addresses, 6 lettings, 4 users, 4 profiles.") {
		t.Errorf("got %q, want the reference data loaded", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "oc-lettings.sqlite3")); err != nil {
		t.Errorf("got %v, want the default database in the working directory", err)
	}
	if out := runBin("migrate"); !strings.Contains(out, "Reference data already loaded") {
		t.Errorf("got %q, want nothing changed the second time", out)
	}
}

// built is a binary the tests build once, however many run it; TestMain
// removes it.
type built struct {
	once sync.Once
	path string
	err  error
}

var (
	devBin     built // go build as the tests run (cgo and the race detector allowed)
	releaseBin built // as the image builds it: no cgo, the Dockerfile's flags
)

// get builds the binary with go args (and extra environment) the first time.
func (b *built) get(t *testing.T, env []string, args ...string) string {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "oclettings-bin")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, "app")
		build := exec.Command("go", append(append(args, "-o", b.path), ".")...)
		build.Env = append(os.Environ(), env...)
		if out, err := build.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// appBinary is the binary the process tests start.
func appBinary(t *testing.T) string {
	t.Helper()
	return devBin.get(t, nil, "build")
}

// releaseBinary is the binary the image holds, which runs alone in an empty
// root.
func releaseBinary(t *testing.T) string {
	t.Helper()
	args := dockerBuildArgs(t, map[string]string{"VERSION": "9.9.9", "COMMIT": "feedface", "DATE": "2026-11-25T00:00:00Z"})
	return releaseBin.get(t, []string{"CGO_ENABLED=0"}, args...)
}

// waitReady waits until url answers 200, or fails with the server's logs.
func waitReady(t *testing.T, url string, logs fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not start:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

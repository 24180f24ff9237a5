package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

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

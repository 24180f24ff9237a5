package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// asRoot returns the command line that runs args as root: as they are when
// the tests run as root (our CI machine), through sudo where the tests run
// as a user who may use it (GitHub's runners). It skips the test otherwise.
func asRoot(t *testing.T, args ...string) []string {
	t.Helper()
	if os.Geteuid() == 0 {
		return args
	}
	if err := exec.Command("sudo", "-n", "true").Run(); err != nil {
		t.Skip("needs root, or sudo without a password, to chroot and to start as root")
	}
	return append([]string{"sudo", "-n"}, args...)
}

func runAsRoot(t *testing.T, args ...string) {
	t.Helper()
	argv := asRoot(t, args...)
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// imageRoot lays out what the image's final stage holds, in a directory of
// its own: the binary at /app, /tmp, and a /data that belongs to root with
// mode 0755, as a fresh Render disk does.
func imageRoot(t *testing.T) string {
	t.Helper()
	root, err := os.MkdirTemp("", "oclettings-root")
	if err != nil {
		t.Fatal(err)
	}
	// The server leaves files owned by 65532 behind, which only root removes.
	t.Cleanup(func() { runAsRoot(t, "rm", "-rf", root) })
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(releaseBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "app"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"tmp", "data"} {
		if err := os.Mkdir(filepath.Join(root, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(root, "tmp"), 0o1777); err != nil {
		t.Fatal(err)
	}
	runAsRoot(t, "chown", "0:0", root, filepath.Join(root, "data"))
	return root
}

// rootServer is `app serve` started as root in an image root.
type rootServer struct {
	cmd  *exec.Cmd
	logs *lockedBuffer
	url  string
}

// startInRoot starts `/app args...` in root as the image would (root, an
// environment of its own), optionally as another user (chroot --userspec).
func startInRoot(t *testing.T, root, userspec string, vars map[string]string, args ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	argv := []string{"env", "-i"}
	for k, v := range vars {
		argv = append(argv, k+"="+v)
	}
	chroot, err := exec.LookPath("chroot")
	if err != nil {
		t.Skip("no chroot on this machine")
	}
	argv = append(argv, chroot)
	if userspec != "" {
		argv = append(argv, "--userspec="+userspec)
	}
	argv = append(argv, root, "/app")
	argv = asRoot(t, append(argv, args...)...)
	cmd := exec.Command(argv[0], argv[1:]...)
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, logs
}

func serveInRoot(t *testing.T, root string, vars map[string]string) *rootServer {
	t.Helper()
	cmd, logs := startInRoot(t, root, "", vars, "serve")
	s := &rootServer{cmd: cmd, logs: logs, url: "http://127.0.0.1:" + vars["PORT"]}
	t.Cleanup(s.stop)
	waitReady(t, s.url+"/readyz", logs)
	return s
}

// stop asks the server to stop (sudo passes the signal on) and waits.
func (s *rootServer) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// serverPID finds the app among the started command's descendants: sudo
// stays as their parent, while env and chroot replace themselves.
func (s *rootServer) serverPID(t *testing.T) int {
	t.Helper()
	parents := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so cut after ")".
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 {
			parents[pid], _ = strconv.Atoi(fields[1])
		}
	}
	descends := func(pid int) bool {
		for p := pid; p > 1; p = parents[p] {
			if p == s.cmd.Process.Pid {
				return true
			}
		}
		return false
	}
	for pid := range parents {
		cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
		if string(cmdline) == "/app\x00serve\x00" && descends(pid) {
			return pid
		}
	}
	t.Fatalf("no /app serve process under pid %d", s.cmd.Process.Pid)
	return 0
}

// procStatus returns the lines of /proc/PID/status by name.
func procStatus(t *testing.T, pid int) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	return out
}

func owner(t *testing.T, path string) string {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := info.Sys().(*syscall.Stat_t)
	return fmt.Sprintf("%d:%d", st.Uid, st.Gid)
}

// signIn signs in over HTTP with the same script the image check uses.
func signIn(base, username, password string) error {
	out, err := exec.Command("bash", filepath.Join("..", "..", ".ci", "signin"), base, username, password).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// TestServeAsRootDropsPrivileges starts the release binary as root on a
// root-owned data directory, as Render does: it must take the directory,
// become 65532 for good before it serves, and create the administrator
// from the environment, once.
func TestServeAsRootDropsPrivileges(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the release binary and starts it as root; skipped with -short")
	}
	root := imageRoot(t)
	const password = "Vanilla-Sky-4821"
	vars := map[string]string{
		"DATABASE_URL":       "sqlite:/data/oc-lettings.sqlite3",
		"RUN_AS":             "65532:65532", // the image's ENV
		"PORT":               freePort(t),
		"SECRET_KEY":         "root-test-secret-key-0123456789abcdef",
		"ALLOWED_HOSTS":      "127.0.0.1",
		"SUPERUSER_USERNAME": "boss",
		"SUPERUSER_EMAIL":    "boss@example.com",
		"SUPERUSER_PASSWORD": password,
	}
	srv := serveInRoot(t, root, vars)

	status := procStatus(t, srv.serverPID(t))
	for _, field := range []string{"Uid", "Gid"} {
		if status[field] != "65532 65532 65532 65532" {
			t.Errorf("got %s: %q, want 65532 as real, effective, saved and filesystem id", field, status[field])
		}
	}
	if status["Groups"] != "" {
		t.Errorf("got supplementary groups %q, want none", status["Groups"])
	}
	for _, path := range []string{"data", "data/oc-lettings.sqlite3"} {
		if got := owner(t, filepath.Join(root, path)); got != "65532:65532" {
			t.Errorf("got /%s owned by %s, want 65532:65532", path, got)
		}
	}
	if err := signIn(srv.url, "boss", password); err != nil {
		t.Errorf("the administrator from SUPERUSER_* cannot sign in: %v", err)
	}
	srv.stop()
	logs := srv.logs.String()
	if !strings.Contains(logs, "administrator created from SUPERUSER_USERNAME") {
		t.Errorf("got no line saying the administrator was created:\n%s", logs)
	}

	t.Run("a second start with another password changes nothing", func(t *testing.T) {
		again := serveInRoot(t, root, with(vars, "SUPERUSER_PASSWORD", "Other-Password-7310", "PORT", freePort(t)))
		if err := signIn(again.url, "boss", password); err != nil {
			t.Errorf("the first password no longer signs in: %v", err)
		}
		if err := signIn(again.url, "boss", "Other-Password-7310"); err == nil {
			t.Error("the new SUPERUSER_PASSWORD signs in, want the existing user unchanged")
		}
		again.stop()
		logs := again.logs.String()
		if !strings.Contains(logs, "exists and was left unchanged") {
			t.Errorf("got no line saying the administrator was left alone:\n%s", logs)
		}
		for _, secret := range []string{password, "Other-Password-7310"} {
			if strings.Contains(logs+srv.logs.String(), secret) {
				t.Errorf("got the password %q in the logs", secret)
			}
		}
	})

	t.Run("started as root without RUN_AS: nothing given away", func(t *testing.T) {
		// A developer running the binary as root in a checkout: it stays
		// root, as it asked, and the directory stays theirs.
		plain := imageRoot(t)
		env := maps.Clone(vars)
		delete(env, "RUN_AS")
		cmd, logs := startInRoot(t, plain, "", env, "migrate")
		if err := cmd.Wait(); err != nil {
			t.Fatalf("migrate as root: %v\n%s", err, logs)
		}
		if got := owner(t, filepath.Join(plain, "data")); got != "0:0" {
			t.Errorf("got /data owned by %s, want it left root's", got)
		}
	})

	t.Run("started as non-root on a root-owned directory", func(t *testing.T) {
		plain := imageRoot(t)
		cmd, logs := startInRoot(t, plain, "65532:65532", vars, "serve")
		err := cmd.Wait()
		if err == nil {
			t.Fatalf("got the server running, want it stopped:\n%s", logs)
		}
		out := strings.TrimSpace(logs.String())
		for _, want := range []string{"the data directory /data", "owned by uid 0, gid 0", "mode drwxr-xr-x", "uid 65532", "RUN_AS", "chown 65532:65532 /data"} {
			if !strings.Contains(out, want) {
				t.Errorf("got %q, want it to say %q", out, want)
			}
		}
		if n := strings.Count(out, "\n"); n != 0 {
			t.Errorf("got %d lines, want one operator line:\n%s", n+1, out)
		}
	})
}

// releaseBinary is the binary the image holds, which runs alone in an empty
// root.
func releaseBinary(t *testing.T) string {
	t.Helper()
	args := dockerBuildArgs(t, map[string]string{"VERSION": "9.9.9", "COMMIT": "feedface", "DATE": "2026-11-25T00:00:00Z"})
	return releaseBin.get(t, []string{"CGO_ENABLED=0"}, args...)
}

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
	t.Parallel()
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

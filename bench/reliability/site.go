// Package reliability runs the real binary under the conditions that broke
// it before (a crowd of editors, kill -9 mid-write, a storm of failed
// logins, hundreds of connections) and checks what must still hold: no
// acknowledged write lost, a history that tells the truth, bounded memory,
// bounded guessing, no errors. It reports figures, never timings as
// verdicts. bench/reliability.sh and the reliability tests of cmd/app use it.
package reliability

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// SecretKey signs the sessions of every site the harness starts; fixed, so
// that a session outlives a restart as it does in production.
const SecretKey = "reliability-harness-secret-key-0123456789abcdef"

// Site is the binary serving one database, started and stopped by the harness.
type Site struct {
	Bin         string
	DatabaseURL string
	Env         []string // more variables, after the harness's own

	Base string // http://127.0.0.1:PORT once started
	port string
	cmd  *exec.Cmd
	done chan error
	logs LockedBuffer
}

// NewSite describes the binary bin serving databaseURL; nothing runs yet.
func NewSite(bin, databaseURL string, env ...string) *Site {
	return &Site{Bin: bin, DatabaseURL: databaseURL, Env: env}
}

func (s *Site) environment() []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"DATABASE_URL=" + s.DatabaseURL,
		// Plain HTTP cookies, as a browser on this machine would get them.
		"DEBUG=true",
		"SECRET_KEY=" + SecretKey,
		"LOG_LEVEL=warn",
		"LOG_FORMAT=text",
		"BACKUP_INTERVAL=0",
		"SHUTDOWN_TIMEOUT=5s",
	}
	return append(env, s.Env...)
}

// Run runs a management command of the binary (migrate, createsuperuser…)
// with extra variables, and returns its output.
func (s *Site) Run(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, s.Bin, args...)
	cmd.Env = append(s.environment(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("app %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Prepare migrates the database (with the reference data) and creates a
// superuser, as an operator sets up a new site.
func (s *Site) Prepare(ctx context.Context, username, password string) error {
	if _, err := s.Run(ctx, nil, "migrate"); err != nil {
		return err
	}
	_, err := s.Run(ctx, []string{"SUPERUSER_PASSWORD=" + password}, "createsuperuser", "--noinput", "--username", username, "--email", username+"@example.com")
	return err
}

// Start serves on a free port (the same one after a restart) and waits
// until the site says it is ready.
func (s *Site) Start(ctx context.Context) error {
	if s.cmd != nil {
		return errors.New("the site is already running")
	}
	if s.port == "" {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.port = port
		s.Base = "http://127.0.0.1:" + port
	}
	cmd := exec.Command(s.Bin, "serve")
	cmd.Env = append(s.environment(), "PORT="+s.port)
	cmd.Stdout, cmd.Stderr = &s.logs, &s.logs
	if err := cmd.Start(); err != nil {
		return err
	}
	s.cmd, s.done = cmd, make(chan error, 1)
	go func() { s.done <- cmd.Wait() }()

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(s.Base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-s.done:
			s.cmd = nil
			return fmt.Errorf("the server exited before it was ready (%v):\n%s", err, s.Logs())
		case <-ctx.Done():
			s.Kill()
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Kill()
			return fmt.Errorf("the server was not ready within 30s:\n%s", s.Logs())
		}
	}
}

// PID is the server's process id while it runs.
func (s *Site) PID() int {
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Kill ends the server at once, as the kernel's OOM killer or a pulled
// plug would: SIGKILL, no chance to finish anything.
func (s *Site) Kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
	s.cmd = nil
}

// Stop asks the server to stop as an orchestrator does, and kills it if it
// has not within 10 seconds.
func (s *Site) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		s.cmd = nil
	case <-time.After(10 * time.Second):
		s.Kill()
	}
}

// Logs is what the server has written so far.
func (s *Site) Logs() string { return s.logs.String() }

// LoggedErrors are the lines of the server's log at level ERROR, and
// panics: what a visitor never sees but an operator is paged for.
func (s *Site) LoggedErrors() []string {
	var lines []string
	for line := range strings.SplitSeq(s.Logs(), "\n") {
		if strings.Contains(line, "level=ERROR") || strings.HasPrefix(line, "panic:") {
			lines = append(lines, line)
		}
	}
	return lines
}

// PeakMemoryKB is the server's peak resident memory (VmHWM), in kB.
func (s *Site) PeakMemoryKB() (int64, error) { return procStatus(s.PID(), "VmHWM") }

// MemoryKB is the server's resident memory now (VmRSS), in kB.
func (s *Site) MemoryKB() (int64, error) { return procStatus(s.PID(), "VmRSS") }

func procStatus(pid int, field string) (int64, error) {
	if pid == 0 {
		return 0, errors.New("the server is not running")
	}
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("reading the server's memory needs Linux's /proc: %w", err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}

// LockedBuffer collects a process's output while another goroutine reads
// it; the binary's own tests in cmd/app use it too.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

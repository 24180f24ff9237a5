package config_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"oclettings/app/config"
)

const (
	validKey = "0123456789abcdefghijklmnopqrstuvwxyz" // 36 characters
	validDSN = "https://abc123@o1.ingest.sentry.io/42"
)

// env turns a map into a getenv; a key mapped to "" is set but empty.
func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// prod is the smallest valid production environment, plus overrides; an
// override of "\x00" deletes the variable.
func prod(overrides map[string]string) map[string]string {
	m := map[string]string{
		"SECRET_KEY":    validKey,
		"ALLOWED_HOSTS": "example.com",
	}
	for k, v := range overrides {
		if v == "\x00" {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

func mustLoad(t *testing.T, m map[string]string) *config.Config {
	t.Helper()
	c, err := config.Load(env(m))
	if err != nil {
		t.Fatalf("Load: got error %v, want none", err)
	}
	if c == nil {
		t.Fatal("Load: got nil config, want one")
	}
	return c
}

// loadErr loads m, expecting failure, and returns the problems.
func loadErr(t *testing.T, m map[string]string) []config.Problem {
	t.Helper()
	c, err := config.Load(env(m))
	if err == nil {
		t.Fatalf("Load: got no error, want one (config %+v)", c)
	}
	if c != nil {
		t.Errorf("Load: got config %+v alongside an error, want nil", c)
	}
	var ce *config.Error
	if !errors.As(err, &ce) {
		t.Fatalf("Load: got error of type %T, want *config.Error", err)
	}
	return ce.Problems
}

// wantOneProblem checks that loading m fails with exactly one problem, on
// variable v, whose message contains every fragment.
func wantOneProblem(t *testing.T, m map[string]string, v string, fragments ...string) {
	t.Helper()
	ps := loadErr(t, m)
	if len(ps) != 1 {
		t.Fatalf("got %d problems %+v, want 1 on %s", len(ps), ps, v)
	}
	if ps[0].Var != v {
		t.Errorf("got problem on %s (%q), want on %s", ps[0].Var, ps[0].Message, v)
	}
	for _, f := range fragments {
		if !strings.Contains(ps[0].Message, f) {
			t.Errorf("got message %q, want it to contain %q", ps[0].Message, f)
		}
	}
}

func setting(t *testing.T, c *config.Config, name string) config.Setting {
	t.Helper()
	for _, s := range c.Dump() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("Dump has no setting %s", name)
	return config.Setting{}
}

func hasNotice(c *config.Config, fragment string) bool {
	return slices.ContainsFunc(c.Notices, func(n string) bool { return strings.Contains(n, fragment) })
}

package config_test

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"

	"oclettings/app/config"
)

func TestLoadProductionDefaults(t *testing.T) {
	c := mustLoad(t, prod(nil))
	checks := []struct {
		name      string
		got, want any
	}{
		{"Database", c.Database, config.Database{Kind: "sqlite", Path: "oc-lettings.sqlite3", URL: "sqlite:oc-lettings.sqlite3"}},
		{"Port", c.Port, 8000},
		{"Debug", c.Debug, false},
		{"SecretKey", c.SecretKey, validKey},
		{"SecretKeyGenerated", c.SecretKeyGenerated, false},
		{"AllowedHosts", c.AllowedHosts, []string{"example.com"}},
		{"SentryDSN", c.SentryDSN, ""},
		{"SentryEnvironment", c.SentryEnvironment, "production"},
		{"SentryTracesSampleRate", c.SentryTracesSampleRate, 0.0},
		{"LogLevel", c.LogLevel, slog.LevelInfo},
		{"LogFormat", c.LogFormat, "json"},
		{"Notices", len(c.Notices), 0},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %#v, want %#v", tc.got, tc.want)
			}
		})
	}
}

func TestLoadDebugDefaults(t *testing.T) {
	c := mustLoad(t, map[string]string{"DEBUG": "true"})
	checks := []struct {
		name      string
		got, want any
	}{
		{"Debug", c.Debug, true},
		{"AllowedHosts", c.AllowedHosts, []string{"localhost", "127.0.0.1", "[::1]"}},
		{"LogFormat", c.LogFormat, "text"},
		{"SentryEnvironment", c.SentryEnvironment, "development"},
		{"SecretKeyGenerated", c.SecretKeyGenerated, true},
		{"SecretKey length", len(c.SecretKey), 50},
		{"restart notice", hasNotice(c, "will not survive a restart"), true},
		{"one notice", len(c.Notices), 1},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			if !reflect.DeepEqual(tc.got, tc.want) {
				t.Errorf("got %#v, want %#v", tc.got, tc.want)
			}
		})
	}

	t.Run("key differs per process", func(t *testing.T) {
		other := mustLoad(t, map[string]string{"DEBUG": "true"})
		if other.SecretKey == c.SecretKey {
			t.Errorf("got the same generated key %q twice, want a fresh random key per Load", c.SecretKey)
		}
	})

	t.Run("explicit values win over debug defaults", func(t *testing.T) {
		c := mustLoad(t, map[string]string{
			"DEBUG":              "true",
			"SECRET_KEY":         validKey,
			"ALLOWED_HOSTS":      "dev.example.com",
			"LOG_FORMAT":         "json",
			"SENTRY_ENVIRONMENT": "staging",
		})
		if c.SecretKeyGenerated || c.SecretKey != validKey {
			t.Errorf("got key %q generated=%v, want the given key, not generated", c.SecretKey, c.SecretKeyGenerated)
		}
		if !reflect.DeepEqual(c.AllowedHosts, []string{"dev.example.com"}) {
			t.Errorf("got AllowedHosts %q, want [dev.example.com]", c.AllowedHosts)
		}
		if c.LogFormat != "json" || c.SentryEnvironment != "staging" {
			t.Errorf("got LogFormat %q SentryEnvironment %q, want json staging", c.LogFormat, c.SentryEnvironment)
		}
		if len(c.Notices) != 0 {
			t.Errorf("got notices %q, want none", c.Notices)
		}
	})
}

func TestSecretKeyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", validKey+"\n")
	crlf := write("crlf", validKey+" \r\n\n")
	empty := write("empty", "\n")
	short := write("short", "short\n")
	missing := filepath.Join(dir, "missing")
	huge := write("huge", validKey+strings.Repeat("x", 64<<10))
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("ok", func(t *testing.T) {
		for _, p := range []string{good, crlf} {
			c := mustLoad(t, prod(map[string]string{"SECRET_KEY": "\x00", "SECRET_KEY_FILE": p}))
			if c.SecretKey != validKey {
				t.Errorf("got SecretKey %q from %s, want %q", c.SecretKey, p, validKey)
			}
			if s := setting(t, c, "SECRET_KEY"); s.Source != "SECRET_KEY_FILE" {
				t.Errorf("got source %q, want SECRET_KEY_FILE", s.Source)
			}
		}
	})

	t.Run("empty SECRET_KEY does not conflict", func(t *testing.T) {
		c := mustLoad(t, prod(map[string]string{"SECRET_KEY": "", "SECRET_KEY_FILE": good}))
		if c.SecretKey != validKey {
			t.Errorf("got SecretKey %q, want %q", c.SecretKey, validKey)
		}
	})

	invalid := []struct {
		name      string
		env       map[string]string
		fragments []string
	}{
		{"missing file", prod(map[string]string{"SECRET_KEY": "\x00", "SECRET_KEY_FILE": missing}), []string{"cannot read", missing, "no such file"}},
		{"directory", prod(map[string]string{"SECRET_KEY": "\x00", "SECRET_KEY_FILE": dir}), []string{"cannot read", dir}},
		// Neither may hang the start or fill the memory.
		{"fifo", prod(map[string]string{"SECRET_KEY": "\x00", "SECRET_KEY_FILE": fifo}), []string{"cannot read", "not a regular file"}},
		{"device", prod(map[string]string{"SECRET_KEY": "\x00", "SECRET_KEY_FILE": "/dev/zero"}), []string{"cannot read", "not a regular file"}},
		{"huge file", prod(map[string]string{"SECRET_KEY": "\x00", "SECRET_KEY_FILE": huge}), []string{"cannot read", "larger than 64 KiB"}},
		{"empty file", prod(map[string]string{"SECRET_KEY": "\x00", "SECRET_KEY_FILE": empty}), []string{"is empty", empty}},
		{"short key in file", prod(map[string]string{"SECRET_KEY": "\x00", "SECRET_KEY_FILE": short}), []string{"too short"}},
		{"both set", prod(map[string]string{"SECRET_KEY_FILE": good}), []string{"SECRET_KEY", "only one"}},
		{"file and django fallback", prod(map[string]string{"SECRET_KEY": "\x00", "DJANGO_SECRET_KEY": validKey, "SECRET_KEY_FILE": good}), []string{"DJANGO_SECRET_KEY", "only one"}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			wantOneProblem(t, tc.env, "SECRET_KEY_FILE", tc.fragments...)
		})
	}

	t.Run("debug on does not mask an unreadable file", func(t *testing.T) {
		wantOneProblem(t, map[string]string{"DEBUG": "on", "SECRET_KEY_FILE": missing}, "SECRET_KEY_FILE", "cannot read")
	})
}

func TestDjangoFallbacks(t *testing.T) {
	otherKey := strings.Repeat("d", 40)
	tests := []struct {
		name       string
		env        map[string]string
		check      func(c *config.Config) (got, want any)
		setting    string
		wantSource string
	}{
		{
			name:       "DJANGO_DEBUG used when DEBUG unset",
			env:        prod(map[string]string{"DJANGO_DEBUG": "True"}),
			check:      func(c *config.Config) (any, any) { return c.Debug, true },
			setting:    "DEBUG",
			wantSource: "DJANGO_DEBUG",
		},
		{
			name:       "DEBUG wins over DJANGO_DEBUG",
			env:        prod(map[string]string{"DEBUG": "false", "DJANGO_DEBUG": "true"}),
			check:      func(c *config.Config) (any, any) { return c.Debug, false },
			setting:    "DEBUG",
			wantSource: "DEBUG",
		},
		{
			name:       "empty DEBUG falls back to DJANGO_DEBUG",
			env:        prod(map[string]string{"DEBUG": "", "DJANGO_DEBUG": "1"}),
			check:      func(c *config.Config) (any, any) { return c.Debug, true },
			setting:    "DEBUG",
			wantSource: "DJANGO_DEBUG",
		},
		{
			name:       "DJANGO_SECRET_KEY used when SECRET_KEY unset",
			env:        prod(map[string]string{"SECRET_KEY": "\x00", "DJANGO_SECRET_KEY": otherKey}),
			check:      func(c *config.Config) (any, any) { return c.SecretKey, otherKey },
			setting:    "SECRET_KEY",
			wantSource: "DJANGO_SECRET_KEY",
		},
		{
			name:       "SECRET_KEY wins over DJANGO_SECRET_KEY",
			env:        prod(map[string]string{"DJANGO_SECRET_KEY": otherKey}),
			check:      func(c *config.Config) (any, any) { return c.SecretKey, validKey },
			setting:    "SECRET_KEY",
			wantSource: "SECRET_KEY",
		},
		{
			name:       "DJANGO_ALLOWED_HOSTS used when ALLOWED_HOSTS unset",
			env:        prod(map[string]string{"ALLOWED_HOSTS": "\x00", "DJANGO_ALLOWED_HOSTS": `["old.onrender.com"]`}),
			check:      func(c *config.Config) (any, any) { return c.AllowedHosts, []string{"old.onrender.com"} },
			setting:    "ALLOWED_HOSTS",
			wantSource: "DJANGO_ALLOWED_HOSTS",
		},
		{
			name:       "ALLOWED_HOSTS wins over DJANGO_ALLOWED_HOSTS",
			env:        prod(map[string]string{"DJANGO_ALLOWED_HOSTS": "old.com"}),
			check:      func(c *config.Config) (any, any) { return c.AllowedHosts, []string{"example.com"} },
			setting:    "ALLOWED_HOSTS",
			wantSource: "ALLOWED_HOSTS",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, tc.env)
			if got, want := tc.check(c); !reflect.DeepEqual(got, want) {
				t.Errorf("got %#v, want %#v", got, want)
			}
			if s := setting(t, c, tc.setting); s.Source != tc.wantSource {
				t.Errorf("got source %q, want %q", s.Source, tc.wantSource)
			}
		})
	}

	problems := []struct {
		name, v string
		env     map[string]string
	}{
		{"bad DJANGO_DEBUG", "DJANGO_DEBUG", prod(map[string]string{"DJANGO_DEBUG": "sure"})},
		{"short DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY", prod(map[string]string{"SECRET_KEY": "\x00", "DJANGO_SECRET_KEY": "short"})},
		{"bad DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS", prod(map[string]string{"ALLOWED_HOSTS": "\x00", "DJANGO_ALLOWED_HOSTS": `["x.com"`})},
		{"bad plain shadows good fallback", "DEBUG", prod(map[string]string{"DEBUG": "sure", "DJANGO_DEBUG": "false"})},
	}
	for _, tc := range problems {
		t.Run(tc.name+" names the variable set", func(t *testing.T) {
			wantOneProblem(t, tc.env, tc.v)
		})
	}
}

func TestShadowedFallbackNotice(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		wantNotice bool
	}{
		{"different values", prod(map[string]string{"DEBUG": "false", "DJANGO_DEBUG": "true"}), true},
		{"same value", prod(map[string]string{"DEBUG": "false", "DJANGO_DEBUG": "false"}), false},
		{"fallback empty", prod(map[string]string{"DJANGO_ALLOWED_HOSTS": ""}), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, tc.env)
			if got := hasNotice(c, "DJANGO_DEBUG is ignored because DEBUG is set"); got != tc.wantNotice {
				t.Errorf("got notice %v (notices %q), want %v", got, c.Notices, tc.wantNotice)
			}
		})
	}
	t.Run("secret values not shown", func(t *testing.T) {
		c := mustLoad(t, prod(map[string]string{"DJANGO_SECRET_KEY": strings.Repeat("z", 40)}))
		if !hasNotice(c, "DJANGO_SECRET_KEY is ignored because SECRET_KEY is set") {
			t.Errorf("got notices %q, want one about DJANGO_SECRET_KEY", c.Notices)
		}
		for _, n := range c.Notices {
			if strings.Contains(n, validKey) || strings.Contains(n, "zzzz") {
				t.Errorf("got notice %q, want it without key material", n)
			}
		}
	})
}

func TestIgnoredDjangoVariables(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		want     []string
		wantNone bool
	}{
		{
			name: "middleware",
			env:  prod(map[string]string{"DJANGO_MIDDLEWARE": "whitenoise.middleware.WhiteNoiseMiddleware"}),
			want: []string{"DJANGO_MIDDLEWARE is ignored: the middleware chain is built into the binary"},
		},
		{
			name: "staticfiles storage",
			env:  prod(map[string]string{"DJANGO_STATICFILES_STORAGE": "whitenoise.storage.CompressedManifestStaticFilesStorage"}),
			want: []string{"DJANGO_STATICFILES_STORAGE is ignored: static files are embedded in the binary and served compressed with hashed names"},
		},
		{
			name: "both",
			env:  prod(map[string]string{"DJANGO_MIDDLEWARE": "x", "DJANGO_STATICFILES_STORAGE": "y"}),
			want: []string{
				"DJANGO_MIDDLEWARE is ignored: the middleware chain is built into the binary",
				"DJANGO_STATICFILES_STORAGE is ignored: static files are embedded in the binary and served compressed with hashed names",
			},
		},
		{
			name:     "empty values",
			env:      prod(map[string]string{"DJANGO_MIDDLEWARE": "", "DJANGO_STATICFILES_STORAGE": " "}),
			wantNone: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, tc.env)
			if tc.wantNone {
				if len(c.Notices) != 0 {
					t.Errorf("got notices %q, want none", c.Notices)
				}
				return
			}
			if !slices.Equal(c.Notices, tc.want) {
				t.Errorf("got notices %q, want %q", c.Notices, tc.want)
			}
			for _, s := range c.Dump() {
				if strings.HasPrefix(s.Name, "DJANGO_") {
					t.Errorf("got Dump setting %q, want ignored variables left out", s.Name)
				}
			}
		})
	}
}

func TestAllProblemsReportedTogether(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{
			name: "port, secret key, allowed hosts",
			env:  map[string]string{"PORT": "http", "ALLOWED_HOSTS": "x.com:80"},
			want: []string{"PORT", "SECRET_KEY", "ALLOWED_HOSTS"},
		},
		{
			name: "every option wrong, in table order",
			env: map[string]string{
				"DJANGO_DEBUG":              "perhaps",
				"DATABASE_URL":              "mysql://db/app",
				"PORT":                      "0",
				"SECRET_KEY_FILE":           filepath.Join(dir, "nope"),
				"DJANGO_ALLOWED_HOSTS":      "https://x.com",
				"SENTRY_DSN":                "nope",
				"SENTRY_ENVIRONMENT":        "a b",
				"SENTRY_TRACES_SAMPLE_RATE": "2",
				"LOG_LEVEL":                 "loud",
				"LOG_FORMAT":                "yaml",
			},
			want: []string{
				"DJANGO_DEBUG", "DATABASE_URL", "PORT", "SECRET_KEY_FILE", "DJANGO_ALLOWED_HOSTS", "SENTRY_DSN",
				"SENTRY_ENVIRONMENT", "SENTRY_TRACES_SAMPLE_RATE", "LOG_LEVEL", "LOG_FORMAT",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Load(env(tc.env))
			if c != nil {
				t.Errorf("got config %+v, want nil", c)
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got error %v (%T), want *config.Error", err, err)
			}
			var got []string
			for _, p := range ce.Problems {
				got = append(got, p.Var)
				if p.Message == "" {
					t.Errorf("got empty message for %s, want an explanation", p.Var)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got problems on %q, want on %q", got, tc.want)
			}
			msg := err.Error()
			for _, v := range tc.want {
				if !strings.Contains(msg, v+": ") {
					t.Errorf("got Error() %q, want it to name %s", msg, v)
				}
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *config.Error
		want string
	}{
		{"none", &config.Error{}, "invalid configuration"},
		{
			"one",
			&config.Error{Problems: []config.Problem{{Var: "PORT", Message: `"x" is not a port number`}}},
			`invalid configuration: PORT: "x" is not a port number`,
		},
		{
			"several",
			&config.Error{Problems: []config.Problem{{Var: "PORT", Message: "bad"}, {Var: "SECRET_KEY", Message: "missing"}}},
			"invalid configuration (2 problems):\n  PORT: bad\n  SECRET_KEY: missing",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLoadForManagement(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // problem variables; nil means it loads
	}{
		{"no secret key nor hosts with DEBUG off", map[string]string{"DEBUG": "false"}, nil},
		{"a set but short secret key is still wrong", map[string]string{"SECRET_KEY": "short"}, []string{"SECRET_KEY"}},
		{"a set but bad host is still wrong", map[string]string{"ALLOWED_HOSTS": "https://x.com"}, []string{"ALLOWED_HOSTS"}},
		{"other options are checked as usual", map[string]string{"PORT": "0", "DATABASE_URL": "mysql://x"}, []string{"DATABASE_URL", "PORT"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.LoadForManagement(env(tc.env))
			if tc.want == nil {
				if err != nil || c == nil {
					t.Fatalf("got %v, want the configuration to load", err)
				}
				if c.SecretKey != "" || len(c.AllowedHosts) != 0 {
					t.Errorf("got key %q and hosts %v, want both empty", c.SecretKey, c.AllowedHosts)
				}
				return
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want *config.Error", err)
			}
			var got []string
			for _, p := range ce.Problems {
				got = append(got, p.Var)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got problems on %q, want on %q", got, tc.want)
			}
		})
	}
	if _, err := config.Load(env(map[string]string{"DEBUG": "false"})); err == nil {
		t.Error("got Load to accept a server without SECRET_KEY, want it refused")
	}
}

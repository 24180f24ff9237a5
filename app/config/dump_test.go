package config_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"oclettings/app/config"
)

func TestDump(t *testing.T) {
	defaultHashes := strconv.Itoa(config.DefaultPasswordHashConcurrency())
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(validKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	productionDefaults := []config.Setting{
		{"DEBUG", "false", "default"},
		{"DATABASE_URL", "sqlite:oc-lettings.sqlite3", "default"},
		{"PORT", "8000", "default"},
		{"SECRET_KEY", "********", "SECRET_KEY"},
		{"ALLOWED_HOSTS", "example.com", "ALLOWED_HOSTS"},
		{"SENTRY_DSN", "(not set)", "default"},
		{"SENTRY_ENVIRONMENT", "production", "default"},
		{"SENTRY_TRACES_SAMPLE_RATE", "0", "default"},
		{"LOG_LEVEL", "info", "default"},
		{"LOG_FORMAT", "json", "default"},
		{"TIME_ZONE", "UTC", "default"},
		{"RUN_AS", "", "default"},
		{"SUPERUSER_USERNAME", "", "default"},
		{"SUPERUSER_EMAIL", "", "default"},
		{"SUPERUSER_PASSWORD", "(not set)", "default"},
		{"TRUST_PROXY_HEADERS", "false", "default"},
		{"PROXY_COUNT", "1", "default"},
		{"SITE_URL", "", "default"},
		{"SECURE_SSL_REDIRECT", "false", "default"},
		{"SECURE_HSTS_SECONDS", "31536000", "default"},
		{"MAX_BODY_BYTES", "2621440", "default"},
		{"PASSWORD_HASH_CONCURRENCY", defaultHashes, "default"},
		{"IMPORT_MAX_BYTES", "268435456", "default"},
		{"SHUTDOWN_TIMEOUT", "25s", "default"},
		{"BACKUP_DIR", "backups", "default"},
		{"BACKUP_INTERVAL", "24h", "default"},
		{"BACKUP_KEEP", "7", "default"},
		{"RESTORE_FROM", "", "default"},
	}
	tests := []struct {
		name string
		env  map[string]string
		want []config.Setting
	}{
		{name: "production defaults", env: prod(nil), want: productionDefaults},
		{
			name: "everything set",
			env: map[string]string{
				"DJANGO_DEBUG":              "false",
				"DATABASE_URL":              "sqlite:/data/db.sqlite3",
				"PORT":                      "10000",
				"SECRET_KEY_FILE":           keyFile,
				"DJANGO_ALLOWED_HOSTS":      `["a.com", ".B.com"]`,
				"SENTRY_DSN":                validDSN,
				"SENTRY_ENVIRONMENT":        "staging",
				"SENTRY_TRACES_SAMPLE_RATE": "0.2",
				"LOG_LEVEL":                 "warning",
				"LOG_FORMAT":                "text",
				"TIME_ZONE":                 "Europe/Paris",
				"TRUST_PROXY_HEADERS":       "yes",
				"PROXY_COUNT":               "2",
				"DJANGO_SUPERUSER_USERNAME": "boss",
				"RUN_AS":                    "65532:65532",
				"SUPERUSER_EMAIL":           "boss@example.com",
				"SUPERUSER_PASSWORD":        "Tangerine-Harbour-42",
				"SECURE_SSL_REDIRECT":       "1",
				"SECURE_HSTS_SECONDS":       "3600",
				"MAX_BODY_BYTES":            "1048576",
				"PASSWORD_HASH_CONCURRENCY": "3",
				"IMPORT_MAX_BYTES":          "67108864",
				"SHUTDOWN_TIMEOUT":          "10",
				"BACKUP_INTERVAL":           "6h",
				"BACKUP_KEEP":               "3",
				"RESTORE_FROM":              "oc-lettings-20261125T120000Z.sqlite3",
			},
			want: []config.Setting{
				{"DEBUG", "false", "DJANGO_DEBUG"},
				{"DATABASE_URL", "sqlite:/data/db.sqlite3", "DATABASE_URL"},
				{"PORT", "10000", "PORT"},
				{"SECRET_KEY", "********", "SECRET_KEY_FILE"},
				{"ALLOWED_HOSTS", "a.com,.b.com", "DJANGO_ALLOWED_HOSTS"},
				{"SENTRY_DSN", "********", "SENTRY_DSN"},
				{"SENTRY_ENVIRONMENT", "staging", "SENTRY_ENVIRONMENT"},
				{"SENTRY_TRACES_SAMPLE_RATE", "0.2", "SENTRY_TRACES_SAMPLE_RATE"},
				{"LOG_LEVEL", "warn", "LOG_LEVEL"},
				{"LOG_FORMAT", "text", "LOG_FORMAT"},
				{"TIME_ZONE", "Europe/Paris", "TIME_ZONE"},
				{"RUN_AS", "65532:65532", "RUN_AS"},
				{"SUPERUSER_USERNAME", "boss", "DJANGO_SUPERUSER_USERNAME"},
				{"SUPERUSER_EMAIL", "boss@example.com", "SUPERUSER_EMAIL"},
				{"SUPERUSER_PASSWORD", "********", "SUPERUSER_PASSWORD"},
				{"TRUST_PROXY_HEADERS", "true", "TRUST_PROXY_HEADERS"},
				{"PROXY_COUNT", "2", "PROXY_COUNT"},
				{"SITE_URL", "", "default"},
				{"SECURE_SSL_REDIRECT", "true", "SECURE_SSL_REDIRECT"},
				{"SECURE_HSTS_SECONDS", "3600", "SECURE_HSTS_SECONDS"},
				{"MAX_BODY_BYTES", "1048576", "MAX_BODY_BYTES"},
				{"PASSWORD_HASH_CONCURRENCY", "3", "PASSWORD_HASH_CONCURRENCY"},
				{"IMPORT_MAX_BYTES", "67108864", "IMPORT_MAX_BYTES"},
				{"SHUTDOWN_TIMEOUT", "10s", "SHUTDOWN_TIMEOUT"},
				{"BACKUP_DIR", "/data/backups", "default"},
				{"BACKUP_INTERVAL", "6h", "BACKUP_INTERVAL"},
				{"BACKUP_KEEP", "3", "BACKUP_KEEP"},
				{"RESTORE_FROM", "oc-lettings-20261125T120000Z.sqlite3", "RESTORE_FROM"},
			},
		},
		{
			name: "debug with generated key",
			env:  map[string]string{"DEBUG": "on"},
			want: withSettings(t, productionDefaults,
				config.Setting{"DEBUG", "true", "DEBUG"},
				config.Setting{"SECRET_KEY", "********", "default"},
				config.Setting{"ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]", "default"},
				config.Setting{"SENTRY_ENVIRONMENT", "development", "default"},
				config.Setting{"LOG_FORMAT", "text", "default"},
			),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, tc.env)
			got := c.Dump()
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			for _, s := range got {
				for _, secret := range []string{c.SecretKey, "abc123"} {
					if strings.Contains(s.Value, secret) {
						t.Errorf("got %s=%q, want secrets redacted", s.Name, s.Value)
					}
				}
			}
		})
	}
}

// Dump must stay safe for a Config not produced by Load, and must not leak a
// database password once other URL kinds are supported.
func TestDumpHandBuiltConfig(t *testing.T) {
	c := &config.Config{
		Database:  config.Database{URL: "postgres://app:hunter2@db:5432/app"},
		SecretKey: "s3cr3t",
	}
	for _, s := range c.Dump() {
		if strings.Contains(s.Value, "hunter2") || strings.Contains(s.Value, "s3cr3t") {
			t.Errorf("got %s=%q, want secrets redacted", s.Name, s.Value)
		}
		if s.Source != "(unknown)" {
			t.Errorf("got source %q for %s, want (unknown)", s.Source, s.Name)
		}
	}
	tests := []struct{ name, want string }{
		{"DATABASE_URL", "postgres://app:xxxxx@db:5432/app"},
		{"SECRET_KEY", "********"},
		{"SENTRY_DSN", "(not set)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := setting(t, c, tc.name).Value; got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("password in the query", func(t *testing.T) {
		c := &config.Config{Database: config.Database{URL: "postgres://db/app?sslmode=require&password=hunter2"}}
		if got, want := setting(t, c, "DATABASE_URL").Value, "postgres://db/app?password=xxxxx&sslmode=require"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	unchanged := []string{"postgres://app@db/app", "sqlite:/data/my db.sqlite3", "sqlite:a%zz.db"}
	for _, u := range unchanged {
		t.Run("unchanged "+u, func(t *testing.T) {
			c := &config.Config{Database: config.Database{URL: u}}
			if got := setting(t, c, "DATABASE_URL").Value; got != u {
				t.Errorf("got %q, want %q", got, u)
			}
		})
	}
}

// withSettings is want with each of changed put in place of the setting of
// the same name, which must be there.
func withSettings(t *testing.T, want []config.Setting, changed ...config.Setting) []config.Setting {
	t.Helper()
	out := slices.Clone(want)
	for _, c := range changed {
		i := slices.IndexFunc(out, func(s config.Setting) bool { return s.Name == c.Name })
		if i < 0 {
			t.Fatalf("no setting %s to change in the expected dump", c.Name)
		}
		out[i] = c
	}
	return out
}

package config_test

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"oclettings/app/config"
)

// configVars are the variables the loader reads.
var configVars = []string{
	"DEBUG", "DJANGO_DEBUG", "DATABASE_URL", "PORT", "SECRET_KEY", "DJANGO_SECRET_KEY", "SECRET_KEY_FILE",
	"ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS", "SENTRY_DSN", "SENTRY_ENVIRONMENT", "SENTRY_TRACES_SAMPLE_RATE",
	"LOG_LEVEL", "LOG_FORMAT", "RUN_AS", "SUPERUSER_USERNAME", "DJANGO_SUPERUSER_USERNAME", "SUPERUSER_EMAIL",
	"DJANGO_SUPERUSER_EMAIL", "SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_PASSWORD", "TRUST_PROXY_HEADERS",
	"PROXY_COUNT", "SECURE_SSL_REDIRECT", "DJANGO_SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
	"DJANGO_SECURE_HSTS_SECONDS", "MAX_BODY_BYTES", "PASSWORD_HASH_CONCURRENCY", "IMPORT_MAX_BYTES",
	"SHUTDOWN_TIMEOUT", "BACKUP_DIR", "BACKUP_INTERVAL", "BACKUP_KEEP", "RESTORE_FROM",
	"DJANGO_MIDDLEWARE", "DJANGO_STATICFILES_STORAGE",
}

// secretVars hold values no problem message or dump may show.
var secretVars = []string{"SECRET_KEY", "DJANGO_SECRET_KEY", "SECRET_KEY_FILE", "SENTRY_DSN", "SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_PASSWORD"}

// FuzzLoad: whatever the environment holds ("NAME=value" lines), loading it
// gives a configuration or an operator error naming variables the loader
// reads, never a panic, never both, and never a secret in the error or the
// dump. SECRET_KEY_FILE's line is the file's content: the loader reads
// the file the variable names.
func FuzzLoad(f *testing.F) {
	f.Add("SECRET_KEY=" + validKey + "\nALLOWED_HOSTS=example.com")
	f.Add("DEBUG=true")
	f.Add("DEBUG=maybe\nDJANGO_DEBUG=1\nPORT=0\nLOG_LEVEL=loud\nLOG_FORMAT=xml")
	f.Add("SECRET_KEY=short-secret-value-here\nSENTRY_DSN=https://supersecretvalue12@\x00/1")
	f.Add("SECRET_KEY_FILE=" + validKey + "\nSECRET_KEY=" + validKey)
	f.Add("SECRET_KEY_FILE=\n\t \nALLOWED_HOSTS=*")
	f.Add("DATABASE_URL=postgres://user:verysecretpassword@db:99999/x?password=alsosecret\nALLOWED_HOSTS=[\"a\",")
	f.Add("DATABASE_URL=sqlite:\nDEBUG=1\nRESTORE_FROM=../x")
	f.Add("DATABASE_URL=mysql://x\nDEBUG=1")
	f.Add("ALLOWED_HOSTS=.example.com, [::1]:8000 ,*, bad host,\nSECRET_KEY=" + validKey)
	f.Add("SENTRY_TRACES_SAMPLE_RATE=NaN\nSECURE_HSTS_SECONDS=-1\nMAX_BODY_BYTES=1e99\nIMPORT_MAX_BYTES=0x10\nDEBUG=1")
	f.Add("SHUTDOWN_TIMEOUT=-5s\nBACKUP_INTERVAL=1ns\nBACKUP_KEEP=99999999999999999999\nPROXY_COUNT=-1\nDEBUG=1")
	f.Add("RUN_AS=0:0\nPASSWORD_HASH_CONCURRENCY=0\nTRUST_PROXY_HEADERS=yes\nDEBUG=1")
	f.Add("RUN_AS=4294967296:1\nSUPERUSER_USERNAME=a\x00b\nSUPERUSER_EMAIL=@\nSUPERUSER_PASSWORD=passwordpassword\nDEBUG=1")
	f.Add("DJANGO_MIDDLEWARE=x\nDJANGO_STATICFILES_STORAGE=y\nDEBUG=\xff")
	f.Fuzz(func(t *testing.T, input string) {
		env := map[string]string{}
		for _, line := range strings.Split(input, "\n") {
			name, value, _ := strings.Cut(line, "=")
			if slices.Contains(configVars, name) {
				env[name] = value
			}
		}
		secrets := secretValues(env)
		if content, ok := env["SECRET_KEY_FILE"]; ok {
			path := filepath.Join(t.TempDir(), "secret_key")
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			env["SECRET_KEY_FILE"] = path
		}
		getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		for _, load := range []func(func(string) (string, bool)) (*config.Config, error){config.Load, config.LoadForManagement} {
			c, err := load(getenv)
			if (c == nil) == (err == nil) {
				t.Fatalf("got config %v and error %v, want exactly one", c, err)
			}
			if err != nil {
				var ce *config.Error
				if !errors.As(err, &ce) || len(ce.Problems) == 0 {
					t.Fatalf("got %T %v, want an operator error listing problems", err, err)
				}
				for _, p := range ce.Problems {
					if !slices.Contains(configVars, p.Var) || p.Message == "" {
						t.Errorf("got problem %+v, want one naming a variable", p)
					}
				}
				mustNotShow(t, err.Error(), secrets)
				continue
			}
			var dump strings.Builder
			for _, s := range c.Dump() {
				dump.WriteString(s.Name + "=" + s.Value + " (" + s.Source + ")\n")
			}
			mustNotShow(t, dump.String(), secrets)
		}
	})
}

// secretValues are the secrets env sets, long enough that finding one in a
// message cannot be chance: the key, the DSN, the passwords, and the
// password in a database URL.
func secretValues(env map[string]string) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); len(s) >= 12 {
			out = append(out, s)
		}
	}
	for _, name := range secretVars {
		add(env[name])
	}
	if u, err := url.Parse(strings.TrimSpace(env["DATABASE_URL"])); err == nil {
		if p, ok := u.User.Password(); ok {
			add(p)
		}
		add(u.Query().Get("password"))
	}
	return out
}

func mustNotShow(t *testing.T, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Fatalf("got a secret %q shown in %q", s, text)
		}
	}
}

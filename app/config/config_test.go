package config_test

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"oclettings/app/config"
	"oclettings/app/datadir"
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

func TestDebug(t *testing.T) {
	valid := []struct {
		raw  string
		want bool
	}{
		{"true", true}, {"TRUE", true}, {" True\n", true}, {"1", true}, {"yes", true}, {"YES", true}, {"on", true},
		{"false", false}, {"False", false}, {"0", false}, {"no", false}, {"off", false}, {"OFF", false},
	}
	for _, tc := range valid {
		t.Run("valid "+tc.raw, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"DEBUG": tc.raw}))
			if c.Debug != tc.want {
				t.Errorf("got Debug %v, want %v", c.Debug, tc.want)
			}
		})
	}
	for _, raw := range []string{"maybe", "2", "t", "yes please", "-1"} {
		t.Run("invalid "+raw, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"DEBUG": raw}), "DEBUG", "true/false", "1/0", "yes/no")
		})
	}
}

// An unparseable DEBUG must not unlock the development defaults.
func TestInvalidDebugIsTreatedAsProduction(t *testing.T) {
	ps := loadErr(t, map[string]string{"DEBUG": "ture"})
	var got []string
	for _, p := range ps {
		got = append(got, p.Var)
	}
	want := []string{"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
	if !slices.Equal(got, want) {
		t.Errorf("got problems on %q, want on %q", got, want)
	}
}

func TestDatabaseURL(t *testing.T) {
	valid := []struct {
		name, raw string
		want      config.Database
	}{
		{"relative", "sqlite:data/app.db", config.Database{Kind: "sqlite", Path: "data/app.db", URL: "sqlite:data/app.db"}},
		{"absolute", "sqlite:/var/data/app.db", config.Database{Kind: "sqlite", Path: "/var/data/app.db", URL: "sqlite:/var/data/app.db"}},
		{"upper-case scheme", "SQLite:app.db", config.Database{Kind: "sqlite", Path: "app.db", URL: "SQLite:app.db"}},
		{"trimmed", "  sqlite:app.db\n", config.Database{Kind: "sqlite", Path: "app.db", URL: "sqlite:app.db"}},
		{"path with spaces", "sqlite:my data/app.db", config.Database{Kind: "sqlite", Path: "my data/app.db", URL: "sqlite:my data/app.db"}},
		{"postgres", "postgres://u:p@db.example:6543/app?sslmode=verify-full", config.Database{Kind: "postgres", Host: "db.example:6543", URL: "postgres://u:p@db.example:6543/app?sslmode=verify-full"}},
		{"postgresql, default port", "postgresql://u@db/app", config.Database{Kind: "postgres", Host: "db:5432", URL: "postgresql://u@db/app"}},
		{"ipv6 host", "postgres://[::1]/app", config.Database{Kind: "postgres", Host: "[::1]:5432", URL: "postgres://[::1]/app"}},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"DATABASE_URL": tc.raw}))
			if c.Database != tc.want {
				t.Errorf("got %+v, want %+v", c.Database, tc.want)
			}
		})
	}

	invalid := []struct {
		name, raw string
		fragments []string
	}{
		{"empty path", "sqlite:", []string{"missing file path", "sqlite:PATH"}},
		{"memory", "sqlite::memory:", []string{"in-memory", "read pool", "write connection"}},
		{"memory uri", "sqlite:file:x?mode=memory&cache=shared", []string{"in-memory"}},
		{"url form", "sqlite:///app.db", []string{"taken literally", "sqlite:/absolute/path"}},
		{"postgres without host", "postgres://user:hunter2@/app", []string{"no host", "postgres://USER:PASSWORD@HOST:PORT/DATABASE"}},
		{"postgres without database", "postgres://user:hunter2@db:5432", []string{"host db:5432 names no database"}},
		{"postgres unparsable", "postgres://user:hunter2@db:port/app", []string{"not a valid PostgreSQL URL", "percent-encoded"}},
		{"mysql", "mysql://db/app", []string{`unsupported scheme "mysql"`, "supported: sqlite:PATH"}},
		{"no scheme", "app.db", []string{"not a database URL", "supported: sqlite:PATH"}},
		{"garbage before colon", "user pass:hunter2@x", []string{"not a database URL", "supported: sqlite:PATH"}},
		{"leading colon", ":app.db", []string{"not a database URL"}},
		{"digit-first scheme", "1sqlite:app.db", []string{"not a database URL"}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"DATABASE_URL": tc.raw}), "DATABASE_URL", tc.fragments...)
		})
	}

	t.Run("password never echoed", func(t *testing.T) {
		for _, raw := range []string{"postgres://user:hunter2@/app", "postgres://user:hunter2@db", "postgres://user:hunter2@db:x/app", "user pass:hunter2@x"} {
			ps := loadErr(t, prod(map[string]string{"DATABASE_URL": raw}))
			for _, p := range ps {
				if strings.Contains(p.Message, "hunter2") {
					t.Errorf("got message %q, want it without the password", p.Message)
				}
			}
		}
	})
}

func TestPort(t *testing.T) {
	valid := []struct {
		raw  string
		want int
	}{{"1", 1}, {"80", 80}, {"8000", 8000}, {" 10000 ", 10000}, {"65535", 65535}}
	for _, tc := range valid {
		t.Run("valid "+tc.raw, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"PORT": tc.raw}))
			if c.Port != tc.want {
				t.Errorf("got Port %d, want %d", c.Port, tc.want)
			}
		})
	}
	for _, raw := range []string{"0", "-1", "65536", "http", "80.0", "8000a", "99999999999999999999"} {
		t.Run("invalid "+raw, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"PORT": raw}), "PORT", "1 to 65535", raw)
		})
	}
}

func TestSecretKey(t *testing.T) {
	key32 := strings.Repeat("k", 32)
	valid := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"exactly 32", prod(map[string]string{"SECRET_KEY": key32}), key32},
		{"trimmed", prod(map[string]string{"SECRET_KEY": "  " + validKey + "\n"}), validKey},
		{"32 multibyte characters", prod(map[string]string{"SECRET_KEY": strings.Repeat("é", 32)}), strings.Repeat("é", 32)},
		{"given with debug on", map[string]string{"DEBUG": "1", "SECRET_KEY": validKey}, validKey},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, tc.env)
			if c.SecretKey != tc.want {
				t.Errorf("got SecretKey %q, want %q", c.SecretKey, tc.want)
			}
			if c.SecretKeyGenerated {
				t.Error("got SecretKeyGenerated true, want false")
			}
		})
	}

	short := strings.Repeat("s", 31)
	invalid := []struct {
		name      string
		env       map[string]string
		fragments []string
	}{
		{"missing", prod(map[string]string{"SECRET_KEY": "\x00"}), []string{"required when DEBUG is off", "SECRET_KEY_FILE", "32"}},
		{"empty counts as unset", prod(map[string]string{"SECRET_KEY": ""}), []string{"required when DEBUG is off"}},
		{"whitespace counts as unset", prod(map[string]string{"SECRET_KEY": " \t\n"}), []string{"required when DEBUG is off"}},
		{"explicit debug off", prod(map[string]string{"SECRET_KEY": "\x00", "DEBUG": "false"}), []string{"required when DEBUG is off"}},
		{"too short", prod(map[string]string{"SECRET_KEY": short}), []string{"too short", "31", "at least 32"}},
		{"too short with debug on", map[string]string{"DEBUG": "true", "SECRET_KEY": short}, []string{"too short"}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			wantOneProblem(t, tc.env, "SECRET_KEY", tc.fragments...)
		})
	}

	t.Run("key never echoed", func(t *testing.T) {
		ps := loadErr(t, prod(map[string]string{"SECRET_KEY": "tooshort-but-secret"}))
		if strings.Contains(ps[0].Message, "tooshort-but-secret") {
			t.Errorf("got message %q, want it without the key", ps[0].Message)
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

func TestAllowedHosts(t *testing.T) {
	valid := []struct {
		name, raw string
		want      []string
	}{
		{"single", "example.com", []string{"example.com"}},
		{"comma list", "a.com, .b.com", []string{"a.com", ".b.com"}},
		{"comma list with empties", " a.com ,, b.com ,", []string{"a.com", "b.com"}},
		{"json list", `["a.com","b.com"]`, []string{"a.com", "b.com"}},
		{"json list with spaces", ` [ "a.com" , " .B.com " , "" ] `, []string{"a.com", ".b.com"}},
		{"render form", `["oc-lettings-x1y2.onrender.com"]`, []string{"oc-lettings-x1y2.onrender.com"}},
		{"lowercased", "Example.COM,WWW.Example.com", []string{"example.com", "www.example.com"}},
		{"wildcard", "*", []string{"*"}},
		{"ipv4", "127.0.0.1,10.0.0.254", []string{"127.0.0.1", "10.0.0.254"}},
		{"ipv6 first in comma list", "[::1],localhost", []string{"[::1]", "localhost"}},
		{"ipv6 alone", "[2001:DB8::1]", []string{"[2001:db8::1]"}},
		{"ipv6 in json", `["[::1]"]`, []string{"[::1]"}},
		{"ipv6 then json-looking text", `[::1], a.com`, []string{"[::1]", "a.com"}},
		{"underscore and digits", "my_host-1.internal,1password.com", []string{"my_host-1.internal", "1password.com"}},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"ALLOWED_HOSTS": tc.raw}))
			if !reflect.DeepEqual(c.AllowedHosts, tc.want) {
				t.Errorf("got %q, want %q", c.AllowedHosts, tc.want)
			}
		})
	}

	invalid := []struct {
		name, raw string
		fragments []string
	}{
		{"port", "example.com:8000", []string{`"example.com:8000"`, "ports are not allowed", "Django", `use "example.com"`}},
		{"ipv6 port", "[::1]:8000", []string{"ports are not allowed", `use "[::1]"`}},
		{"scheme", "https://x.com", []string{`"https://x.com"`, "remove the scheme"}},
		{"path", "x.com/", []string{`"x.com/"`, "remove the path"}},
		{"query", "x.com?a=1", []string{"remove the path"}},
		{"bad entry among good", "a.com, https://x.com, b.com", []string{`"https://x.com"`}},
		{"every bad entry named", "x.com/,y.com:1", []string{`"x.com/"`, `"y.com:1"`}},
		{"malformed json", `["a.com",`, []string{"not a valid JSON list", "comma-separated"}},
		{"unquoted json", `[a.com, b.com]`, []string{"not a valid JSON list"}},
		{"unclosed json", `[  "a.com"`, []string{"not a valid JSON list"}},
		{"bracketed ipv4 alone", "[127.0.0.1]", []string{"not a valid JSON list"}},
		{"json of numbers", `[1, 2]`, []string{"not a valid JSON list"}},
		{"json bad entry", `["https://x.com"]`, []string{"remove the scheme"}},
		{"empty json list", `[]`, []string{"no hosts", "DEBUG is off"}},
		{"only commas", " , ,", []string{"no hosts"}},
		{"unbracketed ipv6", "::1", []string{"brackets", "[::1]"}},
		{"bad ipv6", "[::g]", []string{"not a valid IPv6"}},
		{"ipv4 in brackets", "a.com,[127.0.0.1]", []string{"not a valid IPv6"}},
		{"ipv6 zone", "[fe80::1%eth0]", []string{"not a valid IPv6"}},
		{"unclosed bracket", "a.com,[::1", []string{"missing closing bracket"}},
		{"text after ipv6", "[::1]x", []string{"unexpected text"}},
		{"glob", "*.example.com", []string{"only allowed on its own", ".example.com"}},
		{"bad ipv4", "999.1.1.1", []string{`"999.1.1.1"`, "IPv4"}},
		{"many colons", "a:b:c", []string{`"a:b:c"`}},
		{"space inside", "exa mple.com", []string{`"exa mple.com"`}},
		{"trailing dot", "example.com.", []string{`"example.com."`}},
		{"double dot", "a..com", []string{`"a..com"`}},
		{"hyphen edge", "-a.com", []string{`"-a.com"`}},
		{"bare dot", ".", []string{`"."`}},
		{"long label", strings.Repeat("a", 64) + ".com", []string{"host name"}},
		{"too long", strings.Repeat("a.", 127) + "com", []string{"host name"}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"ALLOWED_HOSTS": tc.raw}), "ALLOWED_HOSTS", tc.fragments...)
		})
	}

	t.Run("missing in production", func(t *testing.T) {
		wantOneProblem(t, prod(map[string]string{"ALLOWED_HOSTS": "\x00"}), "ALLOWED_HOSTS", "required when DEBUG is off", "JSON")
	})
	t.Run("empty list with debug on means local hosts", func(t *testing.T) {
		c := mustLoad(t, map[string]string{"DEBUG": "yes", "ALLOWED_HOSTS": "[]"})
		want := []string{"localhost", "127.0.0.1", "[::1]"}
		if !reflect.DeepEqual(c.AllowedHosts, want) {
			t.Errorf("got %q, want %q", c.AllowedHosts, want)
		}
	})
	t.Run("debug on still validates", func(t *testing.T) {
		wantOneProblem(t, map[string]string{"DEBUG": "yes", "ALLOWED_HOSTS": "localhost:8000"}, "ALLOWED_HOSTS", "ports are not allowed")
	})
}

func TestSentryDSN(t *testing.T) {
	valid := []string{validDSN, "http://key@localhost:9000/1", "https://key:secret@sentry.example.com/sub/7"}
	for _, raw := range valid {
		t.Run("valid "+raw, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"SENTRY_DSN": raw}))
			if c.SentryDSN != raw {
				t.Errorf("got SentryDSN %q, want %q", c.SentryDSN, raw)
			}
		})
	}
	t.Run("unset", func(t *testing.T) {
		c := mustLoad(t, prod(map[string]string{"SENTRY_DSN": ""}))
		if c.SentryDSN != "" {
			t.Errorf("got SentryDSN %q, want empty", c.SentryDSN)
		}
	})

	invalid := []struct {
		name, raw, reason string
	}{
		{"scheme", "ftp://key@host/1", "invalid scheme"},
		{"no key", "https://host/1", "empty username"},
		{"no project", "https://key@host/", "empty project id"},
		{"bad port", "https://key@host:abc/1", "unparseable"},
		{"not a url", "https://key@host/1\x7fsecretpart", "unparseable"},
	}
	for _, tc := range invalid {
		t.Run("invalid "+tc.name, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"SENTRY_DSN": tc.raw}), "SENTRY_DSN", "not a valid Sentry DSN", tc.reason, "https://PUBLIC_KEY@HOST/PROJECT_ID")
			ps := loadErr(t, prod(map[string]string{"SENTRY_DSN": tc.raw}))
			if strings.Contains(ps[0].Message, "key@") || strings.Contains(ps[0].Message, "secretpart") {
				t.Errorf("got message %q, want it without the DSN", ps[0].Message)
			}
		})
	}
}

func TestSentryEnvironment(t *testing.T) {
	for _, raw := range []string{"production", "staging", "Review-App_12", strings.Repeat("e", 64)} {
		t.Run("valid "+raw, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"SENTRY_ENVIRONMENT": raw}))
			if c.SentryEnvironment != raw {
				t.Errorf("got %q, want %q", c.SentryEnvironment, raw)
			}
		})
	}
	for _, raw := range []string{"my env", "a/b", "None", strings.Repeat("e", 65), "a\x01b"} {
		t.Run("invalid "+raw, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"SENTRY_ENVIRONMENT": raw}), "SENTRY_ENVIRONMENT", "64 characters")
		})
	}
}

func TestSentryTracesSampleRate(t *testing.T) {
	valid := []struct {
		raw  string
		want float64
	}{{"0", 0}, {"1", 1}, {"0.25", 0.25}, {"1e-1", 0.1}, {"1.0", 1}}
	for _, tc := range valid {
		t.Run("valid "+tc.raw, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"SENTRY_TRACES_SAMPLE_RATE": tc.raw}))
			if c.SentryTracesSampleRate != tc.want {
				t.Errorf("got %v, want %v", c.SentryTracesSampleRate, tc.want)
			}
		})
	}
	for _, raw := range []string{"-0.1", "1.01", "NaN", "Inf", "half", "10%"} {
		t.Run("invalid "+raw, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"SENTRY_TRACES_SAMPLE_RATE": raw}), "SENTRY_TRACES_SAMPLE_RATE", "from 0 to 1")
		})
	}
}

func TestLogLevel(t *testing.T) {
	valid := []struct {
		raw  string
		want slog.Level
	}{
		{"debug", slog.LevelDebug}, {"INFO", slog.LevelInfo}, {"warn", slog.LevelWarn},
		{"Warning", slog.LevelWarn}, {"error", slog.LevelError},
	}
	for _, tc := range valid {
		t.Run("valid "+tc.raw, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"LOG_LEVEL": tc.raw}))
			if c.LogLevel != tc.want {
				t.Errorf("got %v, want %v", c.LogLevel, tc.want)
			}
		})
	}
	for _, raw := range []string{"trace", "fatal", "-4", "verbose"} {
		t.Run("invalid "+raw, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"LOG_LEVEL": raw}), "LOG_LEVEL", "debug, info, warn or error")
		})
	}
}

func TestLogFormat(t *testing.T) {
	valid := []struct{ raw, want string }{{"json", "json"}, {"TEXT", "text"}, {" Json ", "json"}}
	for _, tc := range valid {
		t.Run("valid "+tc.raw, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"LOG_FORMAT": tc.raw}))
			if c.LogFormat != tc.want {
				t.Errorf("got %q, want %q", c.LogFormat, tc.want)
			}
		})
	}
	for _, raw := range []string{"logfmt", "xml"} {
		t.Run("invalid "+raw, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"LOG_FORMAT": raw}), "LOG_FORMAT", "json or text")
		})
	}
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

func TestDump(t *testing.T) {
	defaultHashes := strconv.Itoa(config.DefaultPasswordHashConcurrency())
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(validKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want []config.Setting
	}{
		{
			name: "production defaults",
			env:  prod(nil),
			want: []config.Setting{
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
			},
		},
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
			want: []config.Setting{
				{"DEBUG", "true", "DEBUG"},
				{"DATABASE_URL", "sqlite:oc-lettings.sqlite3", "default"},
				{"PORT", "8000", "default"},
				{"SECRET_KEY", "********", "default"},
				{"ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]", "default"},
				{"SENTRY_DSN", "(not set)", "default"},
				{"SENTRY_ENVIRONMENT", "development", "default"},
				{"SENTRY_TRACES_SAMPLE_RATE", "0", "default"},
				{"LOG_LEVEL", "info", "default"},
				{"LOG_FORMAT", "text", "default"},
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
			},
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

func TestSecurityOptions(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(c *config.Config) bool
		problem string
	}{
		{"trust proxy headers", prod(map[string]string{"TRUST_PROXY_HEADERS": "true"}), func(c *config.Config) bool { return c.TrustProxyHeaders }, ""},
		{"ssl redirect, Django name", prod(map[string]string{"DJANGO_SECURE_SSL_REDIRECT": "yes"}), func(c *config.Config) bool { return c.SecureSSLRedirect }, ""},
		{"hsts off", prod(map[string]string{"SECURE_HSTS_SECONDS": "0"}), func(c *config.Config) bool { return c.HSTSSeconds == 0 }, ""},
		{"body limit", prod(map[string]string{"MAX_BODY_BYTES": "4096"}), func(c *config.Config) bool { return c.MaxBodyBytes == 4096 }, ""},
		{"password hashes at once", prod(map[string]string{"PASSWORD_HASH_CONCURRENCY": "1"}), func(c *config.Config) bool { return c.PasswordHashConcurrency == 1 }, ""},
		{"password hashes by default", prod(nil), func(c *config.Config) bool {
			return c.PasswordHashConcurrency == config.DefaultPasswordHashConcurrency() && c.PasswordHashConcurrency >= 1 && c.PasswordHashConcurrency <= 4
		}, ""},
		{"no password hashes at once", prod(map[string]string{"PASSWORD_HASH_CONCURRENCY": "0"}), nil, "PASSWORD_HASH_CONCURRENCY"},
		{"too many password hashes at once", prod(map[string]string{"PASSWORD_HASH_CONCURRENCY": "65"}), nil, "PASSWORD_HASH_CONCURRENCY"},
		{"bad trust", prod(map[string]string{"TRUST_PROXY_HEADERS": "maybe"}), nil, "TRUST_PROXY_HEADERS"},
		{"run as the image's user", prod(map[string]string{"RUN_AS": "65532:65532"}), func(c *config.Config) bool { return *c.RunAs == datadir.User{UID: 65532, GID: 65532} }, ""},
		{"run as a uid alone", prod(map[string]string{"RUN_AS": "1000"}), func(c *config.Config) bool { return *c.RunAs == datadir.User{UID: 1000, GID: 1000} }, ""},
		{"stay as started by default", prod(nil), func(c *config.Config) bool { return c.RunAs == nil }, ""},
		{"run as root is no drop", prod(map[string]string{"RUN_AS": "0:0"}), nil, "RUN_AS"},
		{"run as a name", prod(map[string]string{"RUN_AS": "nonroot"}), nil, "RUN_AS"},
		{"run as half a pair", prod(map[string]string{"RUN_AS": "65532:"}), nil, "RUN_AS"},
		{"one proxy by default", prod(map[string]string{"TRUST_PROXY_HEADERS": "true"}), func(c *config.Config) bool { return c.ProxyCount == 1 }, ""},
		{"Render's two proxies", prod(map[string]string{"TRUST_PROXY_HEADERS": "true", "PROXY_COUNT": "2"}), func(c *config.Config) bool { return c.ProxyCount == 2 }, ""},
		{"no proxies", prod(map[string]string{"PROXY_COUNT": "0"}), nil, "PROXY_COUNT"},
		{"too many proxies", prod(map[string]string{"PROXY_COUNT": "11"}), nil, "PROXY_COUNT"},
		{"proxy count nonsense", prod(map[string]string{"PROXY_COUNT": "two"}), nil, "PROXY_COUNT"},
		{"site URL", prod(map[string]string{"SITE_URL": "https://Lettings.example.com/"}), func(c *config.Config) bool { return c.SiteURL == "https://lettings.example.com" }, ""},
		{"site URL with a port", prod(map[string]string{"SITE_URL": "http://127.0.0.1:8000"}), func(c *config.Config) bool { return c.SiteURL == "http://127.0.0.1:8000" }, ""},
		{"no site URL by default", prod(nil), func(c *config.Config) bool { return c.SiteURL == "" }, ""},
		{"site URL without a scheme", prod(map[string]string{"SITE_URL": "lettings.example.com"}), nil, "SITE_URL"},
		{"site URL with a path", prod(map[string]string{"SITE_URL": "https://example.com/lettings/"}), nil, "SITE_URL"},
		{"site URL of another scheme", prod(map[string]string{"SITE_URL": "ftp://example.com"}), nil, "SITE_URL"},
		{"site URL with a query", prod(map[string]string{"SITE_URL": "https://example.com?x=1"}), nil, "SITE_URL"},
		{"negative hsts", prod(map[string]string{"SECURE_HSTS_SECONDS": "-1"}), nil, "SECURE_HSTS_SECONDS"},
		{"tiny body limit", prod(map[string]string{"MAX_BODY_BYTES": "10"}), nil, "MAX_BODY_BYTES"},
		{"body limit with unit", prod(map[string]string{"MAX_BODY_BYTES": "2MB"}), nil, "MAX_BODY_BYTES"},
		{"import limit", prod(map[string]string{"IMPORT_MAX_BYTES": "1048576"}), func(c *config.Config) bool { return c.ImportMaxBytes == 1048576 && c.MaxBodyBytes == 2621440 }, ""},
		{"import limit by default", prod(nil), func(c *config.Config) bool { return c.ImportMaxBytes == 256<<20 }, ""},
		{"import limit over a gigabyte", prod(map[string]string{"IMPORT_MAX_BYTES": "2147483648"}), nil, "IMPORT_MAX_BYTES"},
		{"shutdown in seconds", prod(map[string]string{"SHUTDOWN_TIMEOUT": "5"}), func(c *config.Config) bool { return c.ShutdownTimeout == 5*time.Second }, ""},
		{"shutdown as a duration", prod(map[string]string{"SHUTDOWN_TIMEOUT": "1m"}), func(c *config.Config) bool { return c.ShutdownTimeout == time.Minute }, ""},
		{"shutdown too long", prod(map[string]string{"SHUTDOWN_TIMEOUT": "1h"}), nil, "SHUTDOWN_TIMEOUT"},
		{"shutdown nonsense", prod(map[string]string{"SHUTDOWN_TIMEOUT": "soon"}), nil, "SHUTDOWN_TIMEOUT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.problem != "" {
				problems := loadErr(t, tc.env)
				if len(problems) != 1 || problems[0].Var != tc.problem {
					t.Errorf("got %v, want one problem on %s", problems, tc.problem)
				}
				return
			}
			if c := mustLoad(t, tc.env); !tc.check(c) {
				t.Errorf("got %+v, want the option applied", c)
			}
		})
	}
}

func TestBackupOptions(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		dir     string
		every   time.Duration
		keep    int
		problem string // the variable named in the one problem; empty for none
		message string // what the problem must say
	}{
		{name: "defaults beside the SQLite file", env: prod(map[string]string{"DATABASE_URL": "sqlite:/data/db.sqlite3"}), dir: "/data/backups", every: 24 * time.Hour, keep: 7},
		{name: "defaults beside a relative file", env: prod(nil), dir: "backups", every: 24 * time.Hour, keep: 7},
		{name: "no directory on PostgreSQL", env: prod(map[string]string{"DATABASE_URL": "postgres://app@db/app"}), dir: "", every: 24 * time.Hour, keep: 7},
		{name: "everything set", env: prod(map[string]string{"BACKUP_DIR": "/mnt/backups", "BACKUP_INTERVAL": "6h30m", "BACKUP_KEEP": "30"}), dir: "/mnt/backups", every: 6*time.Hour + 30*time.Minute, keep: 30},
		{name: "off", env: prod(map[string]string{"BACKUP_INTERVAL": "0"}), dir: "backups", every: 0, keep: 7},
		{name: "a minute", env: prod(map[string]string{"BACKUP_INTERVAL": "1m"}), dir: "backups", every: time.Minute, keep: 7},
		{name: "negative interval", env: prod(map[string]string{"BACKUP_INTERVAL": "-1h"}), problem: "BACKUP_INTERVAL", message: "negative"},
		{name: "sub-minute interval", env: prod(map[string]string{"BACKUP_INTERVAL": "30s"}), problem: "BACKUP_INTERVAL", message: "less than a minute"},
		{name: "interval without unit", env: prod(map[string]string{"BACKUP_INTERVAL": "24"}), problem: "BACKUP_INTERVAL", message: "not a duration"},
		{name: "interval nonsense", env: prod(map[string]string{"BACKUP_INTERVAL": "daily"}), problem: "BACKUP_INTERVAL", message: "not a duration"},
		{name: "keep none", env: prod(map[string]string{"BACKUP_KEEP": "0"}), problem: "BACKUP_KEEP", message: "from 1 to 1000"},
		{name: "keep negative", env: prod(map[string]string{"BACKUP_KEEP": "-3"}), problem: "BACKUP_KEEP", message: "from 1 to 1000"},
		{name: "keep nonsense", env: prod(map[string]string{"BACKUP_KEEP": "all"}), problem: "BACKUP_KEEP", message: "from 1 to 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.problem != "" {
				problems := loadErr(t, tc.env)
				if len(problems) != 1 || problems[0].Var != tc.problem || !strings.Contains(problems[0].Message, tc.message) {
					t.Errorf("got %v, want one problem on %s saying %q", problems, tc.problem, tc.message)
				}
				return
			}
			c := mustLoad(t, tc.env)
			if c.BackupDir != tc.dir || c.BackupInterval != tc.every || c.BackupKeep != tc.keep {
				t.Errorf("got dir %q, interval %v, keep %d; want %q, %v, %d", c.BackupDir, c.BackupInterval, c.BackupKeep, tc.dir, tc.every, tc.keep)
			}
		})
	}
	t.Run("the message names the variable", func(t *testing.T) {
		_, err := config.Load(env(prod(map[string]string{"BACKUP_INTERVAL": "10s"})))
		if err == nil || !strings.Contains(err.Error(), "BACKUP_INTERVAL: ") {
			t.Errorf("got %v, want an error naming BACKUP_INTERVAL", err)
		}
	})
}

func TestRestoreFrom(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		problem string // what the one problem on RESTORE_FROM must say; empty for none
	}{
		{name: "unset", env: prod(nil), want: ""},
		{name: "a backup's name", env: prod(map[string]string{"RESTORE_FROM": "oc-lettings-20261125T120000Z.sqlite3"}), want: "oc-lettings-20261125T120000Z.sqlite3"},
		{name: "a path", env: prod(map[string]string{"RESTORE_FROM": " /data/old.sqlite3\n"}), want: "/data/old.sqlite3"},
		{name: "PostgreSQL", env: prod(map[string]string{"DATABASE_URL": "postgres://app@db/app", "RESTORE_FROM": "x.sqlite3"}), problem: "pg_restore"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.problem != "" {
				problems := loadErr(t, tc.env)
				if len(problems) != 1 || problems[0].Var != "RESTORE_FROM" || !strings.Contains(problems[0].Message, tc.problem) {
					t.Errorf("got %v, want one problem on RESTORE_FROM saying %q", problems, tc.problem)
				}
				return
			}
			if got := mustLoad(t, tc.env).RestoreFrom; got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("not confused by a bad DATABASE_URL", func(t *testing.T) {
		problems := loadErr(t, prod(map[string]string{"DATABASE_URL": "mysql://db/x", "RESTORE_FROM": "x.sqlite3"}))
		if len(problems) != 1 || problems[0].Var != "DATABASE_URL" {
			t.Errorf("got %v, want the one problem on DATABASE_URL", problems)
		}
	})
}

func TestProxyCountNotice(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		notice string // empty: no notice about these options
	}{
		{"a proxy count without trusting proxies", prod(map[string]string{"PROXY_COUNT": "2"}), "PROXY_COUNT has no effect unless TRUST_PROXY_HEADERS is true"},
		{"a proxy count with trusted proxies", prod(map[string]string{"TRUST_PROXY_HEADERS": "true", "PROXY_COUNT": "2"}), ""},
		{"a superuser declared", prod(map[string]string{"SUPERUSER_USERNAME": "boss", "SUPERUSER_PASSWORD": "Tangerine-Harbour-42"}), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			notices := strings.Join(mustLoad(t, tc.env).Notices, "\n")
			switch {
			case tc.notice == "" && (strings.Contains(notices, "PROXY_COUNT") || strings.Contains(notices, "SUPERUSER")):
				t.Errorf("got notices %q, want none about these options", notices)
			case tc.notice != "" && !strings.Contains(notices, tc.notice):
				t.Errorf("got notices %q, want %q", notices, tc.notice)
			}
			if strings.Contains(notices, "Tangerine") {
				t.Error("got the password in a notice")
			}
		})
	}
}

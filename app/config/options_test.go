package config_test

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"oclettings/app/config"
	"oclettings/app/datadir"
)

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

func TestTimeZone(t *testing.T) {
	if c := mustLoad(t, prod(nil)); c.TimeZone.String() != "UTC" {
		t.Errorf("default time zone %q, want UTC", c.TimeZone)
	}
	c := mustLoad(t, prod(map[string]string{"TIME_ZONE": "America/Los_Angeles"}))
	summer := time.Date(2020, 6, 14, 16, 44, 0, 0, time.UTC).In(c.TimeZone)
	if summer.Hour() != 9 {
		t.Errorf("16:44 UTC in Los Angeles is %v, want 9:44 (the zone database must be embedded)", summer)
	}
	for _, raw := range []string{"Mars/Olympus", "Local", "/etc/passwd", "../../etc/passwd", "Europe/\x00Paris"} {
		t.Run("invalid "+raw, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"TIME_ZONE": raw}), "TIME_ZONE", "not a time zone name")
		})
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

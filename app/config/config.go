// Package config reads the application's settings from the environment.
//
// Every option lives in one table (see options): the variables it is read
// from, its default, its parser/validator, and whether it is secret. Load and
// Dump both walk that table, so an option cannot be loaded without also being
// reported by `app check`, and a secret cannot be added without being redacted.
package config

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/getsentry/sentry-go"

	"oclettings/app/datadir"
)

// Database says which database to open.
type Database struct {
	Kind string // "sqlite" or "postgres"
	Path string // the SQLite file path, for Kind == "sqlite"
	Host string // host and port of the PostgreSQL server, for Kind == "postgres"
	URL  string // the raw DATABASE_URL value as given; may hold a password
}

// Where names the database for operators: the SQLite file, or the
// PostgreSQL host and database, never the password.
func (d Database) Where() string {
	if d.Kind == "sqlite" {
		return d.Path
	}
	return redactURL(d.URL)
}

// Superuser is the administrator declared in the environment. Password is
// secret: it is redacted by Dump and never logged.
type Superuser struct{ Username, Email, Password string }

// Config is the validated application configuration.
type Config struct {
	Database               Database
	Port                   int
	Debug                  bool
	SecretKey              string // secret
	SecretKeyGenerated     bool   // DEBUG on and no key given: a random per-process key was made
	AllowedHosts           []string
	SentryDSN              string // secret
	SentryEnvironment      string
	SentryTracesSampleRate float64
	LogLevel               slog.Level
	LogFormat              string // "json" or "text"
	Superuser              Superuser
	RunAs                  *datadir.User // started as root, become this user (the image sets it)
	TrustProxyHeaders      bool          // X-Forwarded-For and X-Forwarded-Proto come from a trusted proxy
	ProxyCount             int           // how many trusted proxies append to X-Forwarded-For
	SiteURL                string        // scheme and host of the site's absolute links (robots.txt, sitemaps); empty: the request's own
	SecureSSLRedirect      bool
	HSTSSeconds            int
	MaxBodyBytes           int64
	ImportMaxBytes         int64 // the body limit of the admin's Django import, which uploads a database file
	ShutdownTimeout        time.Duration
	BackupDir              string        // where `app serve` keeps its SQLite backups
	BackupInterval         time.Duration // between scheduled backups; 0 turns them off
	BackupKeep             int           // scheduled backups kept, newest first
	RestoreFrom            string        // a backup serve and migrate put in place of the SQLite database (a name in BackupDir, or a path)
	Notices                []string

	// PasswordHashConcurrency is how many password hashes run at once; the
	// others wait briefly, then get 503.
	PasswordHashConcurrency int

	// sources records, per option name, the variable the value was read from
	// (or "default"), because Dump has to tell the operator which of
	// DEBUG/DJANGO_DEBUG or SECRET_KEY/SECRET_KEY_FILE actually took effect.
	sources map[string]string
}

// Error lists every configuration problem at once, so an operator fixing a
// deployment sees all of them in one attempt instead of one per restart.
type Error struct{ Problems []Problem }

// Problem is one invalid or missing option. Var is the variable the operator
// has to change: the one actually set (DJANGO_DEBUG, SECRET_KEY_FILE, …) or,
// for a missing value, the preferred name.
type Problem struct{ Var, Message string }

func (e *Error) Error() string {
	switch len(e.Problems) {
	case 0:
		return "invalid configuration"
	case 1:
		p := e.Problems[0]
		return "invalid configuration: " + p.Var + ": " + p.Message
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", p.Var, p.Message)
	}
	return b.String()
}

// Setting is one line of Dump.
type Setting struct{ Name, Value, Source string }

const (
	redacted      = "********"
	notSet        = "(not set)"
	sourceDefault = "default"
	sourceUnknown = "(unknown)"

	minSecretKeyLen       = 32
	generatedSecretKeyLen = 50

	supportedDatabases = "sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE"
	devAllowedHosts    = "localhost,127.0.0.1,[::1]"
)

// option is one row of the configuration table.
type option struct {
	// name is the option's canonical variable, used in Dump and when a
	// required value is missing.
	name string
	// vars are read in order and the first one set wins; the Django-era names
	// come after the current ones so the existing Render and GitHub settings
	// keep working.
	vars []string
	// fileVar names a variable holding the path of a file with the value, so
	// secrets can come from a mounted secret file instead of the environment.
	fileVar string
	secret  bool
	// def gives the raw value used when no variable is set; it runs after the
	// options above it, so it may depend on them (mostly on DEBUG). An empty
	// result means there is no default here.
	def func(c *Config) string
	// required, when there is no default, is what to tell the operator;
	// empty means the option is optional.
	required string
	// servingOnly marks a requirement only the web server has: commands that
	// manage the database never sign anything nor answer a Host header, and
	// must work before the site's secrets exist (in a build step, say).
	servingOnly bool
	// parse validates raw and stores it in c; the error names what is
	// acceptable and never echoes a secret.
	parse func(c *Config, raw string) error
	// show renders the stored value for Dump, before redaction.
	show func(c *Config) string
	// ignored marks a variable that is accepted but has no effect; the text
	// says why, and becomes a notice when the variable is set.
	ignored string
}

// options is the configuration table. DEBUG comes first because other
// defaults and requirements depend on it; problems are reported in this order.
func options() []option {
	return []option{
		{
			name:  "DEBUG",
			vars:  []string{"DEBUG", "DJANGO_DEBUG"},
			def:   constant("false"),
			parse: func(c *Config, raw string) (err error) { c.Debug, err = parseBool(raw); return err },
			show:  func(c *Config) string { return strconv.FormatBool(c.Debug) },
		},
		{
			name:  "DATABASE_URL",
			vars:  []string{"DATABASE_URL"},
			def:   constant("sqlite:oc-lettings.sqlite3"),
			parse: func(c *Config, raw string) (err error) { c.Database, err = ParseDatabaseURL(raw); return err },
			show:  func(c *Config) string { return redactURL(c.Database.URL) },
		},
		{
			name:  "PORT",
			vars:  []string{"PORT"},
			def:   constant("8000"),
			parse: func(c *Config, raw string) (err error) { c.Port, err = parsePort(raw); return err },
			show:  func(c *Config) string { return strconv.Itoa(c.Port) },
		},
		{
			name:        "SECRET_KEY",
			vars:        []string{"SECRET_KEY", "DJANGO_SECRET_KEY"},
			fileVar:     "SECRET_KEY_FILE",
			secret:      true,
			def:         generateDevSecretKey,
			required:    fmt.Sprintf("required when DEBUG is off; set SECRET_KEY (or SECRET_KEY_FILE to a file holding it) to at least %d random characters", minSecretKeyLen),
			servingOnly: true,
			parse:       parseSecretKey,
			show:        func(c *Config) string { return c.SecretKey },
		},
		{
			name:        "ALLOWED_HOSTS",
			vars:        []string{"ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS"},
			def:         debugOr(devAllowedHosts, ""),
			required:    `required when DEBUG is off; list the host names the site is served under, comma-separated (example.com, .example.org) or as a JSON list (["example.com"])`,
			servingOnly: true,
			parse:       parseAllowedHostsOption,
			show:        func(c *Config) string { return strings.Join(c.AllowedHosts, ",") },
		},
		{
			name:   "SENTRY_DSN",
			vars:   []string{"SENTRY_DSN"},
			secret: true,
			parse:  func(c *Config, raw string) (err error) { c.SentryDSN, err = parseSentryDSN(raw); return err },
			show:   func(c *Config) string { return c.SentryDSN },
		},
		{
			name: "SENTRY_ENVIRONMENT",
			vars: []string{"SENTRY_ENVIRONMENT"},
			def:  debugOr("development", "production"),
			parse: func(c *Config, raw string) (err error) {
				c.SentryEnvironment, err = parseSentryEnvironment(raw)
				return err
			},
			show: func(c *Config) string { return c.SentryEnvironment },
		},
		{
			name: "SENTRY_TRACES_SAMPLE_RATE",
			vars: []string{"SENTRY_TRACES_SAMPLE_RATE"},
			def:  constant("0"),
			parse: func(c *Config, raw string) (err error) {
				c.SentryTracesSampleRate, err = parseSampleRate(raw)
				return err
			},
			show: func(c *Config) string { return strconv.FormatFloat(c.SentryTracesSampleRate, 'g', -1, 64) },
		},
		{
			name:  "LOG_LEVEL",
			vars:  []string{"LOG_LEVEL"},
			def:   constant("info"),
			parse: func(c *Config, raw string) (err error) { c.LogLevel, err = parseLogLevel(raw); return err },
			show:  func(c *Config) string { return strings.ToLower(c.LogLevel.String()) },
		},
		{
			name:  "LOG_FORMAT",
			vars:  []string{"LOG_FORMAT"},
			def:   debugOr("text", "json"),
			parse: func(c *Config, raw string) (err error) { c.LogFormat, err = parseLogFormat(raw); return err },
			show:  func(c *Config) string { return c.LogFormat },
		},
		{
			// The image sets it: started as root (a fresh Render disk is
			// root's), the app gives its data directory to this user and
			// becomes it before opening the database. Unset, a root start
			// stays root, as on a developer's machine, and gives nothing away.
			name:  "RUN_AS",
			vars:  []string{"RUN_AS"},
			parse: func(c *Config, raw string) (err error) { c.RunAs, err = parseRunAs(raw); return err },
			show: func(c *Config) string {
				if c.RunAs == nil {
					return ""
				}
				return fmt.Sprintf("%d:%d", c.RunAs.UID, c.RunAs.GID)
			},
		},
		{
			// The first administrator, for platforms where no shell can run
			// createsuperuser: serve and migrate create this superuser when no
			// user has the name, and never change one that exists.
			name:  "SUPERUSER_USERNAME",
			vars:  []string{"SUPERUSER_USERNAME", "DJANGO_SUPERUSER_USERNAME"},
			parse: func(c *Config, raw string) error { c.Superuser.Username = raw; return nil },
			show:  func(c *Config) string { return c.Superuser.Username },
		},
		{
			name:  "SUPERUSER_EMAIL",
			vars:  []string{"SUPERUSER_EMAIL", "DJANGO_SUPERUSER_EMAIL"},
			parse: func(c *Config, raw string) error { c.Superuser.Email = raw; return nil },
			show:  func(c *Config) string { return c.Superuser.Email },
		},
		{
			name:   "SUPERUSER_PASSWORD",
			vars:   []string{"SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_PASSWORD"},
			secret: true,
			parse:  func(c *Config, raw string) error { c.Superuser.Password = raw; return nil },
			show:   func(c *Config) string { return c.Superuser.Password },
		},
		{
			name:  "TRUST_PROXY_HEADERS",
			vars:  []string{"TRUST_PROXY_HEADERS"},
			def:   constant("false"),
			parse: func(c *Config, raw string) (err error) { c.TrustProxyHeaders, err = parseBool(raw); return err },
			show:  func(c *Config) string { return strconv.FormatBool(c.TrustProxyHeaders) },
		},
		{
			// The client is the X-Forwarded-For entry this many places from
			// the right; the entries left of it are whatever the client sent.
			name: "PROXY_COUNT",
			vars: []string{"PROXY_COUNT"},
			def:  constant("1"),
			parse: func(c *Config, raw string) (err error) {
				c.ProxyCount, err = parseBounded(raw, 1, 10, "the number of proxies in front of the site")
				if err == nil && !c.TrustProxyHeaders && c.sources["PROXY_COUNT"] != sourceDefault {
					c.notice("PROXY_COUNT has no effect unless TRUST_PROXY_HEADERS is true")
				}
				return err
			},
			show: func(c *Config) string { return strconv.Itoa(c.ProxyCount) },
		},
		{
			// Pages with absolute links name the site by it, whatever Host
			// a request came with; unset, they name the scheme (proxy-aware)
			// and host of each request.
			name:  "SITE_URL",
			vars:  []string{"SITE_URL"},
			parse: func(c *Config, raw string) (err error) { c.SiteURL, err = parseSiteURL(raw); return err },
			show:  func(c *Config) string { return c.SiteURL },
		},
		{
			name:  "SECURE_SSL_REDIRECT",
			vars:  []string{"SECURE_SSL_REDIRECT", "DJANGO_SECURE_SSL_REDIRECT"},
			def:   constant("false"),
			parse: func(c *Config, raw string) (err error) { c.SecureSSLRedirect, err = parseBool(raw); return err },
			show:  func(c *Config) string { return strconv.FormatBool(c.SecureSSLRedirect) },
		},
		{
			name: "SECURE_HSTS_SECONDS",
			vars: []string{"SECURE_HSTS_SECONDS", "DJANGO_SECURE_HSTS_SECONDS"},
			def:  constant("31536000"),
			parse: func(c *Config, raw string) (err error) {
				c.HSTSSeconds, err = parseBounded(raw, 0, 2*31536000, "a number of seconds")
				return err
			},
			show: func(c *Config) string { return strconv.Itoa(c.HSTSSeconds) },
		},
		{
			name: "MAX_BODY_BYTES",
			vars: []string{"MAX_BODY_BYTES"},
			def:  constant("2621440"),
			parse: func(c *Config, raw string) error {
				n, err := parseBounded(raw, 1024, 1<<30, "a size in bytes")
				c.MaxBodyBytes = int64(n)
				return err
			},
			show: func(c *Config) string { return strconv.FormatInt(c.MaxBodyBytes, 10) },
		},
		{
			// Each password hash holds its Argon2 memory until it ends: this
			// bound is what keeps a burst of logins within the instance.
			name: "PASSWORD_HASH_CONCURRENCY",
			vars: []string{"PASSWORD_HASH_CONCURRENCY"},
			def:  func(*Config) string { return strconv.Itoa(DefaultPasswordHashConcurrency()) },
			parse: func(c *Config, raw string) (err error) {
				c.PasswordHashConcurrency, err = parseBounded(raw, 1, 64, "a number of password hashes")
				return err
			},
			show: func(c *Config) string { return strconv.Itoa(c.PasswordHashConcurrency) },
		},
		{
			// A database file: far more than any form, yet bounded, as the
			// upload goes to a temporary file before the import reads it.
			name: "IMPORT_MAX_BYTES",
			vars: []string{"IMPORT_MAX_BYTES"},
			def:  constant("268435456"),
			parse: func(c *Config, raw string) error {
				n, err := parseBounded(raw, 1024, 1<<30, "a size in bytes")
				c.ImportMaxBytes = int64(n)
				return err
			},
			show: func(c *Config) string { return strconv.FormatInt(c.ImportMaxBytes, 10) },
		},
		{
			name: "SHUTDOWN_TIMEOUT",
			vars: []string{"SHUTDOWN_TIMEOUT"},
			// Under the 30 seconds Render waits after SIGTERM before killing.
			def: constant("25s"),
			parse: func(c *Config, raw string) (err error) {
				c.ShutdownTimeout, err = parseTimeout(raw)
				return err
			},
			show: func(c *Config) string { return c.ShutdownTimeout.String() },
		},
		{
			// Beside the database, so that on a platform's persistent disk the
			// backups live on the one volume that survives a deploy.
			name: "BACKUP_DIR",
			vars: []string{"BACKUP_DIR"},
			def: func(c *Config) string {
				if c.Database.Kind != "sqlite" {
					return "" // PostgreSQL is backed up with its own tools
				}
				return filepath.Join(filepath.Dir(c.Database.Path), "backups")
			},
			parse: func(c *Config, raw string) error { c.BackupDir = raw; return nil },
			show:  func(c *Config) string { return c.BackupDir },
		},
		{
			name:  "BACKUP_INTERVAL",
			vars:  []string{"BACKUP_INTERVAL"},
			def:   constant("24h"),
			parse: func(c *Config, raw string) (err error) { c.BackupInterval, err = parseBackupInterval(raw); return err },
			show:  func(c *Config) string { return shortDuration(c.BackupInterval) },
		},
		{
			name: "BACKUP_KEEP",
			vars: []string{"BACKUP_KEEP"},
			def:  constant("7"),
			parse: func(c *Config, raw string) (err error) {
				c.BackupKeep, err = parseBounded(raw, 1, 1000, "a number of backups")
				return err
			},
			show: func(c *Config) string { return strconv.Itoa(c.BackupKeep) },
		},
		{
			// Where the database's disk is seen by the running service only
			// (Render's), the one way to restore a backup: serve and migrate
			// put it in place before they open the database, once (see
			// backup.Restore).
			name: "RESTORE_FROM",
			vars: []string{"RESTORE_FROM"},
			parse: func(c *Config, raw string) error {
				if c.Database.Kind == "postgres" {
					return errors.New("restores an SQLite database only; a PostgreSQL database is restored with pg_restore from a pg_dump archive (see docs/operations.md); unset RESTORE_FROM")
				}
				c.RestoreFrom = raw
				return nil
			},
			show: func(c *Config) string { return c.RestoreFrom },
		},
		{
			name:    "DJANGO_MIDDLEWARE",
			vars:    []string{"DJANGO_MIDDLEWARE"},
			ignored: "the middleware chain is built into the binary",
		},
		{
			name:    "DJANGO_STATICFILES_STORAGE",
			vars:    []string{"DJANGO_STATICFILES_STORAGE"},
			ignored: "static files are embedded in the binary and served compressed with hashed names",
		},
	}
}

// DefaultPasswordHashConcurrency is one password hash per CPU, at most 4: a
// hash uses one core for its whole duration, so more at once only queue in
// the scheduler while holding their memory, and 4 × 19 MiB stays small.
func DefaultPasswordHashConcurrency() int {
	return min(runtime.NumCPU(), 4)
}

// Load reads every option through getenv (os.LookupEnv in production) and
// returns either a valid configuration or an *Error listing every problem.
//
// A variable that is set but empty or only whitespace counts as unset: Render
// keeps variables whose value was cleared, and an empty PORT or DEBUG almost
// always means "use the default", never "fail". Values are trimmed for the same
// reason: a pasted value easily picks up a trailing newline.
func Load(getenv func(string) (string, bool)) (*Config, error) {
	return load(getenv, true)
}

// LoadForManagement is Load for the commands that only manage the database
// (migrate, createsuperuser, changepassword): a missing SECRET_KEY or
// ALLOWED_HOSTS is no problem for them, though a value that is set must still
// be valid.
func LoadForManagement(getenv func(string) (string, bool)) (*Config, error) {
	return load(getenv, false)
}

func load(getenv func(string) (string, bool), serving bool) (*Config, error) {
	c := &Config{sources: map[string]string{}}
	var problems []Problem
	for _, o := range options() {
		raw, source, p := o.lookup(c, getenv)
		if p != nil {
			problems = append(problems, *p)
			continue
		}
		if o.ignored != "" {
			if source != "" {
				c.notice(source + " is ignored: " + o.ignored)
			}
			continue
		}
		if source == "" {
			if o.def != nil {
				raw = o.def(c)
			}
			if raw == "" && o.required != "" && (serving || !o.servingOnly) {
				problems = append(problems, Problem{Var: o.name, Message: o.required})
				continue
			}
			source = sourceDefault
		}
		c.sources[o.name] = source
		if raw == "" {
			continue // optional and unset: the zero value means "off"
		}
		if err := o.parse(c, raw); err != nil {
			// A default that fails its own parser is a bug in the table, but
			// the operator can still only act on the option's name.
			v := source
			if v == sourceDefault {
				v = o.name
			}
			problems = append(problems, Problem{Var: v, Message: err.Error()})
		}
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return c, nil
}

// lookup finds the raw value of o and the variable it came from; source is
// empty when nothing is set.
func (o option) lookup(c *Config, getenv func(string) (string, bool)) (raw, source string, p *Problem) {
	for _, name := range o.vars {
		v, ok := get(getenv, name)
		if !ok {
			continue
		}
		if source == "" {
			raw, source = v, name
		} else if v != raw {
			// Silently shadowing an old variable leaves an operator editing
			// the Django-era name and wondering why nothing changes.
			c.notice(fmt.Sprintf("%s is ignored because %s is set", name, source))
		}
	}
	if o.fileVar == "" {
		return raw, source, nil
	}
	path, ok := get(getenv, o.fileVar)
	if !ok {
		return raw, source, nil
	}
	if source != "" {
		// Unlike the Django-era fallbacks, neither has an obvious priority, so
		// guessing could silently run with the wrong secret.
		return "", "", &Problem{Var: o.fileVar, Message: fmt.Sprintf("cannot be combined with %s; set only one of them", source)}
	}
	b, err := readSecretFile(path)
	if err != nil {
		reason := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err.Error()
		}
		return "", "", &Problem{Var: o.fileVar, Message: fmt.Sprintf("cannot read %q: %s", path, reason)}
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", "", &Problem{Var: o.fileVar, Message: fmt.Sprintf("file %q is empty", path)}
	}
	return v, o.fileVar, nil
}

// maxSecretFile bounds what a *_FILE option reads: a secret is a line, and
// a path mistyped as /dev/zero must not fill the memory.
const maxSecretFile = 64 << 10

// readSecretFile reads a regular file of at most maxSecretFile bytes. A
// FIFO or a device would block the start or never end, so only a regular
// file (or a link to one, as mounted secrets are) is read.
func readSecretFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err == nil && len(b) > maxSecretFile {
		err = fmt.Errorf("larger than %d KiB; it should hold only the secret", maxSecretFile>>10)
	}
	return b, err
}

func get(getenv func(string) (string, bool), name string) (string, bool) {
	v, ok := getenv(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (c *Config) notice(s string) { c.Notices = append(c.Notices, s) }

// Dump returns the effective configuration in table order for `app check`,
// with secrets redacted and the source of every value.
func (c *Config) Dump() []Setting {
	var out []Setting
	for _, o := range options() {
		if o.ignored != "" {
			continue
		}
		v := o.show(c)
		if o.secret {
			if v == "" {
				v = notSet
			} else {
				v = redacted
			}
		}
		src, ok := c.sources[o.name]
		if !ok {
			src = sourceUnknown
		}
		out = append(out, Setting{Name: o.name, Value: v, Source: src})
	}
	return out
}

func constant(v string) func(*Config) string {
	return func(*Config) string { return v }
}

func debugOr(debug, production string) func(*Config) string {
	return func(c *Config) string {
		if c.Debug {
			return debug
		}
		return production
	}
}

// generateDevSecretKey lets a developer start the app with DEBUG on and
// nothing else configured. It only runs when no key was given, so the
// generated key still goes through the same length check as any other.
func generateDevSecretKey(c *Config) string {
	if !c.Debug {
		return ""
	}
	c.SecretKeyGenerated = true
	c.notice("SECRET_KEY is not set and DEBUG is on: using a random key for this process; sessions and signed values will not survive a restart")
	// rand.Text yields 26 base32 characters (130 bits) per call.
	return (rand.Text() + rand.Text())[:generatedSecretKeyLen]
}

func parseBool(raw string) (bool, error) {
	switch strings.ToLower(raw) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean; use true/false, 1/0, yes/no or on/off", raw)
}

// ParseDatabaseURL reads a DATABASE_URL value: sqlite:PATH or a PostgreSQL URL.
func ParseDatabaseURL(raw string) (Database, error) {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || !isURLScheme(scheme) {
		// Not echoing raw: a mistyped PostgreSQL URL would carry a password.
		return Database{}, errors.New("not a database URL; supported: " + supportedDatabases)
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		switch {
		case rest == "":
			return Database{}, errors.New("missing file path; use sqlite:PATH, e.g. sqlite:oc-lettings.sqlite3")
		case rest == ":memory:" || strings.Contains(rest, "mode=memory"):
			return Database{}, errors.New("in-memory SQLite is not supported: the app opens a read pool and a separate write connection, which would each see their own empty database; use sqlite:PATH with a file")
		case strings.HasPrefix(rest, "//"):
			// sqlite:///x.db means the relative x.db to dj-database-url but
			// the absolute /x.db if taken literally; refuse rather than guess.
			return Database{}, fmt.Errorf("%q: the path after sqlite: is taken literally, not as a URL; write sqlite:relative/path or sqlite:/absolute/path", raw)
		}
		return Database{Kind: "sqlite", Path: rest, URL: raw}, nil
	case "postgres", "postgresql":
		return parsePostgresURL(raw)
	}
	return Database{}, fmt.Errorf("unsupported scheme %q; supported: %s", scheme, supportedDatabases)
}

// isURLScheme follows RFC 3986, so that text which merely contains a colon
// (such as user:password@host) is not mistaken for a scheme and echoed.
func isURLScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}

// parsePostgresURL checks the shape of a PostgreSQL URL. The driver reads
// the rest (sslmode, sslrootcert, connect_timeout…) when it connects, so
// every option libpq documents keeps its meaning.
func parsePostgresURL(raw string) (Database, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's errors quote the input, password included.
		return Database{}, errors.New("not a valid PostgreSQL URL; use postgres://USER:PASSWORD@HOST:PORT/DATABASE (a password with special characters must be percent-encoded)")
	}
	if u.Hostname() == "" {
		return Database{}, errors.New("the PostgreSQL URL has no host; use postgres://USER:PASSWORD@HOST:PORT/DATABASE")
	}
	if strings.Trim(u.Path, "/") == "" {
		return Database{}, fmt.Errorf("the PostgreSQL URL for host %s names no database; add it after the host: postgres://USER:PASSWORD@%s/DATABASE", u.Host, u.Host)
	}
	host := u.Host
	if u.Port() == "" {
		host += ":5432"
	}
	return Database{Kind: "postgres", Host: host, URL: raw}, nil
}

// redactURL hides the password of a PostgreSQL URL, in its user part or its
// query; SQLite URLs pass through unchanged.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "sqlite" {
		return raw // re-encoding could change how a plain path reads
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx") // as url.Redacted writes the user part's
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// parseTimeout reads a duration ("25s", "1m") or a number of seconds ("25"),
// from one second to ten minutes.
func parseTimeout(raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	if err != nil {
		n, nerr := strconv.Atoi(raw)
		if nerr != nil {
			return 0, fmt.Errorf("%q is not a duration; use seconds (25) or a Go duration (25s, 1m)", raw)
		}
		d = time.Duration(n) * time.Second
	}
	if d < time.Second || d > 10*time.Minute {
		return 0, fmt.Errorf("%q is outside 1s to 10m", raw)
	}
	return d, nil
}

// parseBackupInterval reads a Go duration of at least a minute, or 0 for
// no scheduled backups: a shorter interval would spend the disk and the
// database's time on copies nobody could tell apart.
func parseBackupInterval(raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration; use a Go duration (24h, 6h, 30m) or 0 to turn scheduled backups off", raw)
	case d < 0:
		return 0, fmt.Errorf("%q is negative; use a duration of at least 1m, or 0 to turn scheduled backups off", raw)
	case d > 0 && d < time.Minute:
		return 0, fmt.Errorf("%q is less than a minute; use a duration of at least 1m, or 0 to turn scheduled backups off", raw)
	}
	return d, nil
}

// shortDuration writes 24h rather than Go's 24h0m0s, as an operator would.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// parseBounded reads a whole number between lo and hi inclusive.
func parseBounded(raw string, lo, hi int, what string) (int, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q is not %s from %d to %d", raw, what, lo, hi)
	}
	return n, nil
}

// parseRunAs reads UID:GID (or UID alone, the group then being the same
// number), numeric: the image has no user database to look names up in.
func parseRunAs(raw string) (*datadir.User, error) {
	uid, gid, found := strings.Cut(raw, ":")
	if !found {
		gid = uid
	}
	u, uerr := strconv.Atoi(uid)
	g, gerr := strconv.Atoi(gid)
	if uerr != nil || gerr != nil || u < 1 || g < 1 || u > 1<<31-2 || g > 1<<31-2 {
		return nil, fmt.Errorf("%q is not UID:GID with numbers from 1 (root would not be dropped), e.g. 65532:65532", raw)
	}
	return &datadir.User{UID: u, GID: g}, nil
}

func parsePort(raw string) (int, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a port number; use an integer from 1 to 65535", raw)
	}
	return n, nil
}

func parseSecretKey(c *Config, raw string) error {
	// Enforced with DEBUG on too, so a development key cannot be promoted to
	// production unnoticed.
	if n := utf8.RuneCountInString(raw); n < minSecretKeyLen {
		return fmt.Errorf("too short (%d characters); use at least %d random characters", n, minSecretKeyLen)
	}
	c.SecretKey = raw
	return nil
}

func parseAllowedHostsOption(c *Config, raw string) error {
	hosts, err := parseAllowedHosts(raw)
	if err != nil {
		return err
	}
	if len(hosts) == 0 {
		if !c.Debug {
			return errors.New("lists no hosts; at least one is required when DEBUG is off")
		}
		// As in Django: with DEBUG on, an empty list means the local hosts.
		hosts, _ = parseAllowedHosts(devAllowedHosts)
	}
	c.AllowedHosts = hosts
	return nil
}

// parseAllowedHosts accepts a JSON list, the form the Django deployment on
// Render uses, or a comma-separated list.
func parseAllowedHosts(raw string) ([]string, error) {
	var entries []string
	if isJSONList(raw) {
		if err := json.Unmarshal([]byte(raw), &entries); err != nil {
			return nil, fmt.Errorf(`not a valid JSON list of strings (%v); use ["example.com","www.example.com"] or a comma-separated list`, err)
		}
	} else {
		entries = strings.Split(raw, ",")
	}
	var hosts, bad []string
	for _, e := range entries {
		h := strings.ToLower(strings.TrimSpace(e))
		if h == "" {
			continue
		}
		if err := checkHost(h); err != nil {
			bad = append(bad, err.Error())
			continue
		}
		hosts = append(hosts, h)
	}
	if len(bad) > 0 {
		return nil, errors.New(strings.Join(bad, "; "))
	}
	return hosts, nil
}

// isJSONList tells a JSON list apart from a comma list that starts with a
// bracketed IPv6 address ("[::1],localhost"); both start with "[".
func isJSONList(raw string) bool {
	if !strings.HasPrefix(raw, "[") {
		return false
	}
	rest := strings.TrimLeft(raw[1:], " \t\r\n")
	if strings.HasPrefix(rest, `"`) || strings.HasPrefix(rest, "]") {
		return true
	}
	end := strings.IndexByte(raw, ']')
	return end < 0 || !strings.Contains(raw[:end], ":")
}

const hostForms = `use a host name (example.com), a domain and its subdomains (.example.com), an IPv4 address, a bracketed IPv6 address ([::1]) or *`

func checkHost(h string) error {
	switch {
	case h == "*":
		return nil
	case strings.Contains(h, "://"):
		return fmt.Errorf("%q: remove the scheme; ALLOWED_HOSTS takes host names, not URLs", h)
	case strings.ContainsAny(h, "/?#"):
		return fmt.Errorf("%q: remove the path; ALLOWED_HOSTS takes host names, not URLs", h)
	case strings.HasPrefix(h, "["):
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return fmt.Errorf("%q: missing closing bracket", h)
		}
		a, err := netip.ParseAddr(h[1:end])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return fmt.Errorf("%q: not a valid IPv6 address", h)
		}
		if rest := h[end+1:]; rest != "" {
			if strings.HasPrefix(rest, ":") {
				return portError(h, h[:end+1])
			}
			return fmt.Errorf("%q: unexpected text after the IPv6 address; %s", h, hostForms)
		}
		return nil
	case strings.Contains(h, ":"):
		if a, err := netip.ParseAddr(h); err == nil && a.Is6() {
			return fmt.Errorf("%q: IPv6 addresses must be in brackets, like [%s]", h, h)
		}
		if host, _, _ := strings.Cut(h, ":"); strings.Count(h, ":") == 1 {
			return portError(h, host)
		}
		return fmt.Errorf("%q: %s", h, hostForms)
	case strings.Contains(h, "*"):
		return fmt.Errorf("%q: * is only allowed on its own; use .example.com to match a domain and its subdomains", h)
	}
	if a, err := netip.ParseAddr(h); err == nil && a.Is4() {
		return nil
	}
	if !isHostName(strings.TrimPrefix(h, ".")) {
		return fmt.Errorf("%q: %s", h, hostForms)
	}
	return nil
}

func portError(entry, host string) error {
	return fmt.Errorf("%q: ports are not allowed (Django's ALLOWED_HOSTS does not accept them either); use %q", entry, host)
}

// isHostName checks RFC 1123 labels, also allowing underscores because some
// internal names use them and Django matches them fine. An all-numeric last
// label is refused so that a mistyped IPv4 address is not taken for a name.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return strings.ContainsFunc(labels[len(labels)-1], func(r rune) bool { return r < '0' || r > '9' })
}

func parseSentryDSN(raw string) (string, error) {
	if _, err := sentry.NewDsn(raw); err != nil {
		reason := "unparseable"
		var pe *sentry.DsnParseError
		// The "invalid url" message quotes the whole DSN, which is secret.
		if errors.As(err, &pe) && !strings.HasPrefix(pe.Message, "invalid url") {
			reason = pe.Message
		}
		return "", fmt.Errorf("not a valid Sentry DSN (%s); copy it from the Sentry project settings, it looks like https://PUBLIC_KEY@HOST/PROJECT_ID", reason)
	}
	return raw, nil
}

// parseSentryEnvironment applies Sentry's own rules, which would otherwise
// only show up as events silently dropped by the server.
func parseSentryEnvironment(raw string) (string, error) {
	const rules = "it must be at most 64 characters, without spaces or slashes, and not \"None\""
	if len(raw) > 64 || raw == "None" || strings.ContainsFunc(raw, func(r rune) bool { return r == '/' || unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", fmt.Errorf("%q is not a valid Sentry environment; %s", raw, rules)
	}
	return raw, nil
}

func parseSampleRate(raw string) (float64, error) {
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || !(f >= 0 && f <= 1) { // also refuses NaN
		return 0, fmt.Errorf("%q is not a sample rate; use a number from 0 to 1 (0.1 traces 10%% of requests)", raw)
	}
	return f, nil
}

func parseLogLevel(raw string) (slog.Level, error) {
	switch strings.ToLower(raw) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%q is not a log level; use debug, info, warn or error", raw)
}

func parseLogFormat(raw string) (string, error) {
	switch f := strings.ToLower(raw); f {
	case "text", "json":
		return f, nil
	}
	return "", fmt.Errorf("%q is not a log format; use json or text", raw)
}

// parseSiteURL accepts an http or https address with a host and nothing
// after it but a slash, and returns it without the slash.
func parseSiteURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", errors.New("must be the site's address, scheme and host only, e.g. https://lettings.example.com")
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

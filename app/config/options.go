package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

const (
	minSecretKeyLen       = 32
	generatedSecretKeyLen = 50
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
	def func() string
	// required, when there is no default, is what to tell the operator;
	// empty means the option is optional.
	required string
	// servingOnly marks a requirement only the web server has: commands that
	// manage the database never sign anything nor answer a Host header, and
	// must work before the site's secrets exist (in a build step, say).
	servingOnly bool
	// parse validates raw and stores it in the configuration; the error
	// names what is acceptable and never echoes a secret.
	parse func(raw string) error
	// show renders the stored value for Dump, before redaction.
	show func() string
	// ignored marks a variable that is accepted but has no effect; the text
	// says why, and becomes a notice when the variable is set.
	ignored string
}

// options is the configuration table, bound to the c that Load fills and
// Dump reads. DEBUG comes first because other defaults and requirements
// depend on it; problems are reported in this order.
func options(c *Config) []option {
	return []option{
		{
			name:  "DEBUG",
			vars:  []string{"DEBUG", "DJANGO_DEBUG"},
			def:   constant("false"),
			parse: into(&c.Debug, parseBool),
			show:  func() string { return strconv.FormatBool(c.Debug) },
		},
		{
			name:  "DATABASE_URL",
			vars:  []string{"DATABASE_URL"},
			def:   constant("sqlite:oc-lettings.sqlite3"),
			parse: into(&c.Database, ParseDatabaseURL),
			show:  func() string { return redactURL(c.Database.URL) },
		},
		{
			name:  "PORT",
			vars:  []string{"PORT"},
			def:   constant("8000"),
			parse: into(&c.Port, parsePort),
			show:  func() string { return strconv.Itoa(c.Port) },
		},
		{
			name:        "SECRET_KEY",
			vars:        []string{"SECRET_KEY", "DJANGO_SECRET_KEY"},
			fileVar:     "SECRET_KEY_FILE",
			secret:      true,
			def:         c.generateDevSecretKey,
			required:    fmt.Sprintf("required when DEBUG is off; set SECRET_KEY (or SECRET_KEY_FILE to a file holding it) to at least %d random characters", minSecretKeyLen),
			servingOnly: true,
			parse:       into(&c.SecretKey, parseSecretKey),
			show:        func() string { return c.SecretKey },
		},
		{
			name:        "ALLOWED_HOSTS",
			vars:        []string{"ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS"},
			def:         c.debugOr(devAllowedHosts, ""),
			required:    `required when DEBUG is off; list the host names the site is served under, comma-separated (example.com, .example.org) or as a JSON list (["example.com"])`,
			servingOnly: true,
			parse:       c.parseAllowedHosts,
			show:        func() string { return strings.Join(c.AllowedHosts, ",") },
		},
		{
			name:   "SENTRY_DSN",
			vars:   []string{"SENTRY_DSN"},
			secret: true,
			parse:  into(&c.SentryDSN, parseSentryDSN),
			show:   func() string { return c.SentryDSN },
		},
		{
			name:  "SENTRY_ENVIRONMENT",
			vars:  []string{"SENTRY_ENVIRONMENT"},
			def:   c.debugOr("development", "production"),
			parse: into(&c.SentryEnvironment, parseSentryEnvironment),
			show:  func() string { return c.SentryEnvironment },
		},
		{
			name:  "SENTRY_TRACES_SAMPLE_RATE",
			vars:  []string{"SENTRY_TRACES_SAMPLE_RATE"},
			def:   constant("0"),
			parse: into(&c.SentryTracesSampleRate, parseSampleRate),
			show:  func() string { return strconv.FormatFloat(c.SentryTracesSampleRate, 'g', -1, 64) },
		},
		{
			name:  "LOG_LEVEL",
			vars:  []string{"LOG_LEVEL"},
			def:   constant("info"),
			parse: into(&c.LogLevel, parseLogLevel),
			show:  func() string { return strings.ToLower(c.LogLevel.String()) },
		},
		{
			name:  "LOG_FORMAT",
			vars:  []string{"LOG_FORMAT"},
			def:   c.debugOr("text", "json"),
			parse: into(&c.LogFormat, parseLogFormat),
			show:  func() string { return c.LogFormat },
		},
		{
			// Django's TIME_ZONE: the admin shows and reads dates in it;
			// the database keeps UTC whatever it is.
			name:  "TIME_ZONE",
			vars:  []string{"TIME_ZONE"},
			def:   constant("UTC"),
			parse: into(&c.TimeZone, parseTimeZone),
			show:  func() string { return c.TimeZone.String() },
		},
		{
			// The image sets it: started as root (a fresh Render disk is
			// root's), the app gives its data directory to this user and
			// becomes it before opening the database. Unset, a root start
			// stays root, as on a developer's machine, and gives nothing away.
			name:  "RUN_AS",
			vars:  []string{"RUN_AS"},
			parse: into(&c.RunAs, parseRunAs),
			show: func() string {
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
			parse: text(&c.Superuser.Username),
			show:  func() string { return c.Superuser.Username },
		},
		{
			name:  "SUPERUSER_EMAIL",
			vars:  []string{"SUPERUSER_EMAIL", "DJANGO_SUPERUSER_EMAIL"},
			parse: text(&c.Superuser.Email),
			show:  func() string { return c.Superuser.Email },
		},
		{
			name:   "SUPERUSER_PASSWORD",
			vars:   []string{"SUPERUSER_PASSWORD", "DJANGO_SUPERUSER_PASSWORD"},
			secret: true,
			parse:  text(&c.Superuser.Password),
			show:   func() string { return c.Superuser.Password },
		},
		{
			name:  "TRUST_PROXY_HEADERS",
			vars:  []string{"TRUST_PROXY_HEADERS"},
			def:   constant("false"),
			parse: into(&c.TrustProxyHeaders, parseBool),
			show:  func() string { return strconv.FormatBool(c.TrustProxyHeaders) },
		},
		{
			// The client is the X-Forwarded-For entry this many places from
			// the right; the entries left of it are whatever the client sent.
			name: "PROXY_COUNT",
			vars: []string{"PROXY_COUNT"},
			def:  constant("1"),
			parse: func(raw string) (err error) {
				c.ProxyCount, err = bounded(1, 10, "the number of proxies in front of the site")(raw)
				if err == nil && !c.TrustProxyHeaders && c.sources["PROXY_COUNT"] != sourceDefault {
					c.notice("PROXY_COUNT has no effect unless TRUST_PROXY_HEADERS is true")
				}
				return err
			},
			show: func() string { return strconv.Itoa(c.ProxyCount) },
		},
		{
			// Pages with absolute links name the site by it, whatever Host
			// a request came with; unset, they name the scheme (proxy-aware)
			// and host of each request.
			name:  "SITE_URL",
			vars:  []string{"SITE_URL"},
			parse: into(&c.SiteURL, parseSiteURL),
			show:  func() string { return c.SiteURL },
		},
		{
			name:  "SECURE_SSL_REDIRECT",
			vars:  []string{"SECURE_SSL_REDIRECT", "DJANGO_SECURE_SSL_REDIRECT"},
			def:   constant("false"),
			parse: into(&c.SecureSSLRedirect, parseBool),
			show:  func() string { return strconv.FormatBool(c.SecureSSLRedirect) },
		},
		{
			name:  "SECURE_HSTS_SECONDS",
			vars:  []string{"SECURE_HSTS_SECONDS", "DJANGO_SECURE_HSTS_SECONDS"},
			def:   constant("31536000"),
			parse: into(&c.HSTSSeconds, bounded(0, 2*31536000, "a number of seconds")),
			show:  func() string { return strconv.Itoa(c.HSTSSeconds) },
		},
		{
			name:  "MAX_BODY_BYTES",
			vars:  []string{"MAX_BODY_BYTES"},
			def:   constant("2621440"),
			parse: into(&c.MaxBodyBytes, parseSize),
			show:  func() string { return strconv.FormatInt(c.MaxBodyBytes, 10) },
		},
		{
			// Each password hash holds its Argon2 memory until it ends: this
			// bound is what keeps a burst of logins within the instance.
			name:  "PASSWORD_HASH_CONCURRENCY",
			vars:  []string{"PASSWORD_HASH_CONCURRENCY"},
			def:   func() string { return strconv.Itoa(DefaultPasswordHashConcurrency()) },
			parse: into(&c.PasswordHashConcurrency, bounded(1, 64, "a number of password hashes")),
			show:  func() string { return strconv.Itoa(c.PasswordHashConcurrency) },
		},
		{
			// A database file: far more than any form, yet bounded, as the
			// upload goes to a temporary file before the import reads it.
			name:  "IMPORT_MAX_BYTES",
			vars:  []string{"IMPORT_MAX_BYTES"},
			def:   constant("268435456"),
			parse: into(&c.ImportMaxBytes, parseSize),
			show:  func() string { return strconv.FormatInt(c.ImportMaxBytes, 10) },
		},
		{
			name: "SHUTDOWN_TIMEOUT",
			vars: []string{"SHUTDOWN_TIMEOUT"},
			// Under the 30 seconds Render waits after SIGTERM before killing.
			def:   constant("25s"),
			parse: into(&c.ShutdownTimeout, parseTimeout),
			show:  func() string { return c.ShutdownTimeout.String() },
		},
		{
			// Beside the database, so that on a platform's persistent disk the
			// backups live on the one volume that survives a deploy.
			name: "BACKUP_DIR",
			vars: []string{"BACKUP_DIR"},
			def: func() string {
				if c.Database.Kind != "sqlite" {
					return "" // PostgreSQL is backed up with its own tools
				}
				return filepath.Join(filepath.Dir(c.Database.Path), "backups")
			},
			parse: text(&c.BackupDir),
			show:  func() string { return c.BackupDir },
		},
		{
			name:  "BACKUP_INTERVAL",
			vars:  []string{"BACKUP_INTERVAL"},
			def:   constant("24h"),
			parse: into(&c.BackupInterval, parseBackupInterval),
			show:  func() string { return shortDuration(c.BackupInterval) },
		},
		{
			name:  "BACKUP_KEEP",
			vars:  []string{"BACKUP_KEEP"},
			def:   constant("7"),
			parse: into(&c.BackupKeep, bounded(1, 1000, "a number of backups")),
			show:  func() string { return strconv.Itoa(c.BackupKeep) },
		},
		{
			// Where the database's disk is seen by the running service only
			// (Render's), the one way to restore a backup: serve and migrate
			// put it in place before they open the database, once (see
			// backup.Restore).
			name: "RESTORE_FROM",
			vars: []string{"RESTORE_FROM"},
			parse: func(raw string) error {
				if c.Database.Kind == "postgres" {
					return errors.New("restores an SQLite database only; a PostgreSQL database is restored with pg_restore from a pg_dump archive (see docs/operations.md); unset RESTORE_FROM")
				}
				c.RestoreFrom = raw
				return nil
			},
			show: func() string { return c.RestoreFrom },
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

func constant(v string) func() string {
	return func() string { return v }
}

// debugOr is a default that depends on DEBUG, read when the default is
// needed: after DEBUG itself is loaded.
func (c *Config) debugOr(debug, production string) func() string {
	return func() string {
		if c.Debug {
			return debug
		}
		return production
	}
}

// generateDevSecretKey lets a developer start the app with DEBUG on and
// nothing else configured. It only runs when no key was given, so the
// generated key still goes through the same length check as any other.
func (c *Config) generateDevSecretKey() string {
	if !c.Debug {
		return ""
	}
	c.SecretKeyGenerated = true
	c.notice("SECRET_KEY is not set and DEBUG is on: using a random key for this process; sessions and signed values will not survive a restart")
	// rand.Text yields 26 base32 characters (130 bits) per call.
	return (rand.Text() + rand.Text())[:generatedSecretKeyLen]
}

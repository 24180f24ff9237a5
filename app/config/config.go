// Package config reads the application's settings from the environment.
//
// Every option lives in one table (see options): the variables it is read
// from, its default, its parser/validator, and whether it is secret. Load and
// Dump both walk that table, so an option cannot be loaded without also being
// reported by `app check`, and a secret cannot be added without being redacted.
package config

import (
	"log/slog"
	"time"

	"oclettings/app/datadir"
)

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
	TimeZone               *time.Location
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

func (c *Config) notice(s string) { c.Notices = append(c.Notices, s) }

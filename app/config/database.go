package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
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

const supportedDatabases = "sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE"

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

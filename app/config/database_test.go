package config_test

import (
	"strings"
	"testing"

	"oclettings/app/config"
)

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

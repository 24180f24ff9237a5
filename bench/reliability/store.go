package reliability

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx", for PostgreSQL
	_ "modernc.org/sqlite"             // "sqlite"
)

// store reads the site's database directly, beside the running server, to
// check what the server acknowledged against what it kept. Plain SQL, not
// the app's model layer: the check must not share the code it checks.
type store struct {
	db     *sql.DB
	sqlite bool
	dsn    string // SQLite's, for a connection of the integrity check's own
}

func openStore(databaseURL string) (*store, error) {
	if path, ok := strings.CutPrefix(databaseURL, "sqlite:"); ok {
		dsn := path + "?_pragma=busy_timeout(10000)"
		db, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, err
		}
		return &store{db: db, sqlite: true, dsn: dsn}, nil
	}
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, err
	}
	return &store{db: db}, nil
}

func (s *store) Close() error { return s.db.Close() }

// integrity is SQLite's own verdict on the file ("ok" when sound).
//
// It runs on a connection opened for it: FTS5's integrity check (the search
// indexes, migration 12) trusts what its connection cached of an index,
// and a connection kept open while another process wrote to the index
// reports a corruption that a fresh connection, and the file, do not have.
func (s *store) integrity(ctx context.Context) (string, error) {
	db, err := sql.Open("sqlite", s.dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "; "), rows.Err()
}

func (s *store) lettingTitles(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, title FROM lettings_letting")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	titles := map[string]string{}
	for rows.Next() {
		var id int64
		var title string
		if err := rows.Scan(&id, &title); err != nil {
			return nil, err
		}
		titles[fmt.Sprint(id)] = title
	}
	return titles, rows.Err()
}

// titleChange is one history entry's change of a letting's title.
type titleChange struct {
	entry    int64
	object   string
	old, new string
}

// titleChanges lists the changes of lettings' titles in the order they
// were written, from the admin's log.
func (s *store) titleChanges(ctx context.Context) ([]titleChange, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, object_id, changes FROM admin_logentry
		WHERE app_label = 'lettings' AND model = 'letting' AND action_flag = 2 ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []titleChange
	for rows.Next() {
		var id int64
		var object, raw string
		if err := rows.Scan(&id, &object, &raw); err != nil {
			return nil, err
		}
		var changes []struct{ Field, Old, New string }
		if err := json.Unmarshal([]byte(raw), &changes); err != nil {
			return nil, fmt.Errorf("log entry %d: changes %q: %w", id, raw, err)
		}
		for _, c := range changes {
			if c.Field == "Title" {
				out = append(out, titleChange{entry: id, object: object, old: c.Old, new: c.New})
			}
		}
	}
	return out, rows.Err()
}

// streets are the streets of the addresses whose street starts with prefix.
func (s *store) streets(ctx context.Context, prefix string) (map[string]bool, error) {
	query := "SELECT street FROM lettings_address WHERE street LIKE $1"
	if s.sqlite {
		query = "SELECT street FROM lettings_address WHERE street LIKE ?"
	}
	rows, err := s.db.QueryContext(ctx, query, prefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[string]bool{}
	for rows.Next() {
		var street string
		if err := rows.Scan(&street); err != nil {
			return nil, err
		}
		found[street] = true
	}
	return found, rows.Err()
}

// PostgresSchema creates a schema of its own on the PostgreSQL server of
// serverURL and returns a URL whose connections use it, and a function
// that drops it: each check runs on a database nothing else touches.
func PostgresSchema(ctx context.Context, serverURL string) (string, func() error, error) {
	db, err := sql.Open("pgx", serverURL)
	if err != nil {
		return "", nil, err
	}
	schema := "reliability_" + strings.ToLower(rand.Text())
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("PostgreSQL at %s: %w", redact(serverURL), err)
	}
	drop := func() error {
		defer db.Close()
		_, err := db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		return err
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		_ = drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// redact hides a URL's password.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an unparsable URL)"
	}
	return u.Redacted()
}

package sitetest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"oclettings/app/database"
)

// Queries records the statements run through a database's handles, so that
// a test can ask the database how it runs the very SQL the code sends,
// instead of a copy typed into the test.
type Queries struct {
	mu   sync.Mutex
	list []string
}

// RecordQueries starts recording the statements run through db's handles.
func RecordQueries(db *database.DB) *Queries {
	q := &Queries{}
	db.Read = db.Read.WithQueryHook(q)
	db.Write = db.Write.WithQueryHook(q)
	return q
}

// BeforeQuery implements bun.QueryHook.
func (q *Queries) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

// AfterQuery implements bun.QueryHook.
func (q *Queries) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.list = append(q.list, e.Query)
}

// Take returns the queries (SELECT, or WITH … SELECT) recorded since the
// last Take.
func (q *Queries) Take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var selects []string
	for _, s := range q.list {
		if verb, _, _ := strings.Cut(strings.TrimSpace(s), " "); strings.EqualFold(verb, "SELECT") || strings.EqualFold(verb, "WITH") {
			selects = append(selects, s)
		}
	}
	q.list = nil
	return selects
}

// Plan is how the database would run query, one line a step: SQLite's
// EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN with sequential scans
// discouraged. PostgreSQL rightly reads a table of a test's few thousand
// rows whole; discouraged, it shows the index it would take for a table of
// hundreds of thousands, and a query that no index serves still shows its
// Seq Scan. Give it statistics first (Analyze). settings are more of
// PostgreSQL's planner settings for the plan ("enable_sort = off").
func Plan(t testing.TB, db *database.DB, query string, settings ...string) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	explain := func(ctx context.Context, db bun.IDB, prefix string) error {
		rows, err := db.QueryContext(ctx, prefix+query)
		if err != nil {
			return err
		}
		defer rows.Close()
		columns, err := rows.Columns()
		if err != nil {
			return err
		}
		for rows.Next() {
			values := make([]any, len(columns))
			for i := range values {
				values[i] = new(any)
			}
			if err := rows.Scan(values...); err != nil {
				return err
			}
			// The step's text is the last column on both databases.
			text, _ := (*values[len(values)-1].(*any)).(string)
			lines = append(lines, text)
		}
		return rows.Err()
	}
	var err error
	if db.Kind == "postgres" {
		err = db.Read.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for _, set := range append([]string{"enable_seqscan = off"}, settings...) {
				if _, err := tx.ExecContext(ctx, "SET LOCAL "+set); err != nil {
					return err
				}
			}
			return explain(ctx, tx, "EXPLAIN ")
		})
	} else {
		err = explain(ctx, db.Read, "EXPLAIN QUERY PLAN ")
	}
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	return strings.Join(lines, "\n")
}

// Analyze has PostgreSQL gather the statistics of tables it plans by (the
// autovacuum of a production server does it on its own). SQLite plans
// without them, as the site runs it.
func Analyze(t testing.TB, db *database.DB, tables ...string) {
	t.Helper()
	if db.Kind != "postgres" {
		return
	}
	for _, table := range tables {
		if _, err := db.Write.ExecContext(context.Background(), "ANALYZE "+table); err != nil {
			t.Fatalf("analyze %s: %v", table, err)
		}
	}
}

package djangoimport_test

import (
	"context"
	"testing"

	"oclettings/app/djangoimport"
	"oclettings/app/djangoimport/djangotest"
	"oclettings/migrations/testdb"
)

// An import leaves PostgreSQL with the statistics of the tables it filled:
// the planner picks the search indexes by them, and a server's autovacuum
// gathers them only some time after a bulk load.
func TestImportGathersStatistics(t *testing.T) {
	if !testdb.Postgres() {
		t.Skip("SQLite plans without statistics")
	}
	ctx := context.Background()
	db := testdb.Open(t)
	path, _ := djangotest.Site(t, djangotest.Refactored)
	if _, err := djangoimport.Import(ctx, db, path, djangoimport.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"auth_user", "lettings_address", "lettings_letting", "profiles_profile"} {
		var analyzed bool
		err := db.Read.QueryRowContext(ctx, `SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables
			WHERE schemaname = current_schema() AND relname = ?`, table).Scan(&analyzed)
		if err != nil || !analyzed {
			t.Errorf("%s: got analyzed %v (%v), want its statistics gathered", table, analyzed, err)
		}
	}
}

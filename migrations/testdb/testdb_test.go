package testdb_test

import (
	"context"
	"testing"

	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
)

// lettings counts the lettings of db.
func lettings(t *testing.T, db *database.DB) int {
	t.Helper()
	n, err := models.CountLettings(context.Background(), db.Read, "")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDatabases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		open func(testing.TB) *database.DB
		want int
	}{
		{"empty", testdb.Open, 0},
		{"seeded", testdb.Seeded, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := tt.open(t)
			if got := lettings(t, db); got != tt.want {
				t.Errorf("got %d lettings, want %d", got, tt.want)
			}
			m, err := migrations.NewMigrator(db.Write, db.Kind)
			if err != nil {
				t.Fatal(err)
			}
			if upToDate, err := m.UpToDate(context.Background(), db.Read); err != nil || !upToDate {
				t.Errorf("got schema up to date %v (%v), want true", upToDate, err)
			}
		})
	}
}

// TestDatabasesAreSeparate checks that two tests never share data, whether
// their databases come from the same template or not.
func TestDatabasesAreSeparate(t *testing.T) {
	t.Parallel()
	a, b := testdb.Seeded(t), testdb.Seeded(t)
	if err := models.DeleteLetting(context.Background(), a.Write, 1); err != nil {
		t.Fatal(err)
	}
	if got := lettings(t, a); got != 5 {
		t.Errorf("after a delete: got %d lettings, want 5", got)
	}
	if got := lettings(t, b); got != 6 {
		t.Errorf("the other database: got %d lettings, want 6", got)
	}
	if got := lettings(t, testdb.Seeded(t)); got != 6 {
		t.Errorf("a later database: got %d lettings, want 6", got)
	}
}

func BenchmarkSeeded(b *testing.B) {
	for b.Loop() {
		testdb.Seeded(b)
	}
}

func BenchmarkOpen(b *testing.B) {
	for b.Loop() {
		testdb.Open(b)
	}
}

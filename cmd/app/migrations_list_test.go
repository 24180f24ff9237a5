package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// latestMigration is the newest migration's name and how many migrations
// there are, so that the tests of `app migrate` follow the migrations that
// exist instead of naming one that stops being the newest.
func latestMigration(t *testing.T) (name string, count int) {
	t.Helper()
	ups, err := filepath.Glob("../../migrations/sql/*.up.sql")
	if err != nil || len(ups) == 0 {
		t.Fatalf("got no migrations (%v)", err)
	}
	base := filepath.Base(ups[len(ups)-1]) // Glob sorts, and the names start with their version
	return strings.TrimSuffix(strings.TrimSuffix(base, ".up.sql"), ".tx"), len(ups)
}

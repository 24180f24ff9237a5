package migrations

import (
	"strings"
	"testing"
)

// TestTablesHelpers: the SQL a new table's migration calls for is what
// migration 11 and the permissions of migrations 1–3 spell out by hand
// (the guide's test, admin/guide_test.go, runs it on both databases and the
// admin's system checks confirm its triggers).
func TestTablesHelpers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kind     string
		triggers []string
	}{
		{"sqlite", []string{"CREATE TRIGGER photo_content_version_insert AFTER INSERT ON photo", "CREATE TRIGGER photo_content_version_update AFTER UPDATE ON photo", "CREATE TRIGGER photo_content_version_delete AFTER DELETE ON photo"}},
		{"postgres", []string{"CREATE TRIGGER photo_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON photo\n    FOR EACH STATEMENT EXECUTE FUNCTION content_version_bump();"}},
	} {
		d, err := dialectFor(tt.kind)
		if err != nil {
			t.Fatal(err)
		}
		sql := d.TrackContent("photo")
		if got := strings.Count(sql, "--bun:split\n"); got != len(tt.triggers) {
			t.Errorf("%s: got %d statements, want %d:\n%s", tt.kind, got, len(tt.triggers), sql)
		}
		for _, want := range tt.triggers {
			if !strings.Contains(sql, want) {
				t.Errorf("%s: got\n%s\nwant it to hold %q", tt.kind, sql, want)
			}
		}
		perms := d.Permissions("lettings", "photo")
		for _, want := range []string{"('lettings', 'photo', 'add_photo', 'Can add photo')", "('lettings', 'photo', 'change_photo', 'Can change photo')",
			"('lettings', 'photo', 'delete_photo', 'Can delete photo')", "('lettings', 'photo', 'view_photo', 'Can view photo');"} {
			if !strings.Contains(perms, want) {
				t.Errorf("%s: got\n%s\nwant it to hold %q", tt.kind, perms, want)
			}
		}
	}
}

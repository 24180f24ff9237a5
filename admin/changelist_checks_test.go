package admin

import (
	"testing"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// TestChangelistOptionChecks: Django's system checks of list_editable
// (admin.E122–E125) and date_hierarchy (admin.E127, E128) refuse a wrong
// declaration at start-up, naming the option and the field.
func TestChangelistOptionChecks(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	tests := []struct {
		name string
		reg  *Registry
		want []string
	}{
		{"an editable column not listed", changed(func(m *ModelAdmin[models.Letting]) { m.ListEditable = []string{"subtitle"} }),
			[]string{"lettings.letting", "ListEditable[0]", `"subtitle" is not a column of List`}},
		{"the linked first column", changed(func(m *ModelAdmin[models.Letting]) { m.ListEditable = []string{"title"} }),
			[]string{"lettings.letting", "ListEditable[0]", `"title" is the first column of List`}},
		{"a column no form field edits", changed(func(m *ModelAdmin[models.Letting]) { m.ListEditable = []string{"address__city"} }),
			[]string{"lettings.letting", "ListEditable[0]", `"address__city" is not a field the change form edits`}},
		{"a many-to-many field", changed(func(m *ModelAdmin[models.User]) {
			m.List = append(m.List, "groups")
			m.ListEditable = []string{"groups"}
		}), []string{"auth.user", "ListEditable[0]", `"groups" is not a field the change form edits`}},
		{"a date hierarchy on no field", changed(func(m *ModelAdmin[models.User]) { m.DateHierarchy = "date_left" }),
			[]string{"auth.user", "DateHierarchy", "date_left is not a field of auth_user"}},
		{"a date hierarchy on text", changed(func(m *ModelAdmin[models.User]) { m.DateHierarchy = "username" }),
			[]string{"auth.user", "DateHierarchy", `"username" is not a date or a moment`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { refusedWith(t, db, tt.reg, tt.want...) })
	}
}

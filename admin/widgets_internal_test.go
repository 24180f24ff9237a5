package admin

import (
	"context"
	"slices"
	"testing"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// TestFilterHorizontalCheck: FilterHorizontal names a many-to-many field of
// the form, or the admin does not start (Django's admin.E019 and E020).
func TestFilterHorizontalCheck(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	for _, tt := range []struct{ name, field string }{
		{"a field that is not many-to-many", "is_staff"},
		{"a field the form lacks", "groupz"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			reg := changed(func(u *ModelAdmin[models.User]) { u.FilterHorizontal = []string{"groups", tt.field} })
			problems := refusedWith(t, db, reg, `auth.user: FilterHorizontal[1] "`+tt.field+`": must be a many-to-many field of the form`)
			if len(problems) != 1 {
				t.Errorf("got problems %v, want only the one", problems)
			}
		})
	}

	// The declared ones are marked for the picker with Django's names.
	u := userAdmin()
	reg := registry()
	reg.models[slices.IndexFunc(reg.models, func(m registered) bool { return m.info().Key() == "auth.user" })] = u
	if err := reg.check(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range u.Fields {
		if f.picker != "" {
			got = append(got, f.Name+"="+f.picker)
		}
	}
	if want := []string{"groups=groups", "user_permissions=user permissions"}; !slices.Equal(got, want) {
		t.Errorf("got pickers %v, want %v", got, want)
	}
}

package admin

import (
	"slices"
	"testing"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// TestInlineChecks: an inline Django's admin.E202 would refuse (no foreign
// key to the parent), or one whose model is not registered, or that names
// fields its model's form lacks, stops the admin, naming the model and
// the option.
func TestInlineChecks(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	withInlines := func(inlines ...Inline) *Registry {
		reg := registry()
		a := addressAdmin()
		a.Inlines = inlines
		for i, m := range reg.models {
			if m.info().Key() == a.Key() {
				reg.models[i] = a
			}
		}
		return reg
	}
	withoutLettings := func() *Registry {
		reg := registry()
		reg.models = slices.DeleteFunc(reg.models, func(m registered) bool { return m.info().Key() == "lettings.letting" })
		return reg
	}
	tests := []struct {
		name string
		reg  *Registry
		want string
	}{
		{"no such foreign key (E202)", withInlines(tabular[models.Letting]("adress", "title")),
			`lettings.address: Inlines[0]: lettings.letting has no foreign key "adress": name the foreign key to lettings_address (admin.E202)`},
		{"a key to another model (E202)", withInlines(stacked[models.Profile]("user", "favorite_city")),
			`lettings.address: Inlines[0]: profiles.profile's "user" is not a foreign key to lettings_address (admin.E202)`},
		{"not a field of the form", withInlines(tabular[models.Letting]("address", "name")),
			`lettings.address: Inlines[0]: "name" is not a field of lettings.letting's form`},
		{"the key itself", withInlines(tabular[models.Letting]("address", "address")),
			`lettings.address: Inlines[0]: "address" is the foreign key to the parent, which the inline sets itself`},
		{"the model not registered", withoutLettings(),
			"lettings.address: Inlines[0]: the model of lettings_letting is not registered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { refusedWith(t, db, tt.reg, tt.want) })
	}
}

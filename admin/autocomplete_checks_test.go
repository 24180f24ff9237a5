package admin

import (
	"context"
	"slices"
	"testing"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// TestAutocompleteChecks: an Autocomplete declaration that Django's
// admin.E037–E040 would refuse stops the admin, naming the model, the
// option and the field.
func TestAutocompleteChecks(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	replace := func(reg *Registry, m registered) *Registry {
		for i, r := range reg.models {
			if r.info().Key() == m.info().Key() {
				reg.models[i] = m
			}
		}
		return reg
	}
	letting := func(names ...string) registered {
		m := lettingAdmin()
		m.Autocomplete = names
		return m
	}
	withoutSearch := func(reg *Registry) *Registry {
		a := addressAdmin()
		a.Search = nil
		return replace(reg, a)
	}
	withoutAddress := func() *Registry {
		reg := registry()
		reg.models = slices.DeleteFunc(reg.models, func(m registered) bool { return m.info().Key() == "lettings.address" })
		return reg
	}
	users := userAdmin()
	users.Autocomplete = []string{"groups"}
	permissionsAutocomplete := userAdmin()
	permissionsAutocomplete.FilterHorizontal = []string{"groups"}
	permissionsAutocomplete.Autocomplete = []string{"user_permissions"}
	tests := []struct {
		name string
		reg  *Registry
		want []string
	}{
		{"not a field (E037)", replace(registry(), letting("adress")),
			[]string{"lettings.letting", `Autocomplete[0] "adress"`, `refers to "adress", which is not a field of lettings.letting`}},
		{"not a relation (E038)", replace(registry(), letting("address", "title")),
			[]string{"lettings.letting", `Autocomplete[1] "title"`, "title must be a foreign key or a many-to-many field"}},
		{"the target not registered (E039)", withoutAddress(),
			[]string{"lettings.letting", `Autocomplete[0] "address"`, "has to be registered to be referenced by lettings.letting's Autocomplete"}},
		{"the target without Search (E040)", withoutSearch(registry()),
			[]string{"lettings.letting", `Autocomplete[0] "address"`, "lettings.address must declare Search, because it is referenced by lettings.letting's Autocomplete"}},
		{"also in FilterHorizontal", replace(registry(), users),
			[]string{"auth.user", `Autocomplete[0] "groups"`, "groups is also named in FilterHorizontal"}},
		{"a many-to-many target not registered (E039)", replace(registry(), permissionsAutocomplete),
			[]string{"auth.user", `Autocomplete[0] "user_permissions"`, "has to be registered to be referenced by auth.user's Autocomplete"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { refusedWith(t, db, tt.reg, tt.want...) })
	}
}

// TestAutocompleteFieldsLoadNoChoices: the declared fields of the letting
// and the profile are autocomplete widgets with no choices loader, so no
// form can list the target's whole table.
func TestAutocompleteFieldsLoadNoChoices(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	reg := registry()
	if err := reg.check(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	for _, m := range reg.models {
		switch m := m.(type) {
		case *ModelAdmin[models.Letting]:
			wantAutocomplete(t, m, "address")
		case *ModelAdmin[models.Profile]:
			wantAutocomplete(t, m, "user")
		}
	}
}

// TestAutocompleteManyToManyBinds: a many-to-many field named in
// Autocomplete (the user's groups, taken out of FilterHorizontal) becomes
// an AutocompleteSelectMultiple with no choices loader, searching groups.
func TestAutocompleteManyToManyBinds(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	reg := groupsAutocompleted()
	if err := reg.check(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	for _, m := range reg.models {
		if m, ok := m.(*ModelAdmin[models.User]); ok {
			wantAutocompleteWidget(t, m, "groups", AutocompleteSelectMultiple)
			if target := m.autocomplete["groups"]; target == nil || target.info().Key() != "auth.group" {
				t.Errorf("groups searches %v, want auth.group", target)
			}
		}
	}
}

func wantAutocomplete[T models.Entity](t *testing.T, m *ModelAdmin[T], name string) {
	t.Helper()
	wantAutocompleteWidget(t, m, name, AutocompleteSelect)
}

func wantAutocompleteWidget[T models.Entity](t *testing.T, m *ModelAdmin[T], name string, widget Widget) {
	t.Helper()
	found := false
	for _, f := range append(slices.Clone(m.Fields), m.AddFields...) {
		if f.Name != name {
			continue
		}
		found = true
		if f.Widget != widget || f.Choices != nil {
			t.Errorf("%s.%s: got widget %q, a choices loader: %v; want %q and none", m.Key(), name, f.Widget, f.Choices != nil, widget)
		}
	}
	if _, ok := m.autocomplete[name]; !found || !ok {
		t.Errorf("%s.%s: not an Autocomplete field of the form", m.Key(), name)
	}
}

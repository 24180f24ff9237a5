package admin

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/web"
	"oclettings/migrations/testdb"
	"oclettings/static"
)

// TestSystemChecksPassOnEveryRegisteredModel: every declaration of the
// admin resolves against the models and the migrated schema.
func TestSystemChecksPassOnEveryRegisteredModel(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	if err := Check(context.Background(), db); err != nil {
		t.Fatalf("got %v, want no problem", err)
	}
	reg := registry()
	if err := reg.check(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	for _, m := range reg.models {
		if m.tableName() == "" {
			t.Errorf("%s: bound to no table", m.info().Key())
		}
	}
}

// ghostAddress is a model whose struct names a column the table lacks.
type ghostAddress struct {
	bun.BaseModel `bun:"table:lettings_address,alias:address"`

	ID     int64  `bun:"id,pk,autoincrement"`
	Colour string `bun:"colour"`
}

func (g ghostAddress) PK() int64           { return g.ID }
func (g ghostAddress) String() string      { return g.Colour }
func (ghostAddress) Fields() models.Fields { return models.Fields{{Name: "colour", Kind: models.Text}} }

// house is a model whose table the content version does not follow.
type house struct {
	bun.BaseModel `bun:"table:lettings_house,alias:house"`

	ID     int64  `bun:"id,pk,autoincrement"`
	Colour string `bun:"colour"`
}

func (h house) PK() int64      { return h.ID }
func (h house) String() string { return h.Colour }
func (house) Fields() models.Fields {
	return models.Fields{{Name: "colour", Kind: models.Text, MaxLen: 10}}
}

// TestSystemChecksRefuseBrokenDeclarations: a declaration that names what
// does not exist stops the admin with a message naming the model, the
// option and the field, as Django's system checks do.
func TestSystemChecksRefuseBrokenDeclarations(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	without := func(model string) []registered {
		var out []registered
		for _, m := range registry().models {
			if m.info().Key() != model {
				out = append(out, m)
			}
		}
		return out
	}
	with := func(change func(reg *Registry)) *Registry {
		reg := registry()
		change(reg)
		return reg
	}
	letting := func(change func(m *ModelAdmin[models.Letting])) *Registry {
		return with(func(reg *Registry) {
			m := lettingAdmin()
			change(m)
			for i, r := range reg.models {
				if r.info().Key() == "lettings.letting" {
					reg.models[i] = m
				}
			}
		})
	}
	tests := []struct {
		name string
		reg  *Registry
		want []string // in the one problem's line
	}{
		{"a list column across a relation", letting(func(m *ModelAdmin[models.Letting]) { m.List[2] = "address__cty" }),
			[]string{"lettings.letting", "List[2]", "cty is not a field of lettings_address"}},
		{"a relation that is not one", letting(func(m *ModelAdmin[models.Letting]) { m.List = []string{"title__x"} }),
			[]string{"lettings.letting", "List[0]", "title is not a relation"}},
		{"the ordering", letting(func(m *ModelAdmin[models.Letting]) { m.Ordering = []string{"-titel"} }),
			[]string{"lettings.letting", "Ordering[0]", "titel is not a field of lettings_letting"}},
		{"a search on a relation", letting(func(m *ModelAdmin[models.Letting]) { m.Search = []string{"title", "address"} }),
			[]string{"lettings.letting", "Search[1]", `"address" is a relation`}},
		{"a filter", letting(func(m *ModelAdmin[models.Letting]) { m.Filters = []string{"address__stat"} }),
			[]string{"lettings.letting", "Filters[0]", "stat is not a field of lettings_address"}},
		{"a form field the model lacks", letting(func(m *ModelAdmin[models.Letting]) {
			m.Fields = append(m.Fields, field[models.Letting]("subtitle"))
		}), []string{"lettings.letting", `Fields[2] "subtitle"`, "not a field of the model"}},
		{"a select of an unregistered model", letting(func(m *ModelAdmin[models.Letting]) { m.Fields[1].Related = "lettings.house" }),
			[]string{"lettings.letting", `Fields[1] "address"`, "lettings.house, which is not registered"}},
		{"a foreign key to an unregistered model", &Registry{apps: adminApps(), models: without("lettings.address")},
			[]string{"lettings.letting", `Fields[1] "address"`, "relates to lettings_address, which no registered model keeps"}},
		{"a cascade nobody shows", with(func(reg *Registry) {
			reg.models = without("profiles.profile")
			for _, m := range reg.models {
				if u, ok := m.(*ModelAdmin[models.User]); ok {
					u.Inlines = nil // the profile's inline would be refused first
				}
			}
		}),
			[]string{"auth.user", "delete", "profiles_profile (by user_id)"}},
		{"a model without permissions", with(func(reg *Registry) {
			m := addressAdmin()
			m.Model = "house"
			reg.models = append(reg.models, m)
		}), []string{"lettings.house", "permissions", "lettings.view_house, lettings.add_house, lettings.change_house, lettings.delete_house do not exist: add {{.Permissions \"lettings\" \"house\"}} to its migration"}},
		{"a table the caches do not follow", with(func(reg *Registry) {
			if _, err := db.Write.ExecContext(context.Background(), "CREATE TABLE lettings_house (id INTEGER PRIMARY KEY, colour VARCHAR(10) NOT NULL)"); err != nil {
				t.Fatal(err)
			}
			reg.models = append(reg.models, &ModelAdmin[house]{
				modelInfo: modelInfo{App: "lettings", Model: "address", Verbose: "house", VerbosePlural: "houses"},
				List:      []string{"colour"},
				Create:    func(context.Context, bun.IDB, *house) error { return nil },
				Update:    func(context.Context, bun.IDB, *house) error { return nil },
			})
		}), []string{"lettings.address", "table lettings_house", "do not move the content version, so the pages showing it would stay stale: add {{.TrackContent \"lettings_house\"}} to its migration"}},
		{"storage without the model's validation", with(func(reg *Registry) {
			reg.models = append(reg.models, &ModelAdmin[ghostAddress]{
				modelInfo: modelInfo{App: "lettings", Model: "address"},
				List:      []string{"id"},
			})
		}), []string{"lettings.address", "storage", "has no Clean and validateRelations"}},
		{"a column the table lacks", with(func(reg *Registry) {
			reg.models = append(reg.models, &ModelAdmin[ghostAddress]{
				modelInfo: modelInfo{App: "lettings", Model: "address", Verbose: "ghost", VerbosePlural: "ghosts"},
				List:      []string{"colour"},
				// Stored by hand: the check at stake is the schema's.
				Create: func(context.Context, bun.IDB, *ghostAddress) error { return nil },
				Update: func(context.Context, bun.IDB, *ghostAddress) error { return nil },
			})
		}), []string{"lettings.address", "table lettings_address", "has no column colour"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { refusedWith(t, db, tt.reg, tt.want...) })
	}
}

// refusedWith fails unless the checks refuse reg with a problem whose line
// holds every fragment; it returns every problem found.
func refusedWith(t *testing.T, db *database.DB, reg *Registry, fragments ...string) []Problem {
	t.Helper()
	err := reg.check(context.Background(), db)
	var failed *CheckError
	if !errors.As(err, &failed) {
		t.Fatalf("got %v, want the checks to fail", err)
	}
	if !slices.ContainsFunc(failed.Problems, func(p Problem) bool {
		for _, f := range fragments {
			if !strings.Contains(p.String(), f) {
				return false
			}
		}
		return true
	}) {
		t.Fatalf("got problems %v, want one saying %q", failed.Problems, fragments)
	}
	return failed.Problems
}

// changed is the declared registry with the declaration of T changed.
func changed[T models.Entity](change func(m *ModelAdmin[T])) *Registry {
	reg := registry()
	for _, m := range reg.models {
		if m, ok := m.(*ModelAdmin[T]); ok {
			change(m)
		}
	}
	return reg
}

// TestBrokenDeclarationStopsTheAdmin: the admin does not start on a
// declaration the checks refuse, so `app serve` stops with their message.
func TestBrokenDeclarationStopsTheAdmin(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	reg := registry()
	m := lettingAdmin()
	m.Search = []string{"address__zip"}
	reg.models[1] = m
	assets, err := web.NewAssets(static.Files, "/static/")
	if err != nil {
		t.Fatal(err)
	}
	_, err = newSite(Config{DB: db, Assets: assets}, reg)
	var failed *CheckError
	if !errors.As(err, &failed) || !strings.Contains(err.Error(), `lettings.letting: Search[0]: "address__zip": zip is not a field of lettings_address`) {
		t.Fatalf("got %v, want the admin refused with the problem named", err)
	}
}

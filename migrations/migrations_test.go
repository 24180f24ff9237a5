package migrations_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"oclettings/app/auth"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/migrations"
	"oclettings/migrations/testdb"
)

func openEmpty(t *testing.T) (*database.DB, *migrations.Migrator) {
	t.Helper()
	db, err := database.Open(context.Background(), testdb.Config(t), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	m, err := migrations.NewMigrator(db.Write, db.Kind)
	if err != nil {
		t.Fatal(err)
	}
	return db, m
}

func tables(t *testing.T, db *database.DB) []string {
	t.Helper()
	var names []string
	// Only the ordinary tables: the search indexes are FTS5 virtual tables
	// on SQLite, with shadow tables of their own, and indexes on PostgreSQL.
	q := db.Read.NewSelect().TableExpr("pragma_table_list").Column("name").
		Where("type = 'table'").Where("schema = 'main'").Where("name NOT LIKE 'sqlite_%'")
	if db.Kind == "postgres" {
		q = db.Read.NewSelect().TableExpr("information_schema.tables").ColumnExpr("table_name::text").
			Where("table_schema = current_schema()")
	}
	if err := q.OrderExpr("1").Scan(context.Background(), &names); err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(names, func(n string) bool { return strings.HasPrefix(n, "schema_migration") })
}

func TestUpDownUp(t *testing.T) {
	ctx := context.Background()
	db, m := openEmpty(t)

	var applied []string
	if err := m.Up(ctx, func(name string) { applied = append(applied, name) }); err != nil {
		t.Fatalf("up: %v", err)
	}
	status, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(status) || len(applied) < 7 {
		t.Fatalf("got %d applied of %d, want all", len(applied), len(status))
	}
	if !sort.StringsAreSorted(applied) {
		t.Errorf("got %v, want them applied in version order", applied)
	}
	want := []string{"admin_logentry", "auth_group", "auth_group_permissions", "auth_login_attempt", "auth_permission",
		"auth_user", "auth_user_groups", "auth_user_user_permissions", "content_version", "lettings_address", "lettings_letting",
		"profiles_profile", "reference_data", "sessions"}
	if got := tables(t, db); !slices.Equal(got, want) {
		t.Errorf("got tables %v, want %v", got, want)
	}

	t.Run("up again applies nothing", func(t *testing.T) {
		var again []string
		if err := m.Up(ctx, func(name string) { again = append(again, name) }); err != nil || len(again) != 0 {
			t.Errorf("got %v (%v), want nothing applied", again, err)
		}
	})

	t.Run("all down, one at a time, newest first", func(t *testing.T) {
		for i := len(applied) - 1; i >= 0; i-- {
			name, err := m.Down(ctx)
			if err != nil {
				t.Fatalf("down %s: %v", applied[i], err)
			}
			if name != applied[i] {
				t.Fatalf("got %s rolled back, want %s", name, applied[i])
			}
			pending, _ := m.Pending(ctx)
			if len(pending) != len(applied)-i {
				t.Fatalf("got %d pending after rolling back %s, want %d", len(pending), name, len(applied)-i)
			}
		}
		if got := tables(t, db); len(got) != 0 {
			t.Errorf("got tables %v left, want none", got)
		}
		name, err := m.Down(ctx)
		if err != nil || name != "" {
			t.Errorf("got %q (%v), want nothing to roll back", name, err)
		}
	})

	t.Run("up again after all down", func(t *testing.T) {
		if err := m.Up(ctx, func(string) {}); err != nil {
			t.Fatal(err)
		}
		if got := tables(t, db); !slices.Equal(got, want) {
			t.Errorf("got tables %v, want %v", got, want)
		}
		if _, err := migrations.Seed(ctx, db.Write); err != nil {
			t.Errorf("seed after a full cycle: %v", err)
		}
	})
}

func TestSeedTwice(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)

	first, err := migrations.Seed(ctx, db.Write)
	if err != nil {
		t.Fatal(err)
	}
	if first.AlreadyLoaded || first.Addresses != 6 || first.Lettings != 6 || first.Users != 4 || first.Profiles != 4 {
		t.Errorf("got %+v, want 6 addresses, 6 lettings, 4 users, 4 profiles", first)
	}
	second, err := migrations.Seed(ctx, db.Write)
	if err != nil {
		t.Fatal(err)
	}
	if !second.AlreadyLoaded || second.String() != "Reference data already loaded; nothing changed." {
		t.Errorf("got %+v, want nothing done", second)
	}
	counts := map[string]int64{}
	for _, table := range []string{"lettings_address", "lettings_letting", "auth_user", "profiles_profile"} {
		n, err := db.Read.NewSelect().TableExpr(table).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	want := map[string]int64{"lettings_address": 6, "lettings_letting": 6, "auth_user": 4, "profiles_profile": 4}
	for table, n := range want {
		if counts[table] != n {
			t.Errorf("got %d rows in %s, want %d", counts[table], table, n)
		}
	}
}

func TestSeedDoesNotRestoreDeletedRows(t *testing.T) {
	ctx := context.Background()
	db := testdb.Seeded(t)
	if err := models.DeleteLetting(ctx, db.Write, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := migrations.Seed(ctx, db.Write); err != nil {
		t.Fatal(err)
	}
	if _, err := models.GetLetting(ctx, db.Read, 2); err == nil {
		t.Error("got the deleted letting back, want staff's deletion kept")
	}
}

func TestSeedMergesWithExistingData(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	// A member and an address already there, as after an import.
	if err := models.CreateUser(ctx, db.Write, &models.User{Username: "airwow", Password: "!x", IsActive: true}); err != nil {
		t.Fatal(err)
	}
	addr := &models.Address{Number: 4, Street: "Military Street", City: "Willoughby", State: "OH", ZipCode: 44094, CountryISOCode: "USA"}
	if err := models.CreateAddress(ctx, db.Write, addr); err != nil {
		t.Fatal(err)
	}
	report, err := migrations.Seed(ctx, db.Write)
	if err != nil {
		t.Fatal(err)
	}
	if report.Addresses != 5 || report.Lettings != 6 || report.Users != 3 || report.Profiles != 4 {
		t.Errorf("got %+v, want the existing address and user reused", report)
	}
}

// fixture is the shape of ../shared/reference/fixture.json.
type fixture struct {
	Addresses []struct {
		ID                  int64
		Number              int
		Street, City, State string
		ZipCode             int    `json:"zip_code"`
		CountryISOCode      string `json:"country_iso_code"`
	}
	Lettings []struct {
		ID        int64
		Title     string
		AddressID int64 `json:"address_id"`
	}
	Users []struct {
		ID          int64
		Username    string
		FirstName   string `json:"first_name"`
		LastName    string `json:"last_name"`
		Email       string
		IsStaff     int `json:"is_staff"`
		IsSuperuser int `json:"is_superuser"`
	}
	Profiles []struct {
		UserID       int64  `json:"user_id"`
		FavoriteCity string `json:"favorite_city"`
	}
}

// TestSeedCarriesTheReferenceFacts compares the seeded database with the
// Django site's own fixture, when the shared folder is beside the checkout.
func TestSeedCarriesTheReferenceFacts(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "reference", "fixture.json"))
	if os.IsNotExist(err) {
		t.Skip("../shared/reference/fixture.json is not beside this checkout")
	}
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := testdb.Seeded(t)

	for _, want := range fx.Lettings {
		got, err := models.GetLetting(ctx, db.Read, want.ID)
		if err != nil {
			t.Fatalf("letting %d: %v", want.ID, err)
		}
		var addr = fx.Addresses[0]
		for _, a := range fx.Addresses {
			if a.ID == want.AddressID {
				addr = a
			}
		}
		wantAddr := models.Address{ID: got.AddressID, Number: addr.Number, Street: addr.Street, City: addr.City, State: addr.State, ZipCode: addr.ZipCode, CountryISOCode: addr.CountryISOCode}
		if got.Title != want.Title || *got.Address != wantAddr {
			t.Errorf("letting %d: got %q at %+v, want %q at %+v", want.ID, got.Title, *got.Address, want.Title, wantAddr)
		}
	}
	for _, want := range fx.Users {
		got, err := models.GetUserByUsername(ctx, db.Read, want.Username)
		if err != nil {
			t.Fatalf("user %s: %v", want.Username, err)
		}
		if got.FirstName != want.FirstName || got.LastName != want.LastName || got.Email != want.Email {
			t.Errorf("user %s: got %+v, want %+v", want.Username, got, want)
		}
		if got.IsStaff || got.IsSuperuser || !got.IsActive || auth.IsUsable(got.Password) {
			t.Errorf("user %s: got staff=%v superuser=%v active=%v usable password=%v, want an active member who cannot sign in",
				want.Username, got.IsStaff, got.IsSuperuser, got.IsActive, auth.IsUsable(got.Password))
		}
		var city string
		for _, p := range fx.Profiles {
			if p.UserID == want.ID {
				city = p.FavoriteCity
			}
		}
		profile, err := models.GetProfileByUsername(ctx, db.Read, want.Username)
		if err != nil || profile.FavoriteCity != city {
			t.Errorf("profile of %s: got %+v (%v), want favourite city %q", want.Username, profile, err, city)
		}
	}
	var staff int64
	staff, err = db.Read.NewSelect().Model((*models.User)(nil)).Where("is_staff OR is_superuser").Count(ctx)
	if err != nil || staff != 0 {
		t.Errorf("got %d staff accounts (%v), want the seed to create none", staff, err)
	}
}

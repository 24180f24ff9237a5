package models_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"oclettings/app/auth"
	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// Text must sort, match and collide the same way whichever database holds
// it: this test runs unchanged on SQLite and, with TEST_DATABASE_URL, on
// PostgreSQL, and both must give exactly these answers.
func TestTextBehavesTheSameOnEveryDatabase(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write

	titles := []string{"banana", "Apple", "apple", "Éclair", "Zebra", "éclair", "_under", "50% off", "Ölmühle"}
	for i, title := range titles {
		a := &models.Address{Number: i, Street: "Main Street", City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
		if err := models.CreateAddress(ctx, db, a); err != nil {
			t.Fatal(err)
		}
		if err := models.CreateLetting(ctx, db, &models.Letting{Title: title, AddressID: a.ID}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(search string) []string {
		t.Helper()
		ls, err := models.ListLettings(ctx, db, search, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range ls {
			got = append(got, l.Title)
		}
		return got
	}

	t.Run("sorted by the bytes of the text", func(t *testing.T) {
		want := []string{"50% off", "Apple", "Zebra", "_under", "apple", "banana", "Éclair", "Ölmühle", "éclair"}
		if got := list(""); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	searches := []struct {
		q    string
		want []string
	}{
		{"APPLE", []string{"Apple", "apple"}}, // ASCII letters match in any case
		{"Éclair", []string{"Éclair"}},        // the exact text always matches…
		{"éclair", []string{"éclair"}},        // …and other letters match as written
		{"ölMÜHLE", nil},                      // so a folded Ü is another letter
		{"ölmühle", nil},                      //
		{"Ölmühle", []string{"Ölmühle"}},      //
		{"_", []string{"_under"}},             // wildcards are literal
		{"%", []string{"50% off"}},            //
		{"PL  e", []string{"Apple", "apple"}}, // every term must match
	}
	for _, s := range searches {
		t.Run("search "+s.q, func(t *testing.T) {
			if got := list(s.q); !slices.Equal(got, s.want) {
				t.Errorf("got %q, want %q", got, s.want)
			}
		})
	}

	t.Run("usernames are unique whatever their case", func(t *testing.T) {
		create := func(name string) error {
			return models.CreateUser(ctx, db, &models.User{Username: name, Password: auth.UnusablePassword(), DateJoined: time.Now()})
		}
		for _, name := range []string{"Zoë", "zoe", "Straße", "ﬁsh"} {
			if err := create(name); err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
		}
		for _, name := range []string{"ZOË", "zoë", "ZOE", "STRASSE", "fish", "FISH"} {
			wantField(t, create(name), "username", models.MsgUsernameTaken)
		}
		users, err := models.ListUsers(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range users {
			got = append(got, u.Username)
		}
		if want := []string{"Straße", "Zoë", "fish", "zoe"}; !slices.Equal(got, want) {
			t.Errorf("got users %q, want %q", got, want)
		}
	})
}

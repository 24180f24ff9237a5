package synthetic_test

import (
	"context"
	"testing"

	"oclettings/app/models"
	"oclettings/bench/synthetic"
	"oclettings/migrations/testdb"
)

func TestPopulate(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	const n = 1234 // more than two batches, and a partial one
	if err := synthetic.Populate(ctx, db.Write, n); err != nil {
		t.Fatal(err)
	}
	if got, _ := models.CountLettings(ctx, db.Read, ""); got != n {
		t.Errorf("got %d lettings, want %d", got, n)
	}
	if got, _ := models.CountProfiles(ctx, db.Read); got != n {
		t.Errorf("got %d profiles, want %d", got, n)
	}
	// Bulk rows skip the models' checks on the way in; they must pass them all the same.
	lettings, err := models.ListLettings(ctx, db.Read, "", n, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lettings {
		if err := l.Clean(); err != nil {
			t.Fatalf("letting %d: %v", l.ID, err)
		}
		if err := l.Address.Clean(); err != nil {
			t.Fatalf("address of letting %d: %v", l.ID, err)
		}
	}
	profiles, err := models.ListProfiles(ctx, db.Read, n, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range profiles {
		if err := p.Clean(); err != nil {
			t.Fatalf("profile %d: %v", p.ID, err)
		}
		key := p.User.UsernameKey
		if err := p.User.Clean(); err != nil || p.User.UsernameKey != key {
			t.Fatalf("user %s: %v (key %q, want %q)", p.User.Username, err, key, p.User.UsernameKey)
		}
	}
}

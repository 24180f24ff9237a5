package djangotest_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"oclettings/app/auth"
	"oclettings/app/djangoimport/djangotest"
)

// The fixture is what the importer's tests say it is: the tables under the
// layout's app labels, the lettings' ids with gaps, the changes asked for,
// and passwords that check against their Django hashes.
func TestFile(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		layout, lettings, profiles string
	}{
		{djangotest.Original, "oc_lettings_site_letting", "oc_lettings_site_profile"},
		{djangotest.Refactored, "lettings_letting", "profiles_profile"},
	} {
		t.Run(tt.layout, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "upload.sqlite3")
			if err := os.WriteFile(path, djangotest.File(t, tt.layout, "UPDATE auth_user SET first_name = 'Changed' WHERE id = 4"), 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var ids []int
			rows, err := db.Query(`SELECT id FROM "` + tt.lettings + `" ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if want := []int{3, 6, 11}; !slices.Equal(ids, want) {
				t.Errorf("got lettings %v in %s, want %v", ids, tt.lettings, want)
			}
			var city string
			if err := db.QueryRow(`SELECT favorite_city FROM "` + tt.profiles + `" WHERE id = 7`).Scan(&city); err != nil || city != "Budapest" {
				t.Errorf("got profile 7 in %q (%v), want Budapest", city, err)
			}
			var name string
			if err := db.QueryRow("SELECT first_name FROM auth_user WHERE id = 4").Scan(&name); err != nil || name != "Changed" {
				t.Errorf("got member 4 named %q (%v), want the change File was given", name, err)
			}
			for username, password := range map[string]string{"admin": djangotest.AdminPassword, "editor": djangotest.EditorPassword} {
				var hash string
				if err := db.QueryRow("SELECT password FROM auth_user WHERE username = ?", username).Scan(&hash); err != nil {
					t.Fatal(err)
				}
				if ok, _ := auth.Default().Check(password, hash); !ok {
					t.Errorf("got %s's password refused by its hash %q, want it accepted", username, hash)
				}
			}
		})
	}
}

func TestAddLettings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name                string
		n                   int
		withLettings        bool
		addresses, lettings int
	}{
		{"none", 0, true, 3, 3},
		{"addresses only", 20, false, 23, 3},
		{"addresses and lettings", 50, true, 53, 53},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, db := djangotest.Site(t, djangotest.Refactored)
			djangotest.AddLettings(t, db, tt.n, tt.withLettings)
			for table, want := range map[string]int{"lettings_address": tt.addresses, "lettings_letting": tt.lettings} {
				var n int
				if err := db.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n); err != nil || n != want {
					t.Errorf("got %d rows in %s (%v), want %d", n, table, err, want)
				}
			}
			if tt.n == 0 {
				return
			}
			last := 100 + tt.n - 1
			var number int
			var street string
			if err := db.QueryRow("SELECT number, street FROM lettings_address WHERE id = ?", last).Scan(&number, &street); err != nil || number != tt.n-1 || street != "Bench Street" {
				t.Errorf("got address %d at %d %s (%v), want %d Bench Street", last, number, street, err, tt.n-1)
			}
			if !tt.withLettings {
				return
			}
			var title string
			var address int
			if err := db.QueryRow("SELECT title, address_id FROM lettings_letting WHERE id = ?", last).Scan(&title, &address); err != nil ||
				title != fmt.Sprintf("Letting %d", tt.n-1) || address != last {
				t.Errorf("got letting %d %q at address %d (%v), want \"Letting %d\" at %d", last, title, address, err, tt.n-1, last)
			}
		})
	}
}

// LargeFile is the refactored site with the lettings added, closed and read.
func TestLargeFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "large.sqlite3")
	if err := os.WriteFile(path, djangotest.LargeFile(t, 50), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for table, want := range map[string]int{"lettings_address": 53, "lettings_letting": 53} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n); err != nil || n != want {
			t.Errorf("got %d rows in %s (%v), want %d", n, table, err, want)
		}
	}
}

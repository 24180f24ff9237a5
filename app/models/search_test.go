package models_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

func TestSearch(t *testing.T) {
	long := strings.Repeat("é", models.MaxSearchLength+50)
	many := make([]string, 0, 40)
	for i := range 40 {
		many = append(many, "t"+strconv.Itoa(i))
	}
	tests := []struct {
		name, q, want string
	}{
		{"trimmed", "  Irvine  Loft \t", "Irvine Loft"},
		{"blank", " \t\n", ""},
		{"cut by characters, not bytes", long, strings.Repeat("é", models.MaxSearchLength)},
		{"cut before it is split", "loft " + strings.Repeat(" ", 300) + "irvine", "loft"},
		{"a term once, whatever its ASCII case", "loft LOFT Loft irvine loft", "loft irvine"},
		{"other letters are not folded", "École école", "École école"},
		{"at most MaxSearchTerms terms", strings.Join(many, " "), strings.Join(many[:models.MaxSearchTerms], " ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := models.Search(tt.q)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if again := models.Search(got); again != got {
				t.Errorf("got %q searching again, want %q unchanged", again, got)
			}
		})
	}
}

// A search of any size is a query the database runs: SQLite refused a
// 1,000-term search (too deep) and a 60,000-character one (pattern too long).
func TestLongSearchesRun(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write
	addr := &models.Address{Number: 1, Street: "Main Street", City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
	if err := models.CreateAddress(ctx, db, addr); err != nil {
		t.Fatal(err)
	}
	if err := models.CreateLetting(ctx, db, &models.Letting{Title: "Irvine Loft", AddressID: addr.ID}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		search string
		want   int
	}{
		{"1,000 words", strings.TrimSpace(strings.Repeat("loft ", 1000)), 1},
		{"1,000 different words", func() string {
			var b strings.Builder
			for i := range 1000 {
				b.WriteString(string(rune('a'+i%26)) + " ")
			}
			return b.String()
		}(), 0},
		{"60,000 characters", strings.Repeat("x", 60000), 0},
		{"60,000 wildcards", strings.Repeat(`%_\`, 20000), 0},
		{"a match, then padding", "irvine" + strings.Repeat(" ", 60000) + "nowhere", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			n, err := models.CountLettings(ctx, db, tt.search)
			if err != nil || n != tt.want {
				t.Fatalf("got %d (%v), want %d", n, err, tt.want)
			}
			lettings, err := models.ListLettings(ctx, db, tt.search, 20, 0)
			if err != nil || len(lettings) != tt.want {
				t.Fatalf("got %d lettings (%v), want %d", len(lettings), err, tt.want)
			}
		})
	}
	if !utf8.ValidString(models.Search(strings.Repeat("é", 1000))) {
		t.Error("got a cut in the middle of a character")
	}
}

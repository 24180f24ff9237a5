package models_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/bench/synthetic"
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

// searchRows are lettings whose titles and addresses try the search's
// rules: ASCII case folding only, wildcards taken literally, a quote, and
// terms found in different tables.
var searchRows = []struct{ title, city, state string }{
	{"Irvine Loft", "Irvine", "CA"},
	{"Éclair House", "Austin", "TX"},
	{"100% Cabin_One", "Boulder", "CO"},
	{`Quote "Villa"`, "Sedona", "AZ"},
	{"Beach Retreat", "Kailua", "HI"},
	{"Sunnyo Lodge", "Savannah", "GA"},
}

func createSearchRows(t *testing.T, db bun.IDB) []models.Letting {
	t.Helper()
	ctx := context.Background()
	var lettings []models.Letting
	for i, r := range searchRows {
		addr := &models.Address{Number: i + 1, Street: "Main Street", City: r.city, State: r.state, ZipCode: 90000 + i, CountryISOCode: "USA"}
		if err := models.CreateAddress(ctx, db, addr); err != nil {
			t.Fatal(err)
		}
		l := models.Letting{Title: r.title, AddressID: addr.ID}
		if err := models.CreateLetting(ctx, db, &l); err != nil {
			t.Fatal(err)
		}
		lettings = append(lettings, l)
	}
	return lettings
}

// found is what the public search finds, by title, counted and listed.
func found(t *testing.T, db bun.IDB, search string) []string {
	t.Helper()
	ctx := context.Background()
	n, err := models.CountLettings(ctx, db, search)
	if err != nil {
		t.Fatalf("count %q: %v", search, err)
	}
	lettings, err := models.ListLettings(ctx, db, search, 100, 0)
	if err != nil {
		t.Fatalf("list %q: %v", search, err)
	}
	titles := []string{}
	for _, l := range lettings {
		titles = append(titles, l.Title)
	}
	if n != len(titles) {
		t.Errorf("%q: counted %d, listed %v", search, n, titles)
	}
	return titles
}

// The search through the indexes finds what a LIKE on every row found, on
// both databases, and follows every insert, update and delete.
func TestSearchSemantics(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write
	lettings := createSearchRows(t, db)
	for _, tt := range []struct {
		search string
		want   []string
	}{
		{"irvine", []string{"Irvine Loft"}},
		{"IRVINE loft", []string{"Irvine Loft"}},
		{"irvine austin", []string{}}, // every term must match the same letting
		{"Éclair", []string{"Éclair House"}},
		{"éclair", []string{}}, // only ASCII letters fold, as in SQLite's LIKE
		{"100%", []string{"100% Cabin_One"}},
		{"%", []string{"100% Cabin_One"}},
		{"n_o", []string{"100% Cabin_One"}}, // not "Sunnyo"
		{`"villa"`, []string{`Quote "Villa"`}},
		{`villa"`, []string{`Quote "Villa"`}},
		{"retreat KAI", []string{"Beach Retreat"}}, // the title and the address's city
		{"ine Lo", []string{"Irvine Loft"}},        // a term too short for the index
		{"ca", []string{"100% Cabin_One", "Irvine Loft"}},
		{"hi", []string{"Beach Retreat"}},
	} {
		if got := found(t, db, tt.search); !slices.Equal(got, tt.want) {
			t.Errorf("search %q: got %v, want %v", tt.search, got, tt.want)
		}
	}

	// The indexes follow the rows.
	irvine, retreat, eclair := lettings[0], lettings[4], lettings[1]
	irvine.Title = "Newport Loft"
	if err := models.UpdateLetting(ctx, db, &irvine); err != nil {
		t.Fatal(err)
	}
	address, err := models.GetAddress(ctx, db, retreat.AddressID)
	if err != nil {
		t.Fatal(err)
	}
	address.City = "Miami"
	if err := models.UpdateAddress(ctx, db, address); err != nil {
		t.Fatal(err)
	}
	if err := models.DeleteLetting(ctx, db, eclair.ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		search string
		want   []string
	}{
		{"newport", []string{"Newport Loft"}},
		{"irvine", []string{"Newport Loft"}}, // its city still is
		{"irvine loft", []string{"Newport Loft"}},
		{"kailua", []string{}},
		{"miami retreat", []string{"Beach Retreat"}},
		{"Éclair", []string{}},
	} {
		if got := found(t, db, tt.search); !slices.Equal(got, tt.want) {
			t.Errorf("after the changes, search %q: got %v, want %v", tt.search, got, tt.want)
		}
	}
}

// A search reads the rows its terms' indexes point to, not every row:
// among thousands of lettings, the plans of the statements the public
// search runs look each term up in the title's and the address's indexes.
func TestSearchUsesTheIndexes(t *testing.T) {
	db := testdb.Open(t)
	if err := synthetic.Populate(context.Background(), db.Write, 1000); err != nil {
		t.Fatal(err)
	}
	createSearchRows(t, db.Write)
	sitetest.Analyze(t, db, "lettings_letting", "lettings_address")
	queries := sitetest.RecordQueries(db)
	if got := found(t, db.Read, "beach KAILUA"); !slices.Equal(got, []string{"Beach Retreat"}) {
		t.Fatalf("got %v, want the beach retreat", got)
	}
	statements := queries.Take()
	if len(statements) != 2 {
		t.Fatalf("got %d statements, want the count and the page:\n%s", len(statements), strings.Join(statements, "\n"))
	}
	for _, s := range statements {
		plan := sitetest.Plan(t, db, s)
		var want, refused []string
		if db.Kind == "postgres" {
			want = []string{"Bitmap Index Scan on lettings_letting_title_search", "Bitmap Index Scan on lettings_address_city_search",
				"Bitmap Index Scan on lettings_address_state_search"}
			refused = []string{"Seq Scan"}
		} else {
			want = []string{"SCAN lettings_letting_search VIRTUAL TABLE", "SCAN lettings_address_search VIRTUAL TABLE"}
			refused = []string{"SCAN letting\n", "SCAN address\n", "SCAN letting USING", "SCAN address USING"}
		}
		for _, w := range want {
			if !strings.Contains(plan, w) {
				t.Errorf("the plan of\n%s\nhas no %q:\n%s", s, w, plan)
			}
		}
		for _, r := range refused {
			if strings.Contains(plan+"\n", r) {
				t.Errorf("the plan of\n%s\nreads a whole table (%q):\n%s", s, strings.TrimSpace(r), plan)
			}
		}
	}
}

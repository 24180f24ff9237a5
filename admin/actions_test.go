package admin_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// readCSV fails the test unless res is a CSV download named filename, and
// returns its records.
func readCSV(t *testing.T, res *sitetest.Response, filename string) [][]string {
	t.Helper()
	res.Want(t, http.StatusOK)
	if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || !strings.Contains(cd, `filename="`+filename+`"`) {
		t.Fatalf("got %q %q, want a CSV download named %s", ct, cd, filename)
	}
	records, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	c.post("/admin/lettings/letting/1/change/", url.Values{"title": {"=HYPERLINK(\"http://evil.example\")"}, "address": {"1"}})
	c.post("/admin/lettings/letting/2/change/", url.Values{"title": {"Oceanview, \"quoted\" Retreat"}, "address": {"2"}})
	records := readCSV(t, c.post("/admin/lettings/letting/", url.Values{"action": {"export_csv"}, "_selected_action": {"1", "2"}}), "lettings.csv")
	want := [][]string{
		{"Title", "Address", "City"},
		{"'=HYPERLINK(\"http://evil.example\")", "7217 Bedford Street", "Brunswick"},
		{"Oceanview, \"quoted\" Retreat", "4 Military Street", "Willoughby"},
	}
	if fmt.Sprint(records) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", records, want)
	}
	users := c.post("/admin/auth/user/", url.Values{"action": {"export_csv"}, "_selected_action": {"1"}})
	bodyHas(t, users.Want(t, http.StatusOK), "Staff status", "false")
}

// A cell a spreadsheet would take for a formula gets a leading apostrophe
// (OWASP's advice: = + - @, and tab and carriage return, which some
// programs skip first); nothing else is touched. The first names are
// written straight to the database: the form would trim the tab and return.
func TestExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	s := newSite(t, onDB(sitetest.EmptyDB(t)))
	tests := []struct{ in, want string }{
		{"=HYPERLINK(1)", "'=HYPERLINK(1)"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"plain", "plain"},
		{"", ""},
		{"a=b", "a=b"},
	}
	form := url.Values{"action": {"export_csv"}}
	for i, tt := range tests {
		u := s.user(t, models.User{Username: fmt.Sprintf("user%d", i), IsActive: true})
		if _, err := s.DB.Write.ExecContext(context.Background(), "UPDATE auth_user SET first_name = ? WHERE id = ?", tt.in, u.ID); err != nil {
			t.Fatal(err)
		}
		form.Add("_selected_action", fmt.Sprint(u.ID))
	}
	c := s.staff(t, "root", "*")
	records := readCSV(t, c.post("/admin/auth/user/", form), "users.csv")
	column := slices.Index(records[0], "First name")
	if column < 0 {
		t.Fatalf("got the header %q, want a First name column", records[0])
	}
	got := map[string]string{} // username → first name cell
	for _, r := range records[1:] {
		got[r[0]] = r[column]
	}
	for i, tt := range tests {
		if cell, ok := got[fmt.Sprintf("user%d", i)]; !ok || cell != tt.want {
			t.Errorf("first name %q: got the cell %q (exported: %t), want %q", tt.in, cell, ok, tt.want)
		}
	}
	if len(records) != len(tests)+1 {
		t.Errorf("got %d records, want a header and %d rows", len(records), len(tests))
	}
}

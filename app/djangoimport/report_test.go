package djangoimport

import (
	"fmt"
	"slices"
	"testing"
)

func TestInvalidErrorLines(t *testing.T) {
	for _, tt := range []struct {
		problems int
		want     int    // lines
		last     string // the last line
	}{
		{1, 1, "auth_user id 0: bad"},
		{ProblemsShown, ProblemsShown, fmt.Sprintf("auth_user id %d: bad", ProblemsShown-1)},
		{ProblemsShown + 7, ProblemsShown + 1, "… and 7 more"},
	} {
		t.Run(fmt.Sprint(tt.problems), func(t *testing.T) {
			e := &InvalidError{}
			for i := range tt.problems {
				e.Problems = append(e.Problems, Problem{Table: "auth_user", ID: int64(i), Reason: "bad"})
			}
			got := e.Lines()
			if len(got) != tt.want || got[len(got)-1] != tt.last {
				t.Errorf("got %d lines ending %q, want %d ending %q", len(got), got[len(got)-1], tt.want, tt.last)
			}
		})
	}
}

func TestReportNotes(t *testing.T) {
	r := &Report{
		KeptIDs:            true,
		Counts:             []Count{{Table: "auth_user", Found: 2, Imported: 2}},
		Skipped:            []Problem{{Table: "auth_user", ID: 3, Reason: "username: bad"}},
		UnknownPermissions: []string{"admin.view_logentry"},
	}
	want := []Note{
		{Text: "Left out, as this site has no such permission: admin.view_logentry."},
		{Text: "Left out, as invalid (--skip-invalid):", Rows: []string{"auth_user id 3: username: bad"}},
		{Text: "Imported 2 records into an empty database, each with its Django id: old links such as /lettings/1/ keep working."},
	}
	got := r.Notes()
	if !slices.EqualFunc(got, want, func(a, b Note) bool { return a.Text == b.Text && slices.Equal(a.Rows, b.Rows) }) {
		t.Errorf("got %q, want %q", got, want)
	}
	r.Counts[0].Imported = 0
	if got := r.Notes(); got[len(got)-1].Text != "Nothing to import: every record is here already." {
		t.Errorf("got %q, want nothing to import", got[len(got)-1].Text)
	}
}

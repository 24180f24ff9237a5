package reliability

import (
	"bytes"
	"strings"
	"testing"
)

// The history check must catch what the editors check exists to catch: a
// save that overwrote a title its editor never saw, an entry whose old
// value is not what it replaced, a save missing from the history, and a
// title that is not its history's last.
func TestVerifyHistory(t *testing.T) {
	before := map[string]string{"1": "Start"}
	for _, tt := range []struct {
		name             string
		after            map[string]string
		history          []titleChange
		saves            []save
		lost, mismatches int
	}{
		{"each save saw what it replaced",
			map[string]string{"1": "B"},
			[]titleChange{{1, "1", "Start", "A"}, {2, "1", "A", "B"}},
			[]save{{"1", "Start", "A", false}, {"1", "A", "B", false}}, 0, 0},
		{"a save overwrote a title its editor never saw",
			map[string]string{"1": "B"},
			[]titleChange{{1, "1", "Start", "A"}, {2, "1", "A", "B"}},
			[]save{{"1", "Start", "A", false}, {"1", "Start", "B", false}}, 1, 0},
		{"the history says a save replaced what it did not",
			map[string]string{"1": "B"},
			[]titleChange{{1, "1", "Start", "A"}, {2, "1", "Start", "B"}},
			[]save{{"1", "Start", "A", false}, {"1", "Start", "B", false}}, 0, 1},
		{"a save re-applied after a conflict is in the history",
			map[string]string{"1": "B"},
			[]titleChange{{1, "1", "Start", "A"}, {2, "1", "A", "B"}},
			[]save{{"1", "Start", "A", false}, {"1", "", "B", true}}, 0, 0},
		{"a save re-applied after a conflict is not in the history",
			map[string]string{"1": "A"},
			[]titleChange{{1, "1", "Start", "A"}},
			[]save{{"1", "Start", "A", false}, {"1", "", "B", true}}, 1, 0},
		{"an acknowledged save is not in the history",
			map[string]string{"1": "A"},
			[]titleChange{{1, "1", "Start", "A"}},
			[]save{{"1", "Start", "A", false}, {"1", "A", "B", false}}, 1, 0},
		{"the title is not the history's last",
			map[string]string{"1": "C"},
			[]titleChange{{1, "1", "Start", "A"}},
			[]save{{"1", "Start", "A", false}}, 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lost, mismatches := verifyHistory(before, tt.after, tt.history, tt.saves)
			if lost != tt.lost || mismatches != tt.mismatches {
				t.Errorf("got %d lost and %d mismatches, want %d and %d", lost, mismatches, tt.lost, tt.mismatches)
			}
		})
	}
}

func TestChangeFormParsing(t *testing.T) {
	page := `<form id="logout-form" method="post" action="/admin/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="nav"></form>
<form method="post" action="" id="letting_form" novalidate>
<input type="hidden" name="csrfmiddlewaretoken" value="tok">
<input type="hidden" name="_version" value="7">
<input type="text" name="title" id="id_title" value="Pool &amp; Spa" maxlength="256" required>
<select name="address" id="id_address" required>
<option value="">---------</option>
<option value="1">1 Main</option>
<option value="2" selected>2 Side</option>
</select>
</form>`
	form := formIn(page, `id="letting_form"`)
	hidden := hiddenFields(form)
	if hidden.Get("csrfmiddlewaretoken") != "tok" || hidden.Get("_version") != "7" || len(hidden) != 2 {
		t.Errorf("got hidden fields %v, want the form's own token and version", hidden)
	}
	if title, ok := inputValue(form, "title"); !ok || title != "Pool & Spa" {
		t.Errorf("got title %q, %v, want it unescaped", title, ok)
	}
	if got := selected(form, "address"); got != "2" {
		t.Errorf("got address %q, want 2", got)
	}
	autocomplete := formIn(strings.Replace(page, `<select name="address" id="id_address" required>`,
		`<input type="text" name="address" id="id_address" value="3" inputmode="numeric"><select name="other">`, 1), `id="letting_form"`)
	if got := selected(autocomplete, "address"); got != "3" {
		t.Errorf("got address %q from an autocomplete's input, want 3", got)
	}
	if !hasVersionField(form) || hasVersionField(formIn(page, `id="logout-form"`)) {
		t.Error("got the version field misread")
	}
	if formIn(page, `id="missing"`) != "" {
		t.Error("got a form that is not there")
	}
}

func TestReportFailures(t *testing.T) {
	var r Report
	r.Add("load", "sqlite", "requests", 10)
	r.Zero("load", "sqlite", "non-2xx", 0)
	r.Zero("editors", "postgres", "lost updates", 3)
	r.Bounded("login storm", "sqlite", "checked", 6, "≤ 5", false)
	got := r.Failures()
	want := []string{"editors on postgres: lost updates is 3, want = 0", "login storm on sqlite: checked is 6, want ≤ 5"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got failures %q, want %q", got, want)
	}
	var out bytes.Buffer
	r.Print(&out)
	for _, line := range []string{"FAIL", "ok", "lost updates"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("got table without %q:\n%s", line, out.String())
		}
	}
}

package main

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// changeForm is shaped like the admin's change page: a sign-out form first,
// with a token but no "_save", then the change form.
const changeForm = `<!doctype html><html><body>
<form id="logout-form" method="post" action="/admin/logout/">
  <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN"><button type="submit">Log out</button>
</form>
<form method="post" action="/admin/lettings/letting/7/change/" id="letting_form" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="TOKEN"><input type="hidden" name="_version" value="3.abc">
  <input type="text" name="title" value="A &amp; B" required>
  <input type="text" name="address" value="7" class="vForeignKeyRawIdAdminField">
  <input type="number" name="rooms">
  <input type="checkbox" name="is_active" checked>
  <input type="checkbox" name="is_staff" value="yes">
  <input type="radio" name="kind" value="a"><input type="radio" name="kind" value="b" checked>
  <select name="state"><option value="">---------</option><option value="CA" selected>California</option></select>
  <select name="country"><option value="USA">USA</option><option value="FRA">France</option></select>
  <select name="groups" multiple><option value="1" selected>One</option><option value="2">Two</option><option value="3" selected>Three</option></select>
  <select name="none" multiple><option value="1">One</option></select>
  <select name="plain"><option>No value</option></select>
  <textarea name="notes">line one
line two</textarea>
  <input type="text" name="locked" value="x" disabled>
  <fieldset disabled><input type="text" name="in_disabled_set" value="x"></fieldset>
  <input type="text" value="no name">
  <input type="file" name="photo">
  <input type="submit" value="Save" class="default" name="_save">
  <input type="submit" value="Save and add another" name="_addanother">
  <input type="submit" value="Save and continue editing" name="_continue">
</form>
</body></html>`

func TestSubmittedForm(t *testing.T) {
	action, values, err := submittedForm(strings.NewReader(changeForm), "_save")
	if err != nil {
		t.Fatal(err)
	}
	if action != "/admin/lettings/letting/7/change/" {
		t.Errorf("action = %q, want the change form's", action)
	}
	want := url.Values{
		"csrfmiddlewaretoken": {"TOKEN"},
		"_version":            {"3.abc"},
		"title":               {"A & B"},
		"address":             {"7"},
		"rooms":               {""},
		"is_active":           {"on"},
		"kind":                {"b"},
		"state":               {"CA"},
		"country":             {"USA"},
		"groups":              {"1", "3"},
		"plain":               {"No value"},
		"notes":               {"line one\nline two"},
		"_save":               {"Save"},
	}
	if !reflect.DeepEqual(values, want) {
		t.Errorf("values =\n%v\nwant\n%v", values, want)
	}
}

func TestSubmittedFormMissing(t *testing.T) {
	if _, _, err := submittedForm(strings.NewReader(changeForm), "_delete"); err == nil {
		t.Error("no error for a page without the button; want one")
	}
}

func TestLastPage(t *testing.T) {
	tests := []struct {
		name, page string
		want       int
	}{
		{"links after the gap", `<p class="paginator"><span class="this-page">1</span> <a href="?p=2">2</a>
			<span class="gap">…</span> <a href="?q=x&amp;p=1000">1000</a> <a href="?p=1001&amp;o=3">1001</a> 100006 lettings</p>`, 1001},
		{"on the last page", `<p class="paginator"><a href="?p=1">1</a> <span class="this-page">2</span> 150 lettings</p>`, 2},
		{"one page, no links", `<p class="paginator">6 lettings</p>`, 1},
		{"links elsewhere do not count", `<a href="?p=99">99</a><p class="paginator">6 lettings</p>`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lastPage(strings.NewReader(tt.page))
			if err != nil || got != tt.want {
				t.Errorf("lastPage = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

func TestParseOp(t *testing.T) {
	op, err := parseOp("search:GET:/admin/lettings/letting/?q=a:b")
	if err != nil || op != (uncachedOp{"search", "GET", "/admin/lettings/letting/?q=a:b"}) {
		t.Errorf("parseOp = %+v, %v", op, err)
	}
	for _, bad := range []string{"search", "search:GET", "search:POST:/x", ":GET:/x", "search:GET:x"} {
		if _, err := parseOp(bad); err == nil {
			t.Errorf("parseOp(%q) accepted; want an error", bad)
		}
	}
}

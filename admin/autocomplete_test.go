package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// acURL is the autocomplete endpoint for a model's field, with more
// parameters as NAME, value pairs.
func acURL(app, model, field string, more ...string) string {
	q := url.Values{"app_label": {app}, "model_name": {model}, "field_name": {field}}
	for i := 0; i+1 < len(more); i += 2 {
		q.Set(more[i], more[i+1])
	}
	return "/admin/autocomplete/?" + q.Encode()
}

// acAnswer is Django's JSON answer.
type acAnswer struct {
	Results []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"results"`
	Pagination struct {
		More bool `json:"more"`
	} `json:"pagination"`
}

func decodeAnswer(t *testing.T, res *sitetest.Response) acAnswer {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: got Content-Type %q, want application/json", res.Path, ct)
	}
	var a acAnswer
	if err := json.Unmarshal([]byte(res.Body), &a); err != nil {
		t.Fatalf("%s: %v in %q", res.Path, err, res.Body)
	}
	if a.Results == nil {
		t.Fatalf("%s: got %s, want a results list, even empty", res.Path, res.Body)
	}
	return a
}

// inWA is an address of the autocomplete's tests, on street in city.
func inWA(street, city string) models.Address {
	return models.Address{Street: street, City: city, State: "WA", ZipCode: 98101, CountryISOCode: "USA"}
}

// TestAutocompletePermissions: the endpoint's checks, as Django's
// AutocompleteJsonView makes them.
func TestAutocompletePermissions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	root := s.staff(t, "root", "*")
	lettingsOnly := s.staff(t, "lettings-only", "lettings.change_letting", "lettings.view_letting")
	viewer := s.staff(t, "address-viewer", "lettings.view_address")
	changer := s.staff(t, "address-changer", "lettings.change_address")
	adder := s.staff(t, "address-adder", "lettings.add_address", "lettings.delete_address")
	users := s.staff(t, "user-viewer", "auth.view_user")
	address := acURL("lettings", "letting", "address")

	res := s.client(t).get(address)
	redirect(t, res, "/admin/login/?next="+url.QueryEscape(address))

	tests := []struct {
		name   string
		c      *client
		path   string
		status int
	}{
		{"staff who may not see addresses", lettingsOnly, address, http.StatusForbidden},
		{"add and delete are not view", adder, address, http.StatusForbidden},
		{"view only on the target", viewer, address, http.StatusOK},
		{"change on the target", changer, address, http.StatusOK},
		{"a superuser", root, address, http.StatusOK},
		{"the profile's user, with view on users", users, acURL("profiles", "profile", "user"), http.StatusOK},
		{"the profile's user, without", viewer, acURL("profiles", "profile", "user"), http.StatusForbidden},
		{"no parameters", root, "/admin/autocomplete/", http.StatusForbidden},
		{"no field_name", root, "/admin/autocomplete/?app_label=lettings&model_name=letting", http.StatusForbidden},
		{"an unknown app", root, acURL("letings", "letting", "address"), http.StatusForbidden},
		{"an unknown model", root, acURL("lettings", "house", "address"), http.StatusForbidden},
		{"the app and model run together", root, acURL("lettings.letting", "", "address"), http.StatusForbidden},
		{"an unknown field", root, acURL("lettings", "letting", "adress"), http.StatusForbidden},
		{"a field not in Autocomplete", root, acURL("lettings", "letting", "title"), http.StatusForbidden},
		{"a relation not in Autocomplete", root, acURL("auth", "user", "groups"), http.StatusForbidden},
		{"page 1", root, acURL("lettings", "letting", "address", "page", "1"), http.StatusOK},
		{"page last", root, acURL("lettings", "letting", "address", "page", "last"), http.StatusOK},
		{"page with spaces, as Python's int reads it", root, acURL("lettings", "letting", "address", "page", " 1 "), http.StatusOK},
		{"page 0", root, acURL("lettings", "letting", "address", "page", "0"), http.StatusNotFound},
		{"page -1", root, acURL("lettings", "letting", "address", "page", "-1"), http.StatusNotFound},
		{"a page past the last", root, acURL("lettings", "letting", "address", "page", "2"), http.StatusNotFound},
		{"a huge page", root, acURL("lettings", "letting", "address", "page", "99999999999999999999"), http.StatusNotFound},
		{"a page that is no number", root, acURL("lettings", "letting", "address", "page", "abc"), http.StatusNotFound},
		{"a page with a fraction", root, acURL("lettings", "letting", "address", "page", "1.5"), http.StatusNotFound},
		{"a huge term", root, acURL("lettings", "letting", "address", "term", strings.Repeat("street ", 5000)), http.StatusOK},
		{"a term of wildcards", root, acURL("lettings", "letting", "address", "term", `%_\'"`), http.StatusOK},
		{"a NUL byte in the term", root, address + "&term=a%00b", http.StatusBadRequest},
		{"a NUL byte in the field", root, acURL("lettings", "letting", "address\x00"), http.StatusBadRequest},
		{"bytes that are not UTF-8", root, address + "&term=%ff%fe", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.c.get(tt.path)
			if res.Status != tt.status {
				t.Fatalf("GET %s: got %d, want %d\n%s", tt.path, res.Status, tt.status, res.Body)
			}
			if tt.status == http.StatusOK {
				decodeAnswer(t, res)
			}
		})
	}
}

// TestAutocompleteSearch: the target's Search with the changelist's
// semantics (every term matches some field, case-insensitively, % and _
// taken literally), the target's ordering, 20 a page, and JSON that keeps
// any text intact.
func TestAutocompleteSearch(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "viewer", "lettings.view_address", "auth.view_user")
	ids := addAddresses(t, s.DB, 25, inWA("Quokka Lane", "Perth"))
	addAddresses(t, s.DB, 3, inWA("Quokka Lane", "Fremantle"))
	percent := addAddresses(t, s.DB, 1, inWA("100% Pure Road", "Perth"))
	underscore := addAddresses(t, s.DB, 1, inWA("Snake_Case Row", "Perth"))
	tricky := addAddresses(t, s.DB, 1, inWA(`<script>"&'</script>`, "Perth"))

	search := func(term, page string) acAnswer {
		t.Helper()
		return decodeAnswer(t, c.get(acURL("lettings", "letting", "address", "term", term, "page", page)).Want(t, http.StatusOK))
	}
	first := search("quokka PERTH", "")
	if len(first.Results) != 20 || !first.Pagination.More {
		t.Fatalf("page 1: got %d results, more %v; want 20 and more", len(first.Results), first.Pagination.More)
	}
	for i, r := range first.Results {
		if want := fmt.Sprint(ids[i]); r.ID != want || r.Text != fmt.Sprintf("%d Quokka Lane", i+1) {
			t.Fatalf("result %d: got %+v, want id %s, %d Quokka Lane (the address's ordering, by id)", i, r, want, i+1)
		}
	}
	second := search("quokka PERTH", "2")
	if len(second.Results) != 5 || second.Pagination.More {
		t.Fatalf("page 2: got %d results, more %v; want 5 and no more", len(second.Results), second.Pagination.More)
	}
	if second.Results[4].ID != fmt.Sprint(ids[24]) {
		t.Fatalf("page 2 ends with %+v, want the 25th address", second.Results[4])
	}
	c.get(acURL("lettings", "letting", "address", "term", "quokka perth", "page", "3")).Want(t, http.StatusNotFound)
	if last := search("quokka perth", "last"); len(last.Results) != 5 {
		t.Fatalf("page last: got %d results, want the 5 of page 2", len(last.Results))
	}

	for _, tt := range []struct {
		term string
		want []int64
	}{
		{"quokka fremantle", nil}, // checked by count below
		{"100%", percent},
		{"%", percent},
		{"_case", underscore},
		{"e_c", underscore},
		{"<script>", tricky},
		{"quokka nowhere", []int64{}},
	} {
		got := search(tt.term, "")
		if tt.want == nil {
			if len(got.Results) != 3 {
				t.Errorf("term %q: got %d results, want 3", tt.term, len(got.Results))
			}
			continue
		}
		var gotIDs []string
		for _, r := range got.Results {
			gotIDs = append(gotIDs, r.ID)
		}
		var wantIDs []string
		for _, id := range tt.want {
			wantIDs = append(wantIDs, fmt.Sprint(id))
		}
		if strings.Join(gotIDs, ",") != strings.Join(wantIDs, ",") || got.Pagination.More {
			t.Errorf("term %q: got ids %v (more %v), want %v", tt.term, gotIDs, got.Pagination.More, wantIDs)
		}
	}

	// Any text comes back intact, and nothing in the body is markup.
	res := c.get(acURL("lettings", "letting", "address", "term", "script"))
	if got := decodeAnswer(t, res); len(got.Results) != 1 || got.Results[0].Text != `1 <script>"&'</script>` {
		t.Fatalf("got %+v, want the street as stored", got.Results)
	}
	if strings.Contains(res.Body, "<script>") {
		t.Fatalf("got %s, want < escaped in the JSON", res.Body)
	}

	// The profile's user is searched by the user admin's Search.
	users := decodeAnswer(t, c.get(acURL("profiles", "profile", "user", "term", "sm")).Want(t, http.StatusOK))
	for _, r := range users.Results {
		if !strings.Contains(strings.ToLower(r.Text), "sm") {
			u, err := models.GetUserByUsername(context.Background(), s.DB.Read, r.Text)
			if err != nil || !strings.Contains(strings.ToLower(u.FirstName+u.LastName+u.Email), "sm") {
				t.Errorf("user %+v does not match sm", r)
			}
		}
	}
}

// TestAutocompleteFormShipsOnlyTheSelection: the letting form carries the
// selected address (its id and name), never the table: its size does not
// grow with the addresses.
func TestAutocompleteFormShipsOnlyTheSelection(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	form := "/admin/lettings/letting/1/change/"
	before := c.get(form).Want(t, http.StatusOK)
	addAddresses(t, s.DB, 500, inWA("Bulk Street", "Seattle"))
	res := c.get(form).Want(t, http.StatusOK)
	l, err := models.GetLetting(context.Background(), s.DB.Read, 1)
	if err != nil {
		t.Fatal(err)
	}
	has(t, res,
		attr(`#letting_form input#id_address`, "name", "address"),
		attr(`#id_address`, "type", "text"),
		attr(`#id_address`, "inputmode", "numeric"),
		attr(`#id_address`, "value", fmt.Sprint(l.AddressID)),
		el(`#id_address_name`, l.Address.String()),
		attr(`#add_id_address`, "href", "/admin/lettings/address/add/"))
	if n := res.Count(`#letting_form option`); n != 0 {
		t.Fatalf("got %d options in the letting form, want none", n)
	}
	bodyLacks(t, res, "Bulk Street")
	if grew := len(res.Body) - len(before.Body); grew > 200 || grew < -200 {
		t.Fatalf("the form grew by %d bytes with 500 more addresses, want about 0", grew)
	}

	// The add form has no selection, and no name.
	add := c.get("/admin/lettings/letting/add/").Want(t, http.StatusOK)
	has(t, add, attr(`#id_address`, "value", ""), el(`#id_address_name`, ""))
	bodyLacks(t, add, "Bulk Street", l.Address.String())

	// The profile's user likewise.
	profile := c.get("/admin/profiles/profile/1/change/").Want(t, http.StatusOK)
	p, err := models.GetProfile(context.Background(), s.DB.Read, 1)
	if err != nil {
		t.Fatal(err)
	}
	has(t, profile, attr(`#id_user`, "value", fmt.Sprint(p.UserID)), el(`#id_user_name`, p.User.Username))
	if n := profile.Count(`#profile_form option`); n != 0 {
		t.Fatalf("got %d options in the profile form, want none", n)
	}

	// A user who may only view lettings sees the address's name.
	viewer := s.staff(t, "viewer", "lettings.view_letting")
	has(t, viewer.get(form).Want(t, http.StatusOK), el(".field-address .readonly", l.Address.String()))
}

// TestAutocompleteSave: the form posts the id, as a select did; an id
// that names no address, or no number at all, is Django's invalid choice,
// shown with the form's other errors, the input kept.
func TestAutocompleteSave(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	moved := addAddresses(t, s.DB, 1, inWA("Wombat Way", "Darwin"))[0]
	form := "/admin/lettings/letting/1/change/"
	page := c.get(form).Want(t, http.StatusOK)
	values := with(hiddenFields(page), url.Values{"title": {page.Doc().Find("#id_title").AttrOr("value", "")},
		"address": {fmt.Sprint(moved)}, "_continue": {"1"}})
	redirect(t, c.post(form, values), form)
	l, err := models.GetLetting(context.Background(), s.DB.Read, 1)
	if err != nil {
		t.Fatal(err)
	}
	if l.AddressID != moved {
		t.Fatalf("got address %d, want %d", l.AddressID, moved)
	}
	has(t, c.get(form).Want(t, http.StatusOK), attr("#id_address", "value", fmt.Sprint(moved)), el("#id_address_name", "1 Wombat Way"))
	has(t, c.get("/admin/lettings/letting/1/history/").Want(t, http.StatusOK), el("#change-history .changes ins", "1 Wombat Way"))

	for _, bad := range []string{"abc", "99999", "-3", "1.5", "0x10"} {
		t.Run(bad, func(t *testing.T) {
			page := c.get(form).Want(t, http.StatusOK)
			values := with(hiddenFields(page), url.Values{"title": {""}, "address": {bad}, "_save": {"1"}})
			res := c.post(form, values).Want(t, http.StatusOK)
			has(t, res,
				fieldErr("address", "Select a valid choice. That choice is not one of the available choices."),
				fieldErr("title", "This field is required."),
				errorNote("Please correct the errors below."),
				attr("#id_address", "value", bad),
				attr("#id_address", "aria-invalid", "true"),
				el("#id_address_name", ""))
		})
	}
}

package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

const msgRequired = "This field is required."

// dateTimeInputs are the values of a page's date and time inputs, as a
// browser sends them back untouched.
func dateTimeInputs(res *sitetest.Response) url.Values {
	form := url.Values{}
	res.Doc().Find(`p.datetime input[name]`).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		v, _ := in.Attr("value")
		form.Add(name, v)
	})
	return form
}

// countErrorsOf counts the field errors with a text.
func countErrorsOf(res *sitetest.Response, text string) int {
	n := 0
	for _, got := range res.Texts(".errorlist li") {
		if got == text {
			n++
		}
	}
	return n
}

func countRows(t *testing.T, s *site, table string) int {
	t.Helper()
	n, err := s.DB.Read.NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestEveryErrorAtOnce: a form reports every field's errors in one round,
// as Django's does: what does not parse, and what the model refuses among
// the rest, with the password pair and the username together.
func TestEveryErrorAtOnce(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	addresses, users := countRows(t, s, "lettings_address"), countRows(t, s, "auth_user")

	res := c.post("/admin/lettings/address/add/", url.Values{"_save": {"Save"}}).Want(t, http.StatusOK)
	has(t, res, errorNote("Please correct the errors below."))
	if n := countErrorsOf(res, msgRequired); n != 6 {
		t.Errorf("empty address: got %d %q, want 6 (every field)", n, msgRequired)
	}
	for _, name := range []string{"number", "street", "city", "state", "zip_code", "country_iso_code"} {
		has(t, res, fieldErr(name, msgRequired))
	}

	// A field that does not parse shows only that, beside the others'
	// errors from the model.
	res = c.post("/admin/lettings/address/add/", url.Values{"number": {"twelve"}, "street": {"Ocean Drive"}, "city": {"Laguna"},
		"state": {"C"}, "zip_code": {"100000"}, "country_iso_code": {"US"}}).Want(t, http.StatusOK)
	has(t, res, fieldErr("number", "Enter a whole number."),
		fieldErr("state", "Ensure this value has at least 2 characters (it has 1)."),
		fieldErr("zip_code", "Ensure this value is less than or equal to 99999."),
		fieldErr("country_iso_code", "Ensure this value has at least 3 characters (it has 2)."),
		attr("#id_number", "value", "twelve"))
	if got := res.Texts("#id_number_error li"); len(got) != 1 {
		t.Errorf("number: got %q, want only its parsing error", got)
	}

	for _, tt := range []struct {
		name, username string
		want           map[string]string
	}{
		{"bad username", "bad name!", map[string]string{
			"username":  "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
			"password2": "The two password fields didn’t match.",
		}},
		{"taken username", "ROOT", map[string]string{
			"username":  "A user with that username already exists.",
			"password2": "The two password fields didn’t match.",
		}},
		{"empty", "", map[string]string{"username": msgRequired, "password1": msgRequired, "password2": msgRequired}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"username": {tt.username}, "_save": {"Save"}}
			if tt.username != "" {
				form.Set("password1", "Olive-Branch-Morning-3")
				form.Set("password2", "Olive-Branch-Morning-4")
			}
			res := c.post("/admin/auth/user/add/", form).Want(t, http.StatusOK)
			has(t, res, errorNote("Please correct the errors below."))
			for field, msg := range tt.want {
				has(t, res, fieldErr(field, msg))
			}
			// The model's own password (the hash) is not a field of this form.
			lacks(t, res, sitetest.Element{Sel: "#id_password_error"})
		})
	}
	if a, u := countRows(t, s, "lettings_address"), countRows(t, s, "auth_user"); a != addresses || u != users {
		t.Errorf("got %d addresses and %d users, want %d and %d: nothing saved", a, u, addresses, users)
	}
}

// TestNumberFields: an add form's numbers start empty, and every number
// input carries the model's bounds.
func TestNumberFields(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	for _, path := range []string{"/admin/lettings/address/add/", "/admin/lettings/address/1/change/"} {
		res := c.get(path).Want(t, http.StatusOK)
		has(t, res,
			attr("#id_number", "type", "number"), attr("#id_number", "min", "0"), attr("#id_number", "max", "9999"),
			attr("#id_zip_code", "type", "number"), attr("#id_zip_code", "min", "0"), attr("#id_zip_code", "max", "99999"))
		value, _ := res.Attr("#id_number", "value")
		if adding := strings.HasSuffix(path, "/add/"); adding != (value == "") {
			t.Errorf("%s: got number %q, want it empty only on the add form", path, value)
		}
		if v, _ := res.Attr("#id_zip_code", "value"); strings.HasSuffix(path, "/add/") && v != "" {
			t.Errorf("%s: got zip code %q, want it empty", path, v)
		}
	}
}

// TestSaveAsNew: "Save as new" makes a copy, on every model, with the add
// permission, and leaves the original as it was.
func TestSaveAsNew(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	c := s.staff(t, "root", "*")
	const change = "/admin/lettings/address/1/change/"
	original, err := models.GetAddress(ctx, s.DB.Read, 1)
	if err != nil {
		t.Fatal(err)
	}
	history := func(id int64) []models.LogEntry {
		t.Helper()
		entries, err := models.ObjectHistory(ctx, s.DB.Read, "lettings", "address", fmt.Sprint(id))
		if err != nil {
			t.Fatal(err)
		}
		return entries
	}
	before := len(history(1))

	res := c.get(change).Want(t, http.StatusOK)
	has(t, res, attr(`.submit-row input[name="_saveasnew"]`, "value", "Save as new"),
		attr(`.submit-row input[name="_save"]`, "value", "Save"),
		attr(`.submit-row input[name="_continue"]`, "value", "Save and continue editing"))
	lacks(t, res, sitetest.Element{Sel: `.submit-row input[name="_addanother"]`})
	has(t, c.get("/admin/lettings/address/add/").Want(t, http.StatusOK), sitetest.Element{Sel: `.submit-row input[name="_addanother"]`})
	lacks(t, c.get("/admin/lettings/address/add/").Want(t, http.StatusOK), sitetest.Element{Sel: `input[name="_saveasnew"]`})

	form := with(formOf(res, "#content-main form"), url.Values{"number": {"7218"}, "_saveasnew": {"Save as new"}})
	form.Del("csrfmiddlewaretoken") // each client posts its own
	res = c.post(change, form)
	copied, err := models.FindAddress(ctx, s.DB.Read, &models.Address{Number: 7218, Street: original.Street, City: original.City,
		State: original.State, ZipCode: original.ZipCode, CountryISOCode: original.CountryISOCode})
	if err != nil {
		t.Fatalf("got no copy (%v); the answer was %d %q", err, res.Status, res.Location())
	}
	copyURL := fmt.Sprintf("/admin/lettings/address/%d/change/", copied.ID)
	redirect(t, res, copyURL)
	has(t, c.get(copyURL).Want(t, http.StatusOK),
		message(fmt.Sprintf("The address “7218 %s” was added successfully. You may edit it again below.", original.Street)),
		el(fmt.Sprintf(`.messagelist li a[href=%q]`, copyURL), "7218 "+original.Street))
	if after, err := models.GetAddress(ctx, s.DB.Read, 1); err != nil || *after != *original {
		t.Errorf("got the original %+v (%v), want it unchanged: %+v", after, err, original)
	}
	if got := history(1); len(got) != before {
		t.Errorf("got %d entries for the original, want %d", len(got), before)
	}
	// With its inline letting copied too, as Django's formsets do.
	if got := history(copied.ID); len(got) != 1 || got[0].ActionFlag != models.ActionAddition || !strings.HasPrefix(got[0].ChangeMessage, "Added.") {
		t.Errorf("got the copy's history %+v, want one addition, Added.", got)
	}

	t.Run("invalid", func(t *testing.T) {
		addresses := countRows(t, s, "lettings_address")
		res := c.post(change, with(form, url.Values{"number": {""}, "state": {"C"}})).Want(t, http.StatusOK)
		has(t, res, title("Add address | OC Lettings site admin"), el("h1", "Add address"),
			errorNote("Please correct the errors below."), fieldErr("number", msgRequired),
			fieldErr("state", "Ensure this value has at least 2 characters (it has 1)."),
			attr("#address_form", "action", change),
			attr(`.submit-row input[name="_saveasnew"]`, "value", "Save as new"),
			attr(".submit-row a.closelink", "href", "/admin/lettings/address/"))
		for _, button := range []string{"_save", "_continue", "_addanother"} {
			lacks(t, res, sitetest.Element{Sel: fmt.Sprintf(`.submit-row input[name=%q]`, button)})
		}
		if n := countRows(t, s, "lettings_address"); n != addresses {
			t.Errorf("got %d addresses, want %d", n, addresses)
		}
	})

	t.Run("without the button", func(t *testing.T) {
		free := &models.Address{Number: 1, Street: "Free Street", City: "Testville", State: "TX", ZipCode: 75001, CountryISOCode: "USA"}
		if err := models.CreateAddress(ctx, s.DB.Write, free); err != nil {
			t.Fatal(err)
		}
		before, err := models.GetLetting(ctx, s.DB.Read, 1)
		if err != nil {
			t.Fatal(err)
		}
		res := c.get("/admin/lettings/letting/1/change/").Want(t, http.StatusOK)
		lacks(t, res, sitetest.Element{Sel: `input[name="_saveasnew"]`})
		res = c.post("/admin/lettings/letting/1/change/", url.Values{"title": {"A copy"}, "address": {fmt.Sprint(free.ID)}, "_saveasnew": {"1"}})
		copied, err := models.FindLetting(ctx, s.DB.Read, "A copy", free.ID)
		if err != nil {
			t.Fatalf("got no copy (%v): %d %q", err, res.Status, res.Location())
		}
		redirect(t, res, fmt.Sprintf("/admin/lettings/letting/%d/change/", copied.ID))
		if after, err := models.GetLetting(ctx, s.DB.Read, 1); err != nil || after.Title != before.Title || after.AddressID != before.AddressID {
			t.Errorf("got the original %+v (%v), want it unchanged", after, err)
		}
	})

	t.Run("permissions", func(t *testing.T) {
		addresses := countRows(t, s, "lettings_address")
		editor := s.staff(t, "editor", "lettings.view_address", "lettings.change_address")
		lacks(t, editor.get(change).Want(t, http.StatusOK), sitetest.Element{Sel: `input[name="_saveasnew"]`})
		editor.post(change, form).Want(t, http.StatusForbidden)
		if n := countRows(t, s, "lettings_address"); n != addresses {
			t.Errorf("got %d addresses after a refused copy, want %d", n, addresses)
		}
		// With the add permission alone, Django makes the copy and, as
		// the user may not see the list, goes back to the index.
		clerk := s.staff(t, "clerk", "lettings.add_address")
		redirect(t, clerk.post(change, with(form, url.Values{"number": {"7219"}})), "/admin/")
		has(t, clerk.get("/admin/").Want(t, http.StatusOK), sitetest.Element{Sel: ".messagelist li", Contains: "was added successfully."})
		if n := countRows(t, s, "lettings_address"); n != addresses+1 {
			t.Errorf("got %d addresses, want the clerk's copy", n)
		}
	})
}

// TestSplitDateTime: a user's last login and date joined are entered as a
// date and a time in the site's time zone, with Django's messages.
func TestSplitDateTime(t *testing.T) {
	t.Parallel()
	s := newSite(t, withVars("TIME_ZONE", "Europe/Paris"))
	ctx := context.Background()
	c := s.staff(t, "root", "*")
	joined := time.Date(2020, 6, 14, 7, 44, 0, 123000, time.UTC) // 9:44 in Paris
	clerk := s.user(t, models.User{Username: "clerk", IsActive: true, DateJoined: joined})
	path := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)

	res := c.get(path).Want(t, http.StatusOK)
	has(t, res,
		el(".field-date_joined label.required", "Date joined:"),
		attr("#id_date_joined_0", "value", "2020-06-14"), attr("#id_date_joined_0", "class", "vDateField"),
		attr("#id_date_joined_0", "size", "10"), attr("#id_date_joined_0", "name", "date_joined_0"),
		attr("#id_date_joined_1", "value", "09:44:00"), attr("#id_date_joined_1", "class", "vTimeField"),
		attr("#id_date_joined_1", "size", "8"), attr("#id_date_joined_1", "name", "date_joined_1"),
		attr("#id_last_login_0", "value", ""), attr("#id_last_login_1", "value", ""),
		el(`label[for="id_last_login_0"]`, "Date:"), el(`label[for="id_last_login_1"]`, "Time:"),
		attr("p.datetime", "aria-labelledby", "id_last_login_label"))
	lacks(t, res, sitetest.Element{Sel: "#id_last_login_0[required]"})
	form := formOf(res, "#content-main form")
	form.Set("_save", "Save")

	// Sent back untouched, the moment keeps its fraction of a second.
	redirect(t, c.post(path, form), "/admin/auth/user/")
	if u, _ := models.GetUser(ctx, s.DB.Read, clerk.ID); !u.DateJoined.Equal(joined) || !u.LastLogin.IsZero() {
		t.Errorf("got joined %v, last login %v, want %v and none", u.DateJoined, u.LastLogin, joined)
	}

	unchanged := func(t *testing.T) {
		t.Helper()
		u, err := models.GetUser(ctx, s.DB.Read, clerk.ID)
		if err != nil || !u.DateJoined.Equal(joined) || !u.LastLogin.IsZero() || u.Username != "clerk" {
			t.Errorf("got %+v (%v), want the user unchanged", u, err)
		}
	}
	for _, tt := range []struct {
		name   string
		values url.Values
		errors map[string][]string
	}{
		{"garbled date", url.Values{"last_login_0": {"2020-13-45"}, "last_login_1": {"09:00"}},
			map[string][]string{"last_login": {"Enter a valid date."}}},
		{"garbled time", url.Values{"last_login_0": {"2020-06-14"}, "last_login_1": {"25:00"}},
			map[string][]string{"last_login": {"Enter a valid time."}}},
		{"both garbled", url.Values{"last_login_0": {"soon"}, "last_login_1": {"later"}},
			map[string][]string{"last_login": {"Enter a valid date.", "Enter a valid time."}}},
		{"date only", url.Values{"last_login_0": {"2020-06-14"}, "last_login_1": {""}},
			map[string][]string{"last_login": {"Enter a valid time."}}},
		{"time only", url.Values{"last_login_0": {""}, "last_login_1": {"09:00:00"}},
			map[string][]string{"last_login": {"Enter a valid date."}}},
		{"required pair empty", url.Values{"date_joined_0": {""}, "date_joined_1": {""}},
			map[string][]string{"date_joined": {msgRequired}}},
		{"required pair half", url.Values{"date_joined_0": {"garbled"}, "date_joined_1": {""}},
			map[string][]string{"date_joined": {msgRequired}}},
		{"a time Paris skips", url.Values{"last_login_0": {"2021-03-28"}, "last_login_1": {"02:30"}},
			map[string][]string{"last_login": {"2021-03-28 02:30:00 couldn’t be interpreted in time zone Europe/Paris; it may be ambiguous or it may not exist."}}},
		{"a time Paris repeats", url.Values{"last_login_0": {"2021-10-31"}, "last_login_1": {"02:30"}},
			map[string][]string{"last_login": {"2021-10-31 02:30:00 couldn’t be interpreted in time zone Europe/Paris; it may be ambiguous or it may not exist."}}},
		{"with the other fields' errors", url.Values{"username": {"bad name!"}, "email": {"nope"}, "last_login_0": {"x"}, "last_login_1": {"09:00"}},
			map[string][]string{"last_login": {"Enter a valid date."}, "email": {"Enter a valid email address."},
				"username": {"Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := c.post(path, with(form, tt.values)).Want(t, http.StatusOK)
			for field, want := range tt.errors {
				if got := res.Texts("#id_" + field + "_error li"); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("%s: got errors %q, want %q", field, got, want)
				}
			}
			for name, v := range tt.values {
				if strings.HasSuffix(name, "_0") || strings.HasSuffix(name, "_1") {
					has(t, res, attr("#id_"+name, "value", v[0]))
				}
			}
			for _, field := range []string{"last_login", "date_joined"} {
				if _, bad := tt.errors[field]; bad {
					has(t, res, attr("#id_"+field+"_0", "aria-invalid", "true"), attr("#id_"+field+"_1", "aria-describedby", "id_"+field+"_error"))
				}
			}
			unchanged(t)
		})
	}

	// Django's other date formats read too; the moment is the Paris one.
	redirect(t, c.post(path, with(form, url.Values{"last_login_0": {"6/14/2020"}, "last_login_1": {"10:05"},
		"date_joined_0": {"June 1, 2020"}, "date_joined_1": {"00:00:00"}})), "/admin/auth/user/")
	u, err := models.GetUser(ctx, s.DB.Read, clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2020, 6, 14, 8, 5, 0, 0, time.UTC); !u.LastLogin.Equal(want) {
		t.Errorf("got last login %v, want %v", u.LastLogin.UTC(), want)
	}
	if want := time.Date(2020, 5, 31, 22, 0, 0, 0, time.UTC); !u.DateJoined.Equal(want) {
		t.Errorf("got date joined %v, want %v", u.DateJoined.UTC(), want)
	}
	res = c.get(fmt.Sprintf("/admin/auth/user/%d/history/", clerk.ID)).Want(t, http.StatusOK)
	has(t, res,
		el("#change-history ul.changes li", "Last login: — → June 14, 2020, 10:05 a.m."),
		el("#change-history ul.changes li", "Date joined: June 14, 2020, 9:44 a.m. → June 1, 2020, midnight"))

	// Both halves emptied: no last login.
	res = c.get(path).Want(t, http.StatusOK)
	has(t, res, attr("#id_last_login_0", "value", "2020-06-14"), attr("#id_last_login_1", "value", "10:05:00"))
	redirect(t, c.post(path, with(formOf(res, "#content-main form"), url.Values{"last_login_0": {""}, "last_login_1": {" "}})), "/admin/auth/user/")
	if u, _ := models.GetUser(ctx, s.DB.Read, clerk.ID); !u.LastLogin.IsZero() {
		t.Errorf("got last login %v, want none", u.LastLogin)
	}
}

// TestSplitDateTimeInUTC: without TIME_ZONE the dates are UTC's.
func TestSplitDateTimeInUTC(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "root", "*")
	clerk := s.user(t, models.User{Username: "clerk", IsActive: true, DateJoined: time.Date(2020, 6, 14, 9, 44, 0, 0, time.UTC)})
	res := c.get(fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)).Want(t, http.StatusOK)
	has(t, res, attr("#id_date_joined_0", "value", "2020-06-14"), attr("#id_date_joined_1", "value", "09:44:00"))
}

// TestSplitDateTimeOutsideUTCYears: a moment entered in a zone behind or
// ahead of UTC whose instant falls outside years 1–9999 is refused with
// Django's message for an out-of-range date, never stored nor a 500; the
// moments at the edges inside the range are kept, the first instant of
// year 1 (Go's zero time) included.
func TestSplitDateTimeOutsideUTCYears(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Before 1883 or so a zone's clock is its local mean time: New York is
	// 4:56:02 behind UTC then, Tokyo 9:18:59 ahead.
	for _, tt := range []struct {
		zone, date, clock string
		refused           bool
		want              time.Time
	}{
		{"America/New_York", "9999-12-31", "23:00:00", true, time.Time{}},
		{"America/New_York", "9999-12-31", "18:59:59", false, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"America/New_York", "0001-01-01", "00:00:00", false, time.Date(1, 1, 1, 4, 56, 2, 0, time.UTC)},
		{"Asia/Tokyo", "0001-01-01", "00:00:00", true, time.Time{}},
		{"Asia/Tokyo", "0001-01-01", "09:18:58", true, time.Time{}},
		{"Asia/Tokyo", "0001-01-01", "09:18:59", false, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"Asia/Tokyo", "9999-12-31", "23:00:00", false, time.Date(9999, 12, 31, 14, 0, 0, 0, time.UTC)},
		{"UTC", "0001-01-01", "00:00:00", false, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tt.zone+" "+tt.date+" "+tt.clock, func(t *testing.T) {
			t.Parallel()
			s := newSite(t, withVars("TIME_ZONE", tt.zone))
			c := s.staff(t, "root", "*")
			joined := time.Date(2020, 6, 14, 7, 44, 0, 0, time.UTC)
			clerk := s.user(t, models.User{Username: "clerk", IsActive: true, DateJoined: joined})
			path := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
			form := with(pageForm(t, c.get(path)), url.Values{"date_joined_0": {tt.date}, "date_joined_1": {tt.clock}, "_save": {"Save"}})
			if tt.refused {
				res := c.post(path, form).Want(t, http.StatusOK)
				has(t, res, errorNote("Please correct the error below."), fieldErr("date_joined", "Enter a valid date."),
					attr("#id_date_joined_0", "value", tt.date), attr("#id_date_joined_1", "value", tt.clock))
				if u, err := models.GetUser(ctx, s.DB.Read, clerk.ID); err != nil || !u.DateJoined.Equal(joined) {
					t.Errorf("got %v (%v), want the date joined unchanged", u.DateJoined, err)
				}
				return
			}
			redirect(t, c.post(path, form), "/admin/auth/user/")
			u, err := models.GetUser(ctx, s.DB.Read, clerk.ID)
			if err != nil || !u.DateJoined.Equal(tt.want) {
				t.Fatalf("got %v (%v), want %v", u.DateJoined, err, tt.want)
			}
			// Shown again as entered, not as an empty pair.
			has(t, c.get(path).Want(t, http.StatusOK), attr("#id_date_joined_0", "value", tt.date), attr("#id_date_joined_1", "value", tt.clock))
		})
	}
}

// TestMultiSelectWithoutChoices: with no groups yet, the user's groups
// are an empty multi-select whose size is still valid HTML (1 or more).
func TestMultiSelectWithoutChoices(t *testing.T) {
	t.Parallel()
	s := newSite(t, onDB(sitetest.EmptyDB(t)))
	c := s.staff(t, "root", "*")
	u, err := models.GetUserByUsername(context.Background(), s.DB.Read, "root")
	if err != nil {
		t.Fatal(err)
	}
	res := c.get(fmt.Sprintf("/admin/auth/user/%d/change/", u.ID)).Want(t, http.StatusOK)
	if res.Doc().Find("#id_groups[multiple]").Length() != 1 || res.Doc().Find("#id_groups option").Length() != 0 {
		t.Fatalf("got no empty multi-select of groups:\n%.3000s", res.Body)
	}
	if size, ok := res.Attr("#id_groups", "size"); ok {
		if n, err := strconv.Atoi(size); err != nil || n < 1 {
			t.Errorf("got size=%q on the groups' select, want none or 1 or more", size)
		}
	}
}

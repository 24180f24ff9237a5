package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/models"
	"oclettings/app/sitetest"
)

// saveForm opens path, changes the form's values and saves it with "_save".
func saveForm(t *testing.T, c *client, path string, values url.Values, drop ...string) *sitetest.Response {
	t.Helper()
	form := with(pageForm(t, c.get(path)), values)
	for _, name := range drop {
		form.Del(name)
	}
	form.Set("_save", "Save")
	return c.post(path, form)
}

// memberWithoutProfile is a new user with no profile.
func memberWithoutProfile(t *testing.T, s *site, username string) *models.User {
	t.Helper()
	return s.user(t, models.User{Username: username, IsActive: true})
}

// memberWithProfile is a new user whose profile names city.
func memberWithProfile(t *testing.T, s *site, username, city string) (*models.User, *models.Profile) {
	t.Helper()
	u := memberWithoutProfile(t, s, username)
	p := &models.Profile{UserID: u.ID, FavoriteCity: city}
	if err := models.CreateProfile(context.Background(), s.DB.Write, p); err != nil {
		t.Fatal(err)
	}
	return u, p
}

// addressWithoutLetting is a new address no letting has yet.
func addressWithoutLetting(t *testing.T, s *site) *models.Address {
	t.Helper()
	a := &models.Address{Number: 12, Street: "Empty Street", City: "Nowhere", State: "KS", ZipCode: 66002, CountryISOCode: "USA"}
	if err := models.CreateAddress(context.Background(), s.DB.Write, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func userChangePath(id int64) string    { return fmt.Sprintf("/admin/auth/user/%d/change/", id) }
func addressChangePath(id int64) string { return fmt.Sprintf("/admin/lettings/address/%d/change/", id) }

// profileOf is the user's profile, nil when there is none.
func profileOf(t *testing.T, s *site, userID int64) *models.Profile {
	t.Helper()
	p, err := models.FindProfileOf(context.Background(), s.DB.Read, userID)
	if err == models.ErrNotFound || (err != nil && strings.Contains(err.Error(), "not found")) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// logOf is an object's log: "flag message" per entry, oldest first.
func logOf(t *testing.T, s *site, app, model string, id int64) []models.LogEntry {
	t.Helper()
	entries, err := models.ObjectHistory(context.Background(), s.DB.Read, app, model, fmt.Sprint(id))
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// wantLastEntry fails unless the object's newest log entry has the flag and message.
func wantLastEntry(t *testing.T, s *site, app, model string, id int64, flag int, msg string) models.LogEntry {
	t.Helper()
	entries := logOf(t, s, app, model, id)
	if len(entries) == 0 {
		t.Fatalf("%s.%s %d: got no log entry, want %d %q", app, model, id, flag, msg)
	}
	e := entries[len(entries)-1]
	if e.ActionFlag != flag || e.ChangeMessage != msg {
		t.Errorf("%s.%s %d: got last entry %d %q, want %d %q", app, model, id, e.ActionFlag, e.ChangeMessage, flag, msg)
	}
	return e
}

// TestInlineFormsetsAsDjangoRendersThem: the user's page holds the profile
// as Django's StackedInline does, and the address's page the letting as
// its TabularInline does: the management form, the prefixed names, the
// heading in the singular for a one-to-one, "Delete?" and the blank form
// to copy.
func TestInlineFormsetsAsDjangoRendersThem(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	u, p := memberWithProfile(t, s, "alice", "Lyon")
	res := c.get(userChangePath(u.ID))
	has(t, res,
		el("#profile-group h2.inline-heading", "Profile"),
		attr(`input[name="profile-TOTAL_FORMS"]`, "value", "1"),
		attr(`input[name="profile-INITIAL_FORMS"]`, "value", "1"),
		attr(`input[name="profile-MIN_NUM_FORMS"]`, "value", "0"),
		attr(`input[name="profile-MAX_NUM_FORMS"]`, "value", "1"),
		attr(`#profile-0 input[name="profile-0-id"]`, "value", fmt.Sprint(p.ID)),
		attr(`#profile-0 input[name="profile-0-user"]`, "value", fmt.Sprint(u.ID)),
		attr(`#profile-0 input[name="profile-0-favorite_city"]`, "value", "Lyon"),
		el(`#profile-0 label[for="id_profile-0-favorite_city"]`, "Favorite city:"),
		el("#profile-0 h3 .inline_label", "alice"),
		attr(`#profile-0 input[type="checkbox"][name="profile-0-DELETE"]`, "id", "id_profile-0-DELETE"),
		attr(`template#profile-empty input[name="profile-__prefix__-favorite_city"]`, "id", "id_profile-__prefix__-favorite_city"),
	)
	// One profile a user: with one, no blank form.
	lacks(t, res, el(`input[name="profile-1-favorite_city"]`, ""))

	// Without one, the blank form adds it, even without JavaScript.
	bare := memberWithoutProfile(t, s, "bob")
	res = c.get(userChangePath(bare.ID))
	has(t, res,
		attr(`input[name="profile-TOTAL_FORMS"]`, "value", "1"),
		attr(`input[name="profile-INITIAL_FORMS"]`, "value", "0"),
		attr(`#profile-0 input[name="profile-0-favorite_city"]`, "value", ""),
		el("#profile-0 h3 .inline_label", "#1"),
	)
	lacks(t, res, el(`input[name="profile-0-DELETE"]`, ""))

	a := addressWithoutLetting(t, s)
	res = c.get(addressChangePath(a.ID))
	has(t, res,
		el("#letting-group h2.inline-heading", "Letting"),
		el("#letting-group thead th.column-title", "Title"),
		el("#letting-group thead th", "Delete?"),
		attr(`#letting-0 input[name="letting-0-title"]`, "value", ""),
		attr(`#letting-0 input[name="letting-0-address"]`, "value", fmt.Sprint(a.ID)),
		attr(`template#letting-empty input[name="letting-__prefix__-title"]`, "maxlength", "256"),
	)
}

// TestInlineProfileAddChangeDelete: a profile is added, changed and
// deleted from the user's page, each in the user's save, with the user's
// history saying so in Django's words and the profile's own history.
func TestInlineProfileAddChangeDelete(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	u := memberWithoutProfile(t, s, "zed")
	path := userChangePath(u.ID)

	redirect(t, saveForm(t, c, path, url.Values{"profile-0-favorite_city": {"Paris"}}), "/admin/auth/user/")
	p := profileOf(t, s, u.ID)
	if p == nil || p.FavoriteCity != "Paris" {
		t.Fatalf("got profile %+v, want one in Paris", p)
	}
	wantLastEntry(t, s, "auth", "user", u.ID, models.ActionChange, "Added profile “zed”.")
	wantLastEntry(t, s, "profiles", "profile", p.ID, models.ActionAddition, "Added.")

	redirect(t, saveForm(t, c, path, url.Values{"profile-0-favorite_city": {"Rome"}, "first_name": {"Zed"}}), "/admin/auth/user/")
	if got := profileOf(t, s, u.ID); got == nil || got.FavoriteCity != "Rome" {
		t.Fatalf("got profile %+v, want Rome", got)
	}
	wantLastEntry(t, s, "auth", "user", u.ID, models.ActionChange, "Changed First name. Changed Favorite city for profile “zed”.")
	e := wantLastEntry(t, s, "profiles", "profile", p.ID, models.ActionChange, "Changed Favorite city.")
	if len(e.Changes) != 1 || e.Changes[0].Old != "Paris" || e.Changes[0].New != "Rome" {
		t.Errorf("got changes %+v, want Favorite city Paris → Rome", e.Changes)
	}

	// Saving again without a change writes nothing for the profile.
	redirect(t, saveForm(t, c, path, nil), "/admin/auth/user/")
	if n := len(logOf(t, s, "profiles", "profile", p.ID)); n != 2 {
		t.Errorf("got %d profile entries after an unchanged save, want 2", n)
	}

	redirect(t, saveForm(t, c, path, url.Values{"profile-0-DELETE": {"on"}}), "/admin/auth/user/")
	if got := profileOf(t, s, u.ID); got != nil {
		t.Fatalf("got profile %+v, want it deleted", got)
	}
	wantLastEntry(t, s, "auth", "user", u.ID, models.ActionChange, "Deleted profile “zed”.")
	wantLastEntry(t, s, "profiles", "profile", p.ID, models.ActionDeletion, "Deleted.")
}

// TestInlineLettingAddAndDelete: a letting is added from its address's
// page, and deleted from there with the history the delete page writes.
func TestInlineLettingAddAndDelete(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	a := addressWithoutLetting(t, s)
	path := addressChangePath(a.ID)
	redirect(t, saveForm(t, c, path, url.Values{"letting-0-title": {"Prairie Hideaway"}}), "/admin/lettings/address/")
	l, err := models.FindLettingAt(context.Background(), s.DB.Read, a.ID)
	if err != nil || l.Title != "Prairie Hideaway" {
		t.Fatalf("got letting %+v (%v), want Prairie Hideaway at the address", l, err)
	}
	wantLastEntry(t, s, "lettings", "address", a.ID, models.ActionChange, "Added letting “Prairie Hideaway”.")
	wantLastEntry(t, s, "lettings", "letting", l.ID, models.ActionAddition, "Added.")

	// The page now shows it, and no blank form: one letting an address.
	res := c.get(path)
	has(t, res, el("#letting-0 td.original p", "Prairie Hideaway"), attr(`input[name="letting-INITIAL_FORMS"]`, "value", "1"))
	lacks(t, res, el(`input[name="letting-1-title"]`, ""))

	redirect(t, saveForm(t, c, path, url.Values{"letting-0-DELETE": {"on"}}), "/admin/lettings/address/")
	if _, err := models.FindLettingAt(context.Background(), s.DB.Read, a.ID); err == nil {
		t.Fatal("got the letting still there, want it deleted")
	}
	wantLastEntry(t, s, "lettings", "address", a.ID, models.ActionChange, "Deleted letting “Prairie Hideaway”.")
	e := wantLastEntry(t, s, "lettings", "letting", l.ID, models.ActionDeletion, "Deleted.")
	if e.ObjectRepr != "Prairie Hideaway" {
		t.Errorf("got the deletion logged as %q, want the letting's title", e.ObjectRepr)
	}
}

// TestInlineInvalidRowsSaveNothing: the parent's and the rows' errors show
// together, each row's in its row, and nothing of the parent or the rows
// is saved.
func TestInlineInvalidRowsSaveNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")

	u, p := memberWithProfile(t, s, "carol", "Oslo")
	res := saveForm(t, c, userChangePath(u.ID), url.Values{
		"profile-0-favorite_city": {strings.Repeat("x", 65)},
		"first_name":              {"Caroline"},
		"email":                   {"not an address"},
	})
	res.Want(t, http.StatusOK)
	has(t, res,
		errorNote("Please correct the errors below."),
		el("#profile-0 .field-favorite_city .errorlist li", "Ensure this value has at most 64 characters (it has 65)."),
		attr(`#profile-0 input[name="profile-0-favorite_city"]`, "aria-invalid", "true"),
		el(".field-email .errorlist li", "Enter a valid email address."),
		attr(`input[name="first_name"]`, "value", "Caroline"),
	)
	if got := profileOf(t, s, u.ID); got.FavoriteCity != "Oslo" {
		t.Errorf("got favourite city %q, want Oslo kept", got.FavoriteCity)
	}
	if got, _ := models.GetUserByUsername(context.Background(), s.DB.Read, "carol"); got.FirstName != "" || got.Email != "" {
		t.Errorf("got user %q %q saved, want nothing saved", got.FirstName, got.Email)
	}
	if n := len(logOf(t, s, "auth", "user", u.ID)) + len(logOf(t, s, "profiles", "profile", p.ID)); n != 0 {
		t.Errorf("got %d log entries, want none", n)
	}

	// A valid parent with an invalid row: the one error, nothing saved.
	ids := addLettings(t, s.DB, 1, func(int) string { return "Harbour Loft" })
	l, _ := models.GetLetting(context.Background(), s.DB.Read, ids[0])
	res = saveForm(t, c, addressChangePath(l.AddressID), url.Values{"letting-0-title": {"  "}, "street": {"New Street"}})
	res.Want(t, http.StatusOK)
	has(t, res,
		errorNote("Please correct the error below."),
		el("#letting-0 td.field-title .errorlist li", "This field is required."),
		el("#letting-0 td.original p", "Harbour Loft"),
	)
	addr, _ := models.GetAddress(context.Background(), s.DB.Read, l.AddressID)
	again, _ := models.GetLetting(context.Background(), s.DB.Read, l.ID)
	if addr.Street != "Test Street" || again.Title != "Harbour Loft" {
		t.Errorf("got street %q and title %q, want both unchanged", addr.Street, again.Title)
	}

	// Garbled management data is Django's error, and saves nothing.
	res = saveForm(t, c, addressChangePath(l.AddressID), url.Values{"letting-TOTAL_FORMS": {"x"}, "street": {"New Street"}})
	res.Want(t, http.StatusOK)
	has(t, res, el("#letting-group ul.errorlist.nonform li",
		"ManagementForm data is missing or has been tampered with. Missing fields: letting-TOTAL_FORMS. You may need to file a bug report if the issue persists."))
	if addr, _ := models.GetAddress(context.Background(), s.DB.Read, l.AddressID); addr.Street != "Test Street" {
		t.Errorf("got street %q, want it unchanged", addr.Street)
	}
}

// TestInlinePermissions: as Django, the inline shows to users with any
// permission on its model; rows are added, changed and deleted only with
// the matching permission, and a forged POST beyond them is ignored (as
// Django's formset ignores it), while the parent still saves.
func TestInlinePermissions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	userPerms := []string{"auth.view_user", "auth.change_user"}
	forged := url.Values{
		"profile-TOTAL_FORMS": {"1"}, "profile-INITIAL_FORMS": {"1"},
		"profile-0-favorite_city": {"Forged"}, "profile-0-DELETE": {"on"}, "first_name": {"Changed"},
	}

	t.Run("view only on profiles", func(t *testing.T) {
		t.Parallel()
		c := s.staff(t, "viewer", append(userPerms, "profiles.view_profile")...)
		u, p := memberWithProfile(t, s, "v1", "Turin")
		res := c.get(userChangePath(u.ID))
		has(t, res, el("#profile-0 .readonly", "Turin"), el("#profile-0 h3 .inline_label", "v1"))
		lacks(t, res, el(`input[name="profile-0-favorite_city"]`, ""), el(`input[name="profile-0-DELETE"]`, ""), el("template#profile-empty", ""))
		form := with(pageForm(t, res), forged)
		form.Set("profile-0-id", fmt.Sprint(p.ID))
		redirect(t, c.post(userChangePath(u.ID), form), "/admin/auth/user/")
		if got := profileOf(t, s, u.ID); got == nil || got.FavoriteCity != "Turin" {
			t.Errorf("got profile %+v, want Turin untouched", got)
		}
		wantLastEntry(t, s, "auth", "user", u.ID, models.ActionChange, "Changed First name.")
	})

	t.Run("change without delete", func(t *testing.T) {
		t.Parallel()
		c := s.staff(t, "changer", append(userPerms, "profiles.change_profile")...)
		u, _ := memberWithProfile(t, s, "v2", "Turin")
		res := c.get(userChangePath(u.ID))
		has(t, res, attr(`input[name="profile-0-favorite_city"]`, "value", "Turin"))
		lacks(t, res, el(`input[name="profile-0-DELETE"]`, ""), el("template#profile-empty", ""))
		redirect(t, c.post(userChangePath(u.ID), with(pageForm(t, res), url.Values{"profile-0-favorite_city": {"Milan"}, "profile-0-DELETE": {"on"}})), "/admin/auth/user/")
		if got := profileOf(t, s, u.ID); got == nil || got.FavoriteCity != "Milan" {
			t.Errorf("got profile %+v, want it kept, in Milan", got)
		}
	})

	t.Run("no add permission", func(t *testing.T) {
		t.Parallel()
		c := s.staff(t, "noadd", append(userPerms, "profiles.change_profile", "profiles.delete_profile")...)
		u := memberWithoutProfile(t, s, "v3")
		res := c.get(userChangePath(u.ID))
		has(t, res, el("#profile-group h2", "Profile"), attr(`input[name="profile-TOTAL_FORMS"]`, "value", "0"))
		lacks(t, res, el(`input[name="profile-0-favorite_city"]`, ""), el("template#profile-empty", ""))
		form := with(pageForm(t, res), url.Values{"profile-TOTAL_FORMS": {"1"}, "profile-0-favorite_city": {"Forged"}})
		redirect(t, c.post(userChangePath(u.ID), form), "/admin/auth/user/")
		if got := profileOf(t, s, u.ID); got != nil {
			t.Errorf("got profile %+v, want none added", got)
		}
	})

	t.Run("no permission on profiles", func(t *testing.T) {
		t.Parallel()
		c := s.staff(t, "stranger", userPerms...)
		u, p := memberWithProfile(t, s, "v4", "Turin")
		res := c.get(userChangePath(u.ID))
		lacks(t, res, el("#profile-group", ""))
		form := with(pageForm(t, res), forged)
		form.Set("profile-0-id", fmt.Sprint(p.ID))
		redirect(t, c.post(userChangePath(u.ID), form), "/admin/auth/user/")
		if got := profileOf(t, s, u.ID); got == nil || got.FavoriteCity != "Turin" {
			t.Errorf("got profile %+v, want Turin untouched", got)
		}
	})

	t.Run("view only on the parent", func(t *testing.T) {
		t.Parallel()
		c := s.staff(t, "looker", "auth.view_user", "profiles.change_profile", "profiles.add_profile", "profiles.delete_profile")
		u, p := memberWithProfile(t, s, "v5", "Turin")
		res := c.get(userChangePath(u.ID))
		has(t, res, el("#profile-0 .readonly", "Turin"))
		lacks(t, res, el(`input[name="profile-0-favorite_city"]`, ""), el(`input[name="profile-0-DELETE"]`, ""), el("template#profile-empty", ""))
		form := with(hiddenFields(res), forged)
		form.Set("profile-0-id", fmt.Sprint(p.ID))
		c.post(userChangePath(u.ID), form).Want(t, http.StatusForbidden)
		if got := profileOf(t, s, u.ID); got == nil || got.FavoriteCity != "Turin" {
			t.Errorf("got profile %+v, want Turin untouched", got)
		}
	})

	t.Run("a profile of another user", func(t *testing.T) {
		t.Parallel()
		c := s.staff(t, "meddler", append(userPerms, "profiles.change_profile")...)
		u, _ := memberWithProfile(t, s, "v6", "Turin")
		_, other := memberWithProfile(t, s, "v7", "Pisa")
		form := with(pageForm(t, c.get(userChangePath(u.ID))), url.Values{"profile-0-id": {fmt.Sprint(other.ID)}, "profile-0-favorite_city": {"Forged"}})
		res := c.post(userChangePath(u.ID), form)
		res.Want(t, http.StatusOK)
		has(t, res, el("#profile-group ul.errorlist.nonform li", "The profile of form 1 was deleted after you opened this form, so your changes have not been saved."))
		if got := profileOf(t, s, other.UserID); got.FavoriteCity != "Pisa" {
			t.Errorf("got the other profile in %q, want Pisa", got.FavoriteCity)
		}
	})
}

// TestInlineConflict: a row changed by someone else since the form was
// opened is a conflict: nothing is saved, the row shows the current
// value, and saving again puts the user's value in its place.
func TestInlineConflict(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	other := s.staff(t, "rival", "*")
	u, p := memberWithProfile(t, s, "dora", "Nice")
	path := userChangePath(u.ID)
	form := pageForm(t, c.get(path))

	redirect(t, saveForm(t, other, fmt.Sprintf("/admin/profiles/profile/%d/change/", p.ID), url.Values{"favorite_city": {"Cannes"}}), "/admin/profiles/profile/")

	form.Set("profile-0-favorite_city", "Menton")
	form.Set("last_name", "Dupont")
	form.Set("_save", "Save")
	res := c.post(path, form)
	res.Want(t, http.StatusOK)
	has(t, res,
		errorNote("Please correct the error below."),
		el("#profile-0 ul.errorlist.nonfield li", "This profile was changed after you opened this form, so your changes have not been saved. "+
			"Where a field differs, its current value is shown under yours: press Save again to put yours in its place."),
		el("#profile-0 .conflict", "Current value: Cannes"),
		attr(`input[name="profile-0-favorite_city"]`, "value", "Menton"),
	)
	if got := profileOf(t, s, u.ID); got.FavoriteCity != "Cannes" {
		t.Errorf("got %q, want the other editor's Cannes kept", got.FavoriteCity)
	}
	if got, _ := models.GetUserByUsername(context.Background(), s.DB.Read, "dora"); got.LastName != "" {
		t.Errorf("got last name %q saved, want nothing saved", got.LastName)
	}

	again := pageForm(t, res)
	again.Set("_save", "Save")
	redirect(t, c.post(path, again), "/admin/auth/user/")
	if got := profileOf(t, s, u.ID); got.FavoriteCity != "Menton" {
		t.Errorf("got %q after saving again, want Menton", got.FavoriteCity)
	}
}

// TestInlineOnTheAddForm: as in Django, a new address takes its letting in
// the same save, and an invalid row saves neither.
func TestInlineOnTheAddForm(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	const add = "/admin/lettings/address/add/"
	res := c.get(add)
	has(t, res,
		el("#letting-group h2", "Letting"),
		attr(`input[name="letting-TOTAL_FORMS"]`, "value", "1"),
		attr(`input[name="letting-INITIAL_FORMS"]`, "value", "0"),
		attr(`input[name="letting-0-address"]`, "value", ""),
	)
	address := url.Values{"number": {"31"}, "street": {"Fresh Lane"}, "city": {"Topeka"}, "state": {"KS"}, "zip_code": {"66603"}, "country_iso_code": {"USA"}}

	// An invalid row: the row's error with the parent's, nothing stored.
	bad := with(pageForm(t, res), address)
	bad.Set("letting-0-title", strings.Repeat("t", 257))
	bad.Set("state", "K")
	res = c.post(add, bad)
	res.Want(t, http.StatusOK)
	has(t, res,
		errorNote("Please correct the errors below."),
		el("#letting-0 .errorlist li", "Ensure this value has at most 256 characters (it has 257)."),
		el(".field-state .errorlist li", "Ensure this value has at least 2 characters (it has 1)."),
	)
	if _, err := models.FindAddress(context.Background(), s.DB.Read, &models.Address{Number: 31, Street: "Fresh Lane", City: "Topeka", State: "K", ZipCode: 66603, CountryISOCode: "USA"}); err == nil {
		t.Error("got the address stored, want nothing stored")
	}

	good := with(pageForm(t, c.get(add)), address)
	good.Set("letting-0-title", "Fresh Lane Studio")
	good.Set("_save", "Save")
	redirect(t, c.post(add, good), "/admin/lettings/address/")
	a, err := models.FindAddress(context.Background(), s.DB.Read, &models.Address{Number: 31, Street: "Fresh Lane", City: "Topeka", State: "KS", ZipCode: 66603, CountryISOCode: "USA"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := models.FindLettingAt(context.Background(), s.DB.Read, a.ID)
	if err != nil || l.Title != "Fresh Lane Studio" {
		t.Fatalf("got letting %+v (%v), want Fresh Lane Studio at the new address", l, err)
	}
	wantLastEntry(t, s, "lettings", "address", a.ID, models.ActionAddition, "Added. Added letting “Fresh Lane Studio”.")
	wantLastEntry(t, s, "lettings", "letting", l.ID, models.ActionAddition, "Added.")
}

// TestInlineProfileWithANewUser: the user's add form takes the profile too.
func TestInlineProfileWithANewUser(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	const add = "/admin/auth/user/add/"
	form := with(pageForm(t, c.get(add)), url.Values{"username": {"newbie"}, "password1": {password}, "password2": {password},
		"profile-0-favorite_city": {"Lisbon"}})
	res := c.post(add, form)
	u, err := models.GetUserByUsername(context.Background(), s.DB.Read, "newbie")
	if err != nil {
		t.Fatalf("got no user (%v); the answer was %d\n%.1500s", err, res.Status, res.Body)
	}
	redirect(t, res, userChangePath(u.ID))
	if p := profileOf(t, s, u.ID); p == nil || p.FavoriteCity != "Lisbon" {
		t.Errorf("got profile %+v, want one in Lisbon", p)
	}
	wantLastEntry(t, s, "auth", "user", u.ID, models.ActionAddition, "Added. Added profile “newbie”.")
}

// TestInlineFormCountCeiling: a formset claiming more forms than Django's
// absolute_max (max_num + 1000) is refused outright, whatever its counts
// say, with Django's non-form error and a page of ordinary size: the
// server never builds a form, or a message, per claimed row. Nothing,
// not even the parent, is saved.
func TestInlineFormCountCeiling(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	u, p := memberWithProfile(t, s, "flood", "Oslo")
	a := addressWithoutLetting(t, s)

	for _, claim := range []struct{ total, initial string }{
		{"1000000", "1000000"},
		{"1000000", "0"},
		{"1002", "1002"},
	} {
		res := saveForm(t, c, userChangePath(u.ID), url.Values{
			"profile-TOTAL_FORMS": {claim.total}, "profile-INITIAL_FORMS": {claim.initial},
			"profile-0-favorite_city": {"Bergen"}, "first_name": {"Flo"},
		})
		res.Want(t, http.StatusOK)
		if len(res.Body) > 100_000 {
			t.Errorf("%s/%s forms: got a page of %d bytes, want an ordinary one", claim.total, claim.initial, len(res.Body))
		}
		has(t, res,
			errorNote("Please correct the error below."),
			el("#profile-group ul.errorlist.nonform li", "Please submit at most 1 form."),
			attr(`input[name="profile-0-favorite_city"]`, "value", "Oslo"),
		)
		if n := res.Count("#profile-group ul.errorlist li"); n != 1 {
			t.Errorf("%s/%s forms: got %d errors in the formset, want the one", claim.total, claim.initial, n)
		}
		bodyLacks(t, res, "was deleted after you opened this form")

		res = saveForm(t, c, addressChangePath(a.ID), url.Values{
			"letting-TOTAL_FORMS": {claim.total}, "letting-INITIAL_FORMS": {claim.initial},
			"letting-0-title": {"Flooded"}, "street": {"Flood Street"},
		})
		res.Want(t, http.StatusOK)
		if len(res.Body) > 100_000 {
			t.Errorf("%s/%s lettings: got a page of %d bytes, want an ordinary one", claim.total, claim.initial, len(res.Body))
		}
		has(t, res, el("#letting-group ul.errorlist.nonform li", "Please submit at most 1 form."))
	}
	if got := profileOf(t, s, u.ID); got == nil || got.FavoriteCity != "Oslo" {
		t.Errorf("got profile %+v, want Oslo kept", got)
	}
	if got, _ := models.GetUserByUsername(context.Background(), s.DB.Read, "flood"); got.FirstName != "" {
		t.Errorf("got first name %q saved, want nothing saved", got.FirstName)
	}
	if addr, _ := models.GetAddress(context.Background(), s.DB.Read, a.ID); addr.Street != "Empty Street" {
		t.Errorf("got street %q saved, want nothing saved", addr.Street)
	}
	if _, err := models.FindLettingAt(context.Background(), s.DB.Read, a.ID); err == nil {
		t.Error("got a letting added, want none")
	}
	if n := len(logOf(t, s, "auth", "user", u.ID)) + len(logOf(t, s, "profiles", "profile", p.ID)) + len(logOf(t, s, "lettings", "address", a.ID)); n != 0 {
		t.Errorf("got %d log entries, want none", n)
	}

	// Within the ceiling, forms naming no object of the parent (INITIAL
	// above what exists) are reported in one message, not one apiece.
	res := saveForm(t, c, userChangePath(u.ID), url.Values{
		"profile-TOTAL_FORMS": {"1001"}, "profile-INITIAL_FORMS": {"1001"}, "profile-0-favorite_city": {"Bergen"},
	})
	res.Want(t, http.StatusOK)
	if len(res.Body) > 100_000 {
		t.Errorf("1001 forms: got a page of %d bytes, want an ordinary one", len(res.Body))
	}
	if n := res.Count("#profile-group ul.errorlist.nonform li"); n != 1 {
		t.Errorf("1001 forms: got %d non-form errors, want one", n)
	}
	if got := profileOf(t, s, u.ID); got.FavoriteCity != "Oslo" {
		t.Errorf("got profile in %q, want Oslo kept", got.FavoriteCity)
	}
}

// TestInlineDuplicateRowIDs: two forms naming the same object are Django's
// duplicate-data error (BaseModelFormSet.validate_unique), not two
// changes of it: nothing is saved and nothing logged.
func TestInlineDuplicateRowIDs(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	ids := addLettings(t, s.DB, 1, func(int) string { return "Joshua Tree Cabin" })
	l, _ := models.GetLetting(context.Background(), s.DB.Read, ids[0])
	path := addressChangePath(l.AddressID)
	res := saveForm(t, c, path, url.Values{
		"letting-TOTAL_FORMS": {"2"}, "letting-INITIAL_FORMS": {"2"},
		"letting-0-id": {fmt.Sprint(l.ID)}, "letting-0-title": {"Dup one"},
		"letting-1-id": {fmt.Sprint(l.ID)}, "letting-1-title": {"Dup two"},
	})
	res.Want(t, http.StatusOK)
	has(t, res,
		el("#letting-group ul.errorlist.nonform li", "Please correct the duplicate data for id."),
		el("#letting-group tr.row-form-errors li", "Please correct the duplicate values below."),
	)
	if res.Count("#letting-group tr.row-form-errors + tr#letting-1") != 1 {
		t.Error("got the duplicate-values error elsewhere, want it above the second row")
	}
	if again, _ := models.GetLetting(context.Background(), s.DB.Read, l.ID); again.Title != "Joshua Tree Cabin" {
		t.Errorf("got title %q, want it unchanged", again.Title)
	}
	if n := len(logOf(t, s, "lettings", "letting", l.ID)) + len(logOf(t, s, "lettings", "address", l.AddressID)); n != 0 {
		t.Errorf("got %d log entries, want none", n)
	}

	// The same on the profile, a row deleting and a row changing it.
	u, p := memberWithProfile(t, s, "twice", "Oslo")
	res = saveForm(t, c, userChangePath(u.ID), url.Values{
		"profile-TOTAL_FORMS": {"2"}, "profile-INITIAL_FORMS": {"2"},
		"profile-0-id": {fmt.Sprint(p.ID)}, "profile-0-DELETE": {"on"},
		"profile-1-id": {fmt.Sprint(p.ID)}, "profile-1-favorite_city": {"Bergen"},
	})
	res.Want(t, http.StatusOK)
	has(t, res, el("#profile-group ul.errorlist.nonform li", "Please correct the duplicate data for id."))
	if got := profileOf(t, s, u.ID); got == nil || got.FavoriteCity != "Oslo" {
		t.Errorf("got profile %+v, want Oslo kept", got)
	}
}

// TestInlineOneToOneSecondRow: a one-to-one inline takes one form at most
// (Django's max_num of 1): a second object is refused with Django's
// too-many-forms error and nothing is saved, while replacing the object
// (delete the one, add another) is one form and saves.
func TestInlineOneToOneSecondRow(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := s.staff(t, "boss", "*")
	ids := addLettings(t, s.DB, 1, func(int) string { return "First Cabin" })
	l, _ := models.GetLetting(context.Background(), s.DB.Read, ids[0])
	path := addressChangePath(l.AddressID)
	res := saveForm(t, c, path, url.Values{"letting-TOTAL_FORMS": {"2"}, "letting-1-title": {"Second"}, "street": {"Second Street"}})
	res.Want(t, http.StatusOK)
	has(t, res,
		errorNote("Please correct the error below."),
		el("#letting-group ul.errorlist.nonform li", "Please submit at most 1 form."),
		attr(`input[name="letting-1-title"]`, "value", "Second"),
	)
	lacks(t, res, message("changed successfully"))
	if addr, _ := models.GetAddress(context.Background(), s.DB.Read, l.AddressID); addr.Street != "Test Street" {
		t.Errorf("got street %q, want it unchanged", addr.Street)
	}
	if got, _ := models.FindLettingAt(context.Background(), s.DB.Read, l.AddressID); got == nil || got.ID != l.ID {
		t.Errorf("got letting %+v at the address, want the first kept", got)
	}

	// Two new rows where there is none.
	a := addressWithoutLetting(t, s)
	res = saveForm(t, c, addressChangePath(a.ID), url.Values{"letting-TOTAL_FORMS": {"2"}, "letting-0-title": {"One"}, "letting-1-title": {"Two"}})
	res.Want(t, http.StatusOK)
	has(t, res, el("#letting-group ul.errorlist.nonform li", "Please submit at most 1 form."))
	if _, err := models.FindLettingAt(context.Background(), s.DB.Read, a.ID); err == nil {
		t.Error("got a letting added, want none")
	}

	// The profile likewise.
	u, p := memberWithProfile(t, s, "single", "Oslo")
	res = saveForm(t, c, userChangePath(u.ID), url.Values{"profile-TOTAL_FORMS": {"2"}, "profile-1-favorite_city": {"Bergen"}})
	res.Want(t, http.StatusOK)
	has(t, res, el("#profile-group ul.errorlist.nonform li", "Please submit at most 1 form."))
	if got := profileOf(t, s, u.ID); got == nil || got.ID != p.ID || got.FavoriteCity != "Oslo" {
		t.Errorf("got profile %+v, want Oslo kept", got)
	}
	if n := len(logOf(t, s, "auth", "user", u.ID)) + len(logOf(t, s, "lettings", "address", l.AddressID)) + len(logOf(t, s, "lettings", "address", a.ID)); n != 0 {
		t.Errorf("got %d log entries, want none", n)
	}

	// Deleting the letting and adding another in its place is one form.
	redirect(t, saveForm(t, c, path, url.Values{"letting-TOTAL_FORMS": {"2"}, "letting-0-DELETE": {"on"}, "letting-1-title": {"Replacement"}}), "/admin/lettings/address/")
	got, err := models.FindLettingAt(context.Background(), s.DB.Read, l.AddressID)
	if err != nil || got.Title != "Replacement" {
		t.Errorf("got letting %+v (%v), want the replacement", got, err)
	}
}

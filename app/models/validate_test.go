package models

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// fieldsOf returns the field errors of err, or nil when err is nil.
func fieldsOf(t *testing.T, err error) FieldErrors {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %T %v, want *ValidationError", err, err)
	}
	return ve.Fields
}

func validAddress() Address {
	return Address{Number: 7217, Street: "Bedford Street", City: "Brunswick", State: "GA", ZipCode: 31525, CountryISOCode: "USA"}
}

func TestAddressClean(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *Address)
		want   FieldErrors
	}{
		{"valid", func(*Address) {}, nil},
		{"number 0", func(a *Address) { a.Number = 0 }, nil},
		{"number 9999", func(a *Address) { a.Number = 9999 }, nil},
		{"number 10000", func(a *Address) { a.Number = 10000 }, FieldErrors{"number": {"Ensure this value is less than or equal to 9999."}}},
		{"number -1", func(a *Address) { a.Number = -1 }, FieldErrors{"number": {"Ensure this value is greater than or equal to 0."}}},
		{"zip 99999", func(a *Address) { a.ZipCode = 99999 }, nil},
		{"zip 100000", func(a *Address) { a.ZipCode = 100000 }, FieldErrors{"zip_code": {"Ensure this value is less than or equal to 99999."}}},
		{"zip -1", func(a *Address) { a.ZipCode = -1 }, FieldErrors{"zip_code": {"Ensure this value is greater than or equal to 0."}}},
		{"state G", func(a *Address) { a.State = "G" }, FieldErrors{"state": {"Ensure this value has at least 2 characters (it has 1)."}}},
		{"state GA", func(a *Address) { a.State = "GA" }, nil},
		{"state GAX", func(a *Address) { a.State = "GAX" }, FieldErrors{"state": {"Ensure this value has at most 2 characters (it has 3)."}}},
		{"state blank", func(a *Address) { a.State = "  " }, FieldErrors{"state": {"This field is required."}}},
		{"country US", func(a *Address) { a.CountryISOCode = "US" }, FieldErrors{"country_iso_code": {"Ensure this value has at least 3 characters (it has 2)."}}},
		{"country USA", func(a *Address) { a.CountryISOCode = "USA" }, nil},
		{"country USAA", func(a *Address) { a.CountryISOCode = "USAA" }, FieldErrors{"country_iso_code": {"Ensure this value has at most 3 characters (it has 4)."}}},
		{"street 64", func(a *Address) { a.Street = strings.Repeat("s", 64) }, nil},
		{"street 65", func(a *Address) { a.Street = strings.Repeat("s", 65) }, FieldErrors{"street": {"Ensure this value has at most 64 characters (it has 65)."}}},
		{"street 64 multibyte", func(a *Address) { a.Street = strings.Repeat("é", 64) }, nil},
		{"city 64", func(a *Address) { a.City = strings.Repeat("c", 64) }, nil},
		{"city 65", func(a *Address) { a.City = strings.Repeat("c", 65) }, FieldErrors{"city": {"Ensure this value has at most 64 characters (it has 65)."}}},
		{"street empty", func(a *Address) { a.Street = "" }, FieldErrors{"street": {"This field is required."}}},
		{"street with NUL", func(a *Address) { a.Street = "Bedford\x00Street" }, FieldErrors{"street": {"Null characters are not allowed."}}},
		{"several at once", func(a *Address) { a.Number = 10000; a.City = "" }, FieldErrors{
			"number": {"Ensure this value is less than or equal to 9999."},
			"city":   {"This field is required."},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAddress()
			tt.change(&a)
			if got := fieldsOf(t, a.Clean()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAddressCleanTrims(t *testing.T) {
	a := validAddress()
	a.Street, a.State = "  Bedford Street ", " GA "
	if err := a.Clean(); err != nil {
		t.Fatalf("got %v, want no error", err)
	}
	if a.Street != "Bedford Street" || a.State != "GA" {
		t.Errorf("got %q %q, want trimmed values", a.Street, a.State)
	}
}

func TestLettingClean(t *testing.T) {
	tests := []struct {
		name  string
		title string
		addr  int64
		want  FieldErrors
	}{
		{"valid", "Oceanview Retreat", 1, nil},
		{"title 256", strings.Repeat("t", 256), 1, nil},
		{"title 257", strings.Repeat("t", 257), 1, FieldErrors{"title": {"Ensure this value has at most 256 characters (it has 257)."}}},
		{"title blank", "   ", 1, FieldErrors{"title": {"This field is required."}}},
		{"no address", "Oceanview Retreat", 0, FieldErrors{"address": {"This field is required."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Letting{Title: tt.title, AddressID: tt.addr}
			if got := fieldsOf(t, l.Clean()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProfileClean(t *testing.T) {
	tests := []struct {
		name string
		city string
		user int64
		want FieldErrors
	}{
		{"valid", "Berlin", 1, nil},
		{"blank favourite city allowed", "", 1, nil},
		{"city 64", strings.Repeat("c", 64), 1, nil},
		{"city 65", strings.Repeat("c", 65), 1, FieldErrors{"favorite_city": {"Ensure this value has at most 64 characters (it has 65)."}}},
		{"no user", "Berlin", 0, FieldErrors{"user": {"This field is required."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Profile{FavoriteCity: tt.city, UserID: tt.user}
			if got := fieldsOf(t, p.Clean()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUserClean(t *testing.T) {
	const invalidUsername = "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
	tests := []struct {
		name   string
		change func(u *User)
		want   FieldErrors
	}{
		{"valid", func(*User) {}, nil},
		{"username with @.+-_", func(u *User) { u.Username = "a.b+c-d_e@f" }, nil},
		{"username in another script", func(u *User) { u.Username = "Zoë_Ωμέγα" }, nil},
		{"username with space", func(u *User) { u.Username = "john smith" }, FieldErrors{"username": {invalidUsername}}},
		{"username with slash", func(u *User) { u.Username = "john/smith" }, FieldErrors{"username": {invalidUsername}}},
		{"username with quote", func(u *User) { u.Username = "o'neil" }, FieldErrors{"username": {invalidUsername}}},
		{"username with angle bracket", func(u *User) { u.Username = "<b>" }, FieldErrors{"username": {invalidUsername}}},
		{"username blank", func(u *User) { u.Username = " " }, FieldErrors{"username": {"This field is required."}}},
		{"username 150", func(u *User) { u.Username = strings.Repeat("u", 150) }, nil},
		{"username 151", func(u *User) { u.Username = strings.Repeat("u", 151) }, FieldErrors{"username": {"Ensure this value has at most 150 characters (it has 151)."}}},
		{"first name 151", func(u *User) { u.FirstName = strings.Repeat("f", 151) }, FieldErrors{"first_name": {"Ensure this value has at most 150 characters (it has 151)."}}},
		{"last name 151", func(u *User) { u.LastName = strings.Repeat("l", 151) }, FieldErrors{"last_name": {"Ensure this value has at most 150 characters (it has 151)."}}},
		{"email blank allowed", func(u *User) { u.Email = "" }, nil},
		{"email localhost", func(u *User) { u.Email = "root@localhost" }, nil},
		{"email without at", func(u *User) { u.Email = "boss.example.com" }, FieldErrors{"email": {"Enter a valid email address."}}},
		{"email without domain dot", func(u *User) { u.Email = "boss@example" }, FieldErrors{"email": {"Enter a valid email address."}}},
		{"email with space", func(u *User) { u.Email = "bo ss@example.com" }, FieldErrors{"email": {"Enter a valid email address."}}},
		{"email domain ending in hyphen", func(u *User) { u.Email = "boss@example.co-" }, FieldErrors{"email": {"Enter a valid email address."}}},
		{"email 255", func(u *User) { u.Email = strings.Repeat("e", 243) + "@example.com" }, FieldErrors{"email": {"Ensure this value has at most 254 characters (it has 255)."}}},
		{"email with NUL", func(u *User) { u.Email = "bo\x00ss@example.com" }, FieldErrors{"email": {"Null characters are not allowed."}}},
		{"username with NUL", func(u *User) { u.Username = "bo\x00ss" }, FieldErrors{"username": {"Null characters are not allowed.", invalidUsername}}},
		{"no password", func(u *User) { u.Password = "" }, FieldErrors{"password": {"This field is required."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := User{Username: "boss", Email: "boss@example.com", Password: "!x"}
			tt.change(&u)
			if got := fieldsOf(t, u.Clean()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUserCleanNormalises(t *testing.T) {
	u := User{Username: " Boss ", Email: "Boss@EXAMPLE.Com", Password: "!x"}
	if err := u.Clean(); err != nil {
		t.Fatalf("got %v, want no error", err)
	}
	if u.Username != "Boss" || u.UsernameKey != "boss" || u.Email != "Boss@example.com" {
		t.Errorf("got %q %q %q, want Boss boss Boss@example.com", u.Username, u.UsernameKey, u.Email)
	}
}

func TestUsernameKeyFoldsCase(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Boss", "boss"},
		{"STRASSE", "straße"},
		{"ǅemal", "džemal"},
		{"ＢＯＳＳ", "boss"}, // full-width letters are NFKC-equal to ASCII
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			if UsernameKey(tt.a) != UsernameKey(tt.b) {
				t.Errorf("got %q and %q, want the same key", UsernameKey(tt.a), UsernameKey(tt.b))
			}
		})
	}
}

func TestGroupClean(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want FieldErrors
	}{
		{"valid", "Editors", nil},
		{"blank", "", FieldErrors{"name": {"This field is required."}}},
		{"150", strings.Repeat("g", 150), nil},
		{"151", strings.Repeat("g", 151), FieldErrors{"name": {"Ensure this value has at most 150 characters (it has 151)."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Group{Name: tt.in}
			if got := fieldsOf(t, g.Clean()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStringForms(t *testing.T) {
	a := validAddress()
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"address", a.String(), "7217 Bedford Street"},
		{"letting", (&Letting{Title: "Oceanview Retreat"}).String(), "Oceanview Retreat"},
		{"profile", (&Profile{User: &User{Username: "AirWow"}}).String(), "AirWow"},
		{"profile without user", (&Profile{}).String(), ""},
		{"user", (&User{Username: "AirWow"}).String(), "AirWow"},
		{"group", (&Group{Name: "Editors"}).String(), "Editors"},
		{"permission", (&Permission{AppLabel: "lettings", Model: "letting", Name: "Can view letting"}).String(), "lettings | letting | Can view letting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	err := FieldErrors{"title": {"This field is required."}, NonField: {"Broken."}}.Err()
	want := "error: Broken.; title: This field is required."
	if err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
	if (FieldErrors{}).Err() != nil {
		t.Error("got an error for no messages, want nil")
	}
}

func TestChangeMessages(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want string
	}{{nil, "No fields changed."}, {[]string{"Title"}, "Changed Title."}, {[]string{"Title", "Address"}, "Changed Title and Address."},
		{[]string{"A", "B", "C"}, "Changed A, B and C."}} {
		if got := ChangedFields(tt.in); got != tt.want {
			t.Errorf("ChangedFields(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

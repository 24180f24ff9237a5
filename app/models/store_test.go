package models_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

func wantField(t *testing.T, err error, field, message string) {
	t.Helper()
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a validation error on %s", err, field)
	}
	if got := ve.Fields[field]; len(got) != 1 || got[0] != message {
		t.Fatalf("got %v on %s, want %q", ve.Fields, field, message)
	}
}

func TestLettingsAndAddresses(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write

	addr := &models.Address{Number: 1, Street: "Main Street", City: "Irvine", State: "CA", ZipCode: 92602, CountryISOCode: "USA"}
	if err := models.CreateAddress(ctx, db, addr); err != nil {
		t.Fatalf("create address: %v", err)
	}
	letting := &models.Letting{Title: "Irvine Loft", AddressID: addr.ID}
	if err := models.CreateLetting(ctx, db, letting); err != nil {
		t.Fatalf("create letting: %v", err)
	}

	t.Run("one letting per address", func(t *testing.T) {
		err := models.CreateLetting(ctx, db, &models.Letting{Title: "Second", AddressID: addr.ID})
		wantField(t, err, "address", "Letting with this Address already exists.")
	})
	t.Run("address must exist", func(t *testing.T) {
		err := models.CreateLetting(ctx, db, &models.Letting{Title: "Nowhere", AddressID: 999})
		wantField(t, err, "address", "Select a valid choice. That choice is not one of the available choices.")
	})
	t.Run("invalid fields are refused before the database", func(t *testing.T) {
		err := models.CreateAddress(ctx, db, &models.Address{Number: 10000, Street: "x", City: "y", State: "CA", CountryISOCode: "USA"})
		wantField(t, err, "number", "Ensure this value is less than or equal to 9999.")
	})
	t.Run("get with address", func(t *testing.T) {
		got, err := models.GetLetting(ctx, db, letting.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Irvine Loft" || got.Address == nil || got.Address.String() != "1 Main Street" {
			t.Errorf("got %+v, want the letting with its address", got)
		}
	})
	t.Run("update keeps its own address", func(t *testing.T) {
		letting.Title = "Irvine Loft, renovated"
		if err := models.UpdateLetting(ctx, db, letting); err != nil {
			t.Fatalf("got %v, want no error", err)
		}
		got, _ := models.GetLetting(ctx, db, letting.ID)
		if got.Title != "Irvine Loft, renovated" {
			t.Errorf("got %q, want the new title", got.Title)
		}
	})
	t.Run("missing rows", func(t *testing.T) {
		if _, err := models.GetLetting(ctx, db, 999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
		if err := models.UpdateAddress(ctx, db, &models.Address{ID: 999, Number: 1, Street: "a", City: "b", State: "CA", CountryISOCode: "USA"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
		if err := models.DeleteLetting(ctx, db, 999); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("deleting the address deletes the letting", func(t *testing.T) {
		if err := models.DeleteAddress(ctx, db, addr.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := models.GetLetting(ctx, db, letting.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("got %v, want the letting gone", err)
		}
	})
}

func TestUsersAndProfiles(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write

	user := &models.User{Username: "Boss", Email: "boss@example.com", Password: "!unusable", IsActive: true}
	if err := models.CreateUser(ctx, db, user); err != nil {
		t.Fatalf("create user: %v", err)
	}
	if user.DateJoined.IsZero() {
		t.Error("got no date joined, want it stamped")
	}

	t.Run("usernames are unique case-insensitively", func(t *testing.T) {
		for _, name := range []string{"Boss", "boss", "BOSS", "ｂｏｓｓ"} {
			err := models.CreateUser(ctx, db, &models.User{Username: name, Password: "!x"})
			wantField(t, err, "username", "A user with that username already exists.")
		}
	})
	t.Run("the database enforces it too", func(t *testing.T) {
		_, err := db.NewInsert().Model(&models.User{Username: "other", UsernameKey: "boss", Password: "!x", DateJoined: time.Now()}).Exec(ctx)
		if err == nil {
			t.Fatal("got no error, want a unique violation")
		}
	})
	t.Run("login looks up the exact username", func(t *testing.T) {
		if _, err := models.GetUserByUsername(ctx, db, "boss"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound for another case", err)
		}
		got, err := models.FindUserByUsernameKey(ctx, db, "bOSS")
		if err != nil || got.ID != user.ID {
			t.Errorf("got %v %v, want the user found case-insensitively", got, err)
		}
	})
	t.Run("rename to a free name", func(t *testing.T) {
		user.Username = "Chief"
		if err := models.UpdateUser(ctx, db, user); err != nil {
			t.Fatal(err)
		}
		got, err := models.GetUserByUsername(ctx, db, "Chief")
		if err != nil || got.UsernameKey != "chief" {
			t.Errorf("got %+v %v, want renamed with a new key", got, err)
		}
	})

	profile := &models.Profile{UserID: user.ID, FavoriteCity: "Irvine"}
	if err := models.CreateProfile(ctx, db, profile); err != nil {
		t.Fatalf("create profile: %v", err)
	}
	t.Run("one profile per user", func(t *testing.T) {
		wantField(t, models.CreateProfile(ctx, db, &models.Profile{UserID: user.ID}), "user", "Profile with this User already exists.")
	})
	t.Run("profile by exact username", func(t *testing.T) {
		got, err := models.GetProfileByUsername(ctx, db, "Chief")
		if err != nil || got.String() != "Chief" || got.FavoriteCity != "Irvine" {
			t.Errorf("got %+v %v, want Chief's profile", got, err)
		}
		if _, err := models.GetProfileByUsername(ctx, db, "chief"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound for another case", err)
		}
	})
	t.Run("password is stored as given", func(t *testing.T) {
		if err := models.SetUserPassword(ctx, db, user.ID, "argon2$x"); err != nil {
			t.Fatal(err)
		}
		got, _ := models.GetUser(ctx, db, user.ID)
		if got.Password != "argon2$x" {
			t.Errorf("got %q, want the new encoded password", got.Password)
		}
	})
	t.Run("deleting the user deletes the profile", func(t *testing.T) {
		if err := models.DeleteUser(ctx, db, user.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := models.GetProfile(ctx, db, profile.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("got %v, want the profile gone", err)
		}
	})
}

func TestPermissions(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write

	perms, err := models.ListPermissions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	perModel := map[string]int{}
	for _, p := range perms {
		perModel[p.AppLabel+"."+p.Model]++
	}
	for _, model := range []string{"auth.user", "auth.group", "lettings.address", "lettings.letting", "profiles.profile"} {
		if perModel[model] != 4 {
			t.Errorf("got %d permissions of %s, want 4", perModel[model], model)
		}
	}
	byKey := map[string]int64{}
	for _, p := range perms {
		byKey[p.Key()] = p.ID
	}

	user := &models.User{Username: "editor", Password: "!x", IsActive: true, IsStaff: true}
	if err := models.CreateUser(ctx, db, user); err != nil {
		t.Fatal(err)
	}
	group := &models.Group{Name: "Editors"}
	if err := models.CreateGroup(ctx, db, group); err != nil {
		t.Fatal(err)
	}
	wantField(t, models.CreateGroup(ctx, db, &models.Group{Name: "Editors"}), "name", "Group with this Name already exists.")

	if err := models.SetGroupPermissions(ctx, db, group.ID, []int64{byKey["lettings.view_letting"], byKey["lettings.change_letting"]}); err != nil {
		t.Fatal(err)
	}
	if err := models.SetUserGroups(ctx, db, user.ID, []int64{group.ID}); err != nil {
		t.Fatal(err)
	}
	if err := models.SetUserPermissions(ctx, db, user.ID, []int64{byKey["profiles.view_profile"]}); err != nil {
		t.Fatal(err)
	}
	got, err := models.PermissionKeys(ctx, db, user.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"lettings.view_letting": true, "lettings.change_letting": true, "profiles.view_profile": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}

	t.Run("replacing links", func(t *testing.T) {
		if err := models.SetUserGroups(ctx, db, user.ID, nil); err != nil {
			t.Fatal(err)
		}
		got, _ := models.PermissionKeys(ctx, db, user.ID)
		if !reflect.DeepEqual(got, map[string]bool{"profiles.view_profile": true}) {
			t.Errorf("got %v, want only the direct permission", got)
		}
	})
	t.Run("unknown permission", func(t *testing.T) {
		wantField(t, models.SetUserPermissions(ctx, db, user.ID, []int64{9999}), models.NonField,
			"Select a valid choice. That choice is not one of the available choices.")
	})
	t.Run("get permission", func(t *testing.T) {
		p, err := models.GetPermission(ctx, db, "lettings", "delete_address")
		if err != nil || p.Name != "Can delete address" {
			t.Errorf("got %+v %v, want Can delete address", p, err)
		}
	})
}

func TestLogEntries(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write
	user := &models.User{Username: "boss", Password: "!x", IsActive: true}
	if err := models.CreateUser(ctx, db, user); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	long := strings.Repeat("é", 250)
	entries := []models.LogEntry{
		{ActionTime: base, UserID: user.ID, AppLabel: "lettings", Model: "letting", ObjectID: "1", ObjectRepr: "Old title", ActionFlag: models.ActionAddition, ChangeMessage: "Added."},
		{ActionTime: base.Add(time.Minute), UserID: user.ID, AppLabel: "lettings", Model: "letting", ObjectID: "1", ObjectRepr: long, ActionFlag: models.ActionChange, ChangeMessage: "Changed Title.",
			Changes: []models.FieldChange{{Field: "title", Old: "Old title", New: "New title"}}},
		{ActionTime: base.Add(2 * time.Minute), UserID: user.ID, AppLabel: "lettings", Model: "letting", ObjectID: "2", ObjectRepr: "Other", ActionFlag: models.ActionDeletion, ChangeMessage: "Deleted."},
	}
	for i := range entries {
		if err := models.AddLogEntry(ctx, db, &entries[i]); err != nil {
			t.Fatal(err)
		}
	}

	history, err := models.ObjectHistory(ctx, db, "lettings", "letting", "1")
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].ChangeMessage != "Added." || history[1].User.Username != "boss" {
		t.Fatalf("got %+v, want two entries oldest first with their user", history)
	}
	if got := history[1].Changes; !reflect.DeepEqual(got, []models.FieldChange{{Field: "title", Old: "Old title", New: "New title"}}) {
		t.Errorf("got %v, want the old and new title kept", got)
	}
	if n := len([]rune(history[1].ObjectRepr)); n != 200 {
		t.Errorf("got an object repr of %d characters, want it cut to 200", n)
	}

	recent, err := models.RecentActions(ctx, db, user.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 2 || recent[0].ActionFlag != models.ActionDeletion {
		t.Errorf("got %+v, want the two newest, newest first", recent)
	}
}

func TestHistoryOutlivesItsAuthor(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write
	u := &models.User{Username: "leaver", Password: "!x", IsActive: true}
	if err := models.CreateUser(ctx, db, u); err != nil {
		t.Fatal(err)
	}
	e := &models.LogEntry{UserID: u.ID, AppLabel: "lettings", Model: "letting", ObjectID: "1", ObjectRepr: "X", ActionFlag: models.ActionAddition, ChangeMessage: "Added."}
	if err := models.AddLogEntry(ctx, db, e); err != nil {
		t.Fatal(err)
	}
	if err := models.DeleteUser(ctx, db, u.ID); err != nil {
		t.Fatal(err)
	}
	history, err := models.ObjectHistory(ctx, db, "lettings", "letting", "1")
	if err != nil || len(history) != 1 || history[0].UserID != 0 || history[0].User != nil {
		t.Errorf("got %+v (%v), want the entry kept without its user", history, err)
	}
}

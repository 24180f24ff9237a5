package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

func TestLoginAttempts(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	limits := models.LoginLimits{Since: now.Add(-15 * time.Minute), PerUsername: 2, PerAddr: 3}
	reserve := func(username, addr string, at time.Time) bool {
		t.Helper()
		_, ok, err := models.ReserveLoginAttempt(ctx, db, username, addr, at, limits)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// One outside the window, then two inside: the third is refused, in
	// any case of the username.
	for i, at := range []time.Time{now.Add(-20 * time.Minute), now.Add(-5 * time.Minute), now.Add(-time.Minute)} {
		if !reserve("Boss", "10.0.0.1", at) {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if reserve("boss", "10.0.0.2", now) {
		t.Error("a third attempt for the username within the window was reserved")
	}
	// The address's limit counts every username.
	if !reserve("other", "10.0.0.1", now) {
		t.Error("a third attempt from the address was refused")
	}
	if reserve("third", "10.0.0.1", now) {
		t.Error("a fourth attempt from the address was reserved")
	}

	pruned, err := models.PruneFailedLogins(ctx, db, limits.Since)
	if err != nil || pruned != 1 {
		t.Errorf("got %d pruned (%v), want 1", pruned, err)
	}
	if err := models.ClearFailedLogins(ctx, db, "BOSS"); err != nil {
		t.Fatal(err)
	}
	id, ok, err := models.ReserveLoginAttempt(ctx, db, "boss", "10.0.0.3", now, limits)
	if err != nil || !ok {
		t.Fatalf("after clearing: reserved %v (%v)", ok, err)
	}
	if err := models.CancelLoginAttempt(ctx, db, id); err != nil {
		t.Fatal(err)
	}
	n, err := db.NewSelect().Model((*models.LoginAttempt)(nil)).Where("username_key = 'boss'").Count(ctx)
	if err != nil || n != 0 {
		t.Errorf("%d attempts for boss after clearing and cancelling (%v)", n, err)
	}
}

func TestLoginUsernameProblem(t *testing.T) {
	for _, tt := range []struct {
		username, want string
	}{
		{strings.Repeat("a", 150), ""},
		{strings.Repeat("é", 150), ""},
		{strings.Repeat("a", 151), "Ensure this value has at most 150 characters (it has 151)."},
		{strings.Repeat("𝒜", 151), "Ensure this value has at most 150 characters (it has 151)."},
		{strings.Repeat("ﷺ", 9), "Ensure this value has at most 150 characters (it has 162)."},
		{strings.Repeat("ﷺ", 8), ""},
	} {
		if got := models.LoginUsernameProblem(tt.username); got != tt.want {
			t.Errorf("%.20q…: %q, want %q", tt.username, got, tt.want)
		}
	}
}

// A username or address as long as anyone can send fits the table on
// every database.
func TestLoginAttemptKeysFitTheirColumns(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t).Write
	limits := models.LoginLimits{Since: time.Now().Add(-time.Hour), PerUsername: 5, PerAddr: 5}
	if _, ok, err := models.ReserveLoginAttempt(ctx, db, strings.Repeat("ﷺ", 150), strings.Repeat("f", 200), time.Now(), limits); err != nil || !ok {
		t.Errorf("reserved %v: %v", ok, err)
	}
}

package models

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// LoginAttempt is one failed sign-in, kept in the database so that every
// instance of the app sees the same count when throttling.
type LoginAttempt struct {
	bun.BaseModel `bun:"table:auth_login_attempt,alias:attempt"`

	ID          int64     `bun:"id,pk,autoincrement"`
	UsernameKey string    `bun:"username_key,notnull"`
	ClientAddr  string    `bun:"client_addr,notnull"`
	AttemptedAt time.Time `bun:"attempted_at,notnull"`
}

// RecordFailedLogin stores a failure for a username and a client address.
func RecordFailedLogin(ctx context.Context, db bun.IDB, username, clientAddr string, at time.Time) error {
	_, err := db.NewInsert().Model(&LoginAttempt{
		UsernameKey: UsernameKey(username),
		ClientAddr:  clientAddr,
		AttemptedAt: at.UTC(),
	}).Exec(ctx)
	return translate(err)
}

// CountFailedLogins returns the failures since a moment for a username and
// for a client address.
func CountFailedLogins(ctx context.Context, db bun.IDB, username, clientAddr string, since time.Time) (byUser, byAddr int64, err error) {
	byUser, err = db.NewSelect().Model((*LoginAttempt)(nil)).
		Where("username_key = ?", UsernameKey(username)).Where("attempted_at >= ?", since.UTC()).Count(ctx)
	if err != nil {
		return 0, 0, translate(err)
	}
	byAddr, err = db.NewSelect().Model((*LoginAttempt)(nil)).
		Where("client_addr = ?", clientAddr).Where("attempted_at >= ?", since.UTC()).Count(ctx)
	return byUser, byAddr, translate(err)
}

// ClearFailedLogins forgets a username's failures after a successful sign-in.
func ClearFailedLogins(ctx context.Context, db bun.IDB, username string) error {
	_, err := db.NewDelete().Model((*LoginAttempt)(nil)).Where("username_key = ?", UsernameKey(username)).Exec(ctx)
	return translate(err)
}

// PruneFailedLogins deletes failures older than a moment, once they can no longer count.
func PruneFailedLogins(ctx context.Context, db bun.IDB, before time.Time) (int64, error) {
	res, err := db.NewDelete().Model((*LoginAttempt)(nil)).Where("attempted_at < ?", before.UTC()).Exec(ctx)
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}

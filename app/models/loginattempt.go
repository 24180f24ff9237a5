package models

import (
	"context"
	"hash/fnv"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"golang.org/x/text/unicode/norm"
)

// LoginAttempt is one password check, kept in the database so that every
// instance of the app sees the same count when throttling. It is written
// before the check as a reservation and stays as the failure unless the
// password was right.
type LoginAttempt struct {
	bun.BaseModel `bun:"table:auth_login_attempt,alias:attempt"`

	ID          int64     `bun:"id,pk,autoincrement"`
	UsernameKey string    `bun:"username_key,notnull"`
	ClientAddr  string    `bun:"client_addr,notnull"`
	AttemptedAt time.Time `bun:"attempted_at,notnull"`
}

// maxUsernameLength is the length Clean allows a username (Django's).
const maxUsernameLength = 150

// Widths of the attempt table's columns. The username key fits whenever the
// username passes LoginUsernameProblem: case folding makes at most three
// characters of one.
const (
	usernameKeyWidth = 600
	clientAddrWidth  = 64
)

// LoginUsernameProblem returns Django's max-length message for a username no
// account can have, or "". The raw text is measured first, in bytes and
// then in characters, so that an attacker's input is never normalised (one
// character can become 18) before it is known to be short.
func LoginUsernameProblem(username string) string {
	if len(username) > utf8.UTFMax*maxUsernameLength {
		return msgMaxLength(maxUsernameLength, utf8.RuneCountInString(username))
	}
	if n := utf8.RuneCountInString(username); n > maxUsernameLength {
		return msgMaxLength(maxUsernameLength, n)
	}
	if n := utf8.RuneCountInString(norm.NFKC.String(username)); n > maxUsernameLength {
		return msgMaxLength(maxUsernameLength, n)
	}
	return ""
}

// LoginLimits are the most attempts a username and a client address may
// have since a moment before the next one is refused unchecked.
type LoginLimits struct {
	Since                time.Time
	PerUsername, PerAddr int
}

// ReserveLoginAttempt records an attempt for a username and a client address
// unless either has reached its limit, and says whether it did. Counting and
// inserting are one write transaction, serialised per key, so that a burst
// of simultaneous attempts cannot all see the count below the limit: on
// SQLite a write transaction excludes every other writer (BEGIN IMMEDIATE);
// on PostgreSQL, whose READ COMMITTED counts would not see each other's
// inserts, transaction-scoped advisory locks on the username and the address
// make attempts on the same keys wait for each other. Every transaction
// takes the username's lock before the address's, so two cannot deadlock.
func ReserveLoginAttempt(ctx context.Context, db *bun.DB, username, clientAddr string, at time.Time, limits LoginLimits) (id int64, ok bool, err error) {
	a := &LoginAttempt{UsernameKey: UsernameKey(username), ClientAddr: clipAddr(clientAddr), AttemptedAt: at.UTC()}
	if utf8.RuneCountInString(a.UsernameKey) > usernameKeyWidth {
		// LoginUsernameProblem refuses such a username before it gets here;
		// folding it into the width keeps the column and its index valid
		// for any other caller.
		a.UsernameKey = string([]rune(a.UsernameKey)[:usernameKeyWidth])
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if db.Dialect().Name() == dialect.PG {
			for _, lock := range [2][2]int32{{lockUsername, lockKey(a.UsernameKey)}, {lockAddr, lockKey(a.ClientAddr)}} {
				if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, ?)", lock[0], lock[1]); err != nil {
					return err
				}
			}
		}
		since := limits.Since.UTC()
		byUser, err := tx.NewSelect().Model((*LoginAttempt)(nil)).
			Where("username_key = ?", a.UsernameKey).Where("attempted_at >= ?", since).Count(ctx)
		if err != nil || byUser >= int64(limits.PerUsername) {
			return err
		}
		byAddr, err := tx.NewSelect().Model((*LoginAttempt)(nil)).
			Where("client_addr = ?", a.ClientAddr).Where("attempted_at >= ?", since).Count(ctx)
		if err != nil || byAddr >= int64(limits.PerAddr) {
			return err
		}
		if _, err := tx.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return 0, false, translate(err)
	}
	return a.ID, ok, nil
}

// Namespaces of the advisory locks, so that a username and an address never
// take the same lock.
const (
	lockUsername int32 = 0x4c6f6731 // "Log1"
	lockAddr     int32 = 0x4c6f6732 // "Log2"
)

// lockKey maps a key to one of 2^32 locks; two keys sharing one only wait
// for each other.
func lockKey(key string) int32 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int32(h.Sum32())
}

// clipAddr keeps an address within its column. Addresses are parsed IPs
// (at most 45 characters); only a raw peer address could be longer.
func clipAddr(addr string) string {
	if len(addr) <= clientAddrWidth {
		return addr
	}
	for i := clientAddrWidth; i > 0; i-- {
		if utf8.RuneStart(addr[i]) {
			return addr[:i]
		}
	}
	return ""
}

// CancelLoginAttempt forgets a reservation whose password was never checked.
func CancelLoginAttempt(ctx context.Context, db bun.IDB, id int64) error {
	_, err := db.NewDelete().Model((*LoginAttempt)(nil)).Where("id = ?", id).Exec(ctx)
	return translate(err)
}

// ClearFailedLogins forgets a username's failures after a successful check.
func ClearFailedLogins(ctx context.Context, db bun.IDB, username string) error {
	_, err := db.NewDelete().Model((*LoginAttempt)(nil)).Where("username_key = ?", UsernameKey(username)).Exec(ctx)
	return translate(err)
}

// PruneFailedLogins deletes failures older than a moment, once they can no
// longer count. On PostgreSQL, rows another instance is deleting at the same
// moment are left to it: two prunes locking the same rows in different
// orders could deadlock, and a failed login would answer 500 for
// housekeeping.
func PruneFailedLogins(ctx context.Context, db bun.IDB, before time.Time) (int64, error) {
	q := db.NewDelete().Model((*LoginAttempt)(nil))
	if db.Dialect().Name() == dialect.PG {
		q = q.Where("id IN (?)", db.NewSelect().Model((*LoginAttempt)(nil)).Column("id").
			Where("attempted_at < ?", before.UTC()).For("UPDATE SKIP LOCKED"))
	} else {
		q = q.Where("attempted_at < ?", before.UTC())
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return 0, translate(err)
	}
	return res.RowsAffected()
}

package models

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// User is a member or a member of staff, shaped like Django's auth.User so
// that accounts move between the two sites unchanged.
type User struct {
	bun.BaseModel `bun:"table:auth_user,alias:u"`

	ID          int64     `bun:"id,pk,autoincrement"`
	Password    string    `bun:"password,notnull"`
	LastLogin   time.Time `bun:"last_login,nullzero"`
	IsSuperuser bool      `bun:"is_superuser,notnull"`
	Username    string    `bun:"username,notnull"`
	// UsernameKey is the case-folded username. Uniqueness is enforced on it
	// so that "Boss" and "boss" cannot both exist, identically on every
	// database (SQLite's lower() only folds ASCII).
	UsernameKey string    `bun:"username_key,notnull"`
	FirstName   string    `bun:"first_name,notnull"`
	LastName    string    `bun:"last_name,notnull"`
	Email       string    `bun:"email,notnull"`
	IsStaff     bool      `bun:"is_staff,notnull"`
	IsActive    bool      `bun:"is_active,notnull"`
	DateJoined  time.Time `bun:"date_joined,notnull"`
}

// userFields are a user's fields, with Django's names and help.
var userFields = Fields{
	{Name: "username", Kind: Text, Required: true, MaxLen: 150,
		Help: "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."},
	// The site sets the hash, nobody types it: Clean requires one (an
	// unusable password is "!…", never empty).
	{Name: "password", Kind: Text},
	{Name: "first_name", Kind: Text, MaxLen: 150},
	{Name: "last_name", Kind: Text, MaxLen: 150},
	{Name: "email", Label: "email address", Kind: Email, MaxLen: 254},
	{Name: "is_active", Label: "active", Kind: Bool, Default: true,
		Help: "Designates whether this user should be treated as active. Unselect this instead of deleting accounts."},
	{Name: "is_staff", Label: "staff status", Kind: Bool,
		Help: "Designates whether the user can log into this admin site."},
	{Name: "is_superuser", Label: "superuser status", Kind: Bool,
		Help: "Designates that this user has all permissions without explicitly assigning them."},
	{Name: "last_login", Kind: Time},
	// Django's form requires it (the model's default fills it in, not a blank).
	{Name: "date_joined", Kind: Time, Required: true},
}

func (u User) PK() int64      { return u.ID }
func (User) Fields() Fields   { return userFields }
func (u User) String() string { return u.Username }

// Django's UnicodeUsernameValidator: Python's \w is letters, digits and underscore in any script.
var usernamePattern = regexp.MustCompile(`^[\p{L}\p{N}_.@+-]+$`)

const msgInvalidUsername = "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."

// MsgUsernameTaken is Django's answer to a username that exists already,
// whatever its case.
const MsgUsernameTaken = "A user with that username already exists."

// UsernameKey folds a username for case-insensitive comparison; NFKC first,
// as Django normalises usernames, so look-alike compositions compare equal.
func UsernameKey(username string) string {
	return cases.Fold().String(norm.NFKC.String(username))
}

// Clean normalises and validates the user's own fields.
func (u *User) Clean() error {
	u.Username = norm.NFKC.String(strings.TrimSpace(u.Username))
	u.Email = normalizeEmail(u.Email)
	errs := userFields.clean(u)
	u.UsernameKey = UsernameKey(u.Username)
	if u.Username != "" && !usernamePattern.MatchString(u.Username) {
		errs.Add("username", msgInvalidUsername)
	}
	if u.Password == "" {
		errs.Add("password", msgRequired)
	}
	return errs.Err()
}

func (u *User) validateRelations(ctx context.Context, db bun.IDB) error {
	return unique(ctx, db, (*User)(nil), "username_key", u.UsernameKey, u.ID, "username", MsgUsernameTaken)
}

// GetUser loads a user by id.
func GetUser(ctx context.Context, db bun.IDB, id int64) (*User, error) {
	u := new(User)
	err := db.NewSelect().Model(u).Where("u.id = ?", id).Scan(ctx)
	return u, translate(err)
}

// GetUserByUsername loads a user by exact username, as Django's login does.
func GetUserByUsername(ctx context.Context, db bun.IDB, username string) (*User, error) {
	u := new(User)
	err := db.NewSelect().Model(u).Where("u.username = ?", username).Scan(ctx)
	return u, translate(err)
}

// FindUserByUsernameKey loads the user whose username equals this one case-insensitively.
func FindUserByUsernameKey(ctx context.Context, db bun.IDB, username string) (*User, error) {
	u := new(User)
	err := db.NewSelect().Model(u).Where("u.username_key = ?", UsernameKey(strings.TrimSpace(username))).Scan(ctx)
	return u, translate(err)
}

// CreateUser validates and inserts a user whose Password is already encoded
// (a hash, or an unusable password).
func CreateUser(ctx context.Context, db bun.IDB, u *User) error {
	if u.DateJoined.IsZero() {
		u.DateJoined = time.Now().UTC()
	}
	return insert(ctx, db, u, "username", MsgUsernameTaken)
}

// UpdateUser validates and saves an existing user.
func UpdateUser(ctx context.Context, db bun.IDB, u *User) error {
	return update(ctx, db, u, "username", MsgUsernameTaken)
}

// SetUserPassword stores an already encoded password.
func SetUserPassword(ctx context.Context, db bun.IDB, id int64, encoded string) error {
	return updated(db.NewUpdate().Model((*User)(nil)).
		Set("password = ?", encoded).Where("id = ?", id).Exec(ctx))
}

// RecordLogin stamps a user's last login.
func RecordLogin(ctx context.Context, db bun.IDB, id int64, at time.Time) error {
	return updated(db.NewUpdate().Model((*User)(nil)).
		Set("last_login = ?", at.UTC()).Where("id = ?", id).Exec(ctx))
}

// DeleteUser deletes a user; the database deletes their profile, group
// memberships, permissions and log entries with them.
func DeleteUser(ctx context.Context, db bun.IDB, id int64) error {
	return updated(db.NewDelete().Model((*User)(nil)).Where("id = ?", id).Exec(ctx))
}

// ListUsers returns every user by username, for choosing one.
func ListUsers(ctx context.Context, db bun.IDB) ([]User, error) {
	var users []User
	err := db.NewSelect().Model(&users).OrderExpr("u.username").Scan(ctx)
	return users, translate(err)
}

package models

import (
	"context"

	"github.com/uptrace/bun"
)

// Profile is a member's public page: their user and favourite city.
type Profile struct {
	bun.BaseModel `bun:"table:profiles_profile,alias:profile"`

	ID           int64  `bun:"id,pk,autoincrement"`
	UserID       int64  `bun:"user_id,notnull"`
	User         *User  `bun:"rel:belongs-to,join:user_id=id"`
	FavoriteCity string `bun:"favorite_city,notnull"`
}

// String is the member's username, as on the Django site; it needs User loaded.
func (p Profile) String() string {
	if p.User == nil {
		return ""
	}
	return p.User.Username
}

// profileFields are a profile's fields.
var profileFields = Fields{
	{Name: "user", Kind: Ref, Required: true, Unique: true},
	{Name: "favorite_city", Kind: Text, MaxLen: 64},
}

func (p Profile) PK() int64    { return p.ID }
func (Profile) Fields() Fields { return profileFields }

// Clean trims and validates the fields that need no database.
func (p *Profile) Clean() error {
	return profileFields.clean(p).Err()
}

const msgProfileUserTaken = "Profile with this User already exists."

func (p *Profile) validateRelations(ctx context.Context, db bun.IDB) error {
	if err := related(ctx, db, (*User)(nil), "user", p.UserID); err != nil {
		return err
	}
	return unique(ctx, db, (*Profile)(nil), "user_id", p.UserID, p.ID, "user", msgProfileUserTaken)
}

// GetProfile loads a profile with its user.
func GetProfile(ctx context.Context, db bun.IDB, id int64) (*Profile, error) {
	p := new(Profile)
	err := db.NewSelect().Model(p).Relation("User").Where("profile.id = ?", id).Scan(ctx)
	return p, translate(err)
}

// GetProfileByUsername loads the profile of the member with exactly this
// username (case-sensitive, as the public site has always matched it).
func GetProfileByUsername(ctx context.Context, db bun.IDB, username string) (*Profile, error) {
	p := new(Profile)
	err := db.NewSelect().Model(p).Relation("User").Where("? = ?", bun.Ident("user.username"), username).Scan(ctx)
	return p, translate(err)
}

// CreateProfile validates and inserts a profile.
func CreateProfile(ctx context.Context, db bun.IDB, p *Profile) error {
	return insert(ctx, db, p, "user", msgProfileUserTaken)
}

// UpdateProfile validates and saves an existing profile.
func UpdateProfile(ctx context.Context, db bun.IDB, p *Profile) error {
	return update(ctx, db, p, "user", msgProfileUserTaken)
}

// DeleteProfile deletes a profile and leaves its user.
func DeleteProfile(ctx context.Context, db bun.IDB, id int64) error {
	return updated(db.NewDelete().Model((*Profile)(nil)).Where("id = ?", id).Exec(ctx))
}

// ListProfiles returns a page of profiles with their users, by username.
func ListProfiles(ctx context.Context, db bun.IDB, limit, offset int) ([]Profile, error) {
	// Walking the username index and picking out members with a profile
	// finds a page without sorting every profile first.
	ids := db.NewSelect().TableExpr("auth_user AS u").
		Join("JOIN profiles_profile AS p ON p.user_id = u.id").
		Column("p.id").
		OrderExpr("u.username, p.id").Limit(int64(limit)).Offset(int64(offset))
	var profiles []Profile
	err := db.NewSelect().Model(&profiles).Relation("User").
		Where("profile.id IN (?)", ids).
		OrderExpr("?, profile.id", bun.Ident("user.username")).
		Scan(ctx)
	return profiles, translate(err)
}

// CountProfiles counts every profile.
func CountProfiles(ctx context.Context, db bun.IDB) (int, error) {
	n, err := db.NewSelect().Model((*Profile)(nil)).Count(ctx)
	return int(n), translate(err)
}

// ProfileUsernames returns every member's username, for the sitemap.
func ProfileUsernames(ctx context.Context, db bun.IDB) ([]string, error) {
	var names []string
	err := db.NewSelect().Model((*Profile)(nil)).
		Join("JOIN auth_user AS u ON u.id = profile.user_id").
		ColumnExpr("u.username").OrderExpr("u.username").Scan(ctx, &names)
	return names, translate(err)
}

// FindProfileOf returns a user's profile.
func FindProfileOf(ctx context.Context, db bun.IDB, userID int64) (*Profile, error) {
	p := new(Profile)
	err := db.NewSelect().Model(p).Relation("User").Where("profile.user_id = ?", userID).Scan(ctx)
	return p, translate(err)
}

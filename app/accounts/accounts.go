// Package accounts holds the use cases of user accounts: signing staff in
// (with throttling), creating an administrator and setting a password, with
// the password validators and hashing applied the same way wherever a
// password is set, and the permission rules of the admin.
package accounts

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/auth"
	"oclettings/app/database"
	"oclettings/app/models"
)

// Service carries what the use cases need.
type Service struct {
	DB     *database.DB
	Hasher auth.Hasher      // auth.Default() outside tests
	Now    func() time.Time // the clock of throttling and last logins
}

// New returns the service with the production hasher and clock.
func New(db *database.DB) *Service {
	return &Service{DB: db, Hasher: auth.Default(), Now: time.Now}
}

// CreateSuperuser creates an active staff superuser. Problems with the
// username, email or password come back together as a *models.ValidationError.
func (s *Service) CreateSuperuser(ctx context.Context, username, email, password string) (*models.User, error) {
	u := &models.User{
		Username:    username,
		Email:       email,
		IsActive:    true,
		IsStaff:     true,
		IsSuperuser: true,
		// Replaced by the real hash below; it only lets Clean pass.
		Password: auth.UnusablePassword(),
	}
	errs := models.FieldErrors{}
	if err := u.Clean(); err != nil {
		errs = fieldErrors(err)
	}
	if msgs := auth.ValidatePassword(password, attributes(u)); len(msgs) > 0 {
		errs["password"] = msgs
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	u.Password = hash
	if err := models.CreateUser(ctx, s.DB.Write, u); err != nil {
		return nil, err
	}
	return u, nil
}

// ErrNoPassword is EnsureSuperuser's answer when the user does not exist
// and no password was given to create it with.
var ErrNoPassword = errors.New("no password to create the administrator with")

// EnsureSuperuser creates the administrator an operator declared in the
// environment, once. A user whose username matches (in any case, as
// usernames are unique that way) is left exactly as it is: the password in
// the environment is for the first start, and the account is the staff's
// afterwards. Another instance creating it at the same moment is no error.
func (s *Service) EnsureSuperuser(ctx context.Context, username, email, password string) (created bool, err error) {
	_, err = models.FindUserByUsernameKey(ctx, s.DB.Write, username)
	switch {
	case err == nil:
		return false, nil
	case !errors.Is(err, models.ErrNotFound):
		return false, err
	case password == "":
		return false, ErrNoPassword
	}
	_, err = s.CreateSuperuser(ctx, username, email, password)
	var invalid *models.ValidationError
	if errors.As(err, &invalid) && len(invalid.Fields) == 1 && slices.Equal(invalid.Fields["username"], []string{models.MsgUsernameTaken}) {
		return false, nil
	}
	return err == nil, err
}

// SetPassword validates, hashes and stores a user's new password, through
// db (a transaction when the caller logs the change with it).
func (s *Service) SetPassword(ctx context.Context, db bun.IDB, u *models.User, password string) error {
	if msgs := auth.ValidatePassword(password, attributes(u)); len(msgs) > 0 {
		return &models.ValidationError{Fields: models.FieldErrors{"password": msgs}}
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return err
	}
	if err := models.SetUserPassword(ctx, db, u.ID, hash); err != nil {
		return err
	}
	u.Password = hash
	return nil
}

// CheckPassword reports whether password is the user's current password.
func (s *Service) CheckPassword(u *models.User, password string) bool {
	ok, _ := s.Hasher.Check(password, u.Password)
	return ok
}

// CheckUsername returns what is wrong with a username for a new user: its
// form, or that it is taken. Interactive commands ask again until it is nil.
func CheckUsername(ctx context.Context, db bun.IDB, username string) ([]string, error) {
	u := &models.User{Username: username, Password: auth.UnusablePassword()}
	if err := u.Clean(); err != nil {
		if msgs := fieldErrors(err)["username"]; len(msgs) > 0 {
			return msgs, nil
		}
	}
	_, err := models.FindUserByUsernameKey(ctx, db, u.Username)
	switch {
	case err == nil:
		return []string{models.MsgUsernameTaken}, nil
	case errors.Is(err, models.ErrNotFound):
		return nil, nil
	default:
		return nil, err
	}
}

// CheckEmail returns what is wrong with an email address.
func CheckEmail(email string) []string {
	u := &models.User{Username: "x", Email: email, Password: auth.UnusablePassword()}
	if err := u.Clean(); err != nil {
		return fieldErrors(err)["email"]
	}
	return nil
}

func attributes(u *models.User) auth.UserAttributes {
	return auth.UserAttributes{Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email}
}

func fieldErrors(err error) models.FieldErrors {
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return models.FieldErrors{models.NonField: {err.Error()}}
}

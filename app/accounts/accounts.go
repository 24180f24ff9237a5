// Package accounts holds the use cases that touch a user's password: creating
// an administrator and setting a password, with the password validators and
// hashing applied the same way wherever a password is set.
package accounts

import (
	"context"
	"errors"

	"github.com/uptrace/bun"

	"oclettings/app/auth"
	"oclettings/app/models"
)

// CreateSuperuser creates an active staff superuser. Problems with the
// username, email or password come back together as a *models.ValidationError.
func CreateSuperuser(ctx context.Context, db bun.IDB, username, email, password string) (*models.User, error) {
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
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, err
	}
	u.Password = hash
	if err := models.CreateUser(ctx, db, u); err != nil {
		return nil, err
	}
	return u, nil
}

// ValidateNewPassword checks a password a user is about to be given.
func ValidateNewPassword(u *models.User, password string) error {
	if msgs := auth.ValidatePassword(password, attributes(u)); len(msgs) > 0 {
		return &models.ValidationError{Fields: models.FieldErrors{"password": msgs}}
	}
	return nil
}

// SetPassword validates, hashes and stores a user's new password.
func SetPassword(ctx context.Context, db bun.IDB, u *models.User, password string) error {
	if err := ValidateNewPassword(u, password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	if err := models.SetUserPassword(ctx, db, u.ID, hash); err != nil {
		return err
	}
	u.Password = hash
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

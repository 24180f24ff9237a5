// Package accounts holds the use cases of user accounts: signing staff in
// (with throttling), creating an administrator and setting a password, with
// the password validators and hashing applied the same way wherever a
// password is set, and the permission rules of the admin.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/auth"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/models"
)

// Hasher is what the service needs of a password hasher: auth.Hasher, or
// in tests one that counts and paces the work.
type Hasher interface {
	Hash(password string) (string, error)
	Check(password, encoded string) (ok, needsRehash bool)
	Burn(password string)
}

// ErrBusy says every hashing slot stayed taken for the whole wait; the
// password was not checked, and the visitor may simply try again.
var ErrBusy = errors.New("too many password checks at once")

// DefaultHashWait is how long a password check waits for a hashing slot
// before ErrBusy: long enough for a short burst to drain, short enough that
// a flood answers 503 instead of piling up requests.
const DefaultHashWait = 2 * time.Second

// Service carries what the use cases need.
type Service struct {
	DB     *database.DB
	Hasher Hasher           // auth.Default() outside tests
	Now    func() time.Time // the clock of throttling and last logins

	// HashConcurrency bounds the Argon2 computations of this service running
	// at once (checks, burns and new hashes alike), since each holds its
	// memory until it ends: the worst case is HashConcurrency times the
	// hash's memory. Zero means config.DefaultPasswordHashConcurrency.
	HashConcurrency int
	// HashWait is how long a computation waits for a slot; zero means
	// DefaultHashWait.
	HashWait time.Duration

	slotsOnce sync.Once
	slots     chan struct{}
}

// New returns the service with the production hasher and clock, and the
// default number of hashing slots (serve sets the configured one).
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
	if msgs := passwordProblems(password, u); len(msgs) > 0 {
		errs["password"] = msgs
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	hash, err := s.HashPassword(ctx, password)
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
	hash, err := s.NewPasswordHash(ctx, u, password)
	if err != nil {
		return err
	}
	if err := models.SetUserPassword(ctx, db, u.ID, hash); err != nil {
		return err
	}
	u.Password = hash
	return nil
}

// NewPasswordHash validates a new password for u and hashes it. A caller
// that stores the hash in a write transaction hashes first, with this, so
// that the hash does not hold the database's writer (SQLite's only one).
func (s *Service) NewPasswordHash(ctx context.Context, u *models.User, password string) (string, error) {
	if msgs := passwordProblems(password, u); len(msgs) > 0 {
		return "", &models.ValidationError{Fields: models.FieldErrors{"password": msgs}}
	}
	return s.HashPassword(ctx, password)
}

// HashPassword hashes a new password in a hashing slot. Every hash the app
// makes goes through here or through a check, so none escapes the bound.
func (s *Service) HashPassword(ctx context.Context, password string) (hash string, err error) {
	slotErr := s.withSlot(ctx, func() { hash, err = s.Hasher.Hash(password) })
	if slotErr != nil {
		return "", slotErr
	}
	return hash, err
}

// msgPasswordTooLong is said of a new password over MaxPasswordBytes.
var msgPasswordTooLong = fmt.Sprintf("This password is too long. It must contain at most %d bytes.", MaxPasswordBytes)

// passwordProblems is what the validators say of a new password, and its
// length, which no sign-in would accept.
func passwordProblems(password string, u *models.User) []string {
	if len(password) > MaxPasswordBytes {
		return []string{msgPasswordTooLong}
	}
	return auth.ValidatePassword(password, attributes(u))
}

// withSlot runs fn once one of the HashConcurrency slots is free, waiting at
// most HashWait and no longer than the request. The waiting requests hold
// no hashing memory, and the wait bounds how many can pile up.
func (s *Service) withSlot(ctx context.Context, fn func()) error {
	s.slotsOnce.Do(func() {
		n := s.HashConcurrency
		if n <= 0 {
			n = config.DefaultPasswordHashConcurrency()
		}
		s.slots = make(chan struct{}, n)
	})
	select {
	case s.slots <- struct{}{}:
	default:
		wait := s.HashWait
		if wait <= 0 {
			wait = DefaultHashWait
		}
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case s.slots <- struct{}{}:
		case <-timer.C:
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-s.slots }()
	fn()
	return nil
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

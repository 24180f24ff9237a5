package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"oclettings/app/auth"
	"oclettings/app/models"
)

// Errors of a password check. They say nothing of which check failed: the
// page shows the same message for a wrong password, an unknown user, an
// inactive one and one who is not staff.
var (
	ErrInvalidLogin = errors.New("invalid login")
	ErrThrottled    = errors.New("too many failed login attempts")
)

// Throttling limits, over a sliding window.
const (
	MaxFailuresPerUsername = 5
	MaxFailuresPerAddress  = 20
	FailureWindow          = 15 * time.Minute
)

// MaxPasswordBytes bounds the passwords the service hashes. Argon2 reads the
// whole password, so without it a visitor chooses the work; no one types
// 4 KiB, and no account can hold a longer one (SetPassword refuses it).
const MaxPasswordBytes = 4096

// StaffLogin returns the active staff user with this username and password.
// The attempt goes through the throttle first (see attempt): once a username
// or an address has failed too often within the window, it answers
// ErrThrottled without looking at the password at all. Input no account can
// have is an ErrInvalidLogin before anything is normalised, looked up or
// hashed.
func (s *Service) StaffLogin(ctx context.Context, username, password, clientAddr string) (*models.User, error) {
	if models.LoginUsernameProblem(username) != "" || len(password) > MaxPasswordBytes {
		return nil, ErrInvalidLogin
	}
	var u *models.User
	var rehash bool
	err := s.attempt(ctx, username, clientAddr, func(ctx context.Context) (bool, error) {
		found, err := models.GetUserByUsername(ctx, s.DB.Read, username)
		switch {
		case errors.Is(err, models.ErrNotFound):
			found = &models.User{}
		case err != nil:
			return false, err
		}
		ok, outdated, err := s.check(ctx, password, found.Password)
		if err != nil || !ok || !found.IsActive || !found.IsStaff {
			return false, err
		}
		u, rehash = found, outdated
		return true, nil
	})
	if err != nil {
		return nil, err
	}

	// The sign-in no longer depends on the client: what follows is written
	// even if it hangs up now.
	ctx = context.WithoutCancel(ctx)
	if rehash {
		// Busy means only that the upgrade waits for the next sign-in.
		hash, err := s.HashPassword(ctx, password)
		switch {
		case err == nil:
			if err := models.SetUserPassword(ctx, s.DB.Write, u.ID, hash); err != nil {
				return nil, err
			}
			u.Password = hash
		case !errors.Is(err, ErrBusy):
			return nil, err
		}
	}
	now := s.Now()
	if err := models.RecordLogin(ctx, s.DB.Write, u.ID, now); err != nil {
		return nil, err
	}
	u.LastLogin = now
	return u, nil
}

// CheckPassword checks a signed-in user's password where a page asks for it
// again (the own-password change), throttled exactly like a sign-in: a wrong
// one counts against the user's username and the client's address. It
// answers nil, ErrInvalidLogin, ErrThrottled, ErrBusy or the database's
// error. Any future page that checks a password calls this.
func (s *Service) CheckPassword(ctx context.Context, u *models.User, password, clientAddr string) error {
	if len(password) > MaxPasswordBytes {
		return ErrInvalidLogin
	}
	return s.attempt(ctx, u.Username, clientAddr, func(ctx context.Context) (bool, error) {
		ok, _, err := s.check(ctx, password, u.Password)
		return ok, err
	})
}

// attempt runs one password check under the throttle. The attempt is
// reserved in the database before the check, atomically with counting the
// earlier ones (models.ReserveLoginAttempt), so a burst of simultaneous
// guesses gets at most the limit checked, across every instance. A wrong
// password leaves the reservation as the failure; a right one clears it and
// the username's failures; a check that could not run (no hashing slot, the
// client gone, the database) takes the reservation back.
func (s *Service) attempt(ctx context.Context, username, clientAddr string, check func(context.Context) (bool, error)) error {
	now := s.Now()
	since := now.Add(-FailureWindow)
	id, reserved, err := models.ReserveLoginAttempt(ctx, s.DB.Write, username, clientAddr, now,
		models.LoginLimits{Since: since, PerUsername: MaxFailuresPerUsername, PerAddr: MaxFailuresPerAddress})
	if err != nil {
		return err
	}
	if !reserved {
		return ErrThrottled
	}
	ok, err := check(ctx)
	// The outcome is recorded even when the client hangs up meanwhile.
	ctx = context.WithoutCancel(ctx)
	switch {
	case err != nil:
		return errors.Join(err, models.CancelLoginAttempt(ctx, s.DB.Write, id))
	case !ok:
		if _, err := models.PruneFailedLogins(ctx, s.DB.Write, since); err != nil {
			return err
		}
		return ErrInvalidLogin
	default:
		return models.ClearFailedLogins(ctx, s.DB.Write, username)
	}
}

// check compares password with an encoded hash in a hashing slot. Every
// answer costs one derivation: an account without a usable password (or no
// account, encoded "") burns one, so that neither shows in the timing.
func (s *Service) check(ctx context.Context, password, encoded string) (ok, outdated bool, err error) {
	err = s.withSlot(ctx, func() {
		if !auth.IsUsable(encoded) {
			s.Hasher.Burn(password)
			return
		}
		ok, outdated = s.Hasher.Check(password, encoded)
	})
	return ok, outdated, err
}

// SessionHash binds a session to the user's current password hash, as
// Django's get_session_auth_hash does: when the password changes, every
// session holding the old hash stops being valid.
func SessionHash(secret string, u *models.User) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("oclettings.accounts.SessionHash\x00"))
	m.Write([]byte(u.Password))
	return hex.EncodeToString(m.Sum(nil))
}

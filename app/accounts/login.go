package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"oclettings/app/models"
)

// Errors of a sign-in. They say nothing of which check failed: the page
// shows the same message for a wrong password, an unknown user, an inactive
// one and one who is not staff.
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

// StaffLogin returns the active staff user with this username and password.
// Failures are counted in the database, per username and per client address,
// so every instance of the app throttles alike; once a username or an
// address has failed too often within the window, it answers ErrThrottled
// without looking at the password at all.
func (s *Service) StaffLogin(ctx context.Context, username, password, clientAddr string) (*models.User, error) {
	now := s.Now()
	byUser, byAddr, err := models.CountFailedLogins(ctx, s.DB.Read, username, clientAddr, now.Add(-FailureWindow))
	if err != nil {
		return nil, err
	}
	if byUser >= MaxFailuresPerUsername || byAddr >= MaxFailuresPerAddress {
		return nil, ErrThrottled
	}

	u, rehash, err := s.checkCredentials(ctx, username, password)
	if err == nil && (!u.IsActive || !u.IsStaff) {
		err = ErrInvalidLogin
	}
	if errors.Is(err, ErrInvalidLogin) {
		if err := models.RecordFailedLogin(ctx, s.DB.Write, username, clientAddr, now); err != nil {
			return nil, err
		}
		if _, err := models.PruneFailedLogins(ctx, s.DB.Write, now.Add(-FailureWindow)); err != nil {
			return nil, err
		}
		return nil, ErrInvalidLogin
	}
	if err != nil {
		return nil, err
	}

	if err := models.ClearFailedLogins(ctx, s.DB.Write, username); err != nil {
		return nil, err
	}
	if rehash {
		hash, err := s.Hasher.Hash(password)
		if err != nil {
			return nil, err
		}
		if err := models.SetUserPassword(ctx, s.DB.Write, u.ID, hash); err != nil {
			return nil, err
		}
		u.Password = hash
	}
	if err := models.RecordLogin(ctx, s.DB.Write, u.ID, now); err != nil {
		return nil, err
	}
	u.LastLogin = now
	return u, nil
}

// checkCredentials finds the user and checks the password; rehash says the
// stored hash is older or weaker than what HashPassword makes today.
func (s *Service) checkCredentials(ctx context.Context, username, password string) (u *models.User, rehash bool, err error) {
	u, err = models.GetUserByUsername(ctx, s.DB.Read, username)
	if errors.Is(err, models.ErrNotFound) {
		// Spend the time a real check takes, so the answer's timing does not
		// tell whether the username exists.
		s.Hasher.Burn(password)
		return nil, false, ErrInvalidLogin
	}
	if err != nil {
		return nil, false, err
	}
	ok, rehash := s.Hasher.Check(password, u.Password)
	if !ok {
		return nil, false, ErrInvalidLogin
	}
	return u, rehash, nil
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

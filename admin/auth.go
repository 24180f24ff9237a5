package admin

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/monitoring"
)

// Session keys, Django's names.
const (
	userIDKey   = "_auth_user_id"
	userHashKey = "_auth_user_hash"
)

type ctxKey int

const signedInKey ctxKey = 0

// requestUser is what a request knows of its signed-in user: a copy of the
// user of its own (handlers may change the user they are given) and their
// permissions, in one value of the request's context.
type requestUser struct {
	user  models.User
	perms accounts.Permissions
}

// authenticate puts the session's user, if any and still valid, in the
// request's context. A session whose password hash no longer matches (the
// password changed elsewhere) or whose user is gone or inactive is ended.
func (s *Site) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, userIDKey)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		who, err := s.signedIn(ctx, id)
		if err != nil {
			s.errors.Respond(w, r, err)
			return
		}
		u := who.user
		if !who.valid(s.sessions.GetString(ctx, userHashKey)) {
			if err := s.sessions.Destroy(ctx); err != nil {
				s.errors.Respond(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		monitoring.SetUser(ctx, u.ID, u.Username)
		ctx = context.WithValue(ctx, signedInKey, &requestUser{user: *u, perms: who.perms})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// signedIn returns the user with this id as authenticate keeps it between
// requests (per content version, which every change to users, groups and
// permissions moves).
func (s *Site) signedIn(ctx context.Context, id int64) (signedIn, error) {
	a, err := s.memo.get(ctx, "user:"+strconv.FormatInt(id, 10), func(ctx context.Context) (any, error) {
		u, err := models.GetUser(ctx, s.db.Read, id)
		if errors.Is(err, models.ErrNotFound) {
			return signedIn{}, nil
		}
		if err != nil {
			return nil, err
		}
		perms, err := accounts.LoadPermissions(ctx, s.db.Read, u)
		return signedIn{user: u, perms: perms, hash: accounts.SessionHash(s.secret, u)}, err
	})
	if err != nil {
		return signedIn{}, err
	}
	return a.(signedIn), nil
}

// valid reports whether a session holding sessionHash still belongs to
// this user: they exist, are active and have not changed their password.
func (who signedIn) valid(sessionHash string) bool {
	return who.user != nil && who.user.IsActive && sameHash(sessionHash, who.hash)
}

// mayUpload lets a session send an upload, which is spooled to disk before
// any handler runs, only when it belongs to an active superuser: the only
// pages that take uploads are theirs.
func (s *Site) mayUpload(r *http.Request) bool {
	ctx := r.Context()
	id := s.sessions.GetInt64(ctx, userIDKey)
	if id == 0 {
		return false
	}
	who, err := s.signedIn(ctx, id)
	return err == nil && who.valid(s.sessions.GetString(ctx, userHashKey)) && who.user.IsStaff && who.user.IsSuperuser
}

// signedIn is what authenticate keeps of a session's user between requests.
type signedIn struct {
	user  *models.User // nil when the user is gone
	perms accounts.Permissions
	hash  string
}

func sameHash(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// requireStaff lets only active staff through; everyone else is sent to the
// login page, which brings them back afterwards.
func (s *Site) requireStaff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isStaff(r) {
			http.Redirect(w, r, loginURL(r), http.StatusFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireSuperuser keeps a page to superusers, after requireStaff: the
// maintenance pages (backups, the Django import) reach the whole database,
// beyond what any model permission grants.
func (s *Site) requireSuperuser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := currentUser(r); u == nil || !u.IsSuperuser {
			s.errors.Page(w, r, http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func loginURL(r *http.Request) string {
	return "/admin/login/?" + url.Values{"next": {r.URL.RequestURI()}}.Encode()
}

// currentUser is the signed-in user, or nil.
func currentUser(r *http.Request) *models.User {
	if ru, ok := r.Context().Value(signedInKey).(*requestUser); ok {
		return &ru.user
	}
	return nil
}

// permissions are the signed-in user's permissions (none when signed out).
func permissions(r *http.Request) accounts.Permissions {
	if ru, ok := r.Context().Value(signedInKey).(*requestUser); ok {
		return ru.perms
	}
	return accounts.Permissions{}
}

func isStaff(r *http.Request) bool {
	u := currentUser(r)
	return u != nil && u.IsActive && u.IsStaff
}

// signIn starts an authenticated session under a new token, so a token
// planted before the login is worthless after it.
func (s *Site) signIn(r *http.Request, u *models.User) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, userIDKey, u.ID)
	s.sessions.Put(ctx, userHashKey, accounts.SessionHash(s.secret, u))
	s.csrf.Rotate(r)
	return nil
}

package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/web"
)

// Django's words for the login form, and the same tone for the answers
// Django does not have.
const (
	msgInvalidLogin = "Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive."
	msgThrottled    = "Too many failed login attempts. Please try again later."
	msgBusy         = "The server is busy checking other passwords. Please try again in a few seconds."
	msgRequired     = "This field is required."
)

// retryAfterSeconds is what a busy answer asks the client to wait: a few
// hashes' time, once the burst before it has drained.
const retryAfterSeconds = "5"

// retryLater marks a 503 for a password check that found no free slot.
func retryLater(w http.ResponseWriter) {
	w.Header().Set("Retry-After", retryAfterSeconds)
}

// loginForm is the login page's form, as shown again after a failure.
type loginForm struct {
	Username    string
	Next        string
	Error       string            // the message above the form
	FieldErrors map[string]string // "username", "password"
	SignedInAs  string            // a signed-in user without access to the admin
}

func (s *Site) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.Query().Get("next")
	if isStaff(r) {
		return web.Redirect(safeNext(next))
	}
	return s.renderLogin(w, r, http.StatusOK, loginForm{Next: next})
}

func (s *Site) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	input, err := web.Form(r)
	if err != nil {
		return err
	}
	form := loginForm{Username: input.Get("username"), Next: input.Get("next"), FieldErrors: map[string]string{}}
	password := input.Get("password")
	if strings.TrimSpace(form.Username) == "" {
		form.FieldErrors["username"] = msgRequired
	} else if msg := models.LoginUsernameProblem(form.Username); msg != "" {
		form.FieldErrors["username"] = msg
	}
	if password == "" {
		form.FieldErrors["password"] = msgRequired
	}
	if len(form.FieldErrors) > 0 {
		return s.renderLogin(w, r, http.StatusOK, form)
	}

	u, err := s.accounts.StaffLogin(r.Context(), form.Username, password, web.ClientAddr(r))
	switch {
	case errors.Is(err, accounts.ErrThrottled):
		form.Error = msgThrottled
		return s.renderLogin(w, r, http.StatusTooManyRequests, form)
	case errors.Is(err, accounts.ErrBusy):
		form.Error = msgBusy
		retryLater(w)
		return s.renderLogin(w, r, http.StatusServiceUnavailable, form)
	case errors.Is(err, accounts.ErrInvalidLogin):
		form.Error = msgInvalidLogin
		return s.renderLogin(w, r, http.StatusOK, form)
	case err != nil:
		return err
	}
	if err := s.signIn(r, u); err != nil {
		return err
	}
	return web.Redirect(safeNext(form.Next))
}

func (s *Site) renderLogin(w http.ResponseWriter, r *http.Request, status int, form loginForm) error {
	if u := currentUser(r); u != nil && !isStaff(r) {
		form.SignedInAs = u.Username
	}
	return s.render(w, r, status, "login", page{
		Title:     "Log in",
		BodyClass: "login",
		Content:   form,
		Form:      true,
	})
}

// safeNext returns next when it is a path on this site, and the admin index
// otherwise, so a link cannot send a signed-in user elsewhere.
func safeNext(next string) string {
	if isSafePath(next) {
		return next
	}
	return "/admin/"
}

// isSafePath accepts only a local path: no scheme, no host (not even one a
// browser would guess from "//", "/\" or backslashes), no control characters.
func isSafePath(next string) bool {
	if next == "" || next[0] != '/' || strings.ContainsRune(next, '\\') {
		return false
	}
	if strings.HasPrefix(next, "//") {
		return false
	}
	for _, c := range next {
		if unicode.IsControl(c) || unicode.IsSpace(c) {
			return false
		}
	}
	u, err := url.Parse(next)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

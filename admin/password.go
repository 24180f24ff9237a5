package admin

import (
	"errors"
	"net/http"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/web"
)

const (
	msgOldPasswordWrong  = "Your old password was entered incorrectly. Please enter it again."
	msgThrottledPassword = "Too many incorrect passwords. Please try again later."
	msgPasswordMismatch  = "The two password fields didn’t match."
)

// passwordForm is the password change form as shown again after a failure;
// passwords are never sent back.
type passwordForm struct {
	Errors models.FieldErrors
	Notice string // why nothing was checked: throttled, or busy
}

func (s *Site) passwordChangePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPasswordChange(w, r, passwordForm{})
}

func (s *Site) passwordChangeSubmit(w http.ResponseWriter, r *http.Request) error {
	input, err := web.Form(r)
	if err != nil {
		return err
	}
	u := currentUser(r)
	old, new1, new2 := input.Get("old_password"), input.Get("new_password1"), input.Get("new_password2")
	errs := models.FieldErrors{}
	for field, value := range map[string]string{"old_password": old, "new_password1": new1, "new_password2": new2} {
		if value == "" {
			errs.Add(field, msgRequired)
		}
	}
	if old != "" {
		err := s.accounts.CheckPassword(r.Context(), u, old, web.ClientAddr(r))
		switch {
		case errors.Is(err, accounts.ErrThrottled):
			return s.renderPasswordChangeStatus(w, r, http.StatusTooManyRequests, passwordForm{Notice: msgThrottledPassword})
		case errors.Is(err, accounts.ErrBusy):
			retryLater(w)
			return s.renderPasswordChangeStatus(w, r, http.StatusServiceUnavailable, passwordForm{Notice: msgBusy})
		case errors.Is(err, accounts.ErrInvalidLogin):
			errs.Add("old_password", msgOldPasswordWrong)
		case err != nil:
			return err
		}
	}
	if new1 != "" && new2 != "" && new1 != new2 {
		errs.Add("new_password2", msgPasswordMismatch)
	}
	if len(errs) == 0 {
		err := s.accounts.SetPassword(r.Context(), s.db.Write, u, new2)
		var invalid *models.ValidationError
		switch {
		case errors.As(err, &invalid):
			errs["new_password2"] = invalid.Fields["password"] // Django shows the validators' messages there
		case errors.Is(err, accounts.ErrBusy):
			retryLater(w)
			return s.renderPasswordChangeStatus(w, r, http.StatusServiceUnavailable, passwordForm{Notice: msgBusy})
		case err != nil:
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderPasswordChange(w, r, passwordForm{Errors: errs})
	}
	// A new token, bound to the new hash; every other session of the user
	// still holds the old hash and ends at its next request.
	if err := s.signIn(r, u); err != nil {
		return err
	}
	return web.Redirect("/admin/password_change/done/")
}

func (s *Site) renderPasswordChange(w http.ResponseWriter, r *http.Request, form passwordForm) error {
	return s.renderPasswordChangeStatus(w, r, http.StatusOK, form)
}

func (s *Site) renderPasswordChangeStatus(w http.ResponseWriter, r *http.Request, status int, form passwordForm) error {
	return s.render(w, r, status, "password_change", topPage("Password change", "Password change", form))
}

func (s *Site) passwordChangeDone(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "password_change_done", topPage("Password change successful", "Password change", nil))
}

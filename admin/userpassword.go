package admin

import (
	"context"
	"errors"
	"net/http"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/web"
)

// userPassword is Django's "Change password: <username>" page, for a staff
// member setting another user's password.
func userPassword(s *Site, m *ModelAdmin[models.User], w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, accounts.Change) {
		return web.Status(http.StatusForbidden)
	}
	u, err := m.object(s, r)
	if err != nil {
		return err
	}
	if !m.mayEdit(r, u) {
		return web.Status(http.StatusForbidden)
	}
	errs := models.FieldErrors{}
	if r.Method == http.MethodPost {
		input, err := web.Form(r)
		if err != nil {
			return err
		}
		// Hashed before the transaction, which then holds the writer only
		// for two short statements.
		hash, err := s.newPassword(r.Context(), u, input)
		if err == nil {
			err = s.db.Write.RunInTx(r.Context(), nil, func(ctx context.Context, tx bun.Tx) error {
				if err := models.SetUserPassword(ctx, tx, u.ID, hash); err != nil {
					return err
				}
				u.Password = hash
				return m.log(ctx, tx, r, u, models.ActionChange, "Changed password.", []models.FieldChange{{Field: "Password"}})
			})
		}
		var invalid *models.ValidationError
		switch {
		case errors.As(err, &invalid):
			errs = invalid.Fields
		case err != nil:
			return err
		default:
			if u.ID == currentUser(r).ID {
				// One's own password: stay signed in here, as Django's
				// update_session_auth_hash does.
				if err := s.signIn(r, u); err != nil {
					return err
				}
			}
			s.addMessage(r, "success", "Password changed successfully.")
			return web.Redirect(m.ObjectURL(u.ID))
		}
	}
	title := "Change password: " + u.Username
	return s.render(w, r, http.StatusOK, "user_password", page{
		Title:       title,
		Heading:     title,
		BodyClass:   "change-form app-auth model-user",
		Breadcrumbs: append(s.crumbs(&m.modelInfo, true), crumb{Label: u.Username, URL: m.ObjectURL(u.ID)}, crumb{Label: "Change password"}),
		Content: struct {
			Username  string
			Errors    models.FieldErrors
			ErrorNote string
			Help      string
		}{u.Username, errs, errorNote(errs), passwordRules},
	})
}

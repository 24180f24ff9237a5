package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/web"
)

// Django's words for users and their passwords.
const (
	msgCannotGrant = "You cannot grant permissions you do not have yourself."
	// passwordRules is the help the password validators give, as Django lists it.
	passwordRules = "Your password can’t be too similar to your other personal information. " +
		"Your password must contain at least 8 characters. " +
		"Your password can’t be a commonly used password. " +
		"Your password can’t be entirely numeric."
)

// completeUser turns a new user's password pair into the user's hash.
func completeUser(ctx context.Context, s *Site, u *models.User, input url.Values) error {
	hash, err := s.newPassword(ctx, u, input)
	if err != nil {
		return err
	}
	u.Password = hash
	return nil
}

// newPassword checks a form's password1 and password2, Django's pair for a
// new password, and hashes the password for u. Problems with the pair, and
// the validators' refusals, are a *models.ValidationError.
func (s *Site) newPassword(ctx context.Context, u *models.User, input url.Values) (string, error) {
	p1, p2 := input.Get("password1"), input.Get("password2")
	errs := models.FieldErrors{}
	if p1 == "" {
		errs.Add("password1", msgRequired)
	}
	if p2 == "" {
		errs.Add("password2", msgRequired)
	}
	if p1 != "" && p2 != "" && p1 != p2 {
		errs.Add("password2", msgPasswordMismatch)
	}
	if len(errs) > 0 {
		return "", errs.Err()
	}
	hash, err := s.accounts.NewPasswordHash(ctx, u, p2)
	var invalid *models.ValidationError
	switch {
	case errors.As(err, &invalid):
		return "", models.FieldErrors{"password2": invalid.Fields["password"]}.Err()
	case errors.Is(err, accounts.ErrBusy):
		return "", web.Status(http.StatusServiceUnavailable)
	}
	return hash, err
}

// userGrants refuses permissions a user form would give that the editor
// does not hold: directly, or through the groups it adds.
func userGrants(ctx context.Context, db bun.IDB, by editor, u *models.User, input url.Values) error {
	if by.User.IsSuperuser {
		return nil
	}
	errs := models.FieldErrors{}
	if err := gather(errs, grants(ctx, db, by, u.ID, input, models.UserPermissions(), "user_permissions")); err != nil {
		return err
	}
	current, err := idStrings(models.UserGroups().IDs(ctx, db, u.ID))
	if err != nil {
		return err
	}
	for _, g := range parseIDs(added(input["groups"], current)) {
		perms, err := idStrings(models.GroupPermissions().IDs(ctx, db, g))
		if err != nil {
			return err
		}
		if err := gather(errs, refuseUnheld(ctx, db, by, perms, "groups")); err != nil {
			return err
		}
	}
	return errs.Err()
}

// gather adds a validation error's messages to errs (each once) and
// returns any other error.
func gather(errs models.FieldErrors, err error) error {
	var invalid *models.ValidationError
	if !errors.As(err, &invalid) {
		return err
	}
	for field, messages := range invalid.Fields {
		for _, msg := range messages {
			if !slices.Contains(errs[field], msg) {
				errs.Add(field, msg)
			}
		}
	}
	return nil
}

// grants refuses the permissions a form adds to an owner's links (the
// field's submitted values) that the editor does not hold.
func grants(ctx context.Context, db bun.IDB, by editor, owner int64, input url.Values, links models.Link, field string) error {
	current, err := idStrings(links.IDs(ctx, db, owner))
	if err != nil {
		return err
	}
	return refuseUnheld(ctx, db, by, added(input[field], current), field)
}

// refuseUnheld is Django's refusal, on field, of permissions (by id) the
// editor does not hold.
func refuseUnheld(ctx context.Context, db bun.IDB, by editor, ids []string, field string) error {
	if by.User.IsSuperuser || len(ids) == 0 {
		return nil
	}
	perms, err := models.ListPermissions(ctx, db)
	if err != nil {
		return err
	}
	for _, p := range perms {
		if slices.Contains(ids, idString(p.ID)) && !by.Perms.Has(accounts.KeyOf(p)) {
			return models.FieldError(field, msgCannotGrant)
		}
	}
	return nil
}

// added lists the values of submitted that current lacks.
func added(submitted, current []string) []string {
	var out []string
	for _, v := range submitted {
		if !slices.Contains(current, v) {
			out = append(out, v)
		}
	}
	return out
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func idStrings(ids []int64, err error) ([]string, error) {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = idString(id)
	}
	return out, err
}

// parseIDs reads the ids a multi-select sent (checkChoices has refused
// anything else), each once: an id sent twice is one choice, and would
// otherwise be a second row in a link table that allows one.
func parseIDs(values []string) []int64 {
	var ids []int64
	for _, v := range values {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

package accounts

import (
	"context"

	"github.com/uptrace/bun"

	"oclettings/app/models"
)

// Permissions is what one user may do, decided in this one place for the
// admin and the tests alike: a superuser may do everything, an inactive user
// nothing, anyone else what their own and their groups' permissions allow.
type Permissions struct {
	active, superuser bool
	keys              map[string]bool // "lettings.view_letting"
}

// LoadPermissions reads a user's permissions.
func LoadPermissions(ctx context.Context, db bun.IDB, u *models.User) (Permissions, error) {
	p := Permissions{active: u.IsActive, superuser: u.IsSuperuser}
	if !u.IsActive || u.IsSuperuser {
		return p, nil
	}
	keys, err := models.PermissionKeys(ctx, db, u.ID)
	if err != nil {
		return Permissions{}, err
	}
	p.keys = keys
	return p, nil
}

// Has reports whether the user may perform action ("view", "add", "change",
// "delete") on a model of an app.
func (p Permissions) Has(app, action, model string) bool {
	if !p.active {
		return false
	}
	return p.superuser || p.keys[app+"."+action+"_"+model]
}

// HasCodename reports whether the user holds a permission by its codename
// ("change_letting").
func (p Permissions) HasCodename(app, codename string) bool {
	if !p.active {
		return false
	}
	return p.superuser || p.keys[app+"."+codename]
}

// HasAny reports whether the user may perform any of the actions on the model.
func (p Permissions) HasAny(app, model string, actions ...string) bool {
	for _, a := range actions {
		if p.Has(app, a, model) {
			return true
		}
	}
	return false
}

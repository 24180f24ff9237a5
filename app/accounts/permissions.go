package accounts

import (
	"context"
	"slices"
	"strings"

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

// Action is one of the four things a permission allows on a model.
type Action string

const (
	View   Action = "view"
	Add    Action = "add"
	Change Action = "change"
	Delete Action = "delete"
)

// Key names one permission: an action on a model of an app.
type Key struct {
	App, Model string
	Action     Action
}

// KeyOf is the key of a permission as the database stores it.
func KeyOf(p models.Permission) Key {
	return Key{App: p.AppLabel, Model: p.Model, Action: Action(strings.TrimSuffix(p.Codename, "_"+p.Model))}
}

// String is the key as Django's has_perm takes it: "lettings.change_letting".
func (k Key) String() string { return k.App + "." + string(k.Action) + "_" + k.Model }

// Has reports whether the user holds the permission.
func (p Permissions) Has(k Key) bool {
	if !p.active {
		return false
	}
	return p.superuser || p.keys[k.String()]
}

// HasAny reports whether the user holds any of the permissions.
func (p Permissions) HasAny(keys ...Key) bool {
	return slices.ContainsFunc(keys, p.Has)
}

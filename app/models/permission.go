package models

import (
	"context"

	"github.com/uptrace/bun"
)

// Permission is one of the four actions (view, add, change, delete) on one
// model. The migrations create them; nothing else does.
type Permission struct {
	bun.BaseModel `bun:"table:auth_permission,alias:perm"`

	ID       int64  `bun:"id,pk,autoincrement"`
	AppLabel string `bun:"app_label,notnull"`
	Model    string `bun:"model,notnull"`
	Codename string `bun:"codename,notnull"`
	Name     string `bun:"name,notnull"`
}

// Key is the form Django's has_perm takes: "lettings.change_letting".
func (p *Permission) Key() string { return p.AppLabel + "." + p.Codename }

func (p *Permission) String() string {
	return p.AppLabel + " | " + p.Model + " | " + p.Name
}

// GroupPermission links a group to a permission.
type GroupPermission struct {
	bun.BaseModel `bun:"table:auth_group_permissions"`

	GroupID      int64 `bun:"group_id,pk"`
	PermissionID int64 `bun:"permission_id,pk"`
}

// UserGroup puts a user in a group.
type UserGroup struct {
	bun.BaseModel `bun:"table:auth_user_groups"`

	UserID  int64 `bun:"user_id,pk"`
	GroupID int64 `bun:"group_id,pk"`
}

// UserPermission gives a user a permission directly.
type UserPermission struct {
	bun.BaseModel `bun:"table:auth_user_user_permissions"`

	UserID       int64 `bun:"user_id,pk"`
	PermissionID int64 `bun:"permission_id,pk"`
}

// ListPermissions returns every permission, ordered as Django lists them.
func ListPermissions(ctx context.Context, db bun.IDB) ([]Permission, error) {
	var perms []Permission
	err := db.NewSelect().Model(&perms).OrderExpr("app_label, model, codename").Scan(ctx)
	return perms, translate(err)
}

// PermissionsByID returns the permissions with the ids, in ListPermissions'
// order: the labels of a choice without reading every permission.
func PermissionsByID(ctx context.Context, db bun.IDB, ids []int64) ([]Permission, error) {
	var perms []Permission
	if len(ids) == 0 {
		return perms, nil
	}
	err := db.NewSelect().Model(&perms).Where("id IN (?)", bun.List(ids)).OrderExpr("app_label, model, codename").Scan(ctx)
	return perms, translate(err)
}

// GetPermission loads a permission by its key parts.
func GetPermission(ctx context.Context, db bun.IDB, appLabel, codename string) (*Permission, error) {
	p := new(Permission)
	err := db.NewSelect().Model(p).
		Where("app_label = ?", appLabel).Where("codename = ?", codename).Scan(ctx)
	return p, translate(err)
}

// PermissionKeys returns the keys of every permission a user holds, directly
// or through a group. Superuser and active status are the caller's concern.
func PermissionKeys(ctx context.Context, db bun.IDB, userID int64) (map[string]bool, error) {
	var perms []Permission
	err := db.NewSelect().Model(&perms).
		Where("perm.id IN (?)", db.NewSelect().Model((*UserPermission)(nil)).
			Column("permission_id").Where("user_id = ?", userID)).
		WhereOr("perm.id IN (?)", db.NewSelect().Model((*GroupPermission)(nil)).
			Column("permission_id").
			Where("group_id IN (?)", db.NewSelect().Model((*UserGroup)(nil)).
				Column("group_id").Where("user_id = ?", userID))).
		Scan(ctx)
	if err != nil {
		return nil, translate(err)
	}
	keys := make(map[string]bool, len(perms))
	for i := range perms {
		keys[perms[i].Key()] = true
	}
	return keys, nil
}

// SetGroupPermissions replaces a group's permissions.
func SetGroupPermissions(ctx context.Context, db bun.IDB, groupID int64, permissionIDs []int64) error {
	return GroupPermissions().Set(ctx, db, groupID, permissionIDs)
}

// SetUserGroups replaces the groups a user belongs to.
func SetUserGroups(ctx context.Context, db bun.IDB, userID int64, groupIDs []int64) error {
	return UserGroups().Set(ctx, db, userID, groupIDs)
}

// SetUserPermissions replaces the permissions given to a user directly.
func SetUserPermissions(ctx context.Context, db bun.IDB, userID int64, permissionIDs []int64) error {
	return UserPermissions().Set(ctx, db, userID, permissionIDs)
}

// UserGroupIDs returns the ids of a user's groups.
func UserGroupIDs(ctx context.Context, db bun.IDB, userID int64) ([]int64, error) {
	return UserGroups().IDs(ctx, db, userID)
}

// UserPermissionIDs returns the ids of the permissions given to a user directly.
func UserPermissionIDs(ctx context.Context, db bun.IDB, userID int64) ([]int64, error) {
	return UserPermissions().IDs(ctx, db, userID)
}

// GroupPermissionIDs returns the ids of a group's permissions.
func GroupPermissionIDs(ctx context.Context, db bun.IDB, groupID int64) ([]int64, error) {
	return GroupPermissions().IDs(ctx, db, groupID)
}

package models

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"oclettings/app/database"
)

// Link is a many-to-many relation kept in a link table: each row joins an
// owner (From) to a linked row (To), as Django's auto-created through
// tables do.
type Link struct {
	Table    string // "auth_user_groups"
	From, To string // "user_id", "group_id"
}

// The site's many-to-many relations.
func UserGroups() Link { return Link{Table: "auth_user_groups", From: "user_id", To: "group_id"} }
func UserPermissions() Link {
	return Link{Table: "auth_user_user_permissions", From: "user_id", To: "permission_id"}
}
func GroupPermissions() Link {
	return Link{Table: "auth_group_permissions", From: "group_id", To: "permission_id"}
}

// IDs returns the ids linked to an owner, in order.
func (l Link) IDs(ctx context.Context, db bun.IDB, owner int64) ([]int64, error) {
	var ids []int64
	err := db.NewSelect().TableExpr("?", bun.Ident(l.Table)).ColumnExpr("?", bun.Ident(l.To)).
		Where("? = ?", bun.Ident(l.From), owner).OrderExpr("?", bun.Ident(l.To)).Scan(ctx, &ids)
	return ids, translate(err)
}

// Set replaces the rows linked to an owner; callers run it in a transaction
// when the swap must be atomic. An id that names no row is Django's invalid
// choice.
func (l Link) Set(ctx context.Context, db bun.IDB, owner int64, ids []int64) error {
	if _, err := db.NewDelete().TableExpr("?", bun.Ident(l.Table)).Where("? = ?", bun.Ident(l.From), owner).Exec(ctx); err != nil {
		return translate(err)
	}
	if len(ids) == 0 {
		return nil
	}
	args := []any{bun.Ident(l.Table), bun.Ident(l.From), bun.Ident(l.To)}
	for _, id := range ids {
		args = append(args, owner, id)
	}
	values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(ids)), ", ")
	_, err := db.NewRaw("INSERT INTO ? (?, ?) VALUES "+values, args...).Exec(ctx)
	if database.IsForeignKeyViolation(err) {
		return FieldError(NonField, msgInvalidChoice)
	}
	return translate(err)
}

package models

import (
	"context"

	"github.com/uptrace/bun"
)

// Group gathers permissions so staff can be given a role at once.
type Group struct {
	bun.BaseModel `bun:"table:auth_group,alias:g"`

	ID   int64  `bun:"id,pk,autoincrement"`
	Name string `bun:"name,notnull"`
}

// groupFields are a group's fields.
var groupFields = Fields{{Name: "name", Kind: Text, Required: true, MaxLen: 150}}

func (g Group) PK() int64      { return g.ID }
func (Group) Fields() Fields   { return groupFields }
func (g Group) String() string { return g.Name }

const msgGroupNameTaken = "Group with this Name already exists."

// Clean trims and validates the name.
func (g *Group) Clean() error {
	return groupFields.clean(g).Err()
}

func (g *Group) validateRelations(ctx context.Context, db bun.IDB) error {
	return unique(ctx, db, (*Group)(nil), "name", g.Name, g.ID, "name", msgGroupNameTaken)
}

// GetGroup loads a group.
func GetGroup(ctx context.Context, db bun.IDB, id int64) (*Group, error) {
	g := new(Group)
	err := db.NewSelect().Model(g).Where("g.id = ?", id).Scan(ctx)
	return g, translate(err)
}

// CreateGroup validates and inserts a group.
func CreateGroup(ctx context.Context, db bun.IDB, g *Group) error {
	return insert(ctx, db, g, "name", msgGroupNameTaken)
}

// UpdateGroup validates and saves an existing group.
func UpdateGroup(ctx context.Context, db bun.IDB, g *Group) error {
	return update(ctx, db, g, "name", msgGroupNameTaken)
}

// DeleteGroup deletes a group; memberships and its permissions go with it.
func DeleteGroup(ctx context.Context, db bun.IDB, id int64) error {
	return updated(db.NewDelete().Model((*Group)(nil)).Where("id = ?", id).Exec(ctx))
}

// ListGroups returns every group by name.
func ListGroups(ctx context.Context, db bun.IDB) ([]Group, error) {
	var groups []Group
	err := db.NewSelect().Model(&groups).OrderExpr("g.name").Scan(ctx)
	return groups, translate(err)
}

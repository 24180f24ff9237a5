package models

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// The storage any model gets without writing its own: what a model needs
// beyond it (a unique field's message, a query of its own) it writes as
// GetLetting or CreateLetting do.

// Get loads one object by its primary key, with the objects its foreign
// keys name, which its name and its pages may show.
func Get[T Entity](ctx context.Context, db bun.IDB, id int64) (*T, error) {
	obj := new(T)
	table := db.Dialect().Tables().Get(reflect.TypeFor[T]())
	q := db.NewSelect().Model(obj)
	for _, rel := range table.Relations {
		if rel.Type == schema.BelongsToRelation {
			q = q.Relation(rel.Field.GoName)
		}
	}
	err := q.Where("?TableAlias.? = ?", bun.Ident(table.PKs[0].Name), id).Scan(ctx)
	return obj, translate(err)
}

// Create validates obj (its Clean and validateRelations) and inserts it.
func Create[T Entity](ctx context.Context, db bun.IDB, obj *T) error {
	r, err := validated(obj)
	if err != nil {
		return err
	}
	return insert(ctx, db, r, "", "")
}

// Update validates obj and saves it over the row with its primary key.
func Update[T Entity](ctx context.Context, db bun.IDB, obj *T) error {
	r, err := validated(obj)
	if err != nil {
		return err
	}
	return update(ctx, db, r, "", "")
}

// Delete deletes the object with a primary key; the database deletes what
// cascades with it.
func Delete[T Entity](ctx context.Context, db bun.IDB, id int64) error {
	pk := db.Dialect().Tables().Get(reflect.TypeFor[T]()).PKs[0].Name
	return updated(db.NewDelete().Model((*T)(nil)).Where("? = ?", bun.Ident(pk), id).Exec(ctx))
}

func validated(obj any) (rules, error) {
	r, ok := obj.(rules)
	if !ok {
		return nil, fmt.Errorf("models: %T has no Clean and validateRelations to store it by", obj)
	}
	return r, nil
}

// Validate checks obj as storing it would (its Clean, then what only the
// database knows, such as a unique value) without storing it, and returns
// every problem at once: a field Clean refuses is not looked up in the
// database as well. A form runs it to show all its errors in one round.
func Validate[T Entity](ctx context.Context, db bun.IDB, obj *T) error {
	r, err := validated(obj)
	if err != nil {
		return err
	}
	errs := FieldErrors{}
	var invalid *ValidationError
	if err := r.Clean(); errors.As(err, &invalid) {
		errs = invalid.Fields
	} else if err != nil {
		return err
	}
	err = r.validateRelations(ctx, db)
	if !errors.As(err, &invalid) {
		if err != nil {
			return err
		}
		return errs.Err()
	}
	for field, messages := range invalid.Fields {
		if _, refused := errs[field]; !refused {
			errs[field] = messages
		}
	}
	return errs.Err()
}

// Storable says whether Create and Update can store a T: whether it has
// the Clean and validateRelations they run. The admin's system checks ask
// it of every model whose declaration leaves storage to them.
func Storable[T Entity]() error {
	_, err := validated(new(T))
	return err
}

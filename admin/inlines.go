package admin

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"

	"oclettings/app/accounts"
	"oclettings/app/models"
)

// Inline is a related model edited inside its parent's change form, as
// Django's InlineModelAdmin (StackedInline, TabularInline). The related
// model must be registered: its registration gives the rows their fields,
// validation, storage, permissions, names and history, so an inline states
// nothing but the foreign key to the parent and the fields to show.
type Inline interface {
	bind(db bun.IDB, reg *Registry, parent *schema.Table) error
	// submitted reads the inline's rows from a form's POST and checks them
	// against what db holds (a change's transaction). parentID is 0 on an
	// add form; asNew reads every row as a new object (Django's
	// save_as_new). It is nil when the user has no permission on the
	// inline's model, or when the POST carries none of its management form
	// (a client that knows nothing of the inline leaves its rows alone).
	submitted(ctx context.Context, db bun.IDB, s *Site, r *http.Request, parentID int64, asNew bool) (inlineSubmission, error)
	// formset is what the form shows, nil when the user may not see the
	// inline; sub is the submission being shown again, if any.
	formset(ctx context.Context, s *Site, r *http.Request, parentID int64, sub inlineSubmission, editable, adding bool) (*inlineFormset, error)
}

// stacked shows each related object as a block of labelled fields, as
// Django's StackedInline: fk is the related model's foreign key to the
// parent, fields are fields of the related model's form.
func stacked[C models.Entity](fk string, fields ...string) Inline {
	return &inline[C]{style: "stacked", fk: fk, names: fields}
}

// tabular shows each related object as a row of a table, as Django's
// TabularInline.
func tabular[C models.Entity](fk string, fields ...string) Inline {
	return &inline[C]{style: "tabular", fk: fk, names: fields}
}

// Django's numbers: three blank forms at most, a formset holds a thousand
// objects at most (DEFAULT_MAX_NUM), and a submission claiming more than
// max_num + DEFAULT_MAX_NUM forms (its absolute_max) is refused before any
// form is read, so that the counts a client sends never size the server's
// work.
const (
	inlineExtra   = 3
	inlineMaxNum  = 1000
	inlineCeiling = 1000
)

// inline is an Inline of the related model C.
type inline[C models.Entity] struct {
	style string
	fk    string
	names []string

	// What bind resolved.
	admin  *ModelAdmin[C]
	fields []int         // indexes into admin.Fields
	column *schema.Field // the foreign key's column
	maxNum int           // one for a one-to-one key
}

// bindInlines resolves the declaration's inlines (Django's admin.E202:
// the inline's model must have a foreign key to the parent).
func (m *ModelAdmin[T]) bindInlines(db bun.IDB, reg *Registry) []Problem {
	var problems []Problem
	for i, in := range m.Inlines {
		if err := in.bind(db, reg, m.table); err != nil {
			problems = append(problems, Problem{m.Key(), fmt.Sprintf("Inlines[%d]", i), err.Error()})
		}
	}
	return problems
}

func (in *inline[C]) bind(db bun.IDB, reg *Registry, parent *schema.Table) error {
	table := db.Dialect().Tables().Get(reflect.TypeFor[C]())
	in.admin = nil
	for _, rm := range reg.models {
		if a, ok := rm.(*ModelAdmin[C]); ok {
			in.admin = a
		}
	}
	if in.admin == nil {
		return fmt.Errorf("the model of %s is not registered: an inline edits a registered model, with its fields, validation and permissions", table.Name)
	}
	key := in.admin.Key()
	rule, ok := (*new(C)).Fields().Lookup(in.fk)
	rel := relationNamed(table, in.fk)
	if !ok || rule.Kind != models.Ref || rel == nil || rel.Type != schema.BelongsToRelation {
		return fmt.Errorf("%s has no foreign key %q: name the foreign key to %s (admin.E202)", key, in.fk, parent.Name)
	}
	if rel.JoinTable.Name != parent.Name {
		return fmt.Errorf("%s's %q is not a foreign key to %s (admin.E202)", key, in.fk, parent.Name)
	}
	in.column = rel.BasePKs[0]
	in.maxNum = inlineMaxNum
	if rule.Unique {
		in.maxNum = 1
	}
	in.fields = in.fields[:0]
	for _, name := range in.names {
		i := slices.IndexFunc(in.admin.Fields, func(f Field[C]) bool { return f.Name == name })
		switch {
		case name == in.fk:
			return fmt.Errorf("%q is the foreign key to the parent, which the inline sets itself", name)
		case i < 0:
			return fmt.Errorf("%q is not a field of %s's form", name, key)
		}
		in.fields = append(in.fields, i)
	}
	if len(in.fields) == 0 {
		return fmt.Errorf("an inline of %s shows no fields", key)
	}
	return nil
}

// prefix is the formset's, as Django's default: the model's name.
func (in *inline[C]) prefix() string { return in.admin.Model }

// rowFields are the form fields the rows show, as the related model's
// registration declares them.
func (in *inline[C]) rowFields() []Field[C] {
	out := make([]Field[C], len(in.fields))
	for i, j := range in.fields {
		out[i] = in.admin.Fields[j]
	}
	return out
}

// inlinePerms are the user's permissions on an inline's model, as Django's
// InlineModelAdmin asks them.
type inlinePerms struct{ view, add, change, delete bool }

func (in *inline[C]) perms(r *http.Request) inlinePerms {
	return inlinePerms{view: in.admin.can(r, accounts.View, accounts.Change), add: in.admin.can(r, accounts.Add),
		change: in.admin.can(r, accounts.Change), delete: in.admin.can(r, accounts.Delete)}
}

func (p inlinePerms) any() bool { return p.view || p.add || p.change || p.delete }

// children are the parent's related objects, in the related model's order,
// with what their names need. In a transaction on PostgreSQL they are
// locked first, as the change form locks its object.
func (in *inline[C]) children(ctx context.Context, db bun.IDB, parentID int64) ([]C, error) {
	a := in.admin
	if _, tx := db.(bun.Tx); tx && db.Dialect().Name() == dialect.PG {
		var ids []int64
		if err := db.NewSelect().Model((*C)(nil)).Column("id").Where("? = ?", bun.Ident(in.column.Name), parentID).
			For("UPDATE").Scan(ctx, &ids); err != nil {
			return nil, err
		}
	}
	var rows []C
	err := a.ordered(ctx, a.selectRows(db, &rows).Where("?.? = ?", bun.Ident(a.table.Alias), bun.Ident(in.column.Name), parentID))
	return rows, err
}

// setParent points a new related object at the parent.
func (in *inline[C]) setParent(obj *C, parentID int64) {
	reflect.ValueOf(obj).Elem().FieldByIndex(in.column.Index).SetInt(parentID)
}

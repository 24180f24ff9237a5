package admin

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"oclettings/app/models"
)

// fieldPath is a field named the way Django's admin options name them:
// "city", "address" (a relation: the related object), "address__city" (a
// field across relations), resolved against the model's bun metadata so
// that every alias and column comes from the model, never from a string
// typed twice.
type fieldPath struct {
	name  string
	rels  []*schema.Relation // the relations followed, in order
	table *schema.Table      // the table the path ends in
	// column is the field at the end; for a path that ends on a relation,
	// its foreign key column in the table before it.
	column *schema.Field
	// relation is set when the path ends on a relation.
	relation *schema.Relation
	// rule is the model's own statement of the field, when it has one.
	rule models.Field
}

// resolvePath follows name from a model's table. It fails with what a
// system check says when a part of the path names nothing.
func resolvePath(table *schema.Table, name string) (fieldPath, error) {
	p := fieldPath{name: name, table: table}
	parts := strings.Split(name, "__")
	for i, part := range parts {
		last := i == len(parts)-1
		if rel := relationNamed(p.table, part); rel != nil {
			if rel.Type != schema.BelongsToRelation && rel.Type != schema.HasOneRelation {
				return p, fmt.Errorf("%q follows %s, which is not a foreign key", name, part)
			}
			if last {
				p.relation = rel
				p.column = rel.BasePKs[0]
				p.rule = ruleOf(p.table, part)
				return p, nil
			}
			p.rels = append(p.rels, rel)
			p.table = rel.JoinTable
			continue
		}
		if !last {
			return p, fmt.Errorf("%q: %s is not a relation of %s", name, part, p.table.Name)
		}
		field, ok := p.table.FieldMap[part]
		if !ok {
			return p, fmt.Errorf("%q: %s is not a field of %s", name, part, p.table.Name)
		}
		p.column = field
		p.rule = ruleOf(p.table, part)
	}
	return p, nil
}

// relationNamed is the relation a path part names, by its field's SQL name
// ("address" for the Address field).
func relationNamed(table *schema.Table, name string) *schema.Relation {
	for _, rel := range table.Relations {
		if rel.Field.Name == name {
			return rel
		}
	}
	return nil
}

// ruleOf is the model's statement of a field, when the model makes one.
func ruleOf(table *schema.Table, name string) models.Field {
	if e, ok := table.ZeroIface.(models.Entity); ok {
		if f, ok := e.Fields().Lookup(name); ok {
			return f
		}
	}
	return models.Field{Name: name}
}

// Label is the path's column heading, Django's capitalised verbose name.
func (p fieldPath) Label() string { return capfirst(p.rule.VerboseName()) }

// alias is the SQL alias of the table the path ends in, as bun names the
// joins of the relations it follows.
func (p fieldPath) alias() string {
	if len(p.rels) == 0 {
		return p.table.Alias
	}
	return joinAlias(p.rels)
}

// relationName is the bun relation to join for the path ("Address"), or "".
func (p fieldPath) relationName() string {
	names := make([]string, 0, len(p.rels)+1)
	for _, rel := range p.rels {
		names = append(names, rel.Field.GoName)
	}
	if p.relation != nil {
		// The related object is shown by its name, which needs its row.
		names = append(names, p.relation.Field.GoName)
	}
	return strings.Join(names, ".")
}

// sql is the path's column as a quoted SQL expression.
func (p fieldPath) sql(db bun.IDB) string {
	gen := schema.NewQueryGen(db.Dialect())
	return string(gen.AppendIdent(nil, p.alias())) + "." + string(gen.AppendIdent(nil, p.column.Name))
}

// searchColumn is the path's column as a search looks in it.
func (p fieldPath) searchColumn() models.SearchColumn {
	c := models.SearchColumn{Alias: p.alias(), Table: p.table.Name, Column: p.column.Name, Number: !p.isText()}
	for _, rel := range p.rels {
		c.Via = append(c.Via, models.Hop{From: rel.BasePKs[0].Name, Table: rel.JoinTable.Name, To: rel.JoinPKs[0].Name})
	}
	return c
}

func (p fieldPath) isText() bool { return p.column.IndirectType.Kind() == reflect.String }

func (p fieldPath) isBool() bool {
	return p.relation == nil && p.column.IndirectType.Kind() == reflect.Bool
}

// value is the path's value in obj, as the changelist shows it: a related
// object by its name, a moment in Django's format, anything else as text.
func (p fieldPath) value(obj any) reflect.Value {
	v := reflect.ValueOf(obj).Elem()
	for _, rel := range p.rels {
		v = v.FieldByIndex(rel.Field.Index)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}
			}
			v = v.Elem()
		}
	}
	if p.relation != nil {
		return v.FieldByIndex(p.relation.Field.Index)
	}
	return v.FieldByIndex(p.column.Index)
}

// text is the path's value in obj as the changelist and the CSV show it.
func (p fieldPath) text(obj any, loc *time.Location) string {
	v := p.value(obj)
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return ""
	}
	switch x := v.Interface().(type) {
	case fmt.Stringer:
		if t, ok := x.(time.Time); ok {
			return formatTime(t, loc)
		}
		return x.String()
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v.Interface())
}

// truth is a yes/no path's value in obj.
func (p fieldPath) truth(obj any) bool {
	v := p.value(obj)
	return v.IsValid() && v.Bool()
}

package admin

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/database"
	"oclettings/app/models"
)

// Problem is what a system check found wrong with a declaration, named the
// way Django's checks name theirs: the model, the option, the field.
type Problem struct {
	Model  string // "lettings.letting"
	Option string // "List[2]"
	Text   string
}

func (p Problem) String() string { return p.Model + ": " + p.Option + ": " + p.Text }

// CheckError lists every problem the system checks found; the admin does
// not start with any, as Django's runserver refuses to.
type CheckError struct{ Problems []Problem }

func (e *CheckError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return "the admin's model declarations do not match the schema:\n" + strings.Join(lines, "\n")
}

// Check runs the admin's system checks against db's schema: what `app
// check` reports and what stops `app serve`.
func Check(ctx context.Context, db *database.DB) error {
	return registry().check(ctx, db)
}

// check binds every declaration to the model's metadata, then compares it
// with the live schema: every column it reads exists, every row the
// database deletes with an object shows on its delete page, and every
// model's permissions exist.
func (reg *Registry) check(ctx context.Context, db *database.DB) error {
	problems := reg.bind(db.Read)
	if len(problems) == 0 {
		found, err := reg.checkSchema(ctx, db)
		if err != nil {
			return err
		}
		problems = found
	}
	if len(problems) > 0 {
		return &CheckError{Problems: problems}
	}
	return nil
}

// bind resolves every declaration; first every model's table, which the
// others' relations look up.
func (reg *Registry) bind(db bun.IDB) []Problem {
	for _, m := range reg.models {
		m.attach(db)
	}
	var problems []Problem
	for _, m := range reg.models {
		problems = append(problems, m.bind(db, reg)...)
	}
	return problems
}

func (reg *Registry) checkSchema(ctx context.Context, db *database.DB) ([]Problem, error) {
	var problems []Problem
	perms, err := models.ListPermissions(ctx, db.Read)
	if err != nil {
		return nil, err
	}
	for _, m := range reg.models {
		info := m.info()
		columns, err := db.Columns(ctx, m.tableName())
		if err != nil {
			return nil, err
		}
		if len(columns) == 0 {
			problems = append(problems, Problem{info.Key(), "table " + m.tableName(), "does not exist: create it in a migration (docs/adding-a-model.md)"})
			continue
		}
		for _, c := range m.columnsRead() {
			if c.table == m.tableName() && !slices.Contains(columns, c.column) {
				problems = append(problems, Problem{info.Key(), "table " + c.table, "has no column " + c.column})
			}
		}
		found, err := unindexedSearches(ctx, db, m.searchColumns())
		if err != nil {
			return nil, err
		}
		for _, p := range found {
			p.Model = info.Key()
			problems = append(problems, p)
		}
		for _, table := range append([]string{m.tableName()}, linkTables(m.links())...) {
			tracked, err := db.TracksContent(ctx, table)
			if err != nil {
				return nil, err
			}
			if !tracked {
				problems = append(problems, Problem{info.Key(), "table " + table,
					fmt.Sprintf("changes to it do not move the content version, so the pages showing it would stay stale: add {{.TrackContent %q}} to its migration", table)})
			}
		}
		var missing []string
		for _, a := range []accounts.Action{accounts.View, accounts.Add, accounts.Change, accounts.Delete} {
			if !slices.ContainsFunc(perms, func(p models.Permission) bool { return accounts.KeyOf(p) == info.perm(a) }) {
				missing = append(missing, info.perm(a).String())
			}
		}
		if len(missing) > 0 {
			problems = append(problems, Problem{info.Key(), "permissions", fmt.Sprintf("%s do not exist: add {{.Permissions %q %q}} to its migration",
				strings.Join(missing, ", "), info.App, info.Model)})
		}
	}
	keys, err := db.ForeignKeys(ctx)
	if err != nil {
		return nil, err
	}
	reg.cascades = slices.DeleteFunc(keys, func(k database.ForeignKey) bool { return !k.Cascade })
	for _, k := range reg.cascades {
		target, ok := reg.byTable(k.RefTable)
		if !ok {
			continue
		}
		if _, shown := reg.byTable(k.Table); shown {
			continue // its delete page lists those rows (cascade.go)
		}
		if reg.linkCovers(k) {
			continue // a many-to-many field's memberships, which go with either end
		}
		problems = append(problems, Problem{target.info().Key(), "delete",
			fmt.Sprintf("the database deletes rows of %s (by %s) with each %s, which the delete page cannot list: register a model for %s or make it a many-to-many field's link table",
				k.Table, k.Column, target.info().Verbose, k.Table)})
	}
	return problems, nil
}

// byTable is the registered model stored in a table.
func (reg *Registry) byTable(table string) (registered, bool) {
	for _, m := range reg.models {
		if m.tableName() == table {
			return m, true
		}
	}
	return nil, false
}

// linkCovers reports whether a foreign key is one end of a declared
// many-to-many field's link table.
func (reg *Registry) linkCovers(k database.ForeignKey) bool {
	for _, m := range reg.models {
		for _, l := range m.links() {
			if l.Table == k.Table && (l.From == k.Column || l.To == k.Column) {
				return true
			}
		}
	}
	return false
}

func linkTables(links []models.Link) []string {
	out := make([]string, len(links))
	for i, l := range links {
		out[i] = l.Table
	}
	return out
}

// tableColumn is a column a declaration reads.
type tableColumn struct{ table, column string }

// attach finds the model's table in its bun metadata, and fills in what a
// declaration may leave out as Django does: the verbose names from the
// model's name, and the model layer's own reading and deleting (bind adds
// its creating and updating, once it has checked the model can).
func (m *ModelAdmin[T]) attach(db bun.IDB) {
	m.table = db.Dialect().Tables().Get(reflect.TypeFor[T]())
	if m.Verbose == "" {
		m.Verbose = m.Model
	}
	if m.VerbosePlural == "" {
		m.VerbosePlural = m.Verbose + "s"
	}
	if m.Get == nil {
		m.Get = models.Get[T]
	}
	if m.Delete == nil {
		m.Delete = models.Delete[T]
	}
}

// bind resolves the declaration against the model's bun metadata: the
// list's columns, sorting, search and filters, and the forms' fields.
// Whatever does not resolve is a problem naming the option and the field.
func (m *ModelAdmin[T]) bind(db bun.IDB, reg *Registry) []Problem {
	var problems []Problem
	m.loc = reg.loc
	bad := func(option string, err error) {
		problems = append(problems, Problem{m.Key(), option, err.Error()})
	}
	m.columns, m.ordering, m.filters, m.relations = nil, nil, nil, nil
	m.search = models.Searched{Alias: m.table.Alias, Table: m.table.Name}
	join := func(p fieldPath) {
		if rel := p.relationName(); rel != "" && !slices.Contains(m.relations, rel) {
			m.relations = append(m.relations, rel)
		}
	}
	for i, name := range m.List {
		p, err := resolvePath(m.table, name)
		if err != nil {
			bad(fmt.Sprintf("List[%d]", i), err)
			continue
		}
		join(p)
		sortBy := p
		if p.relation != nil {
			// A related object sorts as its own list does, by its first
			// ordering field (Django orders by the related model's ordering).
			if target, ok := reg.byTable(p.relation.JoinTable.Name); ok && len(target.defaultOrdering()) > 0 {
				field, _ := strings.CutPrefix(target.defaultOrdering()[0], "-")
				if sortBy, err = resolvePath(m.table, name+"__"+field); err != nil {
					bad(fmt.Sprintf("List[%d]", i), err)
					continue
				}
				join(sortBy)
			}
		}
		m.columns = append(m.columns, listColumn[T]{path: p, sql: sortBy.sql(db)})
	}
	for i, name := range m.Ordering {
		field, desc := strings.CutPrefix(name, "-")
		p, err := resolvePath(m.table, field)
		if err != nil {
			bad(fmt.Sprintf("Ordering[%d]", i), err)
			continue
		}
		join(p)
		m.ordering = append(m.ordering, sortTerm{sql: p.sql(db), desc: desc})
	}
	for i, name := range m.Search {
		p, err := resolvePath(m.table, name)
		if err != nil {
			bad(fmt.Sprintf("Search[%d]", i), err)
			continue
		}
		if p.relation != nil {
			bad(fmt.Sprintf("Search[%d]", i), fmt.Errorf("%q is a relation: search one of its fields (%s__…)", name, name))
			continue
		}
		join(p)
		m.search.Columns = append(m.search.Columns, p.searchColumn())
	}
	for i, name := range m.Filters {
		f, err := m.filterFor(db, reg, name)
		if err != nil {
			bad(fmt.Sprintf("Filters[%d]", i), err)
			continue
		}
		m.filters = append(m.filters, f)
	}
	if m.Create == nil || m.Update == nil {
		// Left to the model layer, which needs the model's validation.
		if err := models.Storable[T](); err != nil {
			bad("storage", err)
		}
	}
	if m.Create == nil {
		m.Create = models.Create[T]
	}
	if m.Update == nil {
		m.Update = models.Update[T]
	}
	rules := (*new(T)).Fields()
	for _, set := range []struct {
		option string
		fields []Field[T]
	}{{"Fields", m.Fields}, {"AddFields", m.AddFields}} {
		for i := range set.fields {
			f := &set.fields[i]
			option := fmt.Sprintf("%s[%d] %q", set.option, i, f.Name)
			rule, ok := rules.Lookup(f.Name)
			switch {
			case ok:
				f.fromModel(rule)
				if f.Get == nil && f.Show == nil && f.Links == nil {
					column, found := m.table.FieldMap[rule.Column()]
					if !found {
						bad(option, fmt.Errorf("the model's field %s has no column %s in %s", f.Name, rule.Column(), m.table.Name))
						continue
					}
					f.access(rule, column, reg.loc)
					if err := f.bindSplitDateTime(rule, column, reg.loc); err != nil {
						bad(option, err)
					}
				}
				if rule.Kind == models.Ref && f.Related == "" {
					rel := relationNamed(m.table, f.Name)
					if rel == nil {
						bad(option, fmt.Errorf("%s is a foreign key without a bun relation of that name", f.Name))
						continue
					}
					target, found := reg.byTable(rel.JoinTable.Name)
					if !found {
						bad(option, fmt.Errorf("relates to %s, which no registered model keeps", rel.JoinTable.Name))
						continue
					}
					f.Related = target.info().Key()
				}
			case f.Label == "":
				bad(option, fmt.Errorf("%s is not a field of the model, and the form field has no label", f.Name))
			}
			if f.Related != "" {
				target, ok := reg.registeredModel(f.Related)
				if !ok {
					bad(option, fmt.Errorf("relates to %s, which is not registered", f.Related))
					continue
				}
				if f.Choices == nil {
					f.Choices = target.choices
					if f.Named == nil {
						f.Named = target.named
					}
				}
			}
			if (f.Widget == Select || f.Widget == MultiSelect) && f.Choices == nil {
				bad(option, fmt.Errorf("a select without choices: name the related model"))
			}
		}
	}
	problems = append(problems, m.bindFilterHorizontal()...)
	problems = append(problems, m.bindAutocomplete(reg)...)
	problems = append(problems, m.bindInlines(db, reg)...)
	// After the fields: list_editable edits the form's fields.
	return append(problems, m.bindChangelistOptions()...)
}

// filterFor makes the filter a declared name asks for.
func (m *ModelAdmin[T]) filterFor(db bun.IDB, reg *Registry, name string) (Filter, error) {
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Name != name || f.Links == nil {
			continue
		}
		target, ok := reg.registeredModel(f.Related)
		if !ok {
			return Filter{}, fmt.Errorf("%q filters by %s, which is not registered", name, f.Related)
		}
		return linkFilter(db, strings.ToLower(f.Label), name, m.table.Alias, *f.Links, target.choices), nil
	}
	p, err := resolvePath(m.table, name)
	if err != nil {
		return Filter{}, err
	}
	if p.relation != nil {
		return Filter{}, fmt.Errorf("%q is a relation: filter by one of its fields (%s__…)", name, name)
	}
	if p.isBool() {
		return boolFilter(db, p), nil
	}
	return valuesFilter(db, p), nil
}

// columnsRead lists the columns of the model's own table its declaration
// reads, to check against the live schema.
func (m *ModelAdmin[T]) columnsRead() []tableColumn {
	var out []tableColumn
	for _, f := range m.table.Fields {
		out = append(out, tableColumn{m.table.Name, f.Name})
	}
	return out
}

func (m *ModelAdmin[T]) defaultOrdering() []string { return m.Ordering }

func (m *ModelAdmin[T]) searchColumns() []models.SearchColumn { return m.search.Columns }

// unindexedSearches are the tables with a searched column that has no
// search index: a search would read every row of them. One problem a
// table, since its columns share one index on SQLite.
func unindexedSearches(ctx context.Context, db *database.DB, columns []models.SearchColumn) ([]Problem, error) {
	var tables []string
	searched := map[string][]string{}
	missing := map[string]bool{}
	for _, c := range columns {
		if !slices.Contains(tables, c.Table) {
			tables = append(tables, c.Table)
		}
		name := c.Column
		if c.Number {
			name += ":number"
		}
		searched[c.Table] = append(searched[c.Table], name)
		indexed, err := db.SearchIndexed(ctx, c.Table, c.Column)
		if err != nil {
			return nil, err
		}
		missing[c.Table] = missing[c.Table] || !indexed
	}
	var problems []Problem
	for _, table := range tables {
		if missing[table] {
			args := fmt.Sprintf("%q", table)
			for _, c := range searched[table] {
				args += fmt.Sprintf(" %q", c)
			}
			problems = append(problems, Problem{Option: "search " + table,
				Text: "its searched columns have no search index, so every search would read the whole table: add {{.Search " + args + "}} to its migration"})
		}
	}
	return problems, nil
}

// links are the link tables of the model's many-to-many fields.
func (m *ModelAdmin[T]) links() []models.Link {
	var out []models.Link
	for _, f := range m.Fields {
		if f.Links != nil {
			out = append(out, *f.Links)
		}
	}
	return out
}

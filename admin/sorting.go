package admin

import (
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"
)

// sortTerm orders a list by an SQL expression bind resolved.
type sortTerm struct {
	sql  string
	desc bool
}

func (t sortTerm) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if t.desc {
		return q.OrderExpr(t.sql + " DESC")
	}
	return q.OrderExpr(t.sql)
}

// reversed is the term in the other direction: a deep page read from the
// far end of the list.
func (t sortTerm) reversed() sortTerm { return sortTerm{sql: t.sql, desc: !t.desc} }

// sortKey is a term of a list's ordering with the path it sorts by.
type sortKey struct {
	sortTerm
	// rels are the relations the term's column is across, and related
	// their last table's primary key as SQL, which breaks ties among the
	// rows the term sorts alike.
	rels    []*schema.Relation
	related string
	// oneToOne: every relation the path follows is a unique foreign key,
	// so the related table's primary key names one row of the list.
	oneToOne bool
	// required: every relation the path follows is a foreign key that
	// cannot be empty, so an inner join keeps every row of the list.
	required bool
	// unique: the term alone orders the list, no two rows alike.
	unique bool
}

// orderBy is the ordering of a list: the chosen columns, or the default,
// then what breaks their ties, so that pages never overlap. The ties are
// broken in the direction of the last term, by the primary key of the
// table that term sorts, which an index on (column, id) holds in order
// both ways: a page is then read from the index, not sorted from every
// row (Django breaks ties by -pk whatever the direction).
func (m *ModelAdmin[T]) orderBy(terms []orderTerm) []sortTerm {
	keys := m.sortKeys(terms)
	out := make([]sortTerm, len(keys))
	for i, k := range keys {
		out[i] = k.sortTerm
	}
	return out
}

// sortKeys is orderBy with what each term sorts by.
func (m *ModelAdmin[T]) sortKeys(terms []orderTerm) []sortKey {
	var keys []sortKey
	if len(terms) == 0 {
		for i, name := range m.Ordering {
			field, _ := strings.CutPrefix(name, "-")
			p, err := resolvePath(m.table, field)
			if err != nil || i >= len(m.ordering) {
				continue // bind has reported it
			}
			keys = append(keys, m.sortKeyOf(m.ordering[i], p, false))
		}
	}
	for _, t := range terms {
		c := m.columns[t.col-1]
		keys = append(keys, m.sortKeyOf(sortTerm{sql: c.sql, desc: t.desc}, c.path, true))
	}
	own := m.pkSQL()
	if len(keys) == 0 {
		return []sortKey{{sortTerm: sortTerm{sql: own, desc: true}, required: true}}
	}
	last := keys[len(keys)-1]
	switch {
	case last.sql == own || last.unique:
	case last.related == "":
		keys = append(keys, sortKey{sortTerm: sortTerm{sql: own, desc: last.desc}, required: true})
	default:
		keys = append(keys, sortKey{sortTerm: sortTerm{sql: last.related, desc: last.desc}, rels: last.rels, related: last.related,
			oneToOne: last.oneToOne, required: last.required})
		if !last.oneToOne {
			keys = append(keys, sortKey{sortTerm: sortTerm{sql: own, desc: last.desc}, required: true})
		}
	}
	return keys
}

// sortKeyOf describes a term sorting by path's column; for a column of the
// list (column), path is what it shows, and a related object is sorted by
// the term's expression in its table.
func (m *ModelAdmin[T]) sortKeyOf(t sortTerm, p fieldPath, column bool) sortKey {
	k := sortKey{sortTerm: t, oneToOne: true, required: true}
	rels := p.rels
	if column && p.relation != nil {
		rels = append(slices.Clip(rels), p.relation)
	}
	if len(rels) == 0 {
		return k
	}
	base := m.table
	for _, rel := range rels {
		notNull := rel.Type == schema.BelongsToRelation && !slices.ContainsFunc(rel.BasePKs, func(f *schema.Field) bool { return !f.NotNull })
		k.oneToOne = k.oneToOne && notNull && ruleOf(base, rel.Field.Name).Unique
		k.required = k.required && notNull
		base = rel.JoinTable
	}
	gen := schema.NewQueryGen(m.table.Dialect())
	k.rels = rels
	k.related = string(gen.AppendIdent(nil, joinAlias(rels))) + "." + string(gen.AppendIdent(nil, base.PKs[0].Name))
	if fk := string(m.table.SQLAlias) + "." + string(p.column.SQLName); column && p.relation != nil && len(p.rels) == 0 && (k.sql == k.related || k.sql == fk) {
		// A related object sorted by its key is sorted by the foreign key
		// that names it, in the list's own table and its index; a unique
		// one that cannot be empty orders the list alone.
		k.sql, k.related, k.rels = fk, "", nil
		k.unique = k.oneToOne
	}
	return k
}

// pkSQL is the list's primary key as SQL.
func (m *ModelAdmin[T]) pkSQL() string {
	return string(m.table.SQLAlias) + "." + string(m.table.PKs[0].SQLName)
}

// joinAlias is the alias bun gives the join of a chain of relations.
func joinAlias(rels []*schema.Relation) string {
	names := make([]string, len(rels))
	for i, rel := range rels {
		names[i] = rel.Field.Name
	}
	return strings.Join(names, "__")
}

type header struct {
	Label      string
	Sortable   bool
	Sorted     bool
	Desc       bool
	Priority   int // among sorted columns, from 1; 0 when unsorted
	PrimaryURL string
	ToggleURL  string
	RemoveURL  string
	Class      string
}

// headers builds the column headers with Django's three sort links: make
// the column the primary sort (or flip it), flip it in place, remove it.
func (m *ModelAdmin[T]) headers(lq listQuery) []header {
	current := lq.order
	if current == nil {
		current = m.defaultOrderTerms()
	}
	param := func(t orderTerm) string {
		if t.desc {
			return "-" + strconv.Itoa(t.col)
		}
		return strconv.Itoa(t.col)
	}
	link := func(terms []string) string {
		return "?" + withParam(lq.raw, "o", strings.Join(terms, "."), "p", "e")
	}
	hs := make([]header, 0, len(m.columns))
	for i, c := range m.columns {
		col := i + 1
		h := header{Label: c.path.Label(), Sortable: true, Class: "column-" + strconv.Itoa(col)}
		newDesc := false
		for p, t := range current {
			if t.col == col {
				h.Sorted, h.Desc, h.Priority = true, t.desc, p+1
				newDesc = !t.desc
			}
		}
		var primary, toggle, remove []string
		for _, t := range current {
			if t.col == col {
				p := param(orderTerm{col: col, desc: newDesc})
				primary = append([]string{p}, primary...)
				toggle = append(toggle, p)
				continue
			}
			primary = append(primary, param(t))
			toggle = append(toggle, param(t))
			remove = append(remove, param(t))
		}
		if !h.Sorted {
			primary = append([]string{param(orderTerm{col: col})}, primary...)
		}
		h.PrimaryURL, h.ToggleURL, h.RemoveURL = link(primary), link(toggle), link(remove)
		hs = append(hs, h)
	}
	return hs
}

// defaultOrderTerms maps the default ordering onto the columns it sorts by,
// so the headers show it.
func (m *ModelAdmin[T]) defaultOrderTerms() []orderTerm {
	var terms []orderTerm
	for _, o := range m.ordering {
		for i, c := range m.columns {
			if c.sql == o.sql {
				terms = append(terms, orderTerm{col: i + 1, desc: o.desc})
			}
		}
	}
	return terms
}

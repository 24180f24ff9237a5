package admin

import (
	"strconv"
	"strings"

	"github.com/uptrace/bun"
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

// orderBy is the ordering of a list: the chosen columns, or the default,
// and the primary key last so that pages never overlap.
func (m *ModelAdmin[T]) orderBy(terms []orderTerm) []sortTerm {
	var out []sortTerm
	if len(terms) == 0 {
		out = append(out, m.ordering...)
	}
	for _, t := range terms {
		out = append(out, sortTerm{sql: m.columns[t.col-1].sql, desc: t.desc})
	}
	return append(out, sortTerm{sql: string(m.table.SQLAlias) + "." + string(m.table.PKs[0].SQLName), desc: true})
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

package admin

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"oclettings/app/models"
)

// Filter is a filter of the changelist's sidebar, made by bind from a
// declared path: Django's AllValuesFieldListFilter for text,
// BooleanFieldListFilter for yes/no, and RelatedFieldListFilter for a
// many-to-many field.
type Filter struct {
	Title string // "state", shown as "By state"
	Param string // the query parameter, in Django's form: "state__exact"
	// NullParam is the parameter of the empty choice ("-"), in Django's
	// form "groups__isnull", for a filter that offers one; "" otherwise.
	NullParam string
	// Choices lists the values offered, in order.
	Choices func(ctx context.Context, db bun.IDB) ([]choice, error)
	// Apply narrows a list to one value.
	Apply func(q *bun.SelectQuery, value string) *bun.SelectQuery
	// ApplyNull narrows a list to the rows with no value (none: true) or
	// with some.
	ApplyNull func(q *bun.SelectQuery, none bool) *bun.SelectQuery
	// Valid checks a value from the address bar; nil accepts any.
	Valid func(value string) bool
	// Count counts the rows of a list (its query, narrowed by everything
	// but this filter) per choice value, "" keying the empty choice, in
	// one grouped query: the facets.
	Count func(ctx context.Context, db bun.IDB, list *bun.SelectQuery) (map[string]int, error)
}

func (f *Filter) valid(param, v string) bool {
	return param == f.NullParam || f.Valid == nil || f.Valid(v)
}

// apply narrows q by one of the filter's parameters.
func (f *Filter) apply(q *bun.SelectQuery, param, value string) *bun.SelectQuery {
	if param == f.NullParam {
		return f.ApplyNull(q, isNullTrue(value))
	}
	return f.Apply(q, value)
}

// isNullTrue reads an "__isnull" value as Django does: anything but "",
// "false" and "0" means true.
func isNullTrue(v string) bool {
	switch strings.ToLower(v) {
	case "", "false", "0":
		return false
	}
	return true
}

// choice is an option of a filter or a select: its value and what it shows.
type choice struct {
	Value    string
	Label    string
	Selected bool
}

// valuesFilter offers the distinct values of a column.
func valuesFilter(db bun.IDB, p fieldPath) Filter {
	expr := p.sql(db)
	return Filter{
		Title: p.rule.VerboseName(),
		Param: p.name + "__exact",
		Choices: func(ctx context.Context, db bun.IDB) ([]choice, error) {
			// One probe of the column's index a value (the least above the
			// last), where DISTINCT reads every row: 10 states among
			// 100,000 addresses.
			var values []string
			err := db.NewRaw("WITH RECURSIVE v (value) AS (SELECT MIN(?0) FROM ?1 UNION ALL SELECT (SELECT MIN(?0) FROM ?1 WHERE ?0 > v.value) FROM v WHERE v.value IS NOT NULL) "+
				"SELECT value FROM v WHERE value IS NOT NULL ORDER BY value", bun.Ident(p.column.Name), schema.Ident(p.table.Name)).Scan(ctx, &values)
			choices := make([]choice, len(values))
			for i, v := range values {
				choices[i] = choice{Value: v, Label: v}
			}
			return choices, err
		},
		Apply: func(q *bun.SelectQuery, value string) *bun.SelectQuery {
			return q.Where(expr+" = ?", value)
		},
		Count: func(ctx context.Context, db bun.IDB, list *bun.SelectQuery) (map[string]int, error) {
			return countBy(ctx, db, list.ColumnExpr(expr+" AS facet_value"))
		},
	}
}

// boolFilter offers Yes and No.
func boolFilter(db bun.IDB, p fieldPath) Filter {
	expr := p.sql(db)
	return Filter{
		Title: p.rule.VerboseName(),
		Param: p.name + "__exact",
		Choices: func(context.Context, bun.IDB) ([]choice, error) {
			return []choice{{Value: "1", Label: "Yes"}, {Value: "0", Label: "No"}}, nil
		},
		Apply: func(q *bun.SelectQuery, value string) *bun.SelectQuery {
			return q.Where(expr+" = ?", value == "1")
		},
		Valid: func(v string) bool { return v == "1" || v == "0" },
		Count: func(ctx context.Context, db bun.IDB, list *bun.SelectQuery) (map[string]int, error) {
			// The values as the choices write them, whatever the dialect's booleans.
			return countBy(ctx, db, list.ColumnExpr("CASE WHEN "+expr+" THEN '1' ELSE '0' END AS facet_value"))
		},
	}
}

// countBy counts a list's rows per facet_value, the column its query adds.
func countBy(ctx context.Context, db bun.IDB, list *bun.SelectQuery) (map[string]int, error) {
	return counted(db.NewSelect().TableExpr("(?) AS facet", list).
		ColumnExpr("facet.facet_value").ColumnExpr("COUNT(*)").GroupExpr("facet.facet_value").Rows(ctx))
}

// counted reads (value, count) rows into counts by value; a NULL value is
// the empty choice's, "".
func counted(rows *sql.Rows, err error) (map[string]int, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var value sql.NullString // an id reads as its decimal text
		var n int
		if err := rows.Scan(&value, &n); err != nil {
			return nil, err
		}
		counts[value.String] += n
	}
	return counts, rows.Err()
}

// linkFilter offers the related rows of a many-to-many field and narrows
// the list to the rows linked to the chosen one; its empty choice ("-")
// to the rows linked to none, as Django's RelatedFieldListFilter does.
func linkFilter(db bun.IDB, title, name, alias string, links models.Link, choices func(ctx context.Context, db bun.IDB) ([]choice, error)) Filter {
	gen := schema.NewQueryGen(db.Dialect())
	owner := string(gen.AppendIdent(nil, alias)) + ".id"
	linked := "EXISTS (SELECT 1 FROM ? AS link WHERE link.? = " + owner
	return Filter{
		Title:     title,
		Param:     name + "__id__exact",
		NullParam: name + "__isnull",
		Choices:   choices,
		Apply: func(q *bun.SelectQuery, value string) *bun.SelectQuery {
			id, _ := strconv.ParseInt(value, 10, 64) // Valid has checked it
			return q.Where(linked+" AND link.? = ?)", bun.Ident(links.Table), bun.Ident(links.From), bun.Ident(links.To), id)
		},
		ApplyNull: func(q *bun.SelectQuery, none bool) *bun.SelectQuery {
			if none {
				return q.Where("NOT "+linked+")", bun.Ident(links.Table), bun.Ident(links.From))
			}
			return q.Where(linked+")", bun.Ident(links.Table), bun.Ident(links.From))
		},
		Valid: func(v string) bool {
			id, err := strconv.ParseInt(v, 10, 64)
			return err == nil && id > 0
		},
		Count: func(ctx context.Context, db bun.IDB, list *bun.SelectQuery) (map[string]int, error) {
			// A row linked to none joins no link row: its group is NULL,
			// the empty choice's count.
			return counted(db.NewSelect().TableExpr("(?) AS facet", list.ColumnExpr(owner+" AS facet_id")).
				Join("LEFT JOIN ? AS link ON link.? = facet.facet_id", bun.Ident(links.Table), bun.Ident(links.From)).
				ColumnExpr("link.?", bun.Ident(links.To)).ColumnExpr("COUNT(*)").GroupExpr("link.?", bun.Ident(links.To)).Rows(ctx))
		},
	}
}

// emptyChoiceLabel is Django's empty_value_display, the empty choice of a filter.
const emptyChoiceLabel = "-"

// filterView is a filter as the sidebar shows it.
type filterView struct {
	Title   string
	Choices []filterLink
}

type filterLink struct {
	Label    string
	URL      string
	Selected bool
}

// filterViews are the sidebar's filters. A filter of related rows shows,
// as Django's does, only when it has more than one choice, its empty
// choice counted. With facets on, each choice says how many rows it
// would list under the other filters, the dates and the search.
func (m *ModelAdmin[T]) filterViews(ctx context.Context, db bun.IDB, memoized *memo, lq listQuery) ([]filterView, error) {
	var views []filterView
	for i := range m.filters {
		f := &m.filters[i]
		cached, err := memoized.get(ctx, "filter:"+m.Key()+":"+f.Param, func(ctx context.Context) (any, error) { return f.Choices(ctx, db) })
		if err != nil {
			return nil, err
		}
		choices := cached.([]choice)
		extra := 0
		if f.NullParam != "" {
			extra = 1
			if len(choices)+extra <= 1 {
				continue
			}
		}
		var counts map[string]int
		if lq.facets && f.Count != nil {
			var rows []T
			if counts, err = f.Count(ctx, db, m.listSelectExcept(db, &rows, lq, f)); err != nil {
				return nil, err
			}
		}
		label := func(text, value string) string {
			if counts == nil {
				return text
			}
			return text + " (" + strconv.Itoa(counts[value]) + ")"
		}
		current, active := lq.filters[f.Param]
		none, nullActive := lq.filters[f.NullParam]
		nullActive = nullActive && f.NullParam != ""
		fv := filterView{Title: f.Title}
		fv.Choices = append(fv.Choices, filterLink{Label: "All", URL: "?" + encodeWithout(lq.raw, f.Param, f.NullParam, "p", "e"),
			Selected: !active && !nullActive})
		for _, c := range choices {
			fv.Choices = append(fv.Choices, filterLink{
				Label:    label(c.Label, c.Value),
				URL:      "?" + withParam(lq.raw, f.Param, c.Value, f.NullParam, "p", "e"),
				Selected: active && current == c.Value,
			})
		}
		if f.NullParam != "" {
			fv.Choices = append(fv.Choices, filterLink{
				Label:    label(emptyChoiceLabel, ""),
				URL:      "?" + withParam(lq.raw, f.NullParam, "True", f.Param, "p", "e"),
				Selected: nullActive && isNullTrue(none),
			})
		}
		views = append(views, fv)
	}
	return views, nil
}

// filter is the declared filter with a parameter, or nil.
func (m *ModelAdmin[T]) filter(param string) *Filter {
	for i := range m.filters {
		if f := &m.filters[i]; f.Param == param || (f.NullParam != "" && f.NullParam == param) {
			return f
		}
	}
	return nil
}

package admin

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"
)

// Filter is a filter of the changelist's sidebar.
type Filter struct {
	Title string // "state", shown as "By state"
	Param string // the query parameter, in Django's form: "state__exact"
	// Choices lists the values offered, in order.
	Choices func(ctx context.Context, db bun.IDB) ([]choice, error)
	// Apply narrows a list to one value.
	Apply func(q *bun.SelectQuery, value string) *bun.SelectQuery
	// Valid checks a value from the address bar; nil accepts any.
	Valid func(value string) bool
}

func (f *Filter) valid(v string) bool { return f.Valid == nil || f.Valid(v) }

// choice is an option of a filter or a select: its value and what it shows.
type choice struct {
	Value    string
	Label    string
	Selected bool
}

// valuesFilter offers the distinct values of a column, as Django's
// AllValuesFieldListFilter does. expr is the column as the list query
// names it ("address.state"); table and column are where its values live.
func valuesFilter(title, param, table, column, expr string) Filter {
	return Filter{
		Title: title,
		Param: param,
		Choices: func(ctx context.Context, db bun.IDB) ([]choice, error) {
			var values []string
			err := db.NewSelect().TableExpr(table).ColumnExpr("DISTINCT ?", bun.Ident(column)).
				OrderExpr("?", bun.Ident(column)).Scan(ctx, &values)
			choices := make([]choice, len(values))
			for i, v := range values {
				choices[i] = choice{Value: v, Label: v}
			}
			return choices, err
		},
		Apply: func(q *bun.SelectQuery, value string) *bun.SelectQuery {
			return q.Where(expr+" = ?", value)
		},
	}
}

// boolFilter offers Yes and No, as Django's BooleanFieldListFilter does.
func boolFilter(title, param, expr string) Filter {
	return Filter{
		Title: title,
		Param: param,
		Choices: func(context.Context, bun.IDB) ([]choice, error) {
			return []choice{{Value: "1", Label: "Yes"}, {Value: "0", Label: "No"}}, nil
		},
		Apply: func(q *bun.SelectQuery, value string) *bun.SelectQuery {
			return q.Where(expr+" = ?", value == "1")
		},
		Valid: func(v string) bool { return v == "1" || v == "0" },
	}
}

// idFilter offers related rows by id (a user's groups, say); apply narrows
// the list to rows linked to the chosen one.
func idFilter(title, param string, choices func(ctx context.Context, db bun.IDB) ([]choice, error), apply func(q *bun.SelectQuery, id int64) *bun.SelectQuery) Filter {
	return Filter{
		Title:   title,
		Param:   param,
		Choices: choices,
		Apply: func(q *bun.SelectQuery, value string) *bun.SelectQuery {
			id, _ := strconv.ParseInt(value, 10, 64) // Valid has checked it
			return apply(q, id)
		},
		Valid: func(v string) bool {
			id, err := strconv.ParseInt(v, 10, 64)
			return err == nil && id > 0
		},
	}
}

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

func (m *ModelAdmin[T]) filterViews(ctx context.Context, db bun.IDB, memoized *memo, lq listQuery) ([]filterView, error) {
	var views []filterView
	for i := range m.Filters {
		f := &m.Filters[i]
		cached, err := memoized.get(ctx, "filter:"+m.App+"."+m.Model+":"+f.Param, func(ctx context.Context) (any, error) { return f.Choices(ctx, db) })
		if err != nil {
			return nil, err
		}
		choices := cached.([]choice)
		current, active := lq.filters[f.Param]
		fv := filterView{Title: f.Title}
		fv.Choices = append(fv.Choices, filterLink{Label: "All", URL: "?" + encodeWithout(lq.raw, f.Param, "p", "e"), Selected: !active})
		for _, c := range choices {
			fv.Choices = append(fv.Choices, filterLink{
				Label:    c.Label,
				URL:      "?" + withParam(lq.raw, f.Param, c.Value, "p", "e"),
				Selected: active && current == c.Value,
			})
		}
		views = append(views, fv)
	}
	return views, nil
}

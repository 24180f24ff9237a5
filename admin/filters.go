package admin

import (
	"context"
	"strconv"

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

// valuesFilter offers the distinct values of a column.
func valuesFilter(db bun.IDB, p fieldPath) Filter {
	expr := p.sql(db)
	return Filter{
		Title: p.rule.VerboseName(),
		Param: p.name + "__exact",
		Choices: func(ctx context.Context, db bun.IDB) ([]choice, error) {
			var values []string
			err := db.NewSelect().TableExpr("?", schema.Ident(p.table.Name)).ColumnExpr("DISTINCT ?", bun.Ident(p.column.Name)).
				OrderExpr("?", bun.Ident(p.column.Name)).Scan(ctx, &values)
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
	}
}

// linkFilter offers the related rows of a many-to-many field and narrows
// the list to the rows linked to the chosen one.
func linkFilter(db bun.IDB, title, name, alias string, links models.Link, choices func(ctx context.Context, db bun.IDB) ([]choice, error)) Filter {
	gen := schema.NewQueryGen(db.Dialect())
	owner := string(gen.AppendIdent(nil, alias)) + ".id"
	return Filter{
		Title:   title,
		Param:   name + "__id__exact",
		Choices: choices,
		Apply: func(q *bun.SelectQuery, value string) *bun.SelectQuery {
			id, _ := strconv.ParseInt(value, 10, 64) // Valid has checked it
			return q.Where("EXISTS (SELECT 1 FROM ? AS link WHERE link.? = "+owner+" AND link.? = ?)",
				bun.Ident(links.Table), bun.Ident(links.From), bun.Ident(links.To), id)
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
	for i := range m.filters {
		f := &m.filters[i]
		cached, err := memoized.get(ctx, "filter:"+m.Key()+":"+f.Param, func(ctx context.Context) (any, error) { return f.Choices(ctx, db) })
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

// filter is the declared filter with a parameter, or nil.
func (m *ModelAdmin[T]) filter(param string) *Filter {
	for i := range m.filters {
		if m.filters[i].Param == param {
			return &m.filters[i]
		}
	}
	return nil
}

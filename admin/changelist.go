package admin

import (
	"context"
	"net/http"
	"net/url"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/paging"
	"oclettings/app/web"
)

// Django's changelist sizes.
const (
	listPerPage    = 100
	listMaxShowAll = 200
)

// listColumn is a column of the changelist, resolved from its declared path.
type listColumn[T models.Entity] struct {
	path fieldPath
	sql  string // the expression it sorts by
}

// listPage is what the changelist template shows.
type listPage struct {
	Info       *modelInfo
	Headers    []header
	Rows       []listRow
	Count      int // rows matching the search and filters
	Total      int // rows of the model
	Filtered   bool
	Search     string
	SearchKeep []keptParam // the filters, kept when searching
	Filters    []filterView
	// ClearFiltersURL is "✖ Clear all filters", set when a filter is chosen.
	ClearFiltersURL string
	// FacetsURL shows or hides the filters' counts (Facets: they show).
	FacetsURL  string
	Facets     bool
	Dates      *dateBar
	Pages      []pageLink
	ShowAllURL string
	CanAdd     bool
	CanDelete  bool
	Actions    []actionChoice
	TotalURL   string
	// AcrossPages: the list has more rows than this page shows, so the
	// actions bar offers to select them all.
	AcrossPages bool
	// Formset is list_editable's management form; nil when the user edits nothing.
	Formset *formsetView
}

type listRow struct {
	ID    int64
	Repr  string
	URL   string // the change page, with the list's filters to come back to
	Cells []cell
	// Hidden are list_editable's inputs of the row (its id and version),
	// Errors what its save refused as a whole (a conflict).
	Hidden []keptParam
	Errors []string
}

// Span is how many columns the row has, its checkbox's included.
func (r listRow) Span() int { return len(r.Cells) + 1 }

type cell struct {
	Text string
	Bool *bool
	// Edit is the input of a list_editable column.
	Edit *fieldView
	// Current is the stored value where a conflict found it differs.
	Current string
}

// cells are a row's values, by the list's columns.
func (m *ModelAdmin[T]) cells(obj *T) []cell {
	cells := make([]cell, len(m.columns))
	for i, c := range m.columns {
		if c.path.isBool() {
			b := c.path.truth(obj)
			cells[i] = cell{Bool: &b}
		} else {
			cells[i] = cell{Text: c.path.text(obj, m.loc)}
		}
	}
	return cells
}

func (m *ModelAdmin[T]) changelist(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, accounts.View, accounts.Change) {
		return web.Status(http.StatusForbidden)
	}
	lq, err := m.listQueryOf(r)
	if err != nil {
		return err
	}
	result, err := m.result(r.Context(), s, lq)
	if err != nil {
		return err
	}
	if !result.exists {
		return web.Redirect(r.URL.Path + "?e=1")
	}
	return s.renderCached(w, r, "change_list", func(ctx context.Context) (page, error) {
		return m.listPage(ctx, s, r, lq, result, nil)
	})
}

// result reads the page of the list the query asks for, shared by every
// request for it while the content stays the same.
func (m *ModelAdmin[T]) result(ctx context.Context, s *Site, lq listQuery) (listResult[T], error) {
	// The total, the count and the rows come from one read transaction:
	// read apart, a change committed between them shows a count that
	// disagrees with the rows listed.
	found, err := s.memo.get(ctx, "list:"+m.Key()+"?"+lq.raw.Encode(), func(ctx context.Context) (any, error) {
		var res listResult[T]
		err := s.db.Snapshot(ctx, func(ctx context.Context, tx bun.Tx) error {
			var err error
			res, err = m.page(ctx, tx, lq, lq.filtered())
			return err
		})
		return res, err
	})
	if err != nil {
		return listResult[T]{}, err
	}
	return found.(listResult[T]), nil
}

// listPage builds the changelist page; edits, when a list_editable save
// failed, are the submitted rows to show again with their errors.
func (m *ModelAdmin[T]) listPage(ctx context.Context, s *Site, r *http.Request, lq listQuery, result listResult[T], edits *listEdits) (page, error) {
	filters, err := m.filterViews(ctx, s.db.Read, s.memo, lq)
	if err != nil {
		return page{}, err
	}
	dates, err := m.dateBar(ctx, s.db.Read, lq)
	if err != nil {
		return page{}, err
	}
	lp := listPage{
		Info:        &m.modelInfo,
		Headers:     m.headers(lq),
		Count:       result.page.Total,
		Total:       result.total,
		Filtered:    lq.filtered(),
		Search:      lq.search,
		SearchKeep:  keep(lq.raw, "q", "p", "e"),
		Filters:     filters,
		Facets:      lq.facets,
		Dates:       dates,
		CanAdd:      m.can(r, accounts.Add),
		CanDelete:   m.can(r, accounts.Delete),
		Actions:     m.actions(r),
		TotalURL:    "?",
		AcrossPages: result.page.Total > len(result.rows),
	}
	if len(lq.filters) > 0 {
		lp.ClearFiltersURL = m.clearFiltersURL(lq)
	}
	if len(m.filters) > 0 {
		if lq.facets {
			lp.FacetsURL = "?" + encodeWithout(lq.raw, facetsParam, "e")
		} else {
			lp.FacetsURL = "?" + withParam(lq.raw, facetsParam, "True", "e")
		}
	}
	changelistFilters := encodeWithout(lq.raw, "e")
	for i := range result.rows {
		obj := &result.rows[i]
		row := listRow{ID: pk(obj), Repr: repr(obj), URL: m.ObjectURL(pk(obj)), Cells: m.cells(obj)}
		if changelistFilters != "" {
			row.URL += "?" + url.Values{"_changelist_filters": {changelistFilters}}.Encode()
		}
		lp.Rows = append(lp.Rows, row)
	}
	if m.editing(r) && len(lp.Rows) > 0 {
		if lp.Formset, err = m.editRows(ctx, s.db.Read, r, result.rows, lp.Rows, edits); err != nil {
			return page{}, err
		}
	}
	if !result.showAll && result.page.Count() > 1 {
		lp.Pages = pageLinks(lq.raw, result.page.Number, result.page.Count())
		if result.page.Total <= listMaxShowAll {
			lp.ShowAllURL = "?" + withParam(lq.raw, "all", "", "p")
		}
	}
	verb := "change"
	if !m.can(r, accounts.Change) {
		verb = "view"
	}
	title := "Select " + m.Verbose + " to " + verb
	p := page{
		Title:       title,
		Heading:     title,
		BodyClass:   "change-list app-" + m.App + " model-" + m.Model,
		Breadcrumbs: s.crumbs(&m.modelInfo, false),
		Content:     lp,
	}
	if edits != nil && edits.invalid() {
		p.Title = "Error: " + title // as Django's title says a formset has errors
	}
	return p, nil
}

// listResult is one page of a list as the database gave it.
type listResult[T any] struct {
	rows    []T
	total   int         // rows in all
	page    paging.Page // its Total: the rows matching the search and filters
	showAll bool
	exists  bool // the page asked for exists
}

// page reads the rows of one page of the list, and how many match in all.
func (m *ModelAdmin[T]) page(ctx context.Context, db bun.IDB, lq listQuery, filtered bool) (listResult[T], error) {
	var res listResult[T]
	total, err := db.NewSelect().Model((*T)(nil)).Count(ctx)
	if err != nil {
		return res, err
	}
	res.total = int(total)
	count := res.total
	if filtered {
		n, err := m.listSelect(db, &res.rows, lq).Count(ctx)
		if err != nil {
			return res, err
		}
		count = int(n)
	}
	if res.page, res.exists = paging.Resolve(lq.page, count, listPerPage); !res.exists {
		return res, nil
	}
	res.showAll = lq.all && count <= listMaxShowAll
	q := m.listSelect(db, &res.rows, lq)
	for _, term := range m.orderBy(lq.order) {
		q = term.apply(q)
	}
	if !res.showAll {
		q = q.Limit(listPerPage).Offset(int64(res.page.Offset()))
	}
	return res, q.Scan(ctx)
}

// allRows reads every row of the list across its pages, in its order:
// what an action on the whole selection (select_across) works on.
func (m *ModelAdmin[T]) allRows(ctx context.Context, db bun.IDB, lq listQuery) ([]T, error) {
	var rows []T
	q := m.listSelect(db, &rows, lq)
	for _, term := range m.orderBy(lq.order) {
		q = term.apply(q)
	}
	return rows, q.Scan(ctx)
}

// listSelect selects the model's rows with their relations, narrowed by
// the filters, the dates and the search.
func (m *ModelAdmin[T]) listSelect(db bun.IDB, rows *[]T, lq listQuery) *bun.SelectQuery {
	return m.listSelectExcept(db, rows, lq, nil)
}

// listSelectExcept is listSelect without one filter: what a filter's
// facets count.
func (m *ModelAdmin[T]) listSelectExcept(db bun.IDB, rows *[]T, lq listQuery, except *Filter) *bun.SelectQuery {
	q := m.selectRows(db, rows)
	for param, value := range lq.filters {
		if f := m.filter(param); f != except {
			q = f.apply(q, param, value)
		}
	}
	q = m.whereDates(q, lq.dates)
	if lq.search != "" && len(m.search.Columns) > 0 {
		q = models.WhereSearch(q, lq.search, m.search)
	}
	return q
}

// selectRows selects the model's rows with the relations their names and
// the list's columns read.
func (m *ModelAdmin[T]) selectRows(db bun.IDB, rows *[]T) *bun.SelectQuery {
	q := db.NewSelect().Model(rows)
	for _, rel := range m.relations {
		q = q.Relation(rel)
	}
	return q
}

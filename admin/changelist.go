package admin

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

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
// The page's ids come first, from the indexes alone: in the order's index,
// joining only what the order reads, so a deep page skips index entries,
// not rows with their relations; a page past the middle is read from the
// far end, in reverse, so the last page skips nothing. Only the page's
// rows are then read whole.
func (m *ModelAdmin[T]) page(ctx context.Context, db bun.IDB, lq listQuery, filtered bool) (listResult[T], error) {
	var res listResult[T]
	total, err := db.NewSelect().Model((*T)(nil)).Count(ctx)
	if err != nil {
		return res, err
	}
	res.total = int(total)
	count := res.total
	if filtered {
		n, err := m.listIDs(db, lq, nil).Count(ctx)
		if err != nil {
			return res, err
		}
		count = int(n)
	}
	if res.page, res.exists = paging.Resolve(lq.page, count, listPerPage); !res.exists {
		return res, nil
	}
	res.showAll = lq.all && count <= listMaxShowAll
	if count == 0 {
		return res, nil
	}
	keys := m.sortKeys(lq.order)
	q := m.listIDs(db, lq, keys)
	if filtered && count <= res.total/4 {
		q, keys = m.matching(db, q, keys)
	}
	reverse := false
	if !res.showAll {
		offset := res.page.Offset()
		size := min(listPerPage, count-offset)
		if rest := count - offset - size; rest < offset {
			reverse, offset = true, rest
		}
		q = q.Limit(int64(size)).Offset(int64(offset))
	}
	for _, k := range keys {
		if reverse {
			k.sortTerm = k.reversed()
		}
		q = k.apply(q)
	}
	var ids []int64
	if err := q.Scan(ctx, &ids); err != nil {
		return res, err
	}
	if reverse {
		slices.Reverse(ids)
	}
	res.rows, err = m.rowsByID(ctx, db, ids)
	return res, err
}

// matching finds every row a narrowed list keeps, then sorts them, when
// they are few among the list's (a quarter at most): it reads no more
// rows than the count says match. Left to itself, a planner walks the
// order's index and tests each row, expecting a page's worth of matches
// soon; when the matches sort together far down the index (the lettings
// of one state, whose titles start with the names of its cities), that
// reads most of the table for the first page. PostgreSQL is made to find
// them first by a materialized CTE; SQLite's planner, without statistics,
// takes an index on the filtered column first already.
func (m *ModelAdmin[T]) matching(db bun.IDB, q *bun.SelectQuery, keys []sortKey) (*bun.SelectQuery, []sortKey) {
	gen := schema.NewQueryGen(db.Dialect())
	outer := make([]sortKey, len(keys))
	for i, k := range keys {
		name := "sort_" + strconv.Itoa(i)
		q = q.ColumnExpr(k.sql+" AS ?", bun.Ident(name))
		outer[i] = sortKey{sortTerm: sortTerm{sql: "matching." + string(gen.AppendIdent(nil, name)), desc: k.desc}}
	}
	pk := string(m.table.PKs[0].SQLName)
	return db.NewSelect().WithQuery(bun.NewWithQuery("matching", q).Materialized()).TableExpr("matching").ColumnExpr("matching." + pk), outer
}

// rowsByID reads the rows with ids and their relations, in the order of ids.
func (m *ModelAdmin[T]) rowsByID(ctx context.Context, db bun.IDB, ids []int64) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var found []T
	if err := m.selectRows(db, &found).Where(m.pkSQL()+" IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	rows := make([]T, len(ids))
	for i := range found {
		rows[at[pk(&found[i])]] = found[i]
	}
	return rows, nil
}

// listIDs selects the ids of the list's rows, narrowed as listSelect
// narrows them. It joins the relations the sort keys cross, with an inner
// join where no row can lack them (a left join would keep the database
// from reading the related table first, in its index's order); a narrowed
// list joins the others too, with left joins on their key. An unnarrowed
// one does not: PostgreSQL drops such a join that nothing reads, but still
// reads the foreign key from the table, not from the index alone.
func (m *ModelAdmin[T]) listIDs(db bun.IDB, lq listQuery, keys []sortKey) *bun.SelectQuery {
	q := db.NewSelect().Model((*T)(nil)).ColumnExpr(m.pkSQL())
	// The join each alias needs: inner along a required chain of
	// foreign keys the sort crosses, left otherwise.
	kinds := map[string]string{}
	for _, k := range keys {
		for i := range k.rels {
			alias := joinAlias(k.rels[:i+1])
			if k.required {
				kinds[alias] = "JOIN"
			} else if kinds[alias] == "" {
				kinds[alias] = "LEFT JOIN"
			}
		}
	}
	narrowed := lq.filtered()
	joined := map[string]bool{}
	for _, name := range m.relations {
		table, parent := m.table, m.table.Alias
		var chain []*schema.Relation
		for _, part := range strings.Split(name, ".") {
			rel := table.Relations[part]
			chain = append(chain, rel)
			alias := joinAlias(chain)
			kind := kinds[alias]
			if kind == "" && narrowed {
				kind = "LEFT JOIN"
			}
			if kind != "" && !joined[alias] {
				joined[alias] = true
				q = q.Join(kind+" ? AS ?", rel.JoinTable.SQLName, bun.Ident(alias))
				for i := range rel.JoinPKs {
					q = q.JoinOn("?.? = ?.?", bun.Ident(alias), rel.JoinPKs[i].SQLName, bun.Ident(parent), rel.BasePKs[i].SQLName)
				}
			}
			table, parent = rel.JoinTable, alias
		}
	}
	return m.narrow(q, lq, nil)
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
	return m.narrow(m.selectRows(db, rows), lq, except)
}

// narrow narrows a list's query by the filters but except, the dates and
// the search.
func (m *ModelAdmin[T]) narrow(q *bun.SelectQuery, lq listQuery, except *Filter) *bun.SelectQuery {
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

package admin

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"oclettings/app/models"
	"oclettings/app/web"
)

// Django's changelist sizes.
const (
	listPerPage    = 100
	listMaxShowAll = 200
)

// Parameters the changelist owns; any other is a filter or a mistake.
var listParamNames = []string{"o", "q", "p", "all", "e", "_popup"}

// listQuery is a changelist's query string, checked against the declaration.
type listQuery struct {
	raw     url.Values
	order   []orderTerm // from o; nil means the default ordering
	search  string
	filters map[string]string // declared filter parameter → value
	page    int
	all     bool
}

// orderTerm sorts by a column: its 1-based position in the list, descending or not.
type orderTerm struct {
	col  int
	desc bool
}

// errBadLookup is a filter on a relation the declaration does not offer.
var errBadLookup = web.Status(http.StatusBadRequest)

// parseListQuery reads the query string. ok is false when a parameter
// names nothing the list knows (Django then shows the list afresh, with
// ?e=1); a relational lookup that is not a declared filter is refused.
func (m *ModelAdmin[T]) parseListQuery(raw url.Values) (lq listQuery, ok bool, err error) {
	lq = listQuery{raw: raw, filters: map[string]string{}, page: 1, search: models.Search(raw.Get("q"))}
	if q, sent := raw["q"]; sent && (len(q) != 1 || q[0] != lq.search) {
		// The page's links, and its cache, carry what was searched for,
		// not the text that was cut down to it.
		lq.raw = url.Values{}
		for k, vs := range raw {
			lq.raw[k] = vs
		}
		lq.raw.Set("q", lq.search)
	}
	for key := range raw {
		switch {
		case slices.Contains(listParamNames, key):
		case m.filter(key) != nil:
			f := m.filter(key)
			v := raw.Get(key)
			if !f.valid(v) {
				return lq, false, nil
			}
			lq.filters[key] = v
		case m.isRelationalLookup(key):
			return lq, false, errBadLookup
		default:
			return lq, false, nil
		}
	}
	if p := raw.Get("p"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return lq, false, nil
		}
		lq.page = n
	}
	_, lq.all = raw["all"]
	lq.order = m.parseOrder(raw.Get("o"))
	return lq, true, nil
}

// parseOrder reads o ("2.-1"): sortable column positions, "-" for
// descending. Anything else in it is ignored, as Django does.
func (m *ModelAdmin[T]) parseOrder(o string) []orderTerm {
	if o == "" {
		return nil
	}
	var terms []orderTerm
	seen := map[int]bool{}
	for _, part := range strings.Split(o, ".") {
		desc := strings.HasPrefix(part, "-")
		n, err := strconv.Atoi(strings.TrimPrefix(part, "-"))
		if err != nil || n < 1 || n > len(m.Columns) || m.Columns[n-1].Sort == "" || seen[n] {
			continue
		}
		seen[n] = true
		terms = append(terms, orderTerm{col: n, desc: desc})
	}
	return terms
}

func (m *ModelAdmin[T]) filter(param string) *Filter {
	for i := range m.Filters {
		if m.Filters[i].Param == param {
			return &m.Filters[i]
		}
	}
	return nil
}

// isRelationalLookup says whether a parameter follows a relation
// ("address__street__exact"), which only declared filters may.
func (m *ModelAdmin[T]) isRelationalLookup(key string) bool {
	first, _, found := strings.Cut(key, "__")
	if !found {
		return false
	}
	for _, rel := range m.Relations {
		if strings.EqualFold(rel, first) {
			return true
		}
	}
	return slices.Contains(m.relationNames(), first)
}

// relationNames are the fields that lead to other rows, by form name.
func (m *ModelAdmin[T]) relationNames() []string {
	var names []string
	for _, f := range m.Fields {
		if f.Choices != nil {
			names = append(names, f.Name)
		}
	}
	return names
}

// orderBy is the SQL ordering of a list: the chosen columns, or the
// default, and the primary key last so that pages never overlap.
func (m *ModelAdmin[T]) orderBy(terms []orderTerm) []string {
	var exprs []string
	if len(terms) == 0 {
		for _, o := range m.Ordering {
			if expr, desc := strings.CutPrefix(o, "-"); desc {
				exprs = append(exprs, expr+" DESC")
			} else {
				exprs = append(exprs, o)
			}
		}
	}
	for _, t := range terms {
		expr := m.Columns[t.col-1].Sort
		if t.desc {
			expr += " DESC"
		}
		exprs = append(exprs, expr)
	}
	return append(exprs, m.Alias+".id DESC")
}

// listQueryBase selects the model's rows with their relations, narrowed by
// the filters and the search.
func (m *ModelAdmin[T]) listSelect(db bun.IDB, rows *[]T, lq listQuery) *bun.SelectQuery {
	q := db.NewSelect().Model(rows)
	for _, rel := range m.Relations {
		q = q.Relation(rel)
	}
	for param, value := range lq.filters {
		q = m.filter(param).Apply(q, value)
	}
	if lq.search != "" && len(m.Search) > 0 {
		q = models.WhereSearch(q, lq.search, m.Search...)
	}
	return q
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
	Pages      []pageLink
	ShowAllURL string
	CanAdd     bool
	CanDelete  bool
	Actions    []actionChoice
	TotalURL   string
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

type listRow struct {
	ID    int64
	Repr  string
	URL   string // the change page, with the list's filters to come back to
	Cells []cell
}

type cell struct {
	Text string
	Bool *bool
}

type keptParam struct{ Name, Value string }

type pageLink struct {
	Number  int // 0 is a gap ("…")
	URL     string
	Current bool
}

type actionChoice struct{ Name, Label string }

func (m *ModelAdmin[T]) changelist(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, "view", "change") {
		return web.Status(http.StatusForbidden)
	}
	lq, ok, err := m.parseListQuery(r.URL.Query())
	if err != nil {
		return err
	}
	if !ok {
		http.Redirect(w, r, r.URL.Path+"?e=1", http.StatusFound)
		return nil
	}
	ctx := r.Context()
	filtered := len(lq.filters) > 0 || lq.search != ""
	// The total, the count and the rows come from one read transaction:
	// read apart, a change committed between them shows a count that
	// disagrees with the rows listed.
	found, err := s.memo.get(ctx, "list:"+m.App+"."+m.Model+"?"+lq.raw.Encode(), func(ctx context.Context) (any, error) {
		var res listResult[T]
		err := s.db.Snapshot(ctx, func(ctx context.Context, tx bun.Tx) error {
			total, err := tx.NewSelect().Model((*T)(nil)).Count(ctx)
			if err != nil {
				return err
			}
			res, err = m.page(ctx, tx, lq, int(total), filtered)
			return err
		})
		return res, err
	})
	if err != nil {
		return err
	}
	result := found.(listResult[T])
	total := result.total
	if result.outOfRange {
		http.Redirect(w, r, r.URL.Path+"?e=1", http.StatusFound)
		return nil
	}
	rows, count, pages, showAll := result.rows, result.count, result.pages, result.showAll

	return s.renderCached(w, r, "change_list", func(ctx context.Context) (page, error) {
		filters, err := m.filterViews(ctx, s.db.Read, s.memo, lq)
		if err != nil {
			return page{}, err
		}
		lp := listPage{
			Info:       &m.modelInfo,
			Headers:    m.headers(lq),
			Count:      count,
			Total:      total,
			Filtered:   filtered,
			Search:     lq.search,
			SearchKeep: keep(lq.raw, "q", "p", "e"),
			Filters:    filters,
			CanAdd:     m.can(r, "add"),
			CanDelete:  m.can(r, "delete"),
			TotalURL:   "?",
		}
		changelistFilters := encodeWithout(lq.raw, "e")
		for i := range rows {
			obj := &rows[i]
			row := listRow{ID: m.ID(obj), Repr: m.String(obj)}
			row.URL = m.ObjectURL(row.ID)
			if changelistFilters != "" {
				row.URL += "?" + url.Values{"_changelist_filters": {changelistFilters}}.Encode()
			}
			for _, c := range m.Columns {
				if c.Bool != nil {
					b := c.Bool(obj)
					row.Cells = append(row.Cells, cell{Bool: &b})
				} else {
					row.Cells = append(row.Cells, cell{Text: c.Value(obj)})
				}
			}
			lp.Rows = append(lp.Rows, row)
		}
		if !showAll && pages > 1 {
			lp.Pages = pageLinks(lq.raw, lq.page, pages)
			if count <= listMaxShowAll {
				lp.ShowAllURL = "?" + withParam(lq.raw, "all", "", "p")
			}
		}
		lp.Actions = m.actions(r)

		verb := "change"
		if !m.can(r, "change") {
			verb = "view"
		}
		title := "Select " + m.Verbose + " to " + verb
		app, _ := s.registry.appOf(m.App)
		return page{
			Title:       title,
			Heading:     title,
			BodyClass:   "change-list app-" + m.App + " model-" + m.Model,
			Breadcrumbs: []crumb{{Label: "Home", URL: "/admin/"}, {Label: app.Name, URL: "/admin/" + m.App + "/"}, {Label: m.Name()}},
			Content:     lp,
		}, nil
	})
}

// listResult is one page of a list as the database gave it.
type listResult[T any] struct {
	rows       []T
	total      int // rows in all
	count      int // rows matching the search and filters
	pages      int
	showAll    bool
	outOfRange bool // the page asked for does not exist
}

// page reads the rows of one page of the list, and how many match in all.
func (m *ModelAdmin[T]) page(ctx context.Context, db bun.IDB, lq listQuery, total int, filtered bool) (listResult[T], error) {
	res := listResult[T]{total: total, count: total}
	if filtered {
		n, err := m.listSelect(db, &res.rows, lq).Count(ctx)
		if err != nil {
			return res, err
		}
		res.count = int(n)
	}
	res.pages = max(1, (res.count+listPerPage-1)/listPerPage)
	if lq.page > res.pages {
		res.outOfRange = true
		return res, nil
	}
	res.showAll = lq.all && res.count <= listMaxShowAll
	q := m.listSelect(db, &res.rows, lq)
	for _, expr := range m.orderBy(lq.order) {
		q = q.OrderExpr(expr)
	}
	if !res.showAll {
		q = q.Limit(listPerPage).Offset(int64((lq.page - 1) * listPerPage))
	}
	return res, q.Scan(ctx)
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
	var hs []header
	for i, c := range m.Columns {
		col := i + 1
		h := header{Label: c.Label, Sortable: c.Sort != "", Class: "column-" + strconv.Itoa(col)}
		if !h.Sortable {
			hs = append(hs, h)
			continue
		}
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
	for _, o := range m.Ordering {
		expr, desc := strings.CutPrefix(o, "-")
		for i, c := range m.Columns {
			if c.Sort == expr {
				terms = append(terms, orderTerm{col: i + 1, desc: desc})
			}
		}
	}
	return terms
}

// pageLinks numbers the pages as Django does: all of them when few, else
// the two at each end and three each side of the current one.
func pageLinks(raw url.Values, current, pages int) []pageLink {
	var links []pageLink
	add := func(n int) {
		links = append(links, pageLink{Number: n, URL: "?" + withParam(raw, "p", strconv.Itoa(n), "e", "all"), Current: n == current})
	}
	if pages <= 10 {
		for n := 1; n <= pages; n++ {
			add(n)
		}
		return links
	}
	for n := 1; n <= pages; n++ {
		near := n <= 2 || n > pages-2 || (n >= current-3 && n <= current+3)
		switch {
		case near:
			add(n)
		case len(links) > 0 && links[len(links)-1].Number != 0:
			links = append(links, pageLink{})
		}
	}
	return links
}

// withParam returns raw with key set to value (empty value: present, as
// "all="), without the listed keys, encoded.
func withParam(raw url.Values, key, value string, drop ...string) string {
	v := url.Values{}
	for k, vs := range raw {
		if k != key && !slices.Contains(drop, k) {
			v[k] = vs
		}
	}
	v.Set(key, value)
	return v.Encode()
}

// encodeWithout encodes raw without the listed keys.
func encodeWithout(raw url.Values, drop ...string) string {
	v := url.Values{}
	for k, vs := range raw {
		if !slices.Contains(drop, k) {
			v[k] = vs
		}
	}
	return v.Encode()
}

// keep lists raw's parameters but the dropped ones, for hidden inputs.
func keep(raw url.Values, drop ...string) []keptParam {
	var kept []keptParam
	for k, vs := range raw {
		if slices.Contains(drop, k) {
			continue
		}
		for _, v := range vs {
			kept = append(kept, keptParam{k, v})
		}
	}
	slices.SortFunc(kept, func(a, b keptParam) int { return strings.Compare(a.Name, b.Name) })
	return kept
}

// selectedRows loads the rows an action was asked to work on.
func (m *ModelAdmin[T]) selectedRows(ctx context.Context, db bun.IDB, raw []string) ([]T, error) {
	var ids []int64
	for _, s := range raw {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	var rows []T
	if len(ids) == 0 {
		return rows, nil
	}
	q := db.NewSelect().Model(&rows)
	for _, rel := range m.Relations {
		q = q.Relation(rel)
	}
	err := q.Where(m.Alias+".id IN (?)", bun.List(ids)).OrderExpr(strings.Join(m.orderBy(nil), ", ")).Scan(ctx)
	return rows, err
}

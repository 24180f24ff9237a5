package admin

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"oclettings/app/models"
	"oclettings/app/web"
)

// Parameters the changelist owns; any other is a filter or a mistake.
// _facets is Django 5's switch of the filters' counts; _popup and _to_field
// are the popup's, which Django's changelist ignores (IGNORED_PARAMS).
var listParamNames = []string{"o", "q", "p", "all", "e", facetsParam, "_popup", "_to_field"}

const facetsParam = "_facets"

// listQuery is a changelist's query string, checked against the declaration.
type listQuery struct {
	raw     url.Values
	order   []orderTerm // from o; nil means the default ordering
	search  string
	filters map[string]string // declared filter parameter → value
	page    string            // p as sent, for paging.Resolve once the count is known
	all     bool
	facets  bool     // the filters show their counts
	dates   dateSpan // the date hierarchy's choice, if chosen
}

// orderTerm sorts by a column: its 1-based position in the list, descending or not.
type orderTerm struct {
	col  int
	desc bool
}

// errBadLookup is a filter on a relation the declaration does not offer.
var errBadLookup = web.Status(http.StatusBadRequest)

// listQueryOf reads the request's list parameters. A parameter the list
// does not know sends the list afresh with ?e=1, as Django does.
func (m *ModelAdmin[T]) listQueryOf(r *http.Request) (listQuery, error) {
	lq, ok, err := m.parseListQuery(r.URL.Query())
	if err == nil && !ok {
		err = web.Redirect(r.URL.Path + "?e=1")
	}
	return lq, err
}

// parseListQuery reads the query string. ok is false when a parameter
// names nothing the list knows (Django then shows the list afresh, with
// ?e=1); a relational lookup that is not a declared filter is refused.
func (m *ModelAdmin[T]) parseListQuery(raw url.Values) (lq listQuery, ok bool, err error) {
	lq = listQuery{raw: raw, filters: map[string]string{}, search: models.Search(raw.Get("q")), page: raw.Get("p")}
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
		case m.isDateParam(key):
		case m.filter(key) != nil:
			v := raw.Get(key)
			if !m.filter(key).valid(key, v) {
				return lq, false, nil
			}
			lq.filters[key] = v
		case m.isRelationalLookup(key):
			return lq, false, errBadLookup
		default:
			return lq, false, nil
		}
	}
	_, lq.all = raw["all"]
	_, lq.facets = raw[facetsParam]
	if lq.dates, ok = m.parseDates(raw); !ok {
		return lq, false, nil
	}
	lq.order = m.parseOrder(raw.Get("o"))
	return lq, true, nil
}

// filtered says whether the list is narrowed: by a filter, the dates or
// the search.
func (lq *listQuery) filtered() bool {
	return len(lq.filters) > 0 || lq.search != "" || lq.dates.chosen
}

// clearFiltersURL is Django's "Clear all filters": the list without its
// filters and dates, its search, sorting and facets kept.
func (m *ModelAdmin[T]) clearFiltersURL(lq listQuery) string {
	drop := []string{"p", "e"}
	for param := range lq.filters {
		drop = append(drop, param)
	}
	for key := range lq.raw {
		if m.isDateParam(key) {
			drop = append(drop, key)
		}
	}
	return "?" + encodeWithout(lq.raw, drop...)
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
		if err != nil || n < 1 || n > len(m.columns) || seen[n] {
			continue
		}
		seen[n] = true
		terms = append(terms, orderTerm{col: n, desc: desc})
	}
	return terms
}

// isRelationalLookup says whether a parameter follows a relation
// ("address__street__exact"), which only declared filters may.
func (m *ModelAdmin[T]) isRelationalLookup(key string) bool {
	first, _, found := strings.Cut(key, "__")
	if !found {
		return false
	}
	if relationNamed(m.table, first) != nil {
		return true
	}
	return slices.ContainsFunc(m.Fields, func(f Field[T]) bool { return f.Name == first && (f.Related != "" || f.Links != nil) })
}

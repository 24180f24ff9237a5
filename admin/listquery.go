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
var listParamNames = []string{"o", "q", "p", "all", "e"}

// listQuery is a changelist's query string, checked against the declaration.
type listQuery struct {
	raw     url.Values
	order   []orderTerm // from o; nil means the default ordering
	search  string
	filters map[string]string // declared filter parameter → value
	page    string            // p as sent, for paging.Resolve once the count is known
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
		case m.filter(key) != nil:
			v := raw.Get(key)
			if !m.filter(key).valid(v) {
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

package admin

// Django's autocomplete_fields: a foreign key or a many-to-many field whose
// form must never list every row of a large table. The form ships only the
// chosen objects (their ids in a text input, comma-separated for a
// many-to-many field, their names beside it, as Django's raw_id_fields
// show them), and static/js/autocomplete.js turns that into a combobox that
// asks /admin/autocomplete/ for the target model's rows as the user types,
// with the target's own search and ordering (Django's AutocompleteJsonView).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/web"
)

// AutocompleteSelect is the widget of a foreign key named in Autocomplete,
// AutocompleteSelectMultiple that of a many-to-many field.
const (
	AutocompleteSelect         Widget = "autocomplete"
	AutocompleteSelectMultiple Widget = "autocompletemultiple"
)

// autocompletePerPage is Django's AutocompleteJsonView.paginate_by.
const autocompletePerPage = 20

// autocompleteRoute is Django's admin:autocomplete.
const autocompleteRoute = "/autocomplete/"

// autocompleteTarget is a model an Autocomplete field searches.
type autocompleteTarget interface {
	registered
	searchable() bool
	autocompletePage(ctx context.Context, db *database.DB, term string, page pageNumber) (autocompleteAnswer, bool, error)
	named(ctx context.Context, db bun.IDB, ids []int64) ([]choice, error)
}

// autocompleteSource is a model whose form may have Autocomplete fields.
type autocompleteSource interface {
	autocompleteField(name string) (autocompleteTarget, bool)
}

func (m *ModelAdmin[T]) autocompleteField(name string) (autocompleteTarget, bool) {
	t, ok := m.autocomplete[name]
	return t, ok
}

func (m *ModelAdmin[T]) searchable() bool { return len(m.search.Columns) > 0 }

// bindAutocomplete checks Autocomplete as Django's admin.E037–E040 do and
// makes each named field of the forms an AutocompleteSelect (a foreign key)
// or AutocompleteSelectMultiple (a many-to-many field): no choices (the
// form loads only the chosen objects, autocompleteChoices), and their text
// for read-only forms and the history from the chosen objects alone. It
// runs after the forms' fields are bound.
func (m *ModelAdmin[T]) bindAutocomplete(reg *Registry) []Problem {
	var problems []Problem
	m.autocomplete = map[string]autocompleteTarget{}
	for i, name := range m.Autocomplete {
		option := fmt.Sprintf("Autocomplete[%d] %q", i, name)
		bad := func(format string, args ...any) {
			problems = append(problems, Problem{m.Key(), option, fmt.Sprintf(format, args...)})
		}
		if slices.Contains(m.FilterHorizontal, name) {
			// Django lets autocomplete_fields win silently; one widget per
			// field, named once, leaves no doubt which one staff get.
			bad("%s is also named in FilterHorizontal: a field has one widget, so name it in only one of the two", name)
			continue
		}
		if links := linksNamed(m.Fields, name); links != nil {
			target, ok := m.autocompleteTarget(reg, links.Related, name, bad)
			if !ok {
				continue
			}
			m.autocomplete[name] = target
			for _, set := range [][]Field[T]{m.Fields, m.AddFields} {
				for j := range set {
					if f := &set[j]; f.Name == name {
						f.Widget, f.Choices = AutocompleteSelectMultiple, nil
					}
				}
			}
			continue
		}
		rule, ok := (*new(T)).Fields().Lookup(name)
		if !ok {
			bad("refers to %q, which is not a field of %s (admin.E037)", name, m.Key())
			continue
		}
		rel := relationNamed(m.table, name)
		if rule.Kind != models.Ref || rel == nil {
			bad("%s must be a foreign key or a many-to-many field (admin.E038)", name)
			continue
		}
		related := ""
		if found, ok := reg.byTable(rel.JoinTable.Name); ok {
			related = found.info().Key()
		}
		target, ok := m.autocompleteTarget(reg, related, name, bad)
		if !ok {
			continue
		}
		m.autocomplete[name] = target
		show := relatedName[T](rel.Field.Index)
		for _, set := range [][]Field[T]{m.Fields, m.AddFields} {
			for j := range set {
				if f := &set[j]; f.Name == name {
					f.Widget, f.Choices, f.Show = AutocompleteSelect, nil, show
				}
			}
		}
	}
	return problems
}

// autocompleteTarget is the registered model (related, "" when none) the
// field name relates to, when it can be searched (admin.E039 and E040).
func (m *ModelAdmin[T]) autocompleteTarget(reg *Registry, related, name string, bad func(string, ...any)) (autocompleteTarget, bool) {
	found, ok := reg.registeredModel(related)
	target, searches := found.(autocompleteTarget)
	if related == "" || !ok || !searches {
		bad("an admin for the model %s relates to has to be registered to be referenced by %s's Autocomplete (admin.E039)",
			name, m.Key())
		return nil, false
	}
	if len(declaredSearch(found)) == 0 {
		bad("%s must declare Search, because it is referenced by %s's Autocomplete (admin.E040)", target.info().Key(), m.Key())
		return nil, false
	}
	return target, true
}

// declaredSearch is a registered model's Search as declared.
func declaredSearch(m registered) []string {
	if d, ok := m.(interface{ declaredSearch() []string }); ok {
		return d.declaredSearch()
	}
	return nil
}

func (m *ModelAdmin[T]) declaredSearch() []string { return m.Search }

// linksNamed is the form's many-to-many field name, or nil.
func linksNamed[T models.Entity](fields []Field[T], name string) *Field[T] {
	for i := range fields {
		if f := &fields[i]; f.Name == name && f.Links != nil {
			return f
		}
	}
	return nil
}

// relatedName is the name of the object a foreign key's bun relation (the
// struct field at index) holds: every Get loads it, so read-only forms and
// the history name it without a query.
func relatedName[T models.Entity](index []int) func(obj *T) string {
	return func(obj *T) string {
		v := reflect.ValueOf(obj).Elem().FieldByIndex(index)
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return ""
		}
		if s, ok := v.Interface().(fmt.Stringer); ok {
			return s.String()
		}
		return ""
	}
}

// autocompleteChoices are an AutocompleteSelect's choices, as Django's
// AutocompleteSelect renders them: only the objects among values (the
// form's ids), never the table's other rows. An id that names nothing has
// no choice, so the form shows no name for it.
func (m *ModelAdmin[T]) autocompleteChoices(ctx context.Context, db bun.IDB, f *Field[T], values []string) ([]choice, error) {
	target, ok := m.autocomplete[f.Name]
	if !ok {
		return nil, fmt.Errorf("admin: %s is no Autocomplete field of %s", f.Name, m.Key())
	}
	var ids []int64
	for _, value := range values {
		if id, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	selected, err := target.named(ctx, db, ids)
	for i := range selected {
		selected[i].Selected = true
	}
	return selected, err
}

// autocompleteIDs are the ids a many-to-many AutocompleteSelectMultiple
// sent: comma-separated in the text input without JavaScript (Django's
// ManyToManyRawIdWidget), one hidden input each with it, or both. Spaces
// around an id and empty places between commas are no ids.
func autocompleteIDs(values []string) []string {
	var out []string
	for _, v := range values {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

// IDList is a many-to-many autocomplete's ids as its text input holds them.
func (f fieldView) IDList() string { return strings.Join(f.Values, ",") }

// checkAutocompleteIDs refuses, as Django's ModelMultipleChoiceField does,
// the first of values that is no id ("“x” is not a valid value.") or names
// no object of the target ("Select a valid choice. 7 is not one of the
// available choices."), looking up only the ids sent.
func (m *ModelAdmin[T]) checkAutocompleteIDs(ctx context.Context, db bun.IDB, f *Field[T], values []string, errs models.FieldErrors) error {
	ids := make([]int64, 0, len(values))
	for _, v := range values {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs.Add(f.Name, "“"+v+"” is not a valid value.")
			return nil
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := m.autocomplete[f.Name].named(ctx, db, ids)
	if err != nil {
		return err
	}
	for i, v := range values {
		if !slices.ContainsFunc(found, func(c choice) bool { return c.Value == idString(ids[i]) }) {
			errs.Add(f.Name, fmt.Sprintf(msgBadChoiceOf, v))
			return nil
		}
	}
	return nil
}

// autocompleteText names a many-to-many autocomplete's chosen objects, for
// read-only forms and the history, from those objects alone.
func (m *ModelAdmin[T]) autocompleteText(ctx context.Context, db bun.IDB, f *Field[T], values []string) (string, error) {
	chosen, err := m.autocompleteChoices(ctx, db, f, values)
	labels := make([]string, len(chosen))
	for i, c := range chosen {
		labels[i] = c.Label
	}
	return strings.Join(labels, ", "), err
}

// named are the model's objects with the ids, in its list's order.
func (m *ModelAdmin[T]) named(ctx context.Context, db bun.IDB, ids []int64) ([]choice, error) {
	var rows []T
	pkColumn := bun.Safe(string(m.table.SQLAlias) + "." + string(m.table.PKs[0].SQLName))
	err := m.ordered(ctx, m.selectRows(db, &rows).Where("? IN (?)", pkColumn, bun.List(ids)))
	out := make([]choice, len(rows))
	for i := range rows {
		out[i] = choice{Value: idString(pk(&rows[i])), Label: repr(&rows[i])}
	}
	return out, err
}

// autocompleteAnswer is Django's JSON answer to the widget.
type autocompleteAnswer struct {
	Results    []autocompleteResult `json:"results"`
	Pagination struct {
		More bool `json:"more"`
	} `json:"pagination"`
}

type autocompleteResult struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// pageNumber is a page parameter as Django's paginator reads it: a number,
// or "last".
type pageNumber struct {
	n    int64
	last bool
}

// parsePage reads page as Django's ListView does: absent or empty is the
// first page, "last" the last, otherwise what Python's int() accepts
// (spaces around, a sign, underscores between digits). ok is false for
// anything else, which Django answers with a 404.
func parsePage(raw string) (pageNumber, bool) {
	if raw == "" {
		return pageNumber{n: 1}, true
	}
	if raw == "last" {
		return pageNumber{last: true}, true
	}
	s := strings.TrimFunc(raw, unicode.IsSpace)
	sign := ""
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign, s = s[:1], s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return pageNumber{}, false
	}
	digits := strings.ReplaceAll(s, "_", "")
	for _, c := range digits {
		if c < '0' || c > '9' {
			return pageNumber{}, false
		}
	}
	n, err := strconv.ParseInt(sign+digits, 10, 64)
	if err != nil {
		// Past int64 either way: a page that cannot exist.
		return pageNumber{n: -1}, true
	}
	return pageNumber{n: n}, true
}

// autocompletePage is one page of the model's objects matching term, with
// the changelist's search and the model's ordering; ok is false when the
// page does not exist (Django's paginator: past the last page, or below 1;
// the first page always exists).
func (m *ModelAdmin[T]) autocompletePage(ctx context.Context, db *database.DB, term string, page pageNumber) (autocompleteAnswer, bool, error) {
	answer := autocompleteAnswer{Results: []autocompleteResult{}}
	lq := listQuery{search: models.Search(term)}
	var rows []T
	found := false
	err := db.Snapshot(ctx, func(ctx context.Context, tx bun.Tx) error {
		count, err := m.listSelect(tx, &rows, lq).Count(ctx)
		if err != nil {
			return err
		}
		pages := max(1, (int64(count)+autocompletePerPage-1)/autocompletePerPage)
		n := page.n
		if page.last {
			n = pages
		}
		if n < 1 || n > pages {
			return nil
		}
		found = true
		answer.Pagination.More = n < pages
		q := m.listSelect(tx, &rows, lq)
		for _, term := range m.orderBy(nil) {
			q = term.apply(q)
		}
		return q.Limit(autocompletePerPage).Offset((n - 1) * autocompletePerPage).Scan(ctx)
	})
	if err != nil || !found {
		return answer, false, err
	}
	for i := range rows {
		answer.Results = append(answer.Results, autocompleteResult{ID: idString(pk(&rows[i])), Text: repr(&rows[i])})
	}
	return answer, true, nil
}

// autocomplete answers the widget's search (GET /admin/autocomplete/) as
// Django's AutocompleteJsonView: staff only (the router's guard); a source
// model, field or target that is not an Autocomplete declaration is
// PermissionDenied (ours also refuses a relation not declared in
// Autocomplete, which Django serves to any foreign key); the user must be
// able to view or change the target; a page the paginator does not have is
// a 404.
func (s *Site) autocomplete(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if !web.ValidValues(q) {
		return web.Status(http.StatusBadRequest)
	}
	for _, param := range []string{"app_label", "model_name", "field_name"} {
		if !q.Has(param) {
			return web.Status(http.StatusForbidden)
		}
	}
	source, ok := s.registry.registeredModel(q.Get("app_label") + "." + q.Get("model_name"))
	if !ok || source.info().App != q.Get("app_label") {
		return web.Status(http.StatusForbidden)
	}
	from, ok := source.(autocompleteSource)
	if !ok {
		return web.Status(http.StatusForbidden)
	}
	target, ok := from.autocompleteField(q.Get("field_name"))
	if !ok {
		return web.Status(http.StatusForbidden)
	}
	if !target.searchable() {
		// Django: "… must have search_fields for the autocomplete_view."
		// The system checks keep such a declaration from starting.
		return web.Status(http.StatusNotFound)
	}
	info := target.info()
	if !permissions(r).HasAny(info.perm(accounts.View), info.perm(accounts.Change)) {
		return web.Status(http.StatusForbidden)
	}
	page, ok := parsePage(q.Get("page"))
	if !ok {
		return web.Status(http.StatusNotFound)
	}
	answer, ok, err := target.autocompletePage(r.Context(), s.db, q.Get("term"), page)
	if err != nil {
		return err
	}
	if !ok {
		return web.Status(http.StatusNotFound)
	}
	body, err := json.Marshal(answer)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(body)
	return err
}

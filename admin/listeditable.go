package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/web"
)

// Django's list_editable: columns of the changelist edited in place, as a
// formset with Django's names (form-TOTAL_FORMS, form-0-id, form-0-title,
// …), saved together in one transaction through the same steps as the
// change form: the model's validation, the history, the conflict check.

// formsetPrefix is Django's default prefix of a model formset.
const formsetPrefix = "form"

// maxFormsetRows bounds the rows one save takes, as Django's formsets do
// (max_num's default, 1000).
const maxFormsetRows = 1000

// editColumn is a ListEditable column: its place in List and its form field.
type editColumn struct {
	col   int // index into the list's columns
	field int // index into Fields
}

// formsetView is the formset's management form.
type formsetView struct {
	Total, Initial int
	// Errors counts the page's errors, for "Please correct the error(s) below."
	Errors int
	// NonForm are the errors of the formset as a whole, shown above the
	// list (Django's non_form_errors): a broken management form, a row
	// that is no longer there to show its own.
	NonForm []string
}

// listEdits are the rows a save was given, by id: what was submitted and
// what was wrong with it.
type listEdits struct {
	rows  map[int64]*rowEdit
	order []int64 // the ids, in the formset's order
	// nonForm are the formset's own errors (its management form).
	nonForm []string
}

type rowEdit struct {
	input    url.Values // the row's values, by field name
	errors   models.FieldErrors
	refused  []string          // errors of the whole row (a conflict)
	current  map[string]string // after a conflict, the stored text where it differs
	conflict bool
	// gone: no such row (deleted since the page was shown, or never on
	// it); the page has no row to show the error in.
	gone bool
}

func (e *listEdits) invalid() bool {
	if len(e.nonForm) > 0 {
		return true
	}
	for _, row := range e.rows {
		if len(row.errors) > 0 || len(row.refused) > 0 || row.gone {
			return true
		}
	}
	return false
}

// editing says whether the user edits the list in place: list_editable
// is declared and they may change the model (view-only users see text).
func (m *ModelAdmin[T]) editing(r *http.Request) bool {
	return len(m.editable) > 0 && m.can(r, accounts.Change)
}

// editFields are the form fields of the ListEditable columns.
func (m *ModelAdmin[T]) editFields() []Field[T] {
	fields := make([]Field[T], len(m.editable))
	for i, e := range m.editable {
		fields[i] = m.Fields[e.field]
	}
	return fields
}

// bindChangelistOptions resolves ListEditable and DateHierarchy, with
// Django's system checks: a list_editable field must be a column of the
// list (admin.E122), not the first, which links to the change page
// (admin.E124, E123), and a field the form edits (admin.E125); the
// date_hierarchy a moment of the model (admin.E127, E128).
func (m *ModelAdmin[T]) bindChangelistOptions() []Problem {
	var problems []Problem
	bad := func(option, text string) { problems = append(problems, Problem{m.Key(), option, text}) }
	m.editable = nil
	for i, name := range m.ListEditable {
		option := fmt.Sprintf("ListEditable[%d]", i)
		col := slices.Index(m.List, name)
		switch {
		case col < 0:
			bad(option, fmt.Sprintf("%q is not a column of List", name))
			continue
		case col == 0:
			bad(option, fmt.Sprintf("%q is the first column of List, which links to the change page and cannot be edited in place", name))
			continue
		}
		field := slices.IndexFunc(m.Fields, func(f Field[T]) bool { return f.Name == name })
		if field < 0 || m.Fields[field].Set == nil || m.Fields[field].Links != nil || m.Fields[field].Widget == Display ||
			m.Fields[field].Widget == Password || m.Fields[field].Widget == MultiSelect {
			bad(option, fmt.Sprintf("%q is not a field the change form edits", name))
			continue
		}
		if slices.ContainsFunc(m.editable, func(e editColumn) bool { return e.col == col }) {
			bad(option, fmt.Sprintf("%q is listed twice", name))
			continue
		}
		m.editable = append(m.editable, editColumn{col: col, field: field})
	}
	slices.SortFunc(m.editable, func(a, b editColumn) int { return a.col - b.col })
	m.dateHierarchy = fieldPath{}
	if m.DateHierarchy != "" {
		p, err := resolvePath(m.table, m.DateHierarchy)
		switch {
		case err != nil:
			bad("DateHierarchy", err.Error())
		case !p.isTime():
			bad("DateHierarchy", fmt.Sprintf("%q is not a date or a moment", m.DateHierarchy))
		case len(p.rels) > 0:
			bad("DateHierarchy", fmt.Sprintf("%q follows a relation: name a field of the model", m.DateHierarchy))
		default:
			m.dateHierarchy = p
		}
	}
	return problems
}

// rowField is the name of a row's field in the formset: "form-0-title".
func rowField(i int, name string) string { return formsetPrefix + "-" + strconv.Itoa(i) + "-" + name }

// editRows puts the inputs of the ListEditable columns into the page's
// rows the user may change, with each row's id and version, and the
// submitted values and errors of a failed save. A row the user may not
// change (EditableBy) stays text, outside the formset, as a view-only
// user sees it. It returns nil when the page has nothing to edit and no
// error to show.
func (m *ModelAdmin[T]) editRows(ctx context.Context, db bun.IDB, r *http.Request, objs []T, rows []listRow, edits *listEdits) (*formsetView, error) {
	fields := m.editFields()
	up := editorOf(r)
	after, err := newestLogEntry(ctx, db)
	if err != nil {
		return nil, err
	}
	fs := &formsetView{}
	if edits != nil {
		fs.NonForm = append(fs.NonForm, edits.nonForm...)
		for _, id := range edits.order {
			if edits.rows[id].gone {
				fs.NonForm = append(fs.NonForm, m.goneMessage(idString(id)))
			}
		}
		fs.Errors += len(fs.NonForm)
	}
	for k := range rows {
		obj := &objs[k]
		row := &rows[k]
		if !m.mayEdit(r, obj) || !slices.ContainsFunc(fields, func(f Field[T]) bool { return f.editable(up) }) {
			continue
		}
		i := fs.Total
		fs.Total++
		stored, err := m.storedValues(ctx, db, obj, fields)
		if err != nil {
			return nil, err
		}
		var edit *rowEdit
		if edits != nil {
			edit = edits.rows[row.ID]
		}
		row.Hidden = []keptParam{
			{rowField(i, "id"), idString(row.ID)},
			{rowField(i, versionField), strconv.FormatInt(after, 10) + "." + m.rowVersion(row.ID, stored, fields)},
		}
		if edit != nil {
			row.Errors = edit.refused
			if len(edit.refused) > 0 {
				fs.Errors++ // a conflict, with its list of changes, is one error
			}
		}
		for j, e := range m.editable {
			f := &fields[j]
			values := stored[f.Name]
			if edit != nil {
				values = edit.input[f.Name]
			}
			view := &fieldView{Name: rowField(i, f.Name), Label: f.Label, Widget: f.Widget, Required: f.Required,
				MaxLength: f.MaxLength, Values: values}
			if !f.editable(up) {
				continue // shown as text, as to a view-only user
			}
			if f.Choices != nil {
				choices, err := f.Choices(ctx, db)
				if err != nil {
					return nil, err
				}
				for _, c := range choices {
					c.Selected = slices.Contains(values, c.Value)
					view.Choices = append(view.Choices, c)
				}
			}
			if edit != nil {
				view.Errors = edit.errors[f.Name]
				fs.Errors += len(view.Errors)
				if text, ok := edit.current[f.Name]; ok {
					view.Conflict, view.Current = true, text
					row.Cells[e.col].Current = text
				}
			}
			row.Cells[e.col].Edit = view
		}
	}
	fs.Initial = fs.Total
	if fs.Total == 0 && len(fs.NonForm) == 0 {
		return nil, nil
	}
	return fs, nil
}

// newestLogEntry is the id of the newest log entry of all: a row's version
// carries it, so that a conflict lists the changes made after the page.
func newestLogEntry(ctx context.Context, db bun.IDB) (int64, error) {
	var id int64
	err := db.NewSelect().Model((*models.LogEntry)(nil)).ColumnExpr("COALESCE(MAX(log.id), 0)").Scan(ctx, &id)
	return id, err
}

// rowVersion digests a row's stored values of the edited fields, with the
// model and id, as the change form's version does for all its fields: a
// change to a column the list does not edit is no conflict.
func (m *ModelAdmin[T]) rowVersion(id int64, stored map[string][]string, fields []Field[T]) string {
	h := sha256.New()
	word := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	word(m.App)
	word(m.Model)
	word(idString(id))
	for i := range fields {
		word(fields[i].Name)
		word(strconv.Itoa(len(stored[fields[i].Name])))
		for _, v := range stored[fields[i].Name] {
			word(v)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// errListBroken is a formset whose row ids are not what a page sends (an
// id twice, or no number), or with more rows than a formset takes.
var errListBroken = web.Status(http.StatusBadRequest)

// saveList saves the changelist's edited rows in one transaction: every
// changed row is applied, validated by the model and logged, or, when any
// row is invalid or changed by someone else since the page was shown,
// nothing is saved and the page shows each row's errors.
func (m *ModelAdmin[T]) saveList(s *Site, w http.ResponseWriter, r *http.Request, input url.Values) error {
	if !m.can(r, accounts.Change) {
		return web.Status(http.StatusForbidden)
	}
	lq, err := m.listQueryOf(r)
	if err != nil {
		return err
	}
	edits := &listEdits{rows: map[int64]*rowEdit{}}
	total, _, problem := managementForm(input, formsetPrefix)
	if problem != "" {
		// Nothing can be read of the rows: the page is shown afresh with
		// the formset's error, as Django shows it (200, not 400).
		edits.nonForm = []string{problem}
		return m.showListErrors(s, w, r, lq, edits)
	}
	if total > maxFormsetRows {
		return errListBroken
	}
	fields := m.editFields()
	up := editorOf(r)
	ids := make([]int64, total)
	for i := range total {
		id, err := strconv.ParseInt(input.Get(rowField(i, "id")), 10, 64)
		if err != nil || id < 1 || edits.rows[id] != nil {
			return errListBroken
		}
		ids[i] = id
		edits.order = append(edits.order, id)
		edit := &rowEdit{input: url.Values{}}
		for _, f := range fields {
			edit.input[f.Name] = input[rowField(i, f.Name)]
		}
		edits.rows[id] = edit
	}
	changed := 0
	ctx := r.Context()
	err = s.db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i, id := range ids {
			edit := edits.rows[id]
			saved, err := m.saveRow(ctx, tx, s, r, up, fields, id, edit, input[rowField(i, versionField)])
			if err != nil {
				return err
			}
			if saved {
				changed++
			}
		}
		if edits.invalid() {
			return errNotSaved
		}
		return nil
	})
	switch {
	case errors.Is(err, errNotSaved):
		return m.showListErrors(s, w, r, lq, edits)
	case err != nil:
		return err
	}
	if changed > 0 {
		noun, verb := m.Verbose, "was"
		if changed != 1 {
			noun, verb = m.VerbosePlural, "were"
		}
		s.addMessage(r, "success", escape(strconv.Itoa(changed)+" "+noun+" "+verb+" changed successfully."))
	}
	return web.Redirect(r.URL.RequestURI())
}

// showListErrors shows the changelist again after a save that failed,
// with what was submitted and what was wrong with it.
func (m *ModelAdmin[T]) showListErrors(s *Site, w http.ResponseWriter, r *http.Request, lq listQuery, edits *listEdits) error {
	result, err := m.result(r.Context(), s, lq)
	if err != nil {
		return err
	}
	p, err := m.listPage(r.Context(), s, r, lq, result, edits)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "change_list", p)
}

// saveRow saves one row of the formset when its values differ from the
// stored ones, as the change form saves an object: the row locked and read
// afresh, its version compared, the values applied, the model's validation
// and storage, the history with old and new values. Problems with the row
// go into edit; saved says whether it was written.
func (m *ModelAdmin[T]) saveRow(ctx context.Context, tx bun.Tx, s *Site, r *http.Request, up editor, fields []Field[T], id int64, edit *rowEdit, version []string) (bool, error) {
	if err := models.LockRow(ctx, tx, (*T)(nil), id); err != nil && !isNotFound(err) {
		return false, err
	}
	obj, err := m.Get(ctx, tx, id)
	if isNotFound(err) {
		edit.gone = true
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !m.mayEdit(r, obj) {
		return false, web.Status(http.StatusForbidden)
	}
	stored, err := m.storedValues(ctx, tx, obj, fields)
	if err != nil {
		return false, err
	}
	if !slices.ContainsFunc(fields, func(f Field[T]) bool {
		return f.editable(up) && !sameValues(edit.input[f.Name], stored[f.Name])
	}) {
		return false, nil // Django's has_changed: nothing to save, nothing logged
	}
	if len(version) > 0 {
		if seen, digest, _ := strings.Cut(version[0], "."); digest != m.rowVersion(id, stored, fields) {
			after, err := strconv.ParseInt(seen, 10, 64)
			if err != nil || after < 0 {
				after, err = models.LatestLogEntryID(ctx, tx, m.App, m.Model, idString(id))
				if err != nil {
					return false, err
				}
			}
			conflict, current, err := m.conflict(ctx, tx, obj, fields, up, edit.input, stored, after)
			if err != nil {
				return false, err
			}
			edit.refused = append(edit.refused, conflict.Message)
			edit.refused = append(edit.refused, conflict.Changes...)
			edit.current, edit.conflict = current, true
			return false, nil
		}
	}
	old, err := m.snapshot(ctx, tx, obj, fields)
	if err != nil {
		return false, err
	}
	var invalid *models.ValidationError
	err = m.apply(ctx, tx, s, up, obj, fields, edit.input, false)
	if err == nil {
		err = m.Update(ctx, tx, obj)
	}
	if errors.As(err, &invalid) {
		edit.errors = invalid.Fields
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := m.storeRelated(ctx, tx, obj, fields, up, edit.input); err != nil {
		return false, err
	}
	now, err := m.snapshot(ctx, tx, obj, fields)
	if err != nil {
		return false, err
	}
	changes := diff(fields, old, now)
	return true, m.log(ctx, tx, r, obj, models.ActionChange, models.ChangeMessage(changes), changes)
}

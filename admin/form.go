package admin

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/web"
)

// formPage is what the add and change template shows.
type formPage struct {
	Info      *modelInfo
	Adding    bool
	ReadOnly  bool
	Popup     bool
	Action    string
	Fieldsets []fieldsetView
	NonField  []string
	ErrorNote string
	Version   string           // the version of the object the form shows (versionField)
	Conflict  *conflictView    // the object changed since the form was opened
	Inlines   []*inlineFormset // the related objects edited in the form (inlines.go)

	ObjectRepr  string
	HistoryURL  string
	DeleteURL   string
	SiteURL     string
	CloseURL    string
	CanAddAgain bool
	Buttons     submitRow
	Filters     string // _changelist_filters, carried through the form
}

type fieldsetView struct {
	Name   string
	Fields []fieldView
}

type fieldView struct {
	Name, Label, Help string
	Widget            Widget
	Required          bool
	ReadOnly          bool
	MaxLength         int
	Values            []string
	Text              string // what a read-only field shows
	Choices           []choice
	Errors            []string
	Min, Max          string // a number's bounds, from the model's rule
	AddURL            string // the "+" link of a related field
	AddTitle          string
	Related           *relatedWidget // its change and view links (fields.go)
	Picker            string         // filter_horizontal: what the two boxes hold ("groups")
	LinkURL, LinkText string
	// Conflict marks a field whose stored value, Current, differs from the
	// one submitted, after a conflict.
	Conflict bool
	Current  string
}

// DescribedBy lists the ids of what describes the field's input to a screen
// reader: its errors, the current value after a conflict, its help text.
func (f fieldView) DescribedBy() string {
	var ids []string
	if len(f.Errors) > 0 {
		ids = append(ids, "id_"+f.Name+"_error")
	}
	if f.Conflict {
		ids = append(ids, "id_"+f.Name+"_current")
	}
	if f.Help != "" {
		ids = append(ids, "id_"+f.Name+"_helptext")
	}
	return strings.Join(ids, " ")
}

// Value is a single-valued field's value.
func (f fieldView) Value() string { return first(f.Values) }

// Part is one input's value of a field entered in several (a split date
// and time), "" when there is none.
func (f fieldView) Part(i int) string { return part(f.Values, i) }

// Grouped says whether the field is entered in several inputs, each with
// its own label, which its own label names as a group.
func (f fieldView) Grouped() bool { return f.Widget == SplitDateTime }

// formState is a form being filled in: the submitted values when there
// were any, and the errors to show beside each field.
type formState struct {
	values map[string][]string
	errors models.FieldErrors
	// stored are the object's values as the change form shows and versions
	// them, and lastLog its newest log entry, both read before the values
	// were (nil, 0: read them to render). A save that fails hands over what
	// its transaction read, so the form it shows again carries the version
	// of exactly what it compared against.
	stored  map[string][]string
	lastLog int64
	// conflict says who changed the object since the form was opened, and
	// current is the stored value's text of each field where it differs
	// from the submitted one.
	conflict *conflictView
	current  map[string]string
	// inlines are the inline formsets as the save read them (inlines.go).
	inlines inlineSubmissions
	// asNew is a change page's "Save as new" that did not save: the add
	// form's fields, shown again on the change page's address.
	asNew bool
}

func (m *ModelAdmin[T]) addForm(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, accounts.Add) {
		return web.Status(http.StatusForbidden)
	}
	if r.Method == http.MethodPost {
		if _, err := web.Form(r); err != nil {
			return err
		}
		return m.addNew(s, w, r, false)
	}
	return m.renderForm(s, w, r, models.New[T](), m.addFields(), formState{}, true, false)
}

// addFields are the add form's fields.
func (m *ModelAdmin[T]) addFields() []Field[T] {
	if m.AddFields != nil {
		return m.AddFields
	}
	return m.Fields
}

// addNew stores a new object from the submitted add form (asNew: a change
// page's "Save as new") and answers as Django does; input with problems
// shows the form again with all of them.
func (m *ModelAdmin[T]) addNew(s *Site, w http.ResponseWriter, r *http.Request, asNew bool) error {
	fields := m.addFields()
	obj := models.New[T]()
	err := m.add(r.Context(), s, r, obj, fields)
	var invalid *models.ValidationError
	switch {
	case errors.As(err, &invalid):
		state := formState{values: r.PostForm, errors: invalid.Fields, asNew: asNew, inlines: inlinesOf(err)}
		return m.renderForm(s, w, r, obj, fields, state, true, false)
	case err != nil:
		return err
	}
	return m.saved(s, w, r, obj, true)
}

// saveAsNew answers a change page's "Save as new" as Django does, on every
// model whether or not its page offers the button: the submitted values
// make a new object through the add form, with the add permission, and the
// object the page shows is neither read nor written.
func (m *ModelAdmin[T]) saveAsNew(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, accounts.Add) {
		return web.Status(http.StatusForbidden)
	}
	return m.addNew(s, w, r, true)
}

func (m *ModelAdmin[T]) changeForm(s *Site, w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		if _, err := web.Form(r); err != nil {
			return err
		}
		if r.PostForm.Has("_saveasnew") {
			return m.saveAsNew(s, w, r)
		}
	}
	canChange := m.can(r, accounts.Change)
	if !canChange && (r.Method == http.MethodPost || !m.can(r, accounts.View)) {
		return web.Status(http.StatusForbidden)
	}
	// The newest log entry is read before the object, so that a conflict
	// later lists every change the form's values do not hold (a save reads
	// both again in its transaction). An id that is no number is left to
	// object, which answers it.
	var lastLog int64
	if id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64); err == nil && r.Method != http.MethodPost {
		if lastLog, err = models.LatestLogEntryID(r.Context(), s.db.Read, m.App, m.Model, idString(id)); err != nil {
			return err
		}
	}
	obj, err := m.object(s, r)
	if err != nil {
		return err
	}
	if !m.mayEdit(r, obj) {
		if r.Method == http.MethodPost {
			return web.Status(http.StatusForbidden)
		}
		canChange = false
	}
	state := formState{lastLog: lastLog}
	if r.Method == http.MethodPost {
		stored, err := m.change(r.Context(), s, r, pk(obj))
		var again *unsaved[T]
		switch {
		case errors.As(err, &again):
			obj, state = again.obj, again.state
		case isNotFound(err):
			// Deleted since the request began.
			return m.gone(s, r)
		case err != nil:
			return err
		default:
			return m.saved(s, w, r, stored, false)
		}
	}
	return m.renderForm(s, w, r, obj, m.Fields, state, false, !canChange)
}

// saved answers a successful save as Django does, by the button pressed.
func (m *ModelAdmin[T]) saved(s *Site, w http.ResponseWriter, r *http.Request, obj *T, added bool) error {
	id := pk(obj)
	name := repr(obj)
	if isPopup(r) {
		// The popup hands the object to the form that opened it (fields.go).
		action := "change"
		if added {
			action = "add"
		}
		return s.renderPopupResponse(w, r, action, id, name)
	}
	verb := "changed"
	if added {
		verb = "added"
	}
	filters := preservedFilters(r)
	withFilters := func(u string) string {
		if filters == "" {
			return u
		}
		return u + "?" + url.Values{"_changelist_filters": {filters}}.Encode()
	}
	link := `<a href="` + escape(withFilters(m.ObjectURL(id))) + `">` + escape(name) + `</a>`
	msg := "The " + escape(m.Verbose) + " “" + link + "” was " + verb + " successfully."
	canChange := m.can(r, accounts.Change)
	// After "Save as new", Django (save_as_continue) opens the copy to edit.
	asNew := added && r.PostForm.Has("_saveasnew") && canChange
	switch {
	case r.PostForm.Has("_continue") || asNew || (added && m.ContinueAfterAdd && !r.PostForm.Has("_addanother")):
		if canChange {
			msg += " You may edit it again below."
		}
		s.addMessage(r, "success", msg)
		return web.Redirect(withFilters(m.ObjectURL(id)))
	case r.PostForm.Has("_addanother"):
		s.addMessage(r, "success", msg+" You may add another "+escape(m.Verbose)+" below.")
		return web.Redirect(withFilters(m.URL() + "add/"))
	}
	s.addMessage(r, "success", msg)
	if !m.can(r, accounts.View, accounts.Change) {
		return web.Redirect("/admin/")
	}
	if filters != "" {
		return web.Redirect(m.URL() + "?" + filters)
	}
	return web.Redirect(m.URL())
}

// preservedFilters are the changelist's filters a form carries back to it,
// from its address (Django's way) or from its hidden field.
func preservedFilters(r *http.Request) string {
	if f := r.URL.Query().Get("_changelist_filters"); f != "" {
		return f
	}
	return r.PostForm.Get("_changelist_filters")
}

func isPopup(r *http.Request) bool {
	return r.URL.Query().Get("_popup") == "1" || r.PostForm.Get("_popup") == "1"
}

func (m *ModelAdmin[T]) renderForm(s *Site, w http.ResponseWriter, r *http.Request, obj *T, fields []Field[T], state formState, adding, readOnly bool) error {
	ctx := r.Context()
	up := editorOf(r)
	fp := formPage{Info: &m.modelInfo, Adding: adding, ReadOnly: readOnly, Popup: isPopup(r),
		CanAddAgain: m.can(r, accounts.Add), Filters: preservedFilters(r)}
	fp.Action = r.URL.Path
	if fp.Popup {
		fp.Action += "?_popup=1"
	}
	stored := state.stored
	if stored == nil {
		var err error
		if stored, err = m.storedValues(ctx, s.db.Read, obj, fields); err != nil {
			return err
		}
	}
	if !adding && !readOnly {
		fp.Version = strconv.FormatInt(state.lastLog, 10) + "." + m.version(pk(obj), stored, up)
	}
	fp.Conflict = state.conflict
	for i := range fields {
		f := &fields[i]
		fv := fieldView{Name: f.Name, Label: f.Label, Help: f.Help, Widget: f.Widget, Required: f.Required,
			MaxLength: f.MaxLength, Errors: state.errors[f.Name]}
		fv.ReadOnly = readOnly || !f.editable(up)
		fv.Picker = f.picker
		fv.Current, fv.Conflict = state.current[f.Name]
		switch {
		case f.Widget == Password:
			// A password is never sent back to the browser.
		case state.values != nil && !fv.ReadOnly:
			fv.Values = submitted(f, state.values)
		default:
			fv.Values = stored[f.Name]
		}
		m.numberBounds(&fv, adding && state.values == nil)
		if fv.ReadOnly {
			text, err := m.valueText(ctx, s.db.Read, f, obj, stored[f.Name])
			if err != nil {
				return err
			}
			fv.Text = text
		} else if f.Widget == AutocompleteSelect || f.Widget == AutocompleteSelectMultiple {
			// Only the selected object, never the table (autocomplete.go).
			choices, err := m.autocompleteChoices(ctx, s.db.Read, f, fv.Values)
			if err != nil {
				return err
			}
			fv.Choices = choices
		} else if f.Choices != nil {
			choices, err := f.Choices(ctx, s.db.Read)
			if err != nil {
				return err
			}
			for _, c := range choices {
				c.Selected = slices.Contains(fv.Values, c.Value)
				fv.Choices = append(fv.Choices, c)
			}
		}
		if f.Link != nil && !adding {
			fv.LinkURL, fv.LinkText = f.Link(obj)
		}
		if f.Related != "" && !fv.ReadOnly {
			if rm, ok := s.registry.model(f.Related); ok && permissions(r).Has(rm.perm(accounts.Add)) {
				fv.AddURL = rm.URL() + "add/"
				fv.AddTitle = "Add another " + rm.Verbose
			}
			if f.Widget != MultiSelect && f.Widget != AutocompleteSelectMultiple { // a select or an autocomplete of one object
				fv.Related = relatedLinks(s.registry, permissions(r), f.Related, fv.Value())
			}
		}
		if f.Fieldset != "" || len(fp.Fieldsets) == 0 {
			fp.Fieldsets = append(fp.Fieldsets, fieldsetView{Name: f.Fieldset})
		}
		last := &fp.Fieldsets[len(fp.Fieldsets)-1]
		last.Fields = append(last.Fields, fv)
	}
	fp.NonField = state.errors[models.NonField]
	inlines, err := m.inlineFormsets(ctx, s, r, obj, state.inlines, adding, !readOnly)
	if err != nil {
		return err
	}
	fp.Inlines = inlines
	fp.ErrorNote = errorNoteWithInlines(state.errors, inlines)
	if state.conflict != nil {
		// The conflict is the form's one error: nothing else was checked.
		fp.ErrorNote = errorNote(models.FieldErrors{models.NonField: {state.conflict.Message}})
	}

	verb := "Change"
	switch {
	case adding:
		verb = "Add"
	case readOnly:
		verb = "View"
	}
	title := verb + " " + m.Verbose
	crumbs := s.crumbs(&m.modelInfo, true)
	if adding {
		crumbs = append(crumbs, crumb{Label: title})
	} else {
		id := idString(pk(obj))
		fp.ObjectRepr = repr(obj)
		fp.HistoryURL = m.URL() + id + "/history/"
		// Django's submit_row offers no Delete in a popup (show_delete_link);
		// the delete page still answers one opened with _popup (delete.go).
		if m.can(r, accounts.Delete) && !fp.Popup {
			fp.DeleteURL = m.URL() + id + "/delete/"
		}
		if m.ViewOnSite != nil {
			fp.SiteURL = "/admin/r/" + m.Key() + "/" + id + "/"
		}
		crumbs = append(crumbs, crumb{Label: fp.ObjectRepr})
	}
	fp.CloseURL = m.URL()
	if fp.Filters != "" {
		fp.CloseURL += "?" + fp.Filters
	}
	fp.Buttons = m.submitRow(r, adding, readOnly, state.asNew, fp.Popup)
	p := page{
		Title:       title,
		Heading:     title,
		BodyClass:   "change-form app-" + m.App + " model-" + m.Model,
		Breadcrumbs: crumbs,
		Content:     fp,
	}
	if fp.Popup {
		p.Breadcrumbs = nil
		p.BodyClass += " popup"
	}
	return s.render(w, r, http.StatusOK, "change_form", p)
}

// errorNote is Django's line above a form with errors.
func errorNote(errs models.FieldErrors) string {
	switch countErrors(errs) {
	case 0:
		return ""
	case 1:
		return "Please correct the error below."
	}
	return "Please correct the errors below."
}

func countErrors(errs models.FieldErrors) int {
	n := 0
	for _, msgs := range errs {
		n += len(msgs)
	}
	return n
}

// numberBounds gives a number field the bounds of the model's rule (min and
// max, as Django's NumberInput takes them from the field's validators) and,
// on a blank add form, no value where the model has no default: Django's
// form starts empty, not at 0.
func (m *ModelAdmin[T]) numberBounds(fv *fieldView, blank bool) {
	rule, ok := (*new(T)).Fields().Lookup(fv.Name)
	if !ok || rule.Kind != models.Integer || fv.Widget != Number {
		return
	}
	fv.Min, fv.Max = strconv.Itoa(rule.Min), strconv.Itoa(rule.Max)
	if blank && rule.Default == nil {
		fv.Values = nil
	}
}

// submitRow are the buttons under a form.
type submitRow struct {
	Save, SaveAsNew, AddAnother, Continue, Close bool
	ContinueLabel                                string
}

// submitRow decides the buttons as Django's submit_row does, from the page
// (adding, or a change page the user may only view) and the user's
// permissions. A "Save as new" that failed (asNew) offers "Save as new"
// again and Close: Django would also offer "Save and add another" on a
// model without the button, which would post the copy over the original.
func (m *ModelAdmin[T]) submitRow(r *http.Request, adding, readOnly, asNew, popup bool) submitRow {
	canAdd := m.can(r, accounts.Add)
	canChange := m.can(r, accounts.Change) && !readOnly
	canView := canChange || m.can(r, accounts.View)
	if asNew {
		return submitRow{SaveAsNew: !popup && canAdd, Close: true}
	}
	canSave := (adding && canAdd) || (!adding && canChange)
	b := submitRow{
		Save:          canSave,
		SaveAsNew:     !popup && !adding && canAdd && canChange && m.SaveAs,
		AddAnother:    !popup && canAdd && canSave && (adding || !m.SaveAs),
		Continue:      !popup && canSave && canView,
		ContinueLabel: "Save and continue editing",
	}
	if !canChange {
		b.ContinueLabel = "Save and view"
	}
	b.Close = !b.Save
	return b
}

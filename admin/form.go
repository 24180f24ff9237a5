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
	Version   string        // the version of the object the form shows (versionField)
	Conflict  *conflictView // the object changed since the form was opened

	ObjectRepr  string
	HistoryURL  string
	DeleteURL   string
	SiteURL     string
	CloseURL    string
	CanAddAgain bool
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
	AddURL            string // the "+" link of a related field
	AddTitle          string
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
}

func (m *ModelAdmin[T]) addForm(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, accounts.Add) {
		return web.Status(http.StatusForbidden)
	}
	fields := m.AddFields
	if fields == nil {
		fields = m.Fields
	}
	obj := models.New[T]()
	state := formState{}
	if r.Method == http.MethodPost {
		input, err := web.Form(r)
		if err != nil {
			return err
		}
		err = m.add(r.Context(), s, r, obj, fields)
		var invalid *models.ValidationError
		switch {
		case errors.As(err, &invalid):
			state = formState{values: input, errors: invalid.Fields}
		case err != nil:
			return err
		default:
			return m.saved(s, w, r, obj, true)
		}
	}
	return m.renderForm(s, w, r, obj, fields, state, true, false)
}

func (m *ModelAdmin[T]) changeForm(s *Site, w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		if _, err := web.Form(r); err != nil {
			return err
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
	if isPopup(r) && added {
		return s.render(w, r, http.StatusOK, "popup_response", page{
			Title:   "Popup closing…",
			Content: struct{ Value, Label string }{idString(id), name},
		})
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
	switch {
	case r.PostForm.Has("_continue") || (added && m.ContinueAfterAdd && !r.PostForm.Has("_addanother")):
		s.addMessage(r, "success", msg+" You may edit it again below.")
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
		fv.Current, fv.Conflict = state.current[f.Name]
		switch {
		case f.Widget == Password:
			// A password is never sent back to the browser.
		case state.values != nil && !fv.ReadOnly:
			fv.Values = state.values[f.Name]
		default:
			fv.Values = stored[f.Name]
		}
		if fv.ReadOnly {
			text, err := m.valueText(ctx, s.db.Read, f, obj, stored[f.Name])
			if err != nil {
				return err
			}
			fv.Text = text
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
		}
		if f.Fieldset != "" || len(fp.Fieldsets) == 0 {
			fp.Fieldsets = append(fp.Fieldsets, fieldsetView{Name: f.Fieldset})
		}
		last := &fp.Fieldsets[len(fp.Fieldsets)-1]
		last.Fields = append(last.Fields, fv)
	}
	fp.NonField = state.errors[models.NonField]
	fp.ErrorNote = errorNote(state.errors)
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
		if m.can(r, accounts.Delete) {
			fp.DeleteURL = m.URL() + id + "/delete/"
		}
		if m.ViewOnSite != nil {
			fp.SiteURL = "/admin/r/" + m.Key() + "/" + id + "/"
		}
		fp.CloseURL = m.URL()
		crumbs = append(crumbs, crumb{Label: fp.ObjectRepr})
	}
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

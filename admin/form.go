package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

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
}

// Value is a single-valued field's value.
func (f fieldView) Value() string { return first(f.Values) }

// formState is a form being filled in: the submitted values when there
// were any, and the errors to show beside each field.
type formState struct {
	values map[string][]string
	errors models.FieldErrors
}

func (m *ModelAdmin[T]) addForm(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, "add") {
		return web.Status(http.StatusForbidden)
	}
	fields := m.AddFields
	if fields == nil {
		fields = m.Fields
	}
	obj := m.New()
	state := formState{}
	if r.Method == http.MethodPost {
		if _, err := web.Form(r); err != nil {
			return err
		}
		st, err := m.save(r.Context(), s, r, obj, fields, nil)
		if err != nil {
			return err
		}
		if st == nil {
			return m.saved(s, w, r, obj, true)
		}
		state = *st
	}
	return m.renderForm(s, w, r, obj, fields, state, true, false)
}

func (m *ModelAdmin[T]) changeForm(s *Site, w http.ResponseWriter, r *http.Request) error {
	if r.Method == http.MethodPost {
		if _, err := web.Form(r); err != nil {
			return err
		}
	}
	canChange := m.can(r, "change")
	if !canChange && (r.Method == http.MethodPost || !m.can(r, "view")) {
		return web.Status(http.StatusForbidden)
	}
	obj, err := m.object(s, w, r)
	if obj == nil {
		return err
	}
	if !m.mayTouch(r, obj) {
		if r.Method == http.MethodPost {
			return web.Status(http.StatusForbidden)
		}
		canChange = false
	}
	state := formState{}
	if r.Method == http.MethodPost {
		old, err := m.snapshot(r.Context(), s.db.Read, obj, m.Fields)
		if err != nil {
			return err
		}
		st, err := m.save(r.Context(), s, r, obj, m.Fields, old)
		if err != nil {
			return err
		}
		if st == nil {
			return m.saved(s, w, r, obj, false)
		}
		state = *st
	}
	return m.renderForm(s, w, r, obj, m.Fields, state, false, !canChange)
}

// save applies the submitted form to obj and stores it, with its log entry,
// in one transaction. old is the object's state before (nil when adding).
// A non-nil formState means the form has errors and nothing was stored.
func (m *ModelAdmin[T]) save(ctx context.Context, s *Site, r *http.Request, obj *T, fields []Field[T], old map[string]string) (*formState, error) {
	input := r.PostForm
	up := editorOf(r)
	errs := models.FieldErrors{}
	for i := range fields {
		f := &fields[i]
		if !f.editable(up) {
			continue
		}
		if f.Save != nil {
			if err := m.checkChoices(ctx, s.db.Read, f, input[f.Name], errs); err != nil {
				return nil, err
			}
			continue
		}
		if f.Set != nil {
			if msg := f.Set(obj, input[f.Name]); msg != "" {
				errs.Add(f.Name, msg)
			}
		}
	}
	if m.Guard != nil && len(errs) == 0 {
		if err := m.Guard(ctx, s, up, obj, input, errs); err != nil {
			return nil, err
		}
	}
	if len(errs) > 0 {
		return &formState{values: input, errors: errs}, nil
	}

	err := s.db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		store := m.Update
		if old == nil {
			store = m.Create
		}
		if err := store(ctx, tx, obj); err != nil {
			return err
		}
		// Read it back, as stored and with its relations, for its name in
		// the log and the messages.
		fresh, err := m.Get(ctx, tx, m.ID(obj))
		if err != nil {
			return err
		}
		*obj = *fresh
		for i := range fields {
			f := &fields[i]
			if f.Save != nil && f.editable(up) {
				if err := f.Save(ctx, tx, obj, input[f.Name]); err != nil {
					return err
				}
			}
		}
		entry := &models.LogEntry{UserID: currentUser(r).ID, AppLabel: m.App, Model: m.Model,
			ObjectID: strconv.FormatInt(m.ID(obj), 10), ObjectRepr: m.String(obj)}
		if old == nil {
			entry.ActionFlag, entry.ChangeMessage = models.ActionAddition, "Added."
		} else {
			now, err := m.snapshot(ctx, tx, obj, fields)
			if err != nil {
				return err
			}
			changes := diff(fields, old, now)
			entry.ActionFlag, entry.ChangeMessage, entry.Changes = models.ActionChange, models.ChangeMessage(changes), changes
		}
		return models.AddLogEntry(ctx, tx, entry)
	})
	var invalid *models.ValidationError
	if errors.As(err, &invalid) {
		return &formState{values: input, errors: invalid.Fields}, nil
	}
	return nil, err
}

// checkChoices refuses values of a multi-select that are not among its choices.
func (m *ModelAdmin[T]) checkChoices(ctx context.Context, db bun.IDB, f *Field[T], values []string, errs models.FieldErrors) error {
	choices, err := f.Choices(ctx, db)
	if err != nil {
		return err
	}
	for _, v := range values {
		if !slices.ContainsFunc(choices, func(c choice) bool { return c.Value == v }) {
			errs.Add(f.Name, fmt.Sprintf(msgBadChoiceOf, v))
			return nil
		}
	}
	return nil
}

// snapshot is the display text of every field of obj, for the history.
func (m *ModelAdmin[T]) snapshot(ctx context.Context, db bun.IDB, obj *T, fields []Field[T]) (map[string]string, error) {
	out := map[string]string{}
	for i := range fields {
		f := &fields[i]
		text, err := m.showField(ctx, db, f, obj)
		if err != nil {
			return nil, err
		}
		out[f.Name] = text
	}
	return out, nil
}

// showField is the text a field shows when it cannot be edited.
func (m *ModelAdmin[T]) showField(ctx context.Context, db bun.IDB, f *Field[T], obj *T) (string, error) {
	if f.Show != nil {
		return f.Show(obj), nil
	}
	values, err := f.values(ctx, db, obj)
	if err != nil || f.Choices == nil {
		return strings.Join(values, ", "), err
	}
	choices, err := f.Choices(ctx, db)
	if err != nil {
		return "", err
	}
	var labels []string
	for _, c := range choices {
		if slices.Contains(values, c.Value) {
			labels = append(labels, c.Label)
		}
	}
	return strings.Join(labels, ", "), nil
}

// diff lists the fields whose text changed; secret fields keep their values out.
func diff[T any](fields []Field[T], old, now map[string]string) []models.FieldChange {
	var changes []models.FieldChange
	for _, f := range fields {
		if old[f.Name] == now[f.Name] {
			continue
		}
		c := models.FieldChange{Field: f.Label, Old: old[f.Name], New: now[f.Name]}
		if f.Secret {
			c.Old, c.New = "", ""
		}
		changes = append(changes, c)
	}
	return changes
}

// saved answers a successful save as Django does, by the button pressed.
func (m *ModelAdmin[T]) saved(s *Site, w http.ResponseWriter, r *http.Request, obj *T, added bool) error {
	id := m.ID(obj)
	repr := m.String(obj)
	if isPopup(r) && added {
		return s.render(w, r, http.StatusOK, "popup_response", page{
			Title:   "Popup closing…",
			Content: struct{ Value, Label string }{strconv.FormatInt(id, 10), repr},
		})
	}
	verb := "changed"
	if added {
		verb = "added"
	}
	filters := r.PostForm.Get("_changelist_filters")
	withFilters := func(u string) string {
		if filters == "" {
			return u
		}
		return u + "?" + url.Values{"_changelist_filters": {filters}}.Encode()
	}
	link := `<a href="` + escape(withFilters(m.ObjectURL(id))) + `">` + escape(repr) + `</a>`
	msg := "The " + escape(m.Verbose) + " “" + link + "” was " + verb + " successfully."
	switch {
	case r.PostForm.Has("_continue") || (added && m.ContinueAfterAdd && !r.PostForm.Has("_addanother")):
		s.addMessage(r, "success", msg+" You may edit it again below.")
		http.Redirect(w, r, withFilters(m.ObjectURL(id)), http.StatusFound)
	case r.PostForm.Has("_addanother"):
		s.addMessage(r, "success", msg+" You may add another "+escape(m.Verbose)+" below.")
		http.Redirect(w, r, withFilters(m.URL()+"add/"), http.StatusFound)
	default:
		s.addMessage(r, "success", msg)
		target := "/admin/"
		if m.can(r, "view", "change") {
			target = m.URL()
			if filters != "" {
				target += "?" + filters
			}
		}
		http.Redirect(w, r, target, http.StatusFound)
	}
	return nil
}

func isPopup(r *http.Request) bool {
	return r.URL.Query().Get("_popup") == "1" || r.PostForm.Get("_popup") == "1"
}

func (m *ModelAdmin[T]) renderForm(s *Site, w http.ResponseWriter, r *http.Request, obj *T, fields []Field[T], state formState, adding, readOnly bool) error {
	ctx := r.Context()
	up := editorOf(r)
	fp := formPage{Info: &m.modelInfo, Adding: adding, ReadOnly: readOnly, Popup: isPopup(r),
		CanAddAgain: m.can(r, "add"), Filters: r.URL.Query().Get("_changelist_filters")}
	if fp.Filters == "" {
		fp.Filters = r.PostForm.Get("_changelist_filters")
	}
	fp.Action = r.URL.Path
	if fp.Popup {
		fp.Action += "?_popup=1"
	}
	for i := range fields {
		f := &fields[i]
		fv := fieldView{Name: f.Name, Label: f.Label, Help: f.Help, Widget: f.Widget, Required: f.Required,
			MaxLength: f.MaxLength, Errors: state.errors[f.Name]}
		fv.ReadOnly = readOnly || !f.editable(up)
		switch {
		case f.Widget == Password:
			// A password is never sent back to the browser.
		case state.values != nil && !fv.ReadOnly:
			fv.Values = state.values[f.Name]
		default:
			values, err := f.values(ctx, s.db.Read, obj)
			if err != nil {
				return err
			}
			fv.Values = values
		}
		if fv.ReadOnly {
			text, err := m.showField(ctx, s.db.Read, f, obj)
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
			if rm, ok := s.registry.modelByKey(f.Related); ok && permissions(r).Has(rm.App, "add", rm.Model) {
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
	if n := countErrors(state.errors); n > 0 {
		fp.NonField = state.errors[models.NonField]
		fp.ErrorNote = "Please correct the error below."
		if n > 1 {
			fp.ErrorNote = "Please correct the errors below."
		}
	}

	verb := "Change"
	switch {
	case adding:
		verb = "Add"
	case readOnly:
		verb = "View"
	}
	title := verb + " " + m.Verbose
	app, _ := s.registry.appOf(m.App)
	crumbs := []crumb{{Label: "Home", URL: "/admin/"}, {Label: app.Name, URL: "/admin/" + m.App + "/"}, {Label: m.Name(), URL: m.URL()}}
	if adding {
		crumbs = append(crumbs, crumb{Label: title})
	} else {
		id := m.ID(obj)
		fp.ObjectRepr = m.String(obj)
		fp.HistoryURL = m.URL() + strconv.FormatInt(id, 10) + "/history/"
		if m.can(r, "delete") {
			fp.DeleteURL = m.URL() + strconv.FormatInt(id, 10) + "/delete/"
		}
		if m.ViewOnSite != nil {
			fp.SiteURL = "/admin/r/" + m.App + "." + m.Model + "/" + strconv.FormatInt(id, 10) + "/"
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

func countErrors(errs models.FieldErrors) int {
	n := 0
	for _, msgs := range errs {
		n += len(msgs)
	}
	return n
}

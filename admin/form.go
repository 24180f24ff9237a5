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

	"github.com/go-chi/chi/v5"
	"github.com/uptrace/bun"

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

// conflictView is the error box of a save that lost a race.
type conflictView struct {
	Message string
	Changes []string // "alice on Nov. 28, 2026, 10:15 a.m.: Changed Title.", oldest first
	More    bool     // more changes than are listed
}

// versionField is the hidden input in which a change form carries the
// version of the object it shows: the id of the object's newest log entry,
// a dot, and a SHA-256 over the stored values of every field the editor
// may change (see version). A digest of the values needs no version column,
// covers many-to-many fields, and does not call a change back and forth
// a conflict. It is no secret and needs no key: a client that forged one
// would only skip the check, as one that sends none does.
const versionField = "_version"

// conflictLimit is how many of the changes made since a form was opened its
// conflict message lists.
const conflictLimit = 10

// errNotSaved rolls a save's transaction back when it writes nothing (a
// conflict or an invalid form): the row lock goes with it.
var errNotSaved = errors.New("admin: form not saved")

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

// add applies the submitted add form to obj and stores it, with its log
// entry, in one transaction. Problems with the input are a
// *models.ValidationError, and then nothing was stored.
func (m *ModelAdmin[T]) add(ctx context.Context, s *Site, r *http.Request, obj *T, fields []Field[T]) error {
	input := r.PostForm
	up := editorOf(r)
	// Checked before the write transaction: completing a user hashes a
	// password, which must not hold the database's only writer meanwhile.
	if err := m.apply(ctx, s.db.Read, s, up, obj, fields, input, true); err != nil {
		return err
	}
	return s.db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := m.Create(ctx, tx, obj); err != nil {
			return err
		}
		if err := m.storeRelated(ctx, tx, obj, fields, up, input); err != nil {
			return err
		}
		return m.log(ctx, tx, r, obj, models.ActionAddition, "Added.", nil)
	})
}

// unsaved is a change form that stored nothing (field errors or a
// conflict): the object as its transaction read it, and the form to show
// again.
type unsaved[T any] struct {
	obj   *T
	state formState
}

func (u *unsaved[T]) Error() string { return "admin: form not saved" }

// change saves a submitted change form. Everything it decides on and logs
// is read in the one write transaction that writes, with the object's row
// locked: the object is loaded afresh there, its version compared with the
// one the form carries, the form applied onto it (so columns the form does
// not show, such as a user's last login, keep what they hold now) and the
// history's old values taken from it, so every entry's old value is what
// the change replaced. It returns the object as stored and, when nothing was
// saved, the form to show again (field errors or a conflict).
func (m *ModelAdmin[T]) change(ctx context.Context, s *Site, r *http.Request, id int64) (*T, error) {
	input := r.PostForm
	up := editorOf(r)
	fields := m.Fields
	objectID := idString(id)
	var (
		obj   *T
		state *formState
	)
	err := s.db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := models.LockRow(ctx, tx, (*T)(nil), id); err != nil {
			return err
		}
		fresh, err := m.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !m.mayEdit(r, fresh) {
			// Judged again on the object as the save finds it.
			return web.Status(http.StatusForbidden)
		}
		shown := *fresh
		obj = &shown
		lastLog, err := models.LatestLogEntryID(ctx, tx, m.App, m.Model, objectID)
		if err != nil {
			return err
		}
		stored, err := m.storedValues(ctx, tx, fresh, fields)
		if err != nil {
			return err
		}
		state = &formState{values: input, stored: stored, lastLog: lastLog}
		// A POST without a version (a form served before versions existed,
		// a script) is applied, as Django applies it: the version protects
		// every form this admin serves, and refusing would break every
		// client written for Django's admin. Its history is true all the
		// same, as it is read here. A version that is sent and does not
		// match, garbled included, is a conflict.
		if sent, ok := input[versionField]; ok {
			if seen, digest, _ := strings.Cut(first(sent), "."); digest != m.version(id, stored, up) {
				after, err := strconv.ParseInt(seen, 10, 64)
				if err != nil || after < 0 {
					after = lastLog // nothing to go by: name no one
				}
				if state.conflict, state.current, err = m.conflict(ctx, tx, obj, fields, up, input, stored, after); err != nil {
					return err
				}
				return errNotSaved
			}
		}
		old, err := m.snapshot(ctx, tx, fresh, fields)
		if err != nil {
			return err
		}
		if err := m.apply(ctx, tx, s, up, fresh, fields, input, false); err != nil {
			return err
		}
		if err := m.Update(ctx, tx, fresh); err != nil {
			return err
		}
		if err := m.storeRelated(ctx, tx, fresh, fields, up, input); err != nil {
			return err
		}
		now, err := m.snapshot(ctx, tx, fresh, fields)
		if err != nil {
			return err
		}
		changes := diff(fields, old, now)
		obj, state = fresh, nil
		return m.log(ctx, tx, r, fresh, models.ActionChange, models.ChangeMessage(changes), changes)
	})
	var invalid *models.ValidationError
	switch {
	case errors.Is(err, errNotSaved):
		return nil, &unsaved[T]{obj: obj, state: *state}
	case errors.As(err, &invalid) && state != nil:
		state.errors = invalid.Fields
		return nil, &unsaved[T]{obj: obj, state: *state}
	case err != nil:
		return nil, err
	}
	return obj, nil
}

// apply sets the submitted values on obj and checks them: each field's
// parsing, the choices of multi-selects, then (on a new object) the
// declaration's Complete and the grants the editor may make, reading
// through db. Problems with the input are a *models.ValidationError; the
// model's own validation runs when obj is stored.
func (m *ModelAdmin[T]) apply(ctx context.Context, db bun.IDB, s *Site, up editor, obj *T, fields []Field[T], input url.Values, adding bool) error {
	errs := models.FieldErrors{}
	for i := range fields {
		f := &fields[i]
		if !f.editable(up) {
			continue
		}
		if f.Links != nil {
			if err := checkChoices(ctx, db, f, input[f.Name], errs); err != nil {
				return err
			}
			continue
		}
		if f.Set != nil {
			if msg := f.Set(obj, input[f.Name]); msg != "" {
				errs.Add(f.Name, msg)
			}
		}
	}
	if len(errs) == 0 && adding && m.Complete != nil {
		if err := gather(errs, m.Complete(ctx, s, obj, input)); err != nil {
			return err
		}
	}
	if len(errs) == 0 && m.Grants != nil {
		if err := gather(errs, m.Grants(ctx, db, up, obj, input)); err != nil {
			return err
		}
	}
	return errs.Err()
}

// storeRelated reads obj back as stored, with its relations (for its name
// in the log and the messages), and saves its many-to-many fields.
func (m *ModelAdmin[T]) storeRelated(ctx context.Context, tx bun.IDB, obj *T, fields []Field[T], up editor, input url.Values) error {
	fresh, err := m.Get(ctx, tx, pk(obj))
	if err != nil {
		return err
	}
	*obj = *fresh
	for i := range fields {
		f := &fields[i]
		if f.Links != nil && f.editable(up) {
			if err := f.save(ctx, tx, obj, input[f.Name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// log records what the signed-in user did to obj.
func (m *ModelAdmin[T]) log(ctx context.Context, tx bun.IDB, r *http.Request, obj *T, action int, message string, changes []models.FieldChange) error {
	return models.AddLogEntry(ctx, tx, &models.LogEntry{UserID: currentUser(r).ID, AppLabel: m.App, Model: m.Model,
		ObjectID: idString(pk(obj)), ObjectRepr: repr(obj),
		ActionFlag: action, ChangeMessage: message, Changes: changes})
}

// storedValues are obj's values in form encoding, many-to-many fields
// included: what a change form shows and what its version covers.
func (m *ModelAdmin[T]) storedValues(ctx context.Context, db bun.IDB, obj *T, fields []Field[T]) (map[string][]string, error) {
	out := make(map[string][]string, len(fields))
	for i := range fields {
		f := &fields[i]
		if f.Widget == Password {
			continue
		}
		values, err := f.values(ctx, db, obj)
		if err != nil {
			return nil, err
		}
		out[f.Name] = values
	}
	return out, nil
}

// version digests the stored values of the fields the editor may change
// (what a save would write over), with the model and id, so that a version
// from one object's form never matches another's.
func (m *ModelAdmin[T]) version(id int64, stored map[string][]string, up editor) string {
	h := sha256.New()
	word := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	word(m.App)
	word(m.Model)
	word(idString(id))
	for i := range m.Fields {
		f := &m.Fields[i]
		if !f.editable(up) || f.Widget == Password {
			continue
		}
		word(f.Name)
		values := slices.Clone(stored[f.Name])
		if f.Widget == MultiSelect {
			slices.Sort(values)
		}
		word(strconv.Itoa(len(values)))
		for _, v := range values {
			word(v)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// conflict explains a save refused because obj changed since the form was
// opened: the changes logged after the entry the form had seen, and the
// current value of each field where it differs from the submitted one.
func (m *ModelAdmin[T]) conflict(ctx context.Context, db bun.IDB, obj *T, fields []Field[T], up editor, input url.Values, stored map[string][]string, after int64) (*conflictView, map[string]string, error) {
	entries, err := models.LogEntriesAfter(ctx, db, m.App, m.Model, idString(pk(obj)), after, conflictLimit+1)
	if err != nil {
		return nil, nil, err
	}
	c := &conflictView{Message: "This " + m.Verbose + " was changed after you opened this form, so your changes have not been saved. " +
		"Where a field differs, its current value is shown under yours: press Save again to put yours in its place."}
	if len(entries) > conflictLimit {
		entries, c.More = entries[:conflictLimit], true
	}
	for _, e := range slices.Backward(entries) {
		who := "A deleted user"
		if e.User != nil {
			who = e.User.Username
		}
		c.Changes = append(c.Changes, who+" on "+formatTime(e.ActionTime)+": "+e.ChangeMessage)
	}
	current := map[string]string{}
	for i := range fields {
		f := &fields[i]
		if !f.editable(up) || f.Widget == Password || sameValues(input[f.Name], stored[f.Name]) {
			continue
		}
		text, err := m.valueText(ctx, db, f, obj, stored[f.Name])
		if err != nil {
			return nil, nil, err
		}
		if text == "" {
			text = "(empty)"
		}
		current[f.Name] = text
	}
	return c, current, nil
}

// sameValues compares submitted and stored values as a form means them:
// blank is no value, spaces around a value and the order of a
// multi-select's values do not count.
func sameValues(a, b []string) bool {
	norm := func(values []string) []string {
		var out []string
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

// checkChoices refuses values of a multi-select that are not among its choices.
func checkChoices[T any](ctx context.Context, db bun.IDB, f *Field[T], values []string, errs models.FieldErrors) error {
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
	if err != nil {
		return "", err
	}
	return m.valueText(ctx, db, f, obj, values)
}

// valueText is the text of a field's values: Show's, or the labels of the
// chosen choices, or the values themselves.
func (m *ModelAdmin[T]) valueText(ctx context.Context, db bun.IDB, f *Field[T], obj *T, values []string) (string, error) {
	if f.Show != nil {
		return f.Show(obj), nil
	}
	if f.Choices == nil {
		return strings.Join(values, ", "), nil
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

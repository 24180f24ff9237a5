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

// errNotSaved rolls a save's transaction back when it writes nothing (a
// conflict or an invalid form): the row lock goes with it.
var errNotSaved = errors.New("admin: form not saved")

// add applies the submitted add form to obj and stores it, with its log
// entry, in one transaction. Problems with the input are a
// *models.ValidationError, and then nothing was stored.
func (m *ModelAdmin[T]) add(ctx context.Context, s *Site, r *http.Request, obj *T, fields []Field[T]) error {
	input := r.PostForm
	up := editorOf(r)
	// The inline rows are checked with the parent, as new objects.
	inlines, err := m.inlineSubmissions(ctx, s.db.Read, s, r, 0)
	if err != nil {
		return err
	}
	// Checked before the write transaction: completing a user hashes a
	// password, which must not hold the database's only writer meanwhile.
	if err := m.apply(ctx, s.db.Read, s, up, obj, fields, input, true); err != nil {
		return refusedWithInlines(err, inlines)
	}
	if inlines.invalid() {
		return refusedWithInlines(errNotSaved, inlines)
	}
	err = s.db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := m.Create(ctx, tx, obj); err != nil {
			return err
		}
		if err := m.storeRelated(ctx, tx, obj, fields, up, input); err != nil {
			return err
		}
		inlineMessages, err := inlines.save(ctx, tx, s, r, pk(obj))
		if err != nil {
			return err
		}
		return m.log(ctx, tx, r, obj, models.ActionAddition, addMessageWithInlines(inlineMessages), nil)
	})
	return refusedWithInlines(err, inlines)
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
		// The inline rows are read and checked before the parent, so that
		// their errors show with its own.
		inlines, err := m.inlineSubmissions(ctx, tx, s, r, id)
		if err != nil {
			return err
		}
		state.inlines = inlines
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
		inlineMessages, err := inlines.save(ctx, tx, s, r, id)
		if err != nil {
			return err
		}
		now, err := m.snapshot(ctx, tx, fresh, fields)
		if err != nil {
			return err
		}
		changes := diff(fields, old, now)
		obj, state = fresh, nil
		return m.log(ctx, tx, r, fresh, models.ActionChange, changeMessageWithInlines(changes, inlineMessages), changes)
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

// apply sets the submitted values on obj and checks them all in one round,
// as Django's form does: every field is parsed, then on a new object the
// declaration's Complete, then the model's own validation, and the grants
// the editor may make, all reading through db. A field that does not parse
// shows only that. Problems with the input are a *models.ValidationError.
func (m *ModelAdmin[T]) apply(ctx context.Context, db bun.IDB, s *Site, up editor, obj *T, fields []Field[T], input url.Values, adding bool) error {
	errs := models.FieldErrors{}
	if err := m.parse(ctx, db, up, obj, fields, input, errs); err != nil {
		return err
	}
	if adding && m.Complete != nil {
		if err := gather(errs, m.Complete(ctx, s, obj, input)); err != nil {
			return err
		}
	}
	if err := validateModel(ctx, db, up, obj, fields, errs); err != nil {
		return err
	}
	if m.Grants != nil {
		if err := gather(errs, m.Grants(ctx, db, up, obj, input)); err != nil {
			return err
		}
	}
	return errs.Err()
}

// parse sets each field the editor may change from its submitted values
// and notes in errs each one that does not parse (or, for a multi-select,
// names a choice that is not one).
func (m *ModelAdmin[T]) parse(ctx context.Context, db bun.IDB, up editor, obj *T, fields []Field[T], input url.Values, errs models.FieldErrors) error {
	for i := range fields {
		f := &fields[i]
		if !f.editable(up) {
			continue
		}
		values := submitted(f, input)
		switch {
		case f.Widget == AutocompleteSelectMultiple:
			if err := m.checkAutocompleteIDs(ctx, db, f, values, errs); err != nil {
				return err
			}
		case f.Links != nil:
			if err := checkChoices(ctx, db, f, values, errs); err != nil {
				return err
			}
		case f.Widget == SplitDateTime:
			// Both halves can be wrong at once: Set tells only the first.
			if msgs := dateTimeErrors(values, f.Required, m.loc); len(msgs) > 0 {
				errs[f.Name] = append(errs[f.Name], msgs...)
			} else {
				f.Set(obj, values)
			}
		case f.Set != nil:
			if msg := f.Set(obj, values); msg != "" {
				errs.Add(f.Name, msg)
			}
		}
	}
	return nil
}

// validateModel adds to errs what the model's validation (its Clean, and
// what only the database knows) finds wrong with obj, as Django's form
// runs the model's full_clean: on the fields the form lets the editor
// change that have no error yet, and on the object as a whole.
func validateModel[T models.Entity](ctx context.Context, db bun.IDB, up editor, obj *T, fields []Field[T], errs models.FieldErrors) error {
	if models.Storable[T]() != nil {
		// A model without the model layer's validation is stored by its
		// declaration's own Create and Update, which report its problems.
		return nil
	}
	var invalid *models.ValidationError
	if err := models.Validate(ctx, db, obj); !errors.As(err, &invalid) {
		return err
	}
	for name, msgs := range invalid.Fields {
		if _, failed := errs[name]; failed {
			continue
		}
		if name == models.NonField || slices.ContainsFunc(fields, func(f Field[T]) bool { return f.Name == name && f.editable(up) }) {
			errs[name] = msgs
		}
	}
	return nil
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
			if err := f.save(ctx, tx, obj, submitted(f, input)); err != nil {
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

// checkChoices refuses values of a multi-select that are not among its
// choices, looking up only those values when the field can (Named).
func checkChoices[T models.Entity](ctx context.Context, db bun.IDB, f *Field[T], values []string, errs models.FieldErrors) error {
	choices, err := f.chosen(ctx, db, values)
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
	if f.Widget == AutocompleteSelectMultiple {
		return m.autocompleteText(ctx, db, f, values)
	}
	if f.Choices == nil {
		return strings.Join(values, ", "), nil
	}
	choices, err := f.chosen(ctx, db, values)
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
func diff[T models.Entity](fields []Field[T], old, now map[string]string) []models.FieldChange {
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

// chosen are the field's choices among values, in the choices' order: the
// objects with those ids alone when the field can look them up (Named, a
// related model's objects at any size), all its choices otherwise. A value
// that is not an id as the choices write it ("03", " 3") names none.
func (f *Field[T]) chosen(ctx context.Context, db bun.IDB, values []string) ([]choice, error) {
	if f.Named == nil {
		return f.Choices(ctx, db)
	}
	// A set, not a scan of the list: a forged form may send many values.
	seen := make(map[int64]bool, len(values))
	ids := make([]int64, 0, len(values))
	for _, v := range values {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && idString(id) == v && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return f.Named(ctx, db, ids)
}

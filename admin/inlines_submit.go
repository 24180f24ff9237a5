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
)

// inlineRow is one form of a submitted formset.
type inlineRow[C models.Entity] struct {
	index    int
	obj      *C // as it will be stored; nil for a form that saves nothing
	original string
	id       int64 // 0 for a new object
	input    url.Values
	stored   map[string][]string // an existing object's values before the change
	before   map[string]string   // their text, for the history
	version  string
	editable bool // the user may change this form's fields
	delete   bool
	save     bool // the form adds, changes or deletes something
	errors   models.FieldErrors
	current  map[string]string // after a conflict: the stored text where it differs
}

// submission is a formset read from a POST.
type submission[C models.Entity] struct {
	in      *inline[C]
	perms   inlinePerms
	rows    []*inlineRow[C]
	nonForm []string
	parent  int64
}

// inlineSubmission is a submitted formset of any related model.
type inlineSubmission interface {
	errorCount() int
	// quiet forgets the errors: the form is shown again for another reason
	// (a conflict on the parent), and nothing was checked.
	quiet()
	// save writes the rows in tx, new ones under parentID, and logs each
	// object touched; it returns the parent's log messages, or errNotSaved
	// when a row is invalid.
	save(ctx context.Context, tx bun.IDB, s *Site, r *http.Request, parentID int64) ([]string, error)
}

// inlineSubmissions are a change form's submitted formsets.
type inlineSubmissions []inlineSubmission

// inlineSubmissions reads every inline of the form from the POST: on a
// change, through the save's transaction after the parent's row is locked;
// on an add (parentID 0), before it.
func (m *ModelAdmin[T]) inlineSubmissions(ctx context.Context, db bun.IDB, s *Site, r *http.Request, parentID int64) (inlineSubmissions, error) {
	asNew := parentID == 0 && r.PostForm.Has("_saveasnew")
	var subs inlineSubmissions
	for _, in := range m.Inlines {
		sub, err := in.submitted(ctx, db, s, r, parentID, asNew)
		if err != nil {
			return nil, err
		}
		if sub != nil {
			subs = append(subs, sub)
		}
	}
	return subs, nil
}

// invalid reports whether any row has errors.
func (subs inlineSubmissions) invalid() bool {
	return slices.ContainsFunc(subs, func(sub inlineSubmission) bool { return sub.errorCount() > 0 })
}

// save stores every formset under the parent; nothing is written when any
// row is invalid.
func (subs inlineSubmissions) save(ctx context.Context, tx bun.IDB, s *Site, r *http.Request, parentID int64) ([]string, error) {
	if subs.invalid() {
		return nil, errNotSaved
	}
	var messages []string
	for _, sub := range subs {
		msgs, err := sub.save(ctx, tx, s, r, parentID)
		if err != nil {
			return nil, err
		}
		messages = append(messages, msgs...)
	}
	return messages, nil
}

// addRefused is an add form that saved nothing: the parent's errors (none
// when only rows were refused) and the inline rows as read, to show again.
// It is the parent's *models.ValidationError to errors.As.
type addRefused struct {
	parent  *models.ValidationError
	inlines inlineSubmissions
}

func (e *addRefused) Error() string { return e.parent.Error() }
func (e *addRefused) Unwrap() error { return e.parent }

// refusedWithInlines carries the rows with an add's refusal (a parent's
// invalid fields, or errNotSaved for rows alone); other errors pass.
func refusedWithInlines(err error, inlines inlineSubmissions) error {
	var invalid *models.ValidationError
	switch {
	case len(inlines) == 0:
		return err
	case errors.Is(err, errNotSaved):
		return &addRefused{parent: &models.ValidationError{Fields: models.FieldErrors{}}, inlines: inlines}
	case errors.As(err, &invalid):
		return &addRefused{parent: invalid, inlines: inlines}
	}
	return err
}

// inlinesOf are the inline rows an add's refusal carries.
func inlinesOf(err error) inlineSubmissions {
	var refused *addRefused
	if errors.As(err, &refused) {
		return refused.inlines
	}
	return nil
}

// addMessageWithInlines is a new parent's log message: "Added." and each
// inline object added with it, as Django's construct_change_message.
func addMessageWithInlines(inlines []string) string {
	return strings.Join(append([]string{"Added."}, inlines...), " ")
}

// changeMessageWithInlines is the parent's log message, as Django's
// construct_change_message: its own change, then each inline object added,
// changed or deleted ("Changed Favorite city for profile “alice”.").
func changeMessageWithInlines(changes []models.FieldChange, inlines []string) string {
	if len(inlines) == 0 {
		return models.ChangeMessage(changes)
	}
	if len(changes) == 0 {
		return strings.Join(inlines, " ")
	}
	return models.ChangeMessage(changes) + " " + strings.Join(inlines, " ")
}

// checked reads a checkbox as Django's CheckboxInput does.
func checked(v string) bool {
	switch strings.ToLower(v) {
	case "", "false", "0", "off":
		return false
	}
	return true
}

func (in *inline[C]) submitted(ctx context.Context, db bun.IDB, s *Site, r *http.Request, parentID int64, asNew bool) (inlineSubmission, error) {
	perms := in.perms(r)
	if !perms.any() {
		return nil, nil // Django leaves the inline out of the form, and ignores what is sent for it
	}
	input := r.PostForm
	p := in.prefix()
	mgmt := []string{p + "-TOTAL_FORMS", p + "-INITIAL_FORMS", p + "-MIN_NUM_FORMS", p + "-MAX_NUM_FORMS"}
	if !slices.ContainsFunc(mgmt, input.Has) {
		return nil, nil
	}
	sub := &submission[C]{in: in, perms: perms, parent: parentID}
	total, initial, problem := managementForm(input, p)
	if problem != "" {
		sub.nonForm = append(sub.nonForm, problem)
		return sub, nil
	}
	if total > in.maxNum+inlineCeiling {
		sub.nonForm = append(sub.nonForm, in.tooMany())
		return sub, nil
	}
	initial = min(initial, total)
	if asNew || parentID == 0 {
		initial = 0 // a new parent has no related objects yet
	}
	var existing []C
	if perms.view && parentID != 0 {
		var err error
		if existing, err = in.children(ctx, db, parentID); err != nil {
			return nil, err
		}
	}
	up := editorOf(r)
	fields := in.rowFields()
	// What the formset would hold once saved (Django's validate_max),
	// the forms naming an object the parent no longer has, and the
	// objects already named (Django's validate_unique on the key).
	var kept int
	var gone []string
	seen := map[int64]bool{}
	duplicate := false
	for i := range total {
		row := &inlineRow[C]{index: i, input: rowInput(input, p, i, fields)}
		if i < initial {
			id, _ := strconv.ParseInt(input.Get(fmt.Sprintf("%s-%d-id", p, i)), 10, 64)
			at := slices.IndexFunc(existing, func(c C) bool { return pk(&c) == id })
			row.delete = perms.delete && checked(input.Get(fmt.Sprintf("%s-%d-DELETE", p, i)))
			if !row.delete {
				kept++
			}
			if at < 0 {
				// Deleted (or never the parent's) since the form was opened:
				// deleting it again is nothing; changing it cannot be done.
				if perms.change && !row.delete {
					gone = append(gone, strconv.Itoa(i+1))
				}
				continue
			}
			if err := in.existingRow(ctx, db, s, r, up, row, existing[at], fields); err != nil {
				return nil, err
			}
			if seen[id] {
				// Two forms for one object would apply both, each logged
				// against the same old values: the second is refused.
				duplicate = true
				row.errors = mergeErrors(row.errors, models.NonField, "Please correct the duplicate values below.")
			}
			seen[id] = true
		} else if perms.add && anyValue(row.input, fields) && !(asNew && checked(input.Get(fmt.Sprintf("%s-%d-DELETE", p, i)))) {
			// A blank extra form is no object (Django's empty_permitted).
			obj := models.New[C]()
			in.setParent(obj, parentID)
			row.obj, row.editable, row.save = obj, true, true
			var err error
			if row.errors, err = check(ctx, db, s, up, in, obj, fields, row.input, true, parentID == 0); err != nil {
				return nil, err
			}
			kept++
		}
		sub.rows = append(sub.rows, row)
	}
	switch {
	case kept > in.maxNum:
		// The forms beyond the one a one-to-one allows are refused rather
		// than dropped; what they say about deleted objects is moot.
		sub.nonForm = append(sub.nonForm, in.tooMany())
	case len(gone) == 1:
		sub.nonForm = append(sub.nonForm, "The "+in.admin.Verbose+" of form "+gone[0]+
			" was deleted after you opened this form, so your changes have not been saved.")
	case len(gone) > 1:
		sub.nonForm = append(sub.nonForm, "The "+in.admin.VerbosePlural+" of forms "+models.TextList(gone)+
			" were deleted after you opened this form, so your changes have not been saved.")
	}
	if duplicate {
		sub.nonForm = append(sub.nonForm, "Please correct the duplicate data for id.")
	}
	return sub, nil
}

// tooMany is Django's too_many_forms error.
func (in *inline[C]) tooMany() string {
	if in.maxNum == 1 {
		return "Please submit at most 1 form."
	}
	return fmt.Sprintf("Please submit at most %d forms.", in.maxNum)
}

// mergeErrors adds msg to a row's errors under name.
func mergeErrors(errs models.FieldErrors, name, msg string) models.FieldErrors {
	if errs == nil {
		errs = models.FieldErrors{}
	}
	errs.Add(name, msg)
	return errs
}

// existingRow reads the form of an object the formset had: whether the user
// changes or deletes it, whether it changed since the form was opened, and
// the submitted values checked on a copy of it.
func (in *inline[C]) existingRow(ctx context.Context, db bun.IDB, s *Site, r *http.Request, up editor, row *inlineRow[C], obj C, fields []Field[C]) error {
	a := in.admin
	p := in.prefix()
	row.id, row.original, row.obj = pk(&obj), repr(&obj), &obj
	stored, err := a.storedValues(ctx, db, &obj, a.Fields)
	if err != nil {
		return err
	}
	row.stored, row.version = stored, a.version(row.id, stored, up)
	row.editable = in.perms(r).change && a.mayEdit(r, &obj)
	row.delete = row.delete && a.mayEdit(r, &obj)
	changed := false
	if row.editable {
		for i := range fields {
			if f := &fields[i]; f.editable(up) && f.Widget != Password && !sameValues(row.input[f.Name], stored[f.Name]) {
				changed = true
			}
		}
	}
	row.save = changed || row.delete
	if !row.save {
		return nil
	}
	if row.before, err = a.snapshot(ctx, db, &obj, fields); err != nil {
		return err
	}
	if sent, ok := r.PostForm[fmt.Sprintf("%s-%d-%s", p, row.index, versionField)]; ok && first(sent) != row.version {
		// Changed by someone else since the form was opened: nothing is
		// saved, and the form shows what it holds now; saving again puts
		// the user's values in its place, as the parent's conflict does.
		row.errors = models.FieldErrors{models.NonField: {"This " + a.Verbose + " was changed after you opened this form, so your changes have not been saved. " +
			"Where a field differs, its current value is shown under yours: press Save again to put yours in its place."}}
		row.current = map[string]string{}
		for i := range fields {
			f := &fields[i]
			if !f.editable(up) || sameValues(row.input[f.Name], stored[f.Name]) {
				continue
			}
			text, err := a.valueText(ctx, db, f, &obj, stored[f.Name])
			if err != nil {
				return err
			}
			if text == "" {
				text = "(empty)"
			}
			row.current[f.Name] = text
		}
		return nil
	}
	if row.delete {
		return nil // Django does not validate a form marked for deletion
	}
	shown := obj
	row.obj = &shown
	row.errors, err = check(ctx, db, s, up, in, row.obj, fields, row.input, false, false)
	return err
}

// check applies a row's values to obj and runs the model's own checks
// (those that need no database): what can be known before anything is
// written, so that every row's errors show with the parent's.
//
// A parent being added has no id yet: its key's errors are left to the
// save, which sets it before the model checks the row again.
func check[C models.Entity](ctx context.Context, db bun.IDB, s *Site, up editor, in *inline[C], obj *C, fields []Field[C], input url.Values, adding, newParent bool) (models.FieldErrors, error) {
	a := in.admin
	errs := models.FieldErrors{}
	if err := gather(errs, a.apply(ctx, db, s, up, obj, fields, input, adding)); err != nil {
		return nil, err
	}
	if c, ok := any(obj).(interface{ Clean() error }); ok && len(errs) == 0 {
		if err := gather(errs, c.Clean()); err != nil {
			return nil, err
		}
	}
	if newParent {
		delete(errs, in.fk)
	}
	return rowErrors(errs, fields), nil
}

// rowErrors keeps errors on the row's fields beside them and names the
// field of any other (the foreign key, a field the inline does not show).
func rowErrors[C models.Entity](errs models.FieldErrors, fields []Field[C]) models.FieldErrors {
	if len(errs) == 0 {
		return nil
	}
	out := models.FieldErrors{}
	for name, msgs := range errs {
		shown := name == models.NonField || slices.ContainsFunc(fields, func(f Field[C]) bool { return f.Name == name })
		for _, msg := range msgs {
			if shown {
				out.Add(name, msg)
			} else {
				out.Add(models.NonField, capfirst(strings.ReplaceAll(name, "_", " "))+": "+msg)
			}
		}
	}
	return out
}

// rowInput is a form's values under the field names, without its prefix.
func rowInput[C models.Entity](input url.Values, prefix string, i int, fields []Field[C]) url.Values {
	out := url.Values{}
	for _, f := range fields {
		if v, ok := input[fmt.Sprintf("%s-%d-%s", prefix, i, f.Name)]; ok {
			out[f.Name] = v
		}
	}
	return out
}

// anyValue reports whether a new form was filled in at all.
func anyValue[C models.Entity](input url.Values, fields []Field[C]) bool {
	for _, f := range fields {
		for _, v := range input[f.Name] {
			if strings.TrimSpace(v) != "" {
				return true
			}
		}
	}
	return false
}

func (sub *submission[C]) errorCount() int {
	n := len(sub.nonForm)
	for _, row := range sub.rows {
		n += countErrors(row.errors)
	}
	return n
}

func (sub *submission[C]) quiet() {
	sub.nonForm = nil
	for _, row := range sub.rows {
		row.errors, row.current = nil, nil
	}
}

// save deletes, changes, then adds (so that a one-to-one's object may be
// replaced in one save), logging each object touched as its own pages
// would, and returns the parent's messages in Django's order: added,
// changed, deleted.
func (sub *submission[C]) save(ctx context.Context, tx bun.IDB, s *Site, r *http.Request, parentID int64) ([]string, error) {
	a := sub.in.admin
	up := editorOf(r)
	fields := sub.in.rowFields()
	name := func(obj *C) string { return a.Verbose + " “" + repr(obj) + "”" }
	var added, changed, deleted []string
	for _, row := range sub.rows {
		if !row.save || !row.delete {
			continue
		}
		if err := a.Delete(ctx, tx, row.id); err != nil {
			return nil, err
		}
		if err := a.log(ctx, tx, r, row.obj, models.ActionDeletion, "Deleted.", nil); err != nil {
			return nil, err
		}
		deleted = append(deleted, "Deleted "+name(row.obj)+".")
	}
	for _, row := range sub.rows {
		if !row.save || row.delete || row.id == 0 {
			continue
		}
		if err := sub.store(ctx, tx, row, a.Update, fields, up); err != nil {
			return nil, err
		}
		now, err := a.snapshot(ctx, tx, row.obj, fields)
		if err != nil {
			return nil, err
		}
		changes := diff(fields, row.before, now)
		if len(changes) == 0 {
			continue
		}
		if err := a.log(ctx, tx, r, row.obj, models.ActionChange, models.ChangeMessage(changes), changes); err != nil {
			return nil, err
		}
		labels := make([]string, len(changes))
		for i, c := range changes {
			labels[i] = c.Field
		}
		changed = append(changed, "Changed "+models.TextList(labels)+" for "+name(row.obj)+".")
	}
	for _, row := range sub.rows {
		if !row.save || row.id != 0 {
			continue
		}
		sub.in.setParent(row.obj, parentID)
		if err := sub.store(ctx, tx, row, a.Create, fields, up); err != nil {
			return nil, err
		}
		if err := a.log(ctx, tx, r, row.obj, models.ActionAddition, "Added.", nil); err != nil {
			return nil, err
		}
		added = append(added, "Added "+name(row.obj)+".")
	}
	return slices.Concat(added, changed, deleted), nil
}

// store writes a row with the model's own storage (which runs its checks
// that need the database, such as a one-to-one's uniqueness) and reads it
// back with its relations. A row refused keeps its errors, and the whole
// save is rolled back.
func (sub *submission[C]) store(ctx context.Context, tx bun.IDB, row *inlineRow[C], write func(context.Context, bun.IDB, *C) error, fields []Field[C], up editor) error {
	err := write(ctx, tx, row.obj)
	var invalid *models.ValidationError
	if errors.As(err, &invalid) {
		row.errors = rowErrors(invalid.Fields, fields)
		return errNotSaved
	}
	if err != nil {
		return err
	}
	return sub.in.admin.storeRelated(ctx, tx, row.obj, fields, up, row.input)
}

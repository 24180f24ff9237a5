package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"

	"oclettings/app/accounts"
	"oclettings/app/models"
)

// Inline is a related model edited inside its parent's change form, as
// Django's InlineModelAdmin (StackedInline, TabularInline). The related
// model must be registered: its registration gives the rows their fields,
// validation, storage, permissions, names and history, so an inline states
// nothing but the foreign key to the parent and the fields to show.
type Inline interface {
	bind(db bun.IDB, reg *Registry, parent *schema.Table) error
	// submitted reads the inline's rows from a form's POST and checks them
	// against what db holds (a change's transaction). parentID is 0 on an
	// add form; asNew reads every row as a new object (Django's
	// save_as_new). It is nil when the user has no permission on the
	// inline's model, or when the POST carries none of its management form
	// (a client that knows nothing of the inline leaves its rows alone).
	submitted(ctx context.Context, db bun.IDB, s *Site, r *http.Request, parentID int64, asNew bool) (inlineSubmission, error)
	// formset is what the form shows, nil when the user may not see the
	// inline; sub is the submission being shown again, if any.
	formset(ctx context.Context, s *Site, r *http.Request, parentID int64, sub inlineSubmission, editable, adding bool) (*inlineFormset, error)
}

// stacked shows each related object as a block of labelled fields, as
// Django's StackedInline: fk is the related model's foreign key to the
// parent, fields are fields of the related model's form.
func stacked[C models.Entity](fk string, fields ...string) Inline {
	return &inline[C]{style: "stacked", fk: fk, names: fields}
}

// tabular shows each related object as a row of a table, as Django's
// TabularInline.
func tabular[C models.Entity](fk string, fields ...string) Inline {
	return &inline[C]{style: "tabular", fk: fk, names: fields}
}

// Django's numbers: three blank forms at most, a formset holds a thousand
// objects at most (DEFAULT_MAX_NUM), and a submission claiming more than
// max_num + DEFAULT_MAX_NUM forms (its absolute_max) is refused before any
// form is read, so that the counts a client sends never size the server's
// work.
const (
	inlineExtra   = 3
	inlineMaxNum  = 1000
	inlineCeiling = 1000
)

// inline is an Inline of the related model C.
type inline[C models.Entity] struct {
	style string
	fk    string
	names []string

	// What bind resolved.
	admin  *ModelAdmin[C]
	fields []int         // indexes into admin.Fields
	column *schema.Field // the foreign key's column
	maxNum int           // one for a one-to-one key
}

// bindInlines resolves the declaration's inlines (Django's admin.E202:
// the inline's model must have a foreign key to the parent).
func (m *ModelAdmin[T]) bindInlines(db bun.IDB, reg *Registry) []Problem {
	var problems []Problem
	for i, in := range m.Inlines {
		if err := in.bind(db, reg, m.table); err != nil {
			problems = append(problems, Problem{m.Key(), fmt.Sprintf("Inlines[%d]", i), err.Error()})
		}
	}
	return problems
}

func (in *inline[C]) bind(db bun.IDB, reg *Registry, parent *schema.Table) error {
	table := db.Dialect().Tables().Get(reflect.TypeFor[C]())
	in.admin = nil
	for _, rm := range reg.models {
		if a, ok := rm.(*ModelAdmin[C]); ok {
			in.admin = a
		}
	}
	if in.admin == nil {
		return fmt.Errorf("the model of %s is not registered: an inline edits a registered model, with its fields, validation and permissions", table.Name)
	}
	key := in.admin.Key()
	rule, ok := (*new(C)).Fields().Lookup(in.fk)
	rel := relationNamed(table, in.fk)
	if !ok || rule.Kind != models.Ref || rel == nil || rel.Type != schema.BelongsToRelation {
		return fmt.Errorf("%s has no foreign key %q: name the foreign key to %s (admin.E202)", key, in.fk, parent.Name)
	}
	if rel.JoinTable.Name != parent.Name {
		return fmt.Errorf("%s's %q is not a foreign key to %s (admin.E202)", key, in.fk, parent.Name)
	}
	in.column = rel.BasePKs[0]
	in.maxNum = inlineMaxNum
	if rule.Unique {
		in.maxNum = 1
	}
	in.fields = in.fields[:0]
	for _, name := range in.names {
		i := slices.IndexFunc(in.admin.Fields, func(f Field[C]) bool { return f.Name == name })
		switch {
		case name == in.fk:
			return fmt.Errorf("%q is the foreign key to the parent, which the inline sets itself", name)
		case i < 0:
			return fmt.Errorf("%q is not a field of %s's form", name, key)
		}
		in.fields = append(in.fields, i)
	}
	if len(in.fields) == 0 {
		return fmt.Errorf("an inline of %s shows no fields", key)
	}
	return nil
}

// prefix is the formset's, as Django's default: the model's name.
func (in *inline[C]) prefix() string { return in.admin.Model }

// rowFields are the form fields the rows show, as the related model's
// registration declares them.
func (in *inline[C]) rowFields() []Field[C] {
	out := make([]Field[C], len(in.fields))
	for i, j := range in.fields {
		out[i] = in.admin.Fields[j]
	}
	return out
}

// inlinePerms are the user's permissions on an inline's model, as Django's
// InlineModelAdmin asks them.
type inlinePerms struct{ view, add, change, delete bool }

func (in *inline[C]) perms(r *http.Request) inlinePerms {
	return inlinePerms{view: in.admin.can(r, accounts.View, accounts.Change), add: in.admin.can(r, accounts.Add),
		change: in.admin.can(r, accounts.Change), delete: in.admin.can(r, accounts.Delete)}
}

func (p inlinePerms) any() bool { return p.view || p.add || p.change || p.delete }

// children are the parent's related objects, in the related model's order,
// with what their names need. In a transaction on PostgreSQL they are
// locked first, as the change form locks its object.
func (in *inline[C]) children(ctx context.Context, db bun.IDB, parentID int64) ([]C, error) {
	a := in.admin
	if _, tx := db.(bun.Tx); tx && db.Dialect().Name() == dialect.PG {
		var ids []int64
		if err := db.NewSelect().Model((*C)(nil)).Column("id").Where("? = ?", bun.Ident(in.column.Name), parentID).
			For("UPDATE").Scan(ctx, &ids); err != nil {
			return nil, err
		}
	}
	var rows []C
	err := a.ordered(ctx, a.selectRows(db, &rows).Where("?.? = ?", bun.Ident(a.table.Alias), bun.Ident(in.column.Name), parentID))
	return rows, err
}

// setParent points a new related object at the parent.
func (in *inline[C]) setParent(obj *C, parentID int64) {
	reflect.ValueOf(obj).Elem().FieldByIndex(in.column.Index).SetInt(parentID)
}

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

// msgManagementForm is Django's error for a formset whose counts are missing or garbled.
const msgManagementForm = "ManagementForm data is missing or has been tampered with. Missing fields: %s. You may need to file a bug report if the issue persists."

// formCount parses a management form's count.
func formCount(input url.Values, name string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(input.Get(name)))
	return n, err == nil && n >= 0
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
	total, okTotal := formCount(input, mgmt[0])
	initial, okInitial := formCount(input, mgmt[1])
	if !okTotal || !okInitial {
		var missing []string
		if !okTotal {
			missing = append(missing, mgmt[0])
		}
		if !okInitial {
			missing = append(missing, mgmt[1])
		}
		sub.nonForm = append(sub.nonForm, fmt.Sprintf(msgManagementForm, strings.Join(missing, ", ")))
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

// inlineFormset is a formset as the change form shows it.
type inlineFormset struct {
	Prefix    string
	Style     string // "stacked" or "tabular"
	Heading   string // "Profile" for a one-to-one, else "Lettings"
	Verbose   string // "Profile"
	AddText   string // "Add another Profile"
	Total     int
	Initial   int
	Max       int
	Columns   []fieldView // the tabular header
	Forms     []inlineForm
	Empty     *inlineForm // the form new ones are copied from (__prefix__)
	CanDelete bool
	NonForm   []string
}

// inlineForm is one form of a formset.
type inlineForm struct {
	ID          string // "profile-0"
	Number      int    // "#1" on a new stacked form
	Verbose     string
	Original    string // the object's name, when it exists
	PKName      string
	PK          string
	FKName      string
	FK          string
	VersionName string
	Version     string
	DeleteName  string // the "Delete?" checkbox, when the user may delete
	Deleted     bool
	CanDelete   bool // the formset has a "Delete?" column
	Cells       int  // the tabular row's cells
	Fields      []inlineField
	NonField    []string
}

// inlineField is a field of an inline form: the form field as the change
// form shows one, under its prefixed name, and the model field's name.
type inlineField struct {
	fieldView
	Field string
}

// inlineFormsets are the formsets the change form of obj shows; editable
// is whether the user may change the parent (Django's can_edit_parent).
func (m *ModelAdmin[T]) inlineFormsets(ctx context.Context, s *Site, r *http.Request, obj *T, subs inlineSubmissions, adding, editable bool) ([]*inlineFormset, error) {
	var parentID int64
	if !adding {
		parentID = pk(obj)
	}
	var out []*inlineFormset
	for _, in := range m.Inlines {
		var sub inlineSubmission
		for _, candidate := range subs {
			if owner, ok := candidate.(interface{ of() Inline }); ok && owner.of() == in {
				sub = candidate
			}
		}
		fs, err := in.formset(ctx, s, r, parentID, sub, editable, adding)
		if err != nil {
			return nil, err
		}
		if fs != nil {
			out = append(out, fs)
		}
	}
	return out, nil
}

func (sub *submission[C]) of() Inline { return sub.in }

// errorNoteWithInlines is Django's line above a form with errors, counting
// the formsets' errors with the form's.
func errorNoteWithInlines(errs models.FieldErrors, formsets []*inlineFormset) string {
	n := countErrors(errs)
	for _, fs := range formsets {
		n += len(fs.NonForm)
		for _, f := range fs.Forms {
			n += len(f.NonField)
			for _, field := range f.Fields {
				n += len(field.Errors)
			}
		}
	}
	switch n {
	case 0:
		return ""
	case 1:
		return "Please correct the error below."
	}
	return "Please correct the errors below."
}

func (in *inline[C]) formset(ctx context.Context, s *Site, r *http.Request, parentID int64, shown inlineSubmission, editable, adding bool) (*inlineFormset, error) {
	perms := in.perms(r)
	if !perms.any() {
		return nil, nil
	}
	if !editable {
		// Django: without the parent's change permission, nothing inline is editable.
		perms.add, perms.change, perms.delete = false, false, false
	}
	a := in.admin
	p := in.prefix()
	sub, _ := shown.(*submission[C])
	if sub == nil && r.Method == http.MethodPost {
		// An add form shown again is read again, errors and all (nothing
		// of them depends on what was stored). A change form's save that
		// stopped before reading the formset (a conflict) shows the
		// user's rows again, unchecked.
		read, err := in.submitted(ctx, s.db.Read, s, r, parentID, adding && r.PostForm.Has("_saveasnew"))
		if err != nil {
			return nil, err
		}
		if sub, _ = read.(*submission[C]); sub != nil && !adding {
			sub.quiet()
		}
	}
	fs := &inlineFormset{Prefix: p, Style: in.style, Heading: a.Name(), Verbose: capfirst(a.Verbose),
		AddText: "Add another " + capfirst(a.Verbose), Max: in.maxNum, CanDelete: perms.delete}
	if in.maxNum == 1 {
		fs.Heading = capfirst(a.Verbose)
	}
	up := editorOf(r)
	fields := in.rowFields()
	for i := range fields {
		if !fields[i].editable(up) {
			continue
		}
		fs.Columns = append(fs.Columns, fieldView{Name: fields[i].Name, Label: fields[i].Label, Required: fields[i].Required, Help: fields[i].Help})
	}
	var existing []C
	if perms.view && parentID != 0 {
		var err error
		if existing, err = in.children(ctx, s.db.Read, parentID); err != nil {
			return nil, err
		}
	}
	var rows []*inlineRow[C]
	if sub != nil {
		fs.NonForm = sub.nonForm
		// The forms as sent, the objects they name as they are now.
		for _, row := range sub.rows {
			if row.id == 0 && !perms.add {
				continue
			}
			if row.id == 0 || slices.ContainsFunc(existing, func(c C) bool { return pk(&c) == row.id }) {
				rows = append(rows, row)
			}
		}
		for i := range existing {
			id := pk(&existing[i])
			if !slices.ContainsFunc(rows, func(row *inlineRow[C]) bool { return row.id == id }) {
				rows = append(rows, &inlineRow[C]{id: id, obj: &existing[i]})
			}
		}
		// Existing objects first, as the formset numbers them.
		slices.SortStableFunc(rows, func(x, y *inlineRow[C]) int {
			return boolCompare(x.id == 0, y.id == 0)
		})
	} else {
		for i := range existing {
			rows = append(rows, &inlineRow[C]{id: pk(&existing[i]), obj: &existing[i]})
		}
	}
	for _, row := range rows {
		if row.id != 0 {
			fs.Initial++
		}
	}
	if sub == nil && perms.add {
		for range min(inlineExtra, max(in.maxNum-len(rows), 0)) {
			rows = append(rows, &inlineRow[C]{})
		}
	}
	for i, row := range rows {
		form, err := in.form(ctx, s, r, fs, strconv.Itoa(i), i+1, row, perms, fields, parentID)
		if err != nil {
			return nil, err
		}
		fs.Forms = append(fs.Forms, form)
	}
	fs.Total = len(fs.Forms)
	if !perms.add {
		fs.Max = fs.Initial // Django's max_num = 0 without the add permission: no new forms
	} else {
		empty, err := in.form(ctx, s, r, fs, "__prefix__", 0, &inlineRow[C]{}, perms, fields, parentID)
		if err != nil {
			return nil, err
		}
		fs.Empty = &empty
	}
	return fs, nil
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// form is the view of one row; index is its number in the names
// ("__prefix__" for the form new ones are copied from).
func (in *inline[C]) form(ctx context.Context, s *Site, r *http.Request, fs *inlineFormset, index string, number int, row *inlineRow[C], perms inlinePerms, fields []Field[C], parentID int64) (inlineForm, error) {
	a := in.admin
	up := editorOf(r)
	name := func(field string) string { return fs.Prefix + "-" + index + "-" + field }
	form := inlineForm{ID: fs.Prefix + "-" + index, Number: number, Verbose: fs.Verbose, PKName: name("id"),
		FKName: name(in.fk), CanDelete: fs.CanDelete, Cells: 1 + len(fs.Columns), NonField: row.errors[models.NonField]}
	if parentID != 0 {
		form.FK = idString(parentID)
	}
	if fs.CanDelete {
		form.Cells++
	}
	obj := row.obj
	editable := perms.add
	var stored map[string][]string
	if row.id != 0 {
		// The values the submission compared against, when it read them
		// (after a conflict, what the object holds now), so that the
		// version is of exactly what the user sees.
		stored = row.stored
		if stored == nil {
			var err error
			if stored, err = a.storedValues(ctx, s.db.Read, obj, a.Fields); err != nil {
				return form, err
			}
		}
		// Named as it was read, not as the form would rename it.
		form.Original, form.PK = row.original, idString(row.id)
		if form.Original == "" {
			form.Original = repr(obj)
		}
		editable = perms.change && a.mayEdit(r, obj)
		if editable {
			form.VersionName, form.Version = name(versionField), a.version(row.id, stored, up)
		}
		if perms.delete && a.mayEdit(r, obj) {
			form.DeleteName, form.Deleted = name("DELETE"), row.delete
		}
	} else if obj == nil {
		obj = models.New[C]()
	}
	for i := range fields {
		f := &fields[i]
		// A new form may stay blank, so its inputs are not marked required
		// (Django's formsets do not mark any).
		fv := fieldView{Name: name(f.Name), Label: f.Label, Help: f.Help, Widget: f.Widget, Required: f.Required && row.id != 0,
			MaxLength: f.MaxLength, Errors: row.errors[f.Name]}
		fv.ReadOnly = !editable || !f.editable(up)
		fv.Current, fv.Conflict = row.current[f.Name]
		switch {
		case row.input != nil && !fv.ReadOnly && (row.save || row.id == 0):
			fv.Values = row.input[f.Name]
		case stored != nil:
			fv.Values = stored[f.Name]
		default:
			values, err := f.values(ctx, s.db.Read, obj)
			if err != nil {
				return form, err
			}
			fv.Values = blankZero(f, values)
		}
		if fv.ReadOnly {
			text, err := a.valueText(ctx, s.db.Read, f, obj, fv.Values)
			if err != nil {
				return form, err
			}
			fv.Text = text
		} else if f.Choices != nil {
			choices, err := f.Choices(ctx, s.db.Read)
			if err != nil {
				return form, err
			}
			for _, c := range choices {
				c.Selected = slices.Contains(fv.Values, c.Value)
				fv.Choices = append(fv.Choices, c)
			}
		}
		form.Fields = append(form.Fields, inlineField{fieldView: fv, Field: f.Name})
	}
	return form, nil
}

// blankZero leaves a new form's number empty rather than "0", as Django
// shows a field without a default.
func blankZero[C models.Entity](f *Field[C], values []string) []string {
	if f.Widget == Number && len(values) == 1 && values[0] == "0" {
		return []string{""}
	}
	return values
}

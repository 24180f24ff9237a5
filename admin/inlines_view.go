package admin

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"oclettings/app/models"
)

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

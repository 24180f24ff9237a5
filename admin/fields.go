package admin

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"oclettings/app/accounts"
	"oclettings/app/models"
)

// Widget is how a field is entered.
type Widget string

const (
	Text        Widget = "text"
	Number      Widget = "number"
	Email       Widget = "email"
	Checkbox    Widget = "checkbox"
	Select      Widget = "select"
	MultiSelect Widget = "multiselect"
	Password    Widget = "password"
	Display     Widget = "display" // shown, never entered
)

// Field is a field of a model's form. A field of the model takes its
// label, help, widget, length and required marker from the model's own
// statement of it (models.Field) when bind runs; the form only turns text
// into the field's type and shows the model's messages.
type Field[T models.Entity] struct {
	Name      string // the model's field name, used in the form and in errors
	Label     string
	Help      string
	Fieldset  string // starts a fieldset with this heading
	Widget    Widget
	Required  bool // shows the marker; the model enforces the rule
	MaxLength int

	// Get is the field's current value in form encoding.
	Get func(obj *T) []string
	// Set parses submitted values into the object and returns a message
	// when they do not parse ("Enter a whole number.").
	Set func(obj *T, values []string) string
	// Show is the read-only text of the field (Get's values by default).
	Show func(obj *T) string

	// Related names the model ("lettings.address") whose objects are the
	// choices of a select and whose add form the "+" link opens.
	Related string
	// Choices are a select's options when they are not a model's objects.
	Choices func(ctx context.Context, db bun.IDB) ([]choice, error)
	// Named are the choices with the ids alone, in Choices' order: what a
	// save checks and its history labels, read without listing a table
	// (bind sets it to the related model's lookup when Choices are its
	// objects). Without it, those read Choices whole.
	Named func(ctx context.Context, db bun.IDB, ids []int64) ([]choice, error)
	// Links keeps a many-to-many field, in its link table.
	Links *models.Link
	// picker is the name a filter_horizontal field's two-box picker gives
	// its choices ("groups"); bind sets it from ModelAdmin.FilterHorizontal.
	picker string

	// Link is a link shown with a read-only field: its address and text.
	Link func(obj *T) (url, text string)

	// Secret values never appear in the history, only that they changed.
	Secret bool
	// Editable decides per request whether the signed-in user may change
	// the field (only superusers grant superuser status); nil: always.
	Editable func(by editor) bool
}

// editor is the signed-in user as the forms see them.
type editor struct {
	User  *models.User
	Perms accounts.Permissions
}

func editorOf(r *http.Request) editor { return editor{User: currentUser(r), Perms: permissions(r)} }

// editable reports whether the field takes input from this user.
func (f *Field[T]) editable(by editor) bool {
	return f.Widget != Display && (f.Editable == nil || f.Editable(by))
}

// values reads the field's current values, from the object or its links.
func (f *Field[T]) values(ctx context.Context, db bun.IDB, obj *T) ([]string, error) {
	if f.Links != nil {
		return idStrings(f.Links.IDs(ctx, db, pk(obj)))
	}
	if f.Get == nil {
		return nil, nil
	}
	return f.Get(obj), nil
}

// save stores a many-to-many field's submitted values.
func (f *Field[T]) save(ctx context.Context, db bun.IDB, obj *T, values []string) error {
	return f.Links.Set(ctx, db, pk(obj), parseIDs(values))
}

// fromModel completes the field from the model's statement of it.
func (f *Field[T]) fromModel(rule models.Field) {
	if f.Label == "" {
		f.Label = capfirst(rule.VerboseName())
	}
	if f.Help == "" {
		f.Help = rule.Help
	}
	if f.Widget == "" {
		f.Widget = widgetFor(rule.Kind)
	}
	f.Required = f.Required || (rule.Required && rule.Kind != models.Bool && f.Widget != Display)
	if f.MaxLength == 0 {
		f.MaxLength = rule.MaxLen
	}
}

// widgetFor is how each kind of model field is entered.
func widgetFor(k models.Kind) Widget {
	switch k {
	case models.Email:
		return Email
	case models.Integer:
		return Number
	case models.Bool:
		return Checkbox
	case models.Ref:
		return Select
	case models.Time:
		return Display
	}
	return Text
}

// Messages for input that cannot be the field's type, in Django's words.
const (
	msgWholeNumber = "Enter a whole number."
	msgBadChoice   = "Select a valid choice. That choice is not one of the available choices."
	msgBadChoiceOf = "Select a valid choice. %s is not one of the available choices."
)

// fields are model fields declared by name, as Django's ModelAdmin.fields:
// bind gives each its label, help, widget and limits from the model's
// statement of it, and its reading and writing from bun's metadata.
func fields[T models.Entity](names ...string) []Field[T] {
	out := make([]Field[T], len(names))
	for i, name := range names {
		out[i] = Field[T]{Name: name}
	}
	return out
}

// field is one model field declared by name.
func field[T models.Entity](name string) Field[T] { return Field[T]{Name: name} }

// access gives a field declared by name its reading and writing: the
// struct field bun maps its column to, turned to and from form values by
// the model field's kind.
func (f *Field[T]) access(rule models.Field, column *schema.Field, loc *time.Location) {
	value := func(obj *T) reflect.Value { return reflect.ValueOf(obj).Elem().FieldByIndex(column.Index) }
	switch rule.Kind {
	case models.Bool:
		f.Get = func(o *T) []string {
			if value(o).Bool() {
				return []string{"on"}
			}
			return nil
		}
		f.Set = func(o *T, v []string) string { value(o).SetBool(len(v) > 0 && v[0] != ""); return "" }
		f.Show = func(o *T) string { return yesNo(value(o).Bool()) }
	case models.Time:
		f.Show = func(o *T) string { return formatTime(value(o).Interface().(time.Time), loc) }
	case models.Integer:
		f.Get = func(o *T) []string { return []string{strconv.FormatInt(value(o).Int(), 10)} }
		f.Set = func(o *T, v []string) string {
			raw := strings.TrimSpace(first(v))
			if raw == "" {
				return msgRequired
			}
			n, err := strconv.Atoi(raw)
			if err != nil {
				return msgWholeNumber
			}
			value(o).SetInt(int64(n))
			return ""
		}
	case models.Ref:
		f.Get = func(o *T) []string {
			if id := value(o).Int(); id != 0 {
				return []string{strconv.FormatInt(id, 10)}
			}
			return []string{""}
		}
		f.Set = func(o *T, v []string) string {
			raw := first(v)
			if raw == "" {
				value(o).SetInt(0)
				return "" // the model says whether it is required
			}
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id < 1 {
				return msgBadChoice
			}
			value(o).SetInt(id)
			return ""
		}
	default:
		f.Get = func(o *T) []string { return []string{value(o).String()} }
		f.Set = func(o *T, v []string) string { value(o).SetString(first(v)); return "" }
	}
}

// m2mField is a multi-select kept in a link table; its choices are a
// related model's objects (related), or those choices gives and named
// looks up by id.
func m2mField[T models.Entity](name, label, help string, links models.Link, related string,
	choices func(context.Context, bun.IDB) ([]choice, error), named func(context.Context, bun.IDB, []int64) ([]choice, error)) Field[T] {
	return Field[T]{Name: name, Label: label, Help: help, Widget: MultiSelect, Links: &links, Related: related, Choices: choices, Named: named}
}

func inFieldset[T models.Entity](name string, f Field[T]) Field[T] { f.Fieldset = name; return f }

func onlyIf[T models.Entity](f Field[T], editable func(editor) bool) Field[T] {
	f.Editable = editable
	return f
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// bindFilterHorizontal marks the fields FilterHorizontal names for the
// two-box picker. Like Django's admin.E019 and E020, each name must be a
// many-to-many field of the form.
func (m *ModelAdmin[T]) bindFilterHorizontal() []Problem {
	var problems []Problem
	for i, name := range m.FilterHorizontal {
		found := false
		for _, set := range [][]Field[T]{m.Fields, m.AddFields} {
			for j := range set {
				if f := &set[j]; f.Name == name && f.Links != nil {
					// Django names the choices by the field's verbose name.
					f.picker = strings.ToLower(f.Label)
					found = true
				}
			}
		}
		if !found {
			problems = append(problems, Problem{m.Key(), fmt.Sprintf("FilterHorizontal[%d] %q", i, name),
				"must be a many-to-many field of the form"})
		}
	}
	return problems
}

// relatedWidget is what a foreign key's select shows beside it besides the
// "+" link, as Django's RelatedFieldWidgetWrapper does: links to change and
// to view the selected object, each shown by the user's permissions on the
// related model. Template has "__fk__" where related.js puts the selected
// id; the links are hidden while nothing is selected.
type relatedWidget struct {
	Template    string
	ChangeURL   string // the selected object's page at render time, or ""
	CanChange   bool
	CanView     bool
	ChangeTitle string // "Change selected address"
	ViewTitle   string
}

// relatedLinks are the change and view links of a select of related's
// objects, for a user with perms and the selected id; nil when the user may
// neither change nor view them.
func relatedLinks(reg *Registry, perms accounts.Permissions, related, selected string) *relatedWidget {
	rm, ok := reg.model(related)
	if !ok {
		return nil
	}
	canChange := perms.Has(rm.perm(accounts.Change))
	canView := canChange || perms.Has(rm.perm(accounts.View))
	if !canView {
		return nil
	}
	// Django's _to_field: the selected value is the related object's id.
	w := &relatedWidget{Template: rm.URL() + "__fk__/change/?_to_field=id", CanChange: canChange, CanView: canView,
		ChangeTitle: "Change selected " + rm.Verbose, ViewTitle: "View selected " + rm.Verbose}
	if id, err := strconv.ParseInt(selected, 10, 64); err == nil && id > 0 {
		w.ChangeURL = strings.Replace(w.Template, "__fk__", selected, 1)
	}
	return w
}

// popupResponse is what a popup shows after a save or a deletion: the page
// carries what happened for related.js, which passes it to the window that
// opened the popup and closes it (Django's popup_response.html).
type popupResponse struct {
	Action string // "add", "change" or "delete"
	Value  string // the object's id
	Label  string // its name, as the opener's select shows it
}

// Verb is the action in words, for the page's own text.
func (p popupResponse) Verb() string {
	switch p.Action {
	case "add":
		return "added"
	case "delete":
		return "deleted"
	}
	return "changed"
}

// renderPopupResponse answers a save or deletion made in a popup.
func (s *Site) renderPopupResponse(w http.ResponseWriter, r *http.Request, action string, id int64, label string) error {
	return s.render(w, r, http.StatusOK, "popup_response", page{
		Title:   "Popup closing…",
		Content: popupResponse{Action: action, Value: idString(id), Label: label},
	})
}

package admin

import (
	"context"
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
	// Links keeps a many-to-many field, in its link table.
	Links *models.Link

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
func (f *Field[T]) access(rule models.Field, column *schema.Field) {
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
		f.Show = func(o *T) string { return formatTime(value(o).Interface().(time.Time)) }
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
// related model's objects (related), or those choices gives.
func m2mField[T models.Entity](name, label, help string, links models.Link, related string, choices func(context.Context, bun.IDB) ([]choice, error)) Field[T] {
	return Field[T]{Name: name, Label: label, Help: help, Widget: MultiSelect, Links: &links, Related: related, Choices: choices}
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

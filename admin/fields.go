package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

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

// Field is a field of a model's form. Its rules are the model's: the form
// only turns text into the field's type and shows the model's messages.
type Field[T any] struct {
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

	// Choices are a select's options; Related names the model ("lettings.address")
	// whose add form the "+" link opens.
	Choices func(ctx context.Context, db bun.IDB) ([]choice, error)
	Related string

	// Load and Save keep a many-to-many field, stored in a link table.
	Load func(ctx context.Context, db bun.IDB, obj *T) ([]string, error)
	Save func(ctx context.Context, db bun.IDB, obj *T, values []string) error

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
	if f.Load != nil {
		return f.Load(ctx, db, obj)
	}
	if f.Get == nil {
		return nil, nil
	}
	return f.Get(obj), nil
}

// Messages for input that cannot be the field's type, in Django's words.
const (
	msgWholeNumber = "Enter a whole number."
	msgBadChoice   = "Select a valid choice. That choice is not one of the available choices."
	msgBadChoiceOf = "Select a valid choice. %s is not one of the available choices."
)

// Field helpers for the common kinds. They keep declarations to one line
// a field and the parsing rules in one place.

func textField[T any](name, label string, maxLength int, required bool, ptr func(*T) *string) Field[T] {
	return Field[T]{
		Name: name, Label: label, Widget: Text, Required: required, MaxLength: maxLength,
		Get: func(o *T) []string { return []string{*ptr(o)} },
		Set: func(o *T, v []string) string { *ptr(o) = first(v); return "" },
	}
}

func intField[T any](name, label string, ptr func(*T) *int) Field[T] {
	return Field[T]{
		Name: name, Label: label, Widget: Number, Required: true,
		Get: func(o *T) []string { return []string{strconv.Itoa(*ptr(o))} },
		Set: func(o *T, v []string) string {
			raw := strings.TrimSpace(first(v))
			if raw == "" {
				return msgRequired
			}
			n, err := strconv.Atoi(raw)
			if err != nil {
				return msgWholeNumber
			}
			*ptr(o) = n
			return ""
		},
	}
}

func boolField[T any](name, label, help string, ptr func(*T) *bool) Field[T] {
	return Field[T]{
		Name: name, Label: label, Help: help, Widget: Checkbox,
		Get: func(o *T) []string {
			if *ptr(o) {
				return []string{"on"}
			}
			return nil
		},
		Set:  func(o *T, v []string) string { *ptr(o) = len(v) > 0 && v[0] != ""; return "" },
		Show: func(o *T) string { return yesNo(*ptr(o)) },
	}
}

// fkField is a select of related objects, by id; choices lists them.
func fkField[T any](name, label, related string, ptr func(*T) *int64, choices func(ctx context.Context, db bun.IDB) ([]choice, error)) Field[T] {
	return Field[T]{
		Name: name, Label: label, Widget: Select, Required: true, Related: related, Choices: choices,
		Get: func(o *T) []string {
			if *ptr(o) == 0 {
				return []string{""}
			}
			return []string{strconv.FormatInt(*ptr(o), 10)}
		},
		Set: func(o *T, v []string) string {
			raw := first(v)
			if raw == "" {
				*ptr(o) = 0
				return "" // the model says it is required
			}
			id, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || id < 1 {
				return msgBadChoice
			}
			*ptr(o) = id
			return ""
		},
	}
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

package models

import (
	"fmt"
	"reflect"
	"strings"
)

// Kind is what a field holds, which decides how it is checked and entered.
type Kind int

const (
	Text Kind = iota
	Email
	Integer
	Bool
	Time
	Ref // a foreign key: the field names the relation, its column ends in _id
)

// Field is every fact about one field of a model, stated once: Clean checks
// values against it, the admin builds its form fields, labels, filters and
// sort columns from it, and a test checks that the SQL schema enforces the
// same limits.
type Field struct {
	Name     string // the name forms and errors use: "zip_code", "address"
	Label    string // Django's verbose name, lower case; empty: Name with spaces
	Help     string // Django's help text
	Kind     Kind
	Required bool
	// MinLen and MaxLen bound text, in characters; Min and Max bound integers.
	MinLen, MaxLen int
	Min, Max       int
	// Default is a new object's value, as a Django field's default.
	Default any
	// Unique says no two objects share the value: a foreign key that is
	// unique is Django's one-to-one (the admin allows one inline row).
	Unique bool
}

// Column is the field's column: a foreign key's has "_id" after its name.
func (f Field) Column() string {
	if f.Kind == Ref {
		return f.Name + "_id"
	}
	return f.Name
}

// VerboseName is the field's label in lower case ("zip code").
func (f Field) VerboseName() string {
	if f.Label != "" {
		return f.Label
	}
	return strings.ReplaceAll(f.Name, "_", " ")
}

// Fields are a model's fields, in their declared order.
type Fields []Field

// Lookup returns the field with a name.
func (fs Fields) Lookup(name string) (Field, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// rule returns a field the model's own code names; a missing one is a
// mistake in this package, which every model's tests would show at once.
func (fs Fields) rule(name string) Field {
	f, ok := fs.Lookup(name)
	if !ok {
		panic(fmt.Sprintf("models: no field %q", name))
	}
	return f
}

// text checks a text or email field's value against its rule.
func (fs Fields) text(errs FieldErrors, name, value string) {
	f := fs.rule(name)
	if f.Kind == Email {
		email(errs, name, value, f.MaxLen)
		return
	}
	text(errs, name, value, f.Required, f.MinLen, f.MaxLen)
}

// integer checks an integer field's value against its bounds.
func (fs Fields) integer(errs FieldErrors, name string, value int) {
	f := fs.rule(name)
	integer(errs, name, value, f.Min, f.Max)
}

// ref checks that a required foreign key has been chosen.
func (fs Fields) ref(errs FieldErrors, name string, id int64) {
	if fs.rule(name).Required {
		reference(errs, name, id)
	}
}

// clean trims obj's text fields and checks each field against its rule,
// the way Django's model fields clean themselves: obj points to the
// model's struct, whose bun tags name each field's column.
func (fs Fields) clean(obj any) FieldErrors {
	errs := FieldErrors{}
	v := reflect.ValueOf(obj).Elem()
	for _, f := range fs {
		field, ok := structField(v, f.Column())
		if !ok {
			panic(fmt.Sprintf("models: %s has no column %s", v.Type(), f.Column()))
		}
		switch f.Kind {
		case Text, Email:
			field.SetString(strings.TrimSpace(field.String()))
			fs.text(errs, f.Name, field.String())
		case Integer:
			fs.integer(errs, f.Name, int(field.Int()))
		case Ref:
			fs.ref(errs, f.Name, field.Int())
		}
	}
	return errs
}

// Entity is what every model is: its primary key, its name as people read
// it, and its fields.
type Entity interface {
	PK() int64
	String() string
	Fields() Fields
}

// New returns a new object with its fields' defaults set.
func New[T Entity]() *T {
	obj := new(T)
	v := reflect.ValueOf(obj).Elem()
	for _, f := range (*obj).Fields() {
		if f.Default == nil {
			continue
		}
		if field, ok := structField(v, f.Column()); ok {
			field.Set(reflect.ValueOf(f.Default))
		}
	}
	return obj
}

// structField finds the struct field a bun tag maps to a column.
func structField(v reflect.Value, column string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("bun"), ",")
		if name == column {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"oclettings/app/database"
)

// The storage vocabulary every caller works with: a query either succeeds,
// finds nothing, collides with existing data, or is refused as invalid.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// NonField is the key of errors that concern the object as a whole
// (Django's __all__).
const NonField = ""

// FieldErrors maps a field name to its messages, in the order they were found.
type FieldErrors map[string][]string

// Add records a message for field.
func (fe FieldErrors) Add(field, message string) {
	fe[field] = append(fe[field], message)
}

// Err returns nil when nothing was recorded, otherwise a *ValidationError.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return &ValidationError{Fields: fe}
}

// ValidationError is the "invalid" answer: field-keyed messages in Django's words.
type ValidationError struct {
	Fields FieldErrors
}

func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		label := name
		if label == NonField {
			label = "error"
		}
		parts = append(parts, label+": "+strings.Join(e.Fields[name], " "))
	}
	return strings.Join(parts, "; ")
}

// FieldError returns a ValidationError with one message.
func FieldError(field, message string) error {
	return &ValidationError{Fields: FieldErrors{field: {message}}}
}

// translate maps driver errors onto the vocabulary above, once, so no caller
// ever inspects a driver error or mistakes (nil, nil) for "not found".
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case database.IsUniqueViolation(err):
		return fmt.Errorf("%w: %w", ErrConflict, err)
	default:
		return err
	}
}

// updated turns the result of an UPDATE or DELETE of one row into the
// vocabulary: touching no row means the row was not there.
func updated(res sql.Result, err error) error {
	if err != nil {
		return translate(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// rules is a model whose validation needs the database as well as its own
// fields: a related row that must exist, a value that must be unique.
type rules interface {
	Clean() error
	validateRelations(ctx context.Context, db bun.IDB) error
}

// insert validates m and inserts it. A unique-constraint failure becomes the
// message taken on field (the same one validateRelations gives).
func insert(ctx context.Context, db bun.IDB, m rules, field, taken string) error {
	if err := validate(ctx, db, m); err != nil {
		return err
	}
	_, err := db.NewInsert().Model(m).Exec(ctx)
	return uniqueField(err, field, taken)
}

// update validates m and saves it over the row with its primary key.
func update(ctx context.Context, db bun.IDB, m rules, field, taken string) error {
	if err := validate(ctx, db, m); err != nil {
		return err
	}
	return uniqueField(updated(db.NewUpdate().Model(m).WherePK().Exec(ctx)), field, taken)
}

// related checks a foreign key points at a row of model, with the message a
// form shows for a choice that is not among the options.
func related(ctx context.Context, db bun.IDB, model any, field string, id int64) error {
	found, err := db.NewSelect().Model(model).Where("id = ?", id).Exists(ctx)
	if err != nil {
		return translate(err)
	}
	if !found {
		return FieldError(field, msgInvalidChoice)
	}
	return nil
}

// unique checks no row of model other than the one with id has value in
// column, and answers with the field error taken when one does.
func unique(ctx context.Context, db bun.IDB, model any, column string, value any, id int64, field, taken string) error {
	found, err := db.NewSelect().Model(model).
		Where("? = ?", bun.Ident(column), value).Where("id <> ?", id).Exists(ctx)
	if err != nil {
		return translate(err)
	}
	if found {
		return FieldError(field, taken)
	}
	return nil
}

func validate(ctx context.Context, db bun.IDB, m rules) error {
	if err := m.Clean(); err != nil {
		return err
	}
	return m.validateRelations(ctx, db)
}

// uniqueField reports a unique-constraint failure as the field error a form
// shows. The pre-check in each model catches the common case; this catches
// the race where another request inserted the same value in between.
func uniqueField(err error, field, message string) error {
	if field != "" && database.IsUniqueViolation(err) {
		return FieldError(field, message)
	}
	return translate(err)
}

package djangoimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"oclettings/app/database" // and with it the "sqlite" driver, for the Django file
)

// Schema is one of the two table layouts the Django site has had.
type Schema struct {
	Name                      string // "original" or "refactored"
	Address, Letting, Profile string // the tables of the site's own models
	// Apps are the Django app labels of the site's models, as its
	// django_content_type names them: address and letting, then profile.
	LettingsApp, ProfilesApp string
}

var schemas = []Schema{
	{Name: "refactored", Address: "lettings_address", Letting: "lettings_letting", Profile: "profiles_profile",
		LettingsApp: "lettings", ProfilesApp: "profiles"},
	{Name: "original", Address: "oc_lettings_site_address", Letting: "oc_lettings_site_letting", Profile: "oc_lettings_site_profile",
		LettingsApp: "oc_lettings_site", ProfilesApp: "oc_lettings_site"},
}

func (s Schema) String() string {
	return fmt.Sprintf("the %s schema (%s, %s, %s)", s.Name, s.Address, s.Letting, s.Profile)
}

// authTables are Django's own tables, the same in both layouts.
var authTables = []string{"auth_user", "auth_group", "auth_permission", "auth_group_permissions",
	"auth_user_groups", "auth_user_user_permissions", "django_content_type", "django_admin_log"}

// source is an open Django database file, read only.
type source struct {
	db     *sql.DB
	schema Schema
}

// ErrNotDjango is wrapped by every refusal of a file that is not a Django
// database of this site.
var ErrNotDjango = errors.New("not a Django database of OC Lettings")

// FileError is a failure to read the Django file itself: the file is at
// fault, not the target database, so a caller can tell the person who gave
// it why it was refused (without the path, which may be a temporary file).
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

func openSource(ctx context.Context, path string) (*source, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist", path)
	}
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a database file", path)
	}
	// Read only and immutable: the import never writes to the Django file,
	// not even a journal beside it.
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&immutable=1")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	var names []string
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table'")
	if err == nil {
		for rows.Next() {
			var n string
			if err = rows.Scan(&n); err != nil {
				break
			}
			names = append(names, n)
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
	}
	if err != nil {
		db.Close()
		if database.IsNotSQLite(err) {
			return nil, &FileError{Path: path, Err: fmt.Errorf("%w: the file is not an SQLite database", ErrNotDjango)}
		}
		return nil, &FileError{Path: path, Err: err}
	}
	schema, err := detect(names)
	if err != nil {
		db.Close()
		return nil, &FileError{Path: path, Err: err}
	}
	return &source{db: db, schema: schema}, nil
}

// detect names the layout of the tables, or says why it is neither.
func detect(names []string) (Schema, error) {
	if len(names) == 0 {
		return Schema{}, fmt.Errorf("%w: the file holds no tables", ErrNotDjango)
	}
	has := func(t string) bool { return slices.Contains(names, t) }
	var found []Schema
	for _, s := range schemas {
		if has(s.Address) || has(s.Letting) || has(s.Profile) {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return Schema{}, fmt.Errorf("%w: it has none of the tables %s or %s", ErrNotDjango,
			strings.Join([]string{schemas[0].Address, schemas[0].Letting, schemas[0].Profile}, ", "),
			strings.Join([]string{schemas[1].Address, schemas[1].Letting, schemas[1].Profile}, ", "))
	case 2:
		return Schema{}, fmt.Errorf("%w: it has tables of both the original and the refactored schema; which holds the data is unclear", ErrNotDjango)
	}
	s := found[0]
	var missing []string
	for _, t := range append([]string{s.Address, s.Letting, s.Profile}, authTables...) {
		if !has(t) {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return Schema{}, fmt.Errorf("%w: it looks like %s but the table %s is missing", ErrNotDjango, s, strings.Join(missing, ", "))
	}
	return s, nil
}

func (s *source) close() error { return s.db.Close() }

// each runs query and calls scan for every row.
func (s *source) each(ctx context.Context, query string, scan func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// djangoTime reads a datetime as Django stores it in SQLite: UTC text.
func djangoTime(v sql.NullString) (time.Time, error) {
	if !v.Valid || v.String == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano} {
		if t, err := time.Parse(layout, v.String); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time", v.String)
}

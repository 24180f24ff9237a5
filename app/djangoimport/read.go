package djangoimport

import (
	"context"
	"database/sql"
	"fmt"

	"oclettings/app/models"
)

// contentType is a row of django_content_type.
type contentType struct{ app, model string }

// rows is everything the import reads from the Django file, by old id.
type rows struct {
	users        []idRow[models.User]
	groups       []idRow[models.Group]
	contentTypes map[int64]contentType
	permissions  map[int64]permissionRow
	groupPerms   [][2]int64 // group id, permission id
	userGroups   [][2]int64 // user id, group id
	userPerms    [][2]int64 // user id, permission id
	addresses    []idRow[models.Address]
	lettings     []idRow[models.Letting] // AddressID holds the old address id
	profiles     []idRow[models.Profile] // UserID holds the old user id
	log          []logRow
}

// idRow is a record with the id it has in the Django file.
type idRow[T any] struct {
	id  int64
	row T
}

type permissionRow struct {
	contentType int64
	codename    string
}

type logRow struct {
	id          int64
	actionTime  sql.NullString
	userID      int64
	contentType sql.NullInt64
	objectID    sql.NullString
	objectRepr  string
	actionFlag  int
	message     string
}

// read loads every table the import needs. A value of the wrong type (text
// where Django keeps a number) stops it: such a file was not written by
// Django.
func (s *source) read(ctx context.Context) (*rows, error) {
	r := &rows{contentTypes: map[int64]contentType{}, permissions: map[int64]permissionRow{}}
	sc := s.schema
	steps := []struct {
		table, query string
		scan         func(*sql.Rows) error
	}{
		{"auth_user", `SELECT id, password, CAST(last_login AS TEXT), is_superuser, username, first_name, last_name,
			email, is_staff, is_active, CAST(date_joined AS TEXT) FROM auth_user ORDER BY id`, func(rs *sql.Rows) error {
			var u models.User
			var id int64
			var lastLogin, joined sql.NullString
			if err := rs.Scan(&id, &u.Password, &lastLogin, &u.IsSuperuser, &u.Username, &u.FirstName, &u.LastName,
				&u.Email, &u.IsStaff, &u.IsActive, &joined); err != nil {
				return err
			}
			var err error
			if u.LastLogin, err = djangoTime(lastLogin); err != nil {
				return fmt.Errorf("id %d: last_login: %w", id, err)
			}
			if u.DateJoined, err = djangoTime(joined); err != nil {
				return fmt.Errorf("id %d: date_joined: %w", id, err)
			}
			r.users = append(r.users, idRow[models.User]{id, u})
			return nil
		}},
		{"auth_group", "SELECT id, name FROM auth_group ORDER BY id", func(rs *sql.Rows) error {
			var g idRow[models.Group]
			r.groups = append(r.groups, g)
			return rs.Scan(&r.groups[len(r.groups)-1].id, &r.groups[len(r.groups)-1].row.Name)
		}},
		{"django_content_type", "SELECT id, app_label, model FROM django_content_type", func(rs *sql.Rows) error {
			var id int64
			var ct contentType
			err := rs.Scan(&id, &ct.app, &ct.model)
			r.contentTypes[id] = ct
			return err
		}},
		{"auth_permission", "SELECT id, content_type_id, codename FROM auth_permission", func(rs *sql.Rows) error {
			var id int64
			var p permissionRow
			err := rs.Scan(&id, &p.contentType, &p.codename)
			r.permissions[id] = p
			return err
		}},
		{"auth_group_permissions", "SELECT group_id, permission_id FROM auth_group_permissions ORDER BY id", pairs(&r.groupPerms)},
		{"auth_user_groups", "SELECT user_id, group_id FROM auth_user_groups ORDER BY id", pairs(&r.userGroups)},
		{"auth_user_user_permissions", "SELECT user_id, permission_id FROM auth_user_user_permissions ORDER BY id", pairs(&r.userPerms)},
		{sc.Address, "SELECT id, number, street, city, state, zip_code, country_iso_code FROM " + sc.Address + " ORDER BY id", func(rs *sql.Rows) error {
			var a idRow[models.Address]
			err := rs.Scan(&a.id, &a.row.Number, &a.row.Street, &a.row.City, &a.row.State, &a.row.ZipCode, &a.row.CountryISOCode)
			r.addresses = append(r.addresses, a)
			return err
		}},
		{sc.Letting, "SELECT id, title, address_id FROM " + sc.Letting + " ORDER BY id", func(rs *sql.Rows) error {
			var l idRow[models.Letting]
			err := rs.Scan(&l.id, &l.row.Title, &l.row.AddressID)
			r.lettings = append(r.lettings, l)
			return err
		}},
		{sc.Profile, "SELECT id, favorite_city, user_id FROM " + sc.Profile + " ORDER BY id", func(rs *sql.Rows) error {
			var p idRow[models.Profile]
			err := rs.Scan(&p.id, &p.row.FavoriteCity, &p.row.UserID)
			r.profiles = append(r.profiles, p)
			return err
		}},
		{"django_admin_log", `SELECT id, CAST(action_time AS TEXT), user_id, content_type_id, object_id, object_repr,
			action_flag, change_message FROM django_admin_log ORDER BY id`, func(rs *sql.Rows) error {
			var l logRow
			err := rs.Scan(&l.id, &l.actionTime, &l.userID, &l.contentType, &l.objectID, &l.objectRepr, &l.actionFlag, &l.message)
			r.log = append(r.log, l)
			return err
		}},
	}
	for _, step := range steps {
		if err := s.each(ctx, step.query, step.scan); err != nil {
			return nil, fmt.Errorf("read %s: %w", step.table, err)
		}
	}
	return r, nil
}

func pairs(into *[][2]int64) func(*sql.Rows) error {
	return func(rs *sql.Rows) error {
		var p [2]int64
		err := rs.Scan(&p[0], &p[1])
		*into = append(*into, p)
		return err
	}
}

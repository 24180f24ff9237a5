package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/uptrace/bun"

	"oclettings/app/auth"
	"oclettings/app/models"
)

// helpPasswordSet is Django's help beside a user's (never shown) password.
const helpPasswordSet = "Raw passwords are not stored, so there is no way to see this user’s password, but you can change the password using the form linked here."

func userAdmin() *ModelAdmin[models.User] {
	type U = models.User
	superuserOnly := func(by editor) bool { return by.User.IsSuperuser }
	return &ModelAdmin[U]{
		modelInfo: modelInfo{App: "auth", Model: "user"},
		List:      []string{"username", "email", "first_name", "last_name", "is_staff"},
		Ordering:  []string{"username"},
		Search:    []string{"username", "first_name", "last_name", "email"},
		Filters:   []string{"is_staff", "is_superuser", "is_active", "groups"},
		// Django's auth admin has no date_hierarchy; staff drill down to
		// who joined when.
		DateHierarchy: "date_joined",
		AddFields: []Field[U]{
			field[U]("username"),
			{Name: "password1", Label: "Password", Widget: Password, Required: true, Help: passwordRules},
			{Name: "password2", Label: "Password confirmation", Widget: Password, Required: true, Help: "Enter the same password as before, for verification."},
		},
		ContinueAfterAdd: true,
		// The member's profile, edited on the user's page.
		Inlines: []Inline{stacked[models.Profile]("user", "favorite_city")},
		// Django's UserAdmin: groups and permissions in the two-box picker.
		FilterHorizontal: []string{"groups", "user_permissions"},
		Fields: []Field[U]{
			field[U]("username"),
			{Name: "password", Widget: Display, Help: helpPasswordSet, Secret: true,
				Show: func(u *U) string { return auth.Describe(u.Password) },
				Link: func(u *U) (string, string) {
					return "/admin/auth/user/" + strconv.FormatInt(u.ID, 10) + "/password/", "Reset password"
				}},
			inFieldset("Personal info", field[U]("first_name")),
			field[U]("last_name"),
			field[U]("email"),
			inFieldset("Permissions", field[U]("is_active")),
			field[U]("is_staff"),
			onlyIf(field[U]("is_superuser"), superuserOnly),
			m2mField[U]("groups", "Groups", "The groups this user belongs to. A user will get all permissions granted to each of their groups.",
				models.UserGroups(), "auth.group", nil, nil),
			m2mField[U]("user_permissions", "User permissions", "Specific permissions for this user.",
				models.UserPermissions(), "", permissionChoices, permissionsNamed),
			// Entered as Django's admin enters them: a date and a time.
			inFieldset("Important dates", Field[U]{Name: "last_login", Widget: SplitDateTime}),
			{Name: "date_joined", Widget: SplitDateTime},
		},
		Complete:   completeUser,
		Grants:     userGrants,
		EditableBy: func(by editor, u *U) bool { return by.User.IsSuperuser || !u.IsSuperuser },
		// A user's own: usernames are unique whatever their case.
		Create: models.CreateUser,
		Update: models.UpdateUser,
		Extra: func(r chi.Router, s *Site, m *ModelAdmin[U]) {
			h := s.errors.Handle(func(w http.ResponseWriter, r *http.Request) error { return userPassword(s, m, w, r) })
			r.Method(http.MethodGet, "/{id}/password/", h)
			r.Method(http.MethodPost, "/{id}/password/", h)
		},
	}
}

func groupAdmin() *ModelAdmin[models.Group] {
	type G = models.Group
	return &ModelAdmin[G]{
		modelInfo: modelInfo{App: "auth", Model: "group"},
		List:      []string{"name"},
		Ordering:  []string{"name"},
		Search:    []string{"name"},
		// Django's GroupAdmin: the permissions in the two-box picker.
		FilterHorizontal: []string{"permissions"},
		Fields: []Field[G]{
			field[G]("name"),
			m2mField[G]("permissions", "Permissions", "", models.GroupPermissions(), "", permissionChoices, permissionsNamed),
		},
		Grants: func(ctx context.Context, db bun.IDB, by editor, g *G, input url.Values) error {
			return grants(ctx, db, by, g.ID, input, models.GroupPermissions(), "permissions")
		},
		// A group's own: names are unique.
		Create: models.CreateGroup,
		Update: models.UpdateGroup,
	}
}

// permissionChoices are every permission, for the two-box picker.
func permissionChoices(ctx context.Context, db bun.IDB) ([]choice, error) {
	perms, err := models.ListPermissions(ctx, db)
	return labelPermissions(perms), err
}

// permissionsNamed are the permissions with the ids alone, for the history
// and the checks of a save.
func permissionsNamed(ctx context.Context, db bun.IDB, ids []int64) ([]choice, error) {
	perms, err := models.PermissionsByID(ctx, db, ids)
	return labelPermissions(perms), err
}

// labelPermissions labels permissions as Django does: "Lettings | letting | Can add letting".
func labelPermissions(perms []models.Permission) []choice {
	choices := make([]choice, len(perms))
	for i, p := range perms {
		app := p.AppLabel
		for _, a := range adminApps() {
			if a.Label == p.AppLabel {
				app = a.Name
			}
		}
		choices[i] = choice{Value: idString(p.ID), Label: app + " | " + p.Model + " | " + p.Name}
	}
	return choices
}

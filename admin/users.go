package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/auth"
	"oclettings/app/models"
	"oclettings/app/web"
)

// Django's words for users and their passwords.
const (
	msgCannotGrant  = "You cannot grant permissions you do not have yourself."
	helpUsername    = "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."
	helpPasswordSet = "Raw passwords are not stored, so there is no way to see this user’s password, but you can change the password using the form linked here."
)

func userAdmin() *ModelAdmin[models.User] {
	type U = models.User
	superuserOnly := func(by editor) bool { return by.User.IsSuperuser }
	return &ModelAdmin[U]{
		modelInfo: modelInfo{App: "auth", Model: "user", Verbose: "user", VerbosePlural: "users"},
		Alias:     "u",
		Columns: []Column[U]{
			{Label: "Username", Sort: "u.username", Value: func(u *U) string { return u.Username }},
			{Label: "Email address", Sort: "u.email", Value: func(u *U) string { return u.Email }},
			{Label: "First name", Sort: "u.first_name", Value: func(u *U) string { return u.FirstName }},
			{Label: "Last name", Sort: "u.last_name", Value: func(u *U) string { return u.LastName }},
			{Label: "Staff status", Sort: "u.is_staff", Bool: func(u *U) bool { return u.IsStaff }},
		},
		Ordering: []string{"u.username"},
		Search:   []string{"u.username", "u.first_name", "u.last_name", "u.email"},
		Filters: []Filter{
			boolFilter("staff status", "is_staff__exact", "u.is_staff"),
			boolFilter("superuser status", "is_superuser__exact", "u.is_superuser"),
			boolFilter("active", "is_active__exact", "u.is_active"),
			idFilter("groups", "groups__id__exact", groupChoices, func(q *bun.SelectQuery, id int64) *bun.SelectQuery {
				return q.Where("EXISTS (SELECT 1 FROM auth_user_groups AS ug WHERE ug.user_id = u.id AND ug.group_id = ?)", id)
			}),
		},
		AddFields: []Field[U]{
			withHelp(textField("username", "Username", 150, true, func(u *U) *string { return &u.Username }), helpUsername),
			{Name: "password1", Label: "Password", Widget: Password, Required: true, Help: passwordRules},
			{Name: "password2", Label: "Password confirmation", Widget: Password, Required: true, Help: "Enter the same password as before, for verification."},
		},
		ContinueAfterAdd: true,
		Fields: []Field[U]{
			withHelp(textField("username", "Username", 150, true, func(u *U) *string { return &u.Username }), helpUsername),
			{Name: "password", Label: "Password", Widget: Display, Help: helpPasswordSet, Secret: true,
				Show: func(u *U) string { return auth.Describe(u.Password) },
				Link: func(u *U) (string, string) {
					return "/admin/auth/user/" + strconv.FormatInt(u.ID, 10) + "/password/", "Reset password"
				}},
			inFieldset("Personal info", textField("first_name", "First name", 150, false, func(u *U) *string { return &u.FirstName })),
			textField("last_name", "Last name", 150, false, func(u *U) *string { return &u.LastName }),
			emailField("email", "Email address", func(u *U) *string { return &u.Email }),
			inFieldset("Permissions", boolField("is_active", "Active", "Designates whether this user should be treated as active. Unselect this instead of deleting accounts.", func(u *U) *bool { return &u.IsActive })),
			boolField("is_staff", "Staff status", "Designates whether the user can log into this admin site.", func(u *U) *bool { return &u.IsStaff }),
			onlyIf(boolField("is_superuser", "Superuser status", "Designates that this user has all permissions without explicitly assigning them.", func(u *U) *bool { return &u.IsSuperuser }), superuserOnly),
			{Name: "groups", Label: "Groups", Widget: MultiSelect, Choices: groupChoices,
				Help: "The groups this user belongs to. A user will get all permissions granted to each of their groups.",
				Load: func(ctx context.Context, db bun.IDB, u *U) ([]string, error) {
					return idStrings(models.UserGroupIDs(ctx, db, u.ID))
				},
				Save: func(ctx context.Context, db bun.IDB, u *U, values []string) error {
					return models.SetUserGroups(ctx, db, u.ID, parseIDs(values))
				}},
			{Name: "user_permissions", Label: "User permissions", Widget: MultiSelect, Choices: permissionChoices,
				Help: "Specific permissions for this user.",
				Load: func(ctx context.Context, db bun.IDB, u *U) ([]string, error) {
					return idStrings(models.UserPermissionIDs(ctx, db, u.ID))
				},
				Save: func(ctx context.Context, db bun.IDB, u *U, values []string) error {
					return models.SetUserPermissions(ctx, db, u.ID, parseIDs(values))
				}},
			inFieldset("Important dates", Field[U]{Name: "last_login", Label: "Last login", Widget: Display,
				Show: func(u *U) string { return formatTime(u.LastLogin) }}),
			{Name: "date_joined", Label: "Date joined", Widget: Display, Show: func(u *U) string { return formatTime(u.DateJoined) }},
		},
		Guard:   guardUser,
		Protect: func(by editor, u *U) bool { return by.User.IsSuperuser || !u.IsSuperuser },
		New:     func() *U { return &U{IsActive: true} },
		Get:     models.GetUser,
		Create:  models.CreateUser,
		Update:  models.UpdateUser,
		Delete:  models.DeleteUser,
		ID:      func(u *U) int64 { return u.ID },
		String:  func(u *U) string { return u.Username },
		Cascade: []Cascade[U]{{App: "profiles", Model: "profile", Find: func(ctx context.Context, db bun.IDB, u *U) ([]related, error) {
			p, err := models.FindProfileOf(ctx, db, u.ID)
			if isNotFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return []related{{ID: p.ID, Repr: p.String()}}, nil
		}}},
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
		modelInfo: modelInfo{App: "auth", Model: "group", Verbose: "group", VerbosePlural: "groups"},
		Alias:     "g",
		Columns:   []Column[G]{{Label: "Name", Sort: "g.name", Value: func(g *G) string { return g.Name }}},
		Ordering:  []string{"g.name"},
		Search:    []string{"g.name"},
		Fields: []Field[G]{
			textField("name", "Name", 150, true, func(g *G) *string { return &g.Name }),
			{Name: "permissions", Label: "Permissions", Widget: MultiSelect, Choices: permissionChoices,
				Load: func(ctx context.Context, db bun.IDB, g *G) ([]string, error) {
					return idStrings(models.GroupPermissionIDs(ctx, db, g.ID))
				},
				Save: func(ctx context.Context, db bun.IDB, g *G, values []string) error {
					return models.SetGroupPermissions(ctx, db, g.ID, parseIDs(values))
				}},
		},
		Guard: func(ctx context.Context, db bun.IDB, s *Site, by editor, g *G, input url.Values, errs models.FieldErrors) error {
			current, err := idStrings(models.GroupPermissionIDs(ctx, db, g.ID))
			if err != nil {
				return err
			}
			return checkGrant(ctx, db, by, added(input["permissions"], current), "permissions", errs)
		},
		New:    func() *G { return &G{} },
		Get:    models.GetGroup,
		Create: models.CreateGroup,
		Update: models.UpdateGroup,
		Delete: models.DeleteGroup,
		ID:     func(g *G) int64 { return g.ID },
		String: func(g *G) string { return g.Name },
	}
}

// passwordRules is the help the password validators give, as Django lists it.
const passwordRules = "Your password can’t be too similar to your other personal information. " +
	"Your password must contain at least 8 characters. " +
	"Your password can’t be a commonly used password. " +
	"Your password can’t be entirely numeric."

// guardUser checks a user form: on the add form, the two passwords (which
// then become the user's hash); on both, that no one grants what they lack.
func guardUser(ctx context.Context, db bun.IDB, s *Site, by editor, u *models.User, input url.Values, errs models.FieldErrors) error {
	if u.ID == 0 {
		if p2, ok := passwordPair(input, errs); ok {
			hash, err := s.accounts.NewPasswordHash(ctx, u, p2)
			var invalid *models.ValidationError
			switch {
			case errors.As(err, &invalid):
				errs["password2"] = invalid.Fields["password"]
				return nil
			case errors.Is(err, accounts.ErrBusy):
				return web.Status(http.StatusServiceUnavailable)
			case err != nil:
				return err
			}
			u.Password = hash
		}
		return nil
	}
	if by.User.IsSuperuser {
		return nil
	}
	currentPerms, err := idStrings(models.UserPermissionIDs(ctx, db, u.ID))
	if err != nil {
		return err
	}
	if err := checkGrant(ctx, db, by, added(input["user_permissions"], currentPerms), "user_permissions", errs); err != nil {
		return err
	}
	currentGroups, err := idStrings(models.UserGroupIDs(ctx, db, u.ID))
	if err != nil {
		return err
	}
	for _, g := range parseIDs(added(input["groups"], currentGroups)) {
		perms, err := idStrings(models.GroupPermissionIDs(ctx, db, g))
		if err != nil {
			return err
		}
		if err := checkGrant(ctx, db, by, perms, "groups", errs); err != nil {
			return err
		}
	}
	return nil
}

// passwordPair reads a form's password1 and password2, Django's pair for a
// new password, and returns the password when both are there and equal.
func passwordPair(form url.Values, errs models.FieldErrors) (string, bool) {
	p1, p2 := form.Get("password1"), form.Get("password2")
	if p1 == "" {
		errs.Add("password1", msgRequired)
	}
	if p2 == "" {
		errs.Add("password2", msgRequired)
	}
	if p1 != "" && p2 != "" && p1 != p2 {
		errs.Add("password2", msgPasswordMismatch)
	}
	return p2, len(errs) == 0
}

// checkGrant refuses permissions (by id) the editor does not hold.
func checkGrant(ctx context.Context, db bun.IDB, by editor, ids []string, field string, errs models.FieldErrors) error {
	if by.User.IsSuperuser || len(ids) == 0 {
		return nil
	}
	perms, err := models.ListPermissions(ctx, db)
	if err != nil {
		return err
	}
	for _, p := range perms {
		if slices.Contains(ids, strconv.FormatInt(p.ID, 10)) && !by.Perms.HasCodename(p.AppLabel, p.Codename) {
			if !slices.Contains(errs[field], msgCannotGrant) {
				errs.Add(field, msgCannotGrant)
			}
			return nil
		}
	}
	return nil
}

// added lists the values of submitted that current lacks.
func added(submitted, current []string) []string {
	var out []string
	for _, v := range submitted {
		if !slices.Contains(current, v) {
			out = append(out, v)
		}
	}
	return out
}

// userPassword is Django's "Change password: <username>" page, for a staff
// member setting another user's password.
func userPassword(s *Site, m *ModelAdmin[models.User], w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, "change") {
		return web.Status(http.StatusForbidden)
	}
	u, err := m.object(s, w, r)
	if u == nil {
		return err
	}
	if !m.mayTouch(r, u) {
		return web.Status(http.StatusForbidden)
	}
	errs := models.FieldErrors{}
	if r.Method == http.MethodPost {
		input, err := web.Form(r)
		if err != nil {
			return err
		}
		if p2, ok := passwordPair(input, errs); ok {
			// Hashed before the transaction, which then holds the writer
			// only for two short statements.
			hash, err := s.accounts.NewPasswordHash(r.Context(), u, p2)
			if err == nil {
				err = s.db.Write.RunInTx(r.Context(), nil, func(ctx context.Context, tx bun.Tx) error {
					if err := models.SetUserPassword(ctx, tx, u.ID, hash); err != nil {
						return err
					}
					u.Password = hash
					return models.AddLogEntry(ctx, tx, &models.LogEntry{UserID: currentUser(r).ID, AppLabel: m.App, Model: m.Model,
						ObjectID: strconv.FormatInt(u.ID, 10), ObjectRepr: u.Username, ActionFlag: models.ActionChange,
						ChangeMessage: "Changed password.", Changes: []models.FieldChange{{Field: "Password"}}})
				})
			}
			var invalid *models.ValidationError
			switch {
			case errors.As(err, &invalid):
				errs["password2"] = invalid.Fields["password"]
			case errors.Is(err, accounts.ErrBusy):
				return web.Status(http.StatusServiceUnavailable)
			case err != nil:
				return err
			default:
				if u.ID == currentUser(r).ID {
					// One's own password: stay signed in here, as Django's
					// update_session_auth_hash does.
					if err := s.signIn(r, u); err != nil {
						return err
					}
				}
				s.addMessage(r, "success", "Password changed successfully.")
				http.Redirect(w, r, m.ObjectURL(u.ID), http.StatusFound)
				return nil
			}
		}
	}
	title := "Change password: " + u.Username
	app, _ := s.registry.appOf(m.App)
	return s.render(w, r, http.StatusOK, "user_password", page{
		Title:     title,
		Heading:   title,
		BodyClass: "change-form app-auth model-user",
		Breadcrumbs: []crumb{{Label: "Home", URL: "/admin/"}, {Label: app.Name, URL: "/admin/auth/"}, {Label: m.Name(), URL: m.URL()},
			{Label: u.Username, URL: m.ObjectURL(u.ID)}, {Label: "Change password"}},
		Content: struct {
			Username  string
			Errors    models.FieldErrors
			ErrorNote string
			Help      string
		}{u.Username, errs, errorNote(errs), passwordRules},
	})
}

func errorNote(errs models.FieldErrors) string {
	switch countErrors(errs) {
	case 0:
		return ""
	case 1:
		return "Please correct the error below."
	}
	return "Please correct the errors below."
}

func groupChoices(ctx context.Context, db bun.IDB) ([]choice, error) {
	groups, err := models.ListGroups(ctx, db)
	choices := make([]choice, len(groups))
	for i, g := range groups {
		choices[i] = choice{Value: strconv.FormatInt(g.ID, 10), Label: g.Name}
	}
	return choices, err
}

// permissionChoices labels permissions as Django does: "Lettings | letting | Can add letting".
func permissionChoices(ctx context.Context, db bun.IDB) ([]choice, error) {
	perms, err := models.ListPermissions(ctx, db)
	choices := make([]choice, len(perms))
	for i, p := range perms {
		app := p.AppLabel
		for _, a := range adminApps() {
			if a.Label == p.AppLabel {
				app = a.Name
			}
		}
		choices[i] = choice{Value: strconv.FormatInt(p.ID, 10), Label: app + " | " + p.Model + " | " + p.Name}
	}
	return choices, err
}

func idStrings(ids []int64, err error) ([]string, error) {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = strconv.FormatInt(id, 10)
	}
	return out, err
}

// parseIDs reads the ids a multi-select sent (checkChoices has refused
// anything else), each once: an id sent twice is one choice, and would
// otherwise be a second row in a link table that allows one.
func parseIDs(values []string) []int64 {
	var ids []int64
	for _, v := range values {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// formatTime writes a moment as Django's admin does: "Nov. 25, 2026, 3:04 p.m.".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.UTC()
	suffix := "a.m."
	if t.Hour() >= 12 {
		suffix = "p.m."
	}
	return t.Format("Jan. 2, 2006, 3:04 ") + suffix
}

func withHelp[T any](f Field[T], help string) Field[T] { f.Help = help; return f }

func inFieldset[T any](name string, f Field[T]) Field[T] { f.Fieldset = name; return f }

func onlyIf[T any](f Field[T], editable func(editor) bool) Field[T] { f.Editable = editable; return f }

func emailField[T any](name, label string, ptr func(*T) *string) Field[T] {
	f := textField(name, label, 254, false, ptr)
	f.Widget = Email
	return f
}

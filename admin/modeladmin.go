package admin

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"oclettings/app/accounts"
	"oclettings/app/models"
	"oclettings/app/web"
)

// ModelAdmin declares how the admin presents one model, as Django's
// ModelAdmin does: the engine (the generic methods on this type) serves its
// changelist, forms, deletion and history from the declaration alone. What
// the model knows of itself (its table, columns, relations, field labels and
// limits) comes from the model and its bun metadata, never from here, and
// the declaration is checked against the schema at start-up (checks.go).
type ModelAdmin[T models.Entity] struct {
	modelInfo

	// The changelist: Django's list_display, ordering, search_fields and
	// list_filter. Each names a field ("title"), a relation ("address": the
	// related object), or a field across relations ("address__city").
	List     []string
	Ordering []string // "-" first for descending
	Search   []string
	// Filters offer a text field's values, Yes and No for a yes/no field,
	// or the related rows of a many-to-many field of the form.
	Filters []string
	// ListEditable are columns of List edited in place on the changelist,
	// saved together: Django's list_editable.
	ListEditable []string
	// DateHierarchy names a moment field by which the changelist drills
	// down through years, months and days: Django's date_hierarchy.
	DateHierarchy string

	// The forms: the change form's fields in order, and the add form's when
	// it differs (a user is added with a username and a password only).
	Fields    []Field[T]
	AddFields []Field[T]
	// FilterHorizontal names many-to-many fields shown as the two-box
	// picker, "Available" and "Chosen" with their filters, as Django's
	// filter_horizontal (a plain multi-select without JavaScript).
	FilterHorizontal []string
	// Autocomplete names foreign keys entered by searching the related
	// model (with its Search) rather than choosing among all its rows:
	// Django's autocomplete_fields (autocomplete.go).
	Autocomplete []string
	// Inlines edit related objects inside the change form, as Django's
	// ModelAdmin.inlines: stacked[models.Profile]("user", "favorite_city")
	// (inlines.go).
	Inlines []Inline
	// SaveAs shows "Save as new" on the change page in place of "Save and
	// add another": Django's save_as. A "Save as new" (_saveasnew) is
	// honoured on every model, as Django does, with the add permission.
	SaveAs bool
	// ContinueAfterAdd opens the change page after an add, as Django's user
	// admin does, to fill in what the add form left out.
	ContinueAfterAdd bool
	// Complete finishes a new object from add-form input the model has no
	// field for (a password pair becomes the user's hash). Problems with the
	// input are a *models.ValidationError. It runs before any transaction.
	Complete func(ctx context.Context, s *Site, obj *T, input url.Values) error
	// Grants refuses, as a *models.ValidationError, what the editor may not
	// hand out (no one grants permissions they do not hold). It reads through
	// db: a change's write transaction, so that it judges the object as the
	// save finds it.
	Grants func(ctx context.Context, db bun.IDB, by editor, obj *T, input url.Values) error
	// EditableBy says whether an editor may change or delete obj at all (only
	// a superuser touches a superuser's account); nil: anyone with the
	// model's permissions may.
	EditableBy func(by editor, obj *T) bool

	// Storage, through the model layer's queries and validation.
	Get    func(ctx context.Context, db bun.IDB, id int64) (*T, error)
	Create func(ctx context.Context, db bun.IDB, obj *T) error
	Update func(ctx context.Context, db bun.IDB, obj *T) error
	Delete func(ctx context.Context, db bun.IDB, id int64) error

	// ViewOnSite is the object's public page, when it has one.
	ViewOnSite func(obj *T) string
	// Extra registers views of this model beyond the standard ones (a
	// user's password form), under /admin/<app>/<model>/.
	Extra func(r chi.Router, s *Site, m *ModelAdmin[T])

	// What bind resolved from the declaration and the schema.
	table     *schema.Table
	columns   []listColumn[T]
	ordering  []sortTerm
	search    models.Searched
	filters   []Filter
	relations []string // bun relations to join for the list and for names
	// autocomplete is Autocomplete resolved: each field's target model.
	autocomplete map[string]autocompleteTarget
	// dateHierarchy is DateHierarchy resolved; editable, ListEditable's
	// form fields, in the list's order.
	dateHierarchy fieldPath
	editable      []editColumn
	loc           *time.Location
}

// modelInfo is what the rest of the admin knows of a registered model.
type modelInfo struct {
	App           string // app label: "lettings"
	Model         string // model name, lower case: "letting"
	Verbose       string // "letting"
	VerbosePlural string // "lettings"
}

// Name is the model's plural with a capital, as a heading.
func (m *modelInfo) Name() string { return capfirst(m.VerbosePlural) }

// URL is the model's changelist.
func (m *modelInfo) URL() string { return "/admin/" + m.App + "/" + m.Model + "/" }

// ObjectURL is the change page of an object.
func (m *modelInfo) ObjectURL(id int64) string {
	return m.URL() + strconv.FormatInt(id, 10) + "/change/"
}

// Key is "app.model", as fields name the models they relate to.
func (m *modelInfo) Key() string { return m.App + "." + m.Model }

// perm is the key of one of the model's permissions.
func (m *modelInfo) perm(action accounts.Action) accounts.Key {
	return accounts.Key{App: m.App, Model: m.Model, Action: action}
}

// registered is a ModelAdmin of any model, as the registry holds it.
type registered interface {
	info() *modelInfo
	attach(db bun.IDB)
	bind(db bun.IDB, reg *Registry) []Problem
	tableName() string
	links() []models.Link
	defaultOrdering() []string
	columnsRead() []tableColumn
	searchColumns() []models.SearchColumn
	mount(r chi.Router, s *Site)
	viewOnSite(ctx context.Context, db bun.IDB, id int64) (string, error)
	choices(ctx context.Context, db bun.IDB) ([]choice, error)
	named(ctx context.Context, db bun.IDB, ids []int64) ([]choice, error)
	referring(ctx context.Context, db bun.IDB, column string, ids []int64) ([]related, error)
}

// related is an object named in a deletion's cascade.
type related struct {
	ID   int64
	Repr string
}

func (m *ModelAdmin[T]) info() *modelInfo { return &m.modelInfo }

func (m *ModelAdmin[T]) tableName() string { return m.table.Name }

// mount registers the model's views; each checks its permission itself.
func (m *ModelAdmin[T]) mount(r chi.Router, s *Site) {
	h := s.errors.Handle
	r.Route("/"+m.App+"/"+m.Model, func(r chi.Router) {
		r.Method(http.MethodGet, "/", h(m.withSite(s, (*ModelAdmin[T]).changelist)))
		r.Method(http.MethodPost, "/", h(m.withSite(s, (*ModelAdmin[T]).action)))
		r.Method(http.MethodGet, "/add/", h(m.withSite(s, (*ModelAdmin[T]).addForm)))
		r.Method(http.MethodPost, "/add/", h(m.withSite(s, (*ModelAdmin[T]).addForm)))
		r.Method(http.MethodGet, "/{id}/", h(m.withSite(s, (*ModelAdmin[T]).toChange)))
		r.Method(http.MethodGet, "/{id}/change/", h(m.withSite(s, (*ModelAdmin[T]).changeForm)))
		r.Method(http.MethodPost, "/{id}/change/", h(m.withSite(s, (*ModelAdmin[T]).changeForm)))
		r.Method(http.MethodGet, "/{id}/delete/", h(m.withSite(s, (*ModelAdmin[T]).deleteView)))
		r.Method(http.MethodPost, "/{id}/delete/", h(m.withSite(s, (*ModelAdmin[T]).deleteView)))
		r.Method(http.MethodGet, "/{id}/history/", h(m.withSite(s, (*ModelAdmin[T]).history)))
		if m.Extra != nil {
			m.Extra(r, s, m)
		}
	})
}

// view is an engine handler: the model's declaration, the site, the request.
type view[T models.Entity] func(m *ModelAdmin[T], s *Site, w http.ResponseWriter, r *http.Request) error

func (m *ModelAdmin[T]) withSite(s *Site, v view[T]) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error { return v(m, s, w, r) }
}

// mayEdit reports whether the signed-in user may change or delete obj.
func (m *ModelAdmin[T]) mayEdit(r *http.Request, obj *T) bool {
	return m.EditableBy == nil || m.EditableBy(editorOf(r), obj)
}

// can reports whether the signed-in user may do any of the actions on the model.
func (m *ModelAdmin[T]) can(r *http.Request, actions ...accounts.Action) bool {
	keys := make([]accounts.Key, len(actions))
	for i, a := range actions {
		keys[i] = m.perm(a)
	}
	return permissions(r).HasAny(keys...)
}

// object loads the object named in the path. One that is not there (or no
// longer) sends the user to the index with Django's message, as an error
// the adapter answers.
func (m *ModelAdmin[T]) object(s *Site, r *http.Request) (*T, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return nil, m.gone(s, r)
	}
	obj, err := m.Get(r.Context(), s.db.Read, id)
	if isNotFound(err) {
		return nil, m.gone(s, r)
	}
	return obj, err
}

// goneMessage is Django's words for an object that is not there, on the
// change page's redirect and on a changelist row saved in place alike.
func (m *ModelAdmin[T]) goneMessage(id string) string {
	return capfirst(m.Verbose) + " with ID “" + id + "” doesn’t exist. Perhaps it was deleted?"
}

// gone queues Django's message for an object that is not there (or no
// longer: a save may find it deleted) and returns the redirect to the index.
func (m *ModelAdmin[T]) gone(s *Site, r *http.Request) error {
	s.addMessage(r, "warning", escape(m.goneMessage(chi.URLParam(r, "id"))))
	return web.Redirect("/admin/")
}

func (m *ModelAdmin[T]) toChange(s *Site, w http.ResponseWriter, r *http.Request) error {
	return web.Redirect(m.URL() + chi.URLParam(r, "id") + "/change/")
}

func (m *ModelAdmin[T]) viewOnSite(ctx context.Context, db bun.IDB, id int64) (string, error) {
	if m.ViewOnSite == nil {
		return "", errNoPublicPage
	}
	obj, err := m.Get(ctx, db, id)
	if err != nil {
		return "", err
	}
	return m.ViewOnSite(obj), nil
}

// errNoPublicPage answers "View on site" for a model without public pages.
var errNoPublicPage = web.Status(http.StatusNotFound)

func isNotFound(err error) bool { return errors.Is(err, models.ErrNotFound) }

// escape makes text safe inside a message's HTML.
func escape(s string) string { return html.EscapeString(s) }

// pk and repr are the object's key and name, through the model's methods.
func pk[T models.Entity](obj *T) int64    { return (*obj).PK() }
func repr[T models.Entity](obj *T) string { return (*obj).String() }

// crumbs are the breadcrumbs of a model's pages: Home, the app, and the
// model, linked to its list on the pages below it.
func (s *Site) crumbs(m *modelInfo, linkModel bool) []crumb {
	app, _ := s.registry.appOf(m.App)
	c := []crumb{{Label: "Home", URL: "/admin/"}, {Label: app.Name, URL: "/admin/" + m.App + "/"}, {Label: m.Name()}}
	if linkModel {
		c[2].URL = m.URL()
	}
	return c
}

package admin

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/uptrace/bun"

	"oclettings/app/models"
	"oclettings/app/web"
)

// errNoPublicPage answers "View on site" for a model without public pages.
var errNoPublicPage = web.Status(http.StatusNotFound)

func isNotFound(err error) bool { return errors.Is(err, models.ErrNotFound) }

// escape makes text safe inside a message's HTML.
func escape(s string) string { return html.EscapeString(s) }

// ModelAdmin declares how the admin presents one model, as Django's
// ModelAdmin does: the engine (the generic methods on this type) serves its
// changelist, forms, deletion and history from the declaration alone.
type ModelAdmin[T any] struct {
	modelInfo

	// The changelist.
	Columns   []Column[T]
	Alias     string   // the model's table alias in its bun tag ("letting")
	Relations []string // bun relations joined for the list ("Address")
	Ordering  []string // default order, SQL expressions, "-" first for descending
	Search    []string // SQL expressions the search box looks in
	Filters   []Filter

	// The forms: the change form's fields in order, and the add form's when
	// it differs (a user is added with a username and a password only).
	Fields    []Field[T]
	AddFields []Field[T]
	// ContinueAfterAdd opens the change page after an add, as Django's user
	// admin does, to fill in what the add form left out.
	ContinueAfterAdd bool
	// Guard checks a valid form against what the signed-in user may grant
	// (no one hands out permissions they do not hold); nil: nothing to check.
	// It reads through db: a change's write transaction, so that it judges
	// the object as the save finds it.
	Guard func(ctx context.Context, db bun.IDB, s *Site, by editor, obj *T, input url.Values, errs models.FieldErrors) error
	// Protect says whether an editor may change or delete an object at all
	// (only a superuser touches a superuser's account); nil: anyone with the
	// model's permissions may.
	Protect func(by editor, obj *T) bool

	// Storage, through the model layer's queries and validation.
	New    func() *T
	Get    func(ctx context.Context, db bun.IDB, id int64) (*T, error)
	Create func(ctx context.Context, db bun.IDB, obj *T) error
	Update func(ctx context.Context, db bun.IDB, obj *T) error
	Delete func(ctx context.Context, db bun.IDB, id int64) error
	ID     func(obj *T) int64
	String func(obj *T) string

	// ViewOnSite is the object's public page, when it has one.
	ViewOnSite func(obj *T) string
	// Cascade lists what the database deletes with an object.
	Cascade []Cascade[T]
	// Extra registers views of this model beyond the standard ones (a
	// user's password form), under /admin/<app>/<model>/.
	Extra func(r chi.Router, s *Site, m *ModelAdmin[T])
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

// registered is a ModelAdmin of any model, as the registry holds it.
type registered interface {
	info() *modelInfo
	mount(r chi.Router, s *Site)
	viewOnSite(ctx context.Context, db bun.IDB, id int64) (string, error)
}

func (m *ModelAdmin[T]) info() *modelInfo { return &m.modelInfo }

// Column is a column of the changelist.
type Column[T any] struct {
	Label string
	Sort  string // SQL expression ordering by this column; empty: not sortable
	Value func(obj *T) string
	// Bool marks a yes/no column, shown as such and exported as True/False.
	Bool func(obj *T) bool
}

// Cascade is a model whose rows the database deletes with an object.
type Cascade[T any] struct {
	App, Model string
	Find       func(ctx context.Context, db bun.IDB, obj *T) ([]related, error)
}

// related is an object named in a deletion's cascade.
type related struct {
	ID   int64
	Repr string
}

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
type view[T any] func(m *ModelAdmin[T], s *Site, w http.ResponseWriter, r *http.Request) error

func (m *ModelAdmin[T]) withSite(s *Site, v view[T]) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error { return v(m, s, w, r) }
}

// mayTouch reports whether the signed-in user may change or delete obj.
func (m *ModelAdmin[T]) mayTouch(r *http.Request, obj *T) bool {
	return m.Protect == nil || m.Protect(editorOf(r), obj)
}

// can reports whether the signed-in user may act on the model.
func (m *ModelAdmin[T]) can(r *http.Request, actions ...string) bool {
	return permissions(r).HasAny(m.App, m.Model, actions...)
}

// object loads the object named in the path, or sends the user to the
// index with Django's message when there is none. A nil object with a nil
// error means the answer has been written.
func (m *ModelAdmin[T]) object(s *Site, w http.ResponseWriter, r *http.Request) (*T, error) {
	raw := chi.URLParam(r, "id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err == nil && id > 0 {
		obj, err := m.Get(r.Context(), s.db.Read, id)
		if err == nil {
			return obj, nil
		}
		if !isNotFound(err) {
			return nil, err
		}
	}
	m.gone(s, w, r)
	return nil, nil
}

// gone sends the user to the index with Django's message for an object
// that is not there (or no longer: a save may find it deleted).
func (m *ModelAdmin[T]) gone(s *Site, w http.ResponseWriter, r *http.Request) {
	s.addMessage(r, "warning", escape(m.Verbose+" with ID “"+chi.URLParam(r, "id")+"” doesn’t exist. Perhaps it was deleted?"))
	http.Redirect(w, r, "/admin/", http.StatusFound)
}

func (m *ModelAdmin[T]) toChange(s *Site, w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, m.URL()+chi.URLParam(r, "id")+"/change/", http.StatusFound)
	return nil
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

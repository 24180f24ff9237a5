package admin

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"oclettings/app/accounts"
	"oclettings/app/web"
)

// Routes registers the admin under /admin/. Every response is kept out of
// caches, every request has its session and CSRF check, and everything but
// the login and logout pages is behind the staff guard, here, so mounting
// the admin cannot forget it.
func (s *Site) Routes(r chi.Router) {
	r.Route("/admin", func(r chi.Router) {
		r.Use(headAsGet, slashRoot, noStore, s.sessions.LoadAndSave, s.csrf.Middleware, s.authenticate)
		h := s.errors.Handle

		r.Method(http.MethodGet, "/login/", h(s.loginPage))
		r.Method(http.MethodPost, "/login/", h(s.loginSubmit))
		r.Method(http.MethodPost, "/logout/", h(s.logout))

		r.Group(func(r chi.Router) {
			r.Use(s.requireStaff)
			r.Method(http.MethodGet, "/", h(s.index))
			r.Method(http.MethodGet, "/password_change/", h(s.passwordChangePage))
			r.Method(http.MethodPost, "/password_change/", h(s.passwordChangeSubmit))
			r.Method(http.MethodGet, "/password_change/done/", h(s.passwordChangeDone))
			for _, app := range s.registry.apps {
				r.Method(http.MethodGet, "/"+app.Label+"/", h(s.appIndex(app)))
			}
			for _, m := range s.registry.models {
				m.mount(r, s)
			}
			r.Method(http.MethodGet, "/r/{model}/{id}/", h(s.viewOnSite))
			r.Method(http.MethodGet, autocompleteRoute, h(s.autocomplete))
			r.With(s.requireSuperuser).Method(http.MethodGet, backupRoute, h(s.backupPage))
			r.With(s.requireSuperuser).Method(http.MethodPost, backupRoute, h(s.backupDownload))
			r.With(s.requireSuperuser).Method(http.MethodGet, importDjangoRoute, h(s.importDjangoPage))
			r.With(s.requireSuperuser).Method(http.MethodPost, importDjangoRoute, h(s.importDjangoSubmit))
		})

		r.NotFound(s.notFound(r))
		r.MethodNotAllowed(s.errors.MethodNotAllowed(r, "/admin"))
	})
}

// headAsGet answers HEAD wherever GET is, as Django does. The site-wide
// middleware.GetHead looks the method up from the top router, which sees
// the admin's nested routers as handling every method, so a HEAD reached
// them as HEAD and got 405 while Allow listed HEAD. No admin page has a
// HEAD of its own, so every HEAD is routed as the GET; net/http drops the
// body.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			chi.RouteContext(r.Context()).RouteMethod = http.MethodGet
		}
		next.ServeHTTP(w, r)
	})
}

// notFound answers a path under /admin/ that matches nothing, as Django's
// admin does: the slashed path when that would match, a 404 for staff, and
// the login page for everyone else, who must not learn what exists.
func (s *Site) notFound(routes chi.Routes) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if web.AppendSlash(w, r, routes, "/admin") {
			return
		}
		if !isStaff(r) {
			http.Redirect(w, r, loginURL(r), http.StatusFound)
			return
		}
		s.errors.Page(w, r, http.StatusNotFound)
	}
}

// slashRoot sends /admin to /admin/, which the mounted router would
// otherwise answer as if it were the index.
func slashRoot(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/admin" {
			target := "/admin/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// noStore keeps every admin page out of every cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache, no-store, must-revalidate, private")
		next.ServeHTTP(w, r)
	})
}

// viewOnSite sends staff to an object's public page ("View on site").
func (s *Site) viewOnSite(w http.ResponseWriter, r *http.Request) error {
	m, ok := s.registry.registeredModel(chi.URLParam(r, "model"))
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if !ok || err != nil || !permissions(r).HasAny(m.info().perm(accounts.View), m.info().perm(accounts.Change)) {
		return web.Status(http.StatusNotFound)
	}
	target, err := m.viewOnSite(r.Context(), s.db.Read, id)
	if err != nil {
		return err
	}
	return web.Redirect(target)
}

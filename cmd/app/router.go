package main

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"oclettings/app/database"
	"oclettings/app/web"
	"oclettings/public"
	"oclettings/static"
)

// router wires the front ends and the site-wide routes together.
func router(db *database.DB, logger *slog.Logger, build web.Build, cacheBytes int) (http.Handler, error) {
	assets, err := web.NewAssets(static.Files, "/static/")
	if err != nil {
		return nil, err
	}
	site, err := public.New(db, assets, logger, cacheBytes)
	if err != nil {
		return nil, err
	}
	pages := site.Errors()

	r := chi.NewRouter()
	r.Use(pages.Recover, web.SecurityHeaders, middleware.GetHead)
	r.Method(http.MethodGet, "/healthz", web.Healthz(build))
	r.Method(http.MethodGet, "/static/*", pages.Handle(assets.Serve))
	site.Routes(r)
	r.NotFound(pages.NotFound(r))
	r.MethodNotAllowed(pages.MethodNotAllowed(r))
	return r, nil
}

package sitetest

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"github.com/go-chi/chi/v5"

	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/monitoring"
	"oclettings/app/web"
	"oclettings/migrations"
	"oclettings/static"
)

// Discard is a logger that writes nowhere, for the front ends of tests that
// do not read the logs.
var Discard = slog.New(slog.DiscardHandler)

var assets struct {
	once sync.Once
	a    *web.Assets
	err  error
}

// Assets returns the embedded static files, indexed once for the whole test
// binary: they never change while it runs.
func Assets(t testing.TB) *web.Assets {
	t.Helper()
	assets.once.Do(func() { assets.a, assets.err = web.NewAssets(static.Files, "/static/") })
	if assets.err != nil {
		t.Fatal(assets.err)
	}
	return assets.a
}

// Option changes how Handler builds the site.
type Option func(*web.SiteOptions)

// WithLogger sends the site-wide logs (request log, readiness, panics) to
// logger instead of nowhere.
func WithLogger(logger *slog.Logger) Option {
	return func(o *web.SiteOptions) { o.Logger = logger }
}

// WithBodyLimits raises the request body limit for the paths named, as the
// binary does for the admin's import.
func WithBodyLimits(limits map[string]int64) Option {
	return func(o *web.SiteOptions) { o.BodyLimits = limits }
}

// WithBuild sets what /healthz reports.
func WithBuild(b web.Build) Option {
	return func(o *web.SiteOptions) { o.Build = b }
}

// Handler returns the routes mount registers behind the site-wide
// middleware the binary uses (web.NewSiteRouter), with pages answering for
// paths no route matches. Readiness means what it does in the binary: the
// database answers and its schema is up to date.
func Handler(t testing.TB, cfg *config.Config, db *database.DB, pages *web.ErrorPages, mount func(chi.Router), opts ...Option) http.Handler {
	t.Helper()
	migrator, err := migrations.NewMigrator(db.Write, db.Kind)
	if err != nil {
		t.Fatal(err)
	}
	o := web.SiteOptions{
		Config:  cfg,
		Logger:  Discard,
		Build:   web.Build{Version: "test"},
		Pages:   pages,
		Assets:  Assets(t),
		Ready:   func(ctx context.Context) error { return migrator.Ready(ctx, db.Read) },
		Monitor: monitoring.Middleware,
		Mount:   mount,
	}
	for _, opt := range opts {
		opt(&o)
	}
	h, err := web.NewSiteRouter(o)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

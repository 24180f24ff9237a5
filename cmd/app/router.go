package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"oclettings/admin"
	"oclettings/app/accounts"
	"oclettings/app/backup"
	"oclettings/app/config"
	"oclettings/app/database"
	"oclettings/app/monitoring"
	"oclettings/app/web"
	"oclettings/migrations"
	"oclettings/public"
	"oclettings/static"
)

// site is what the router is built from.
type site struct {
	DB         *database.DB
	Config     *config.Config
	Logger     *slog.Logger
	Build      web.Build
	CacheBytes int               // memory for rendered public pages; 0 turns the cache off
	Accounts   *accounts.Service // accounts.New(DB), or one with a test clock and hasher
	Backups    *backup.Service   // the one serve schedules; nil: one without a schedule
}

// healthPaths answer whatever Host a platform's checker sends, over plain
// HTTP too, and are logged at debug level only.
var healthPaths = []string{"/healthz", "/readyz"}

// router wires the front ends and the site-wide routes together.
func router(s site) (http.Handler, error) {
	assets, err := web.NewAssets(static.Files, "/static/")
	if err != nil {
		return nil, err
	}
	pub, err := public.New(s.DB, assets, s.Logger, s.CacheBytes)
	if err != nil {
		return nil, err
	}
	if s.Backups == nil {
		s.Backups = newBackups(s.DB, s.Config, s.Logger)
	}
	adm, err := admin.New(admin.Config{
		DB:            s.DB,
		SecureCookies: !s.Config.Debug,
		Assets:        assets,
		Logger:        s.Logger,
		SecretKey:     s.Config.SecretKey,
		Accounts:      s.Accounts,
		Backups:       s.Backups,
	})
	if err != nil {
		return nil, err
	}
	pages := pub.Errors()
	proxies := web.Proxies{Trusted: s.Config.TrustProxyHeaders, Count: s.Config.ProxyCount}
	perimeter := &web.Perimeter{
		AllowedHosts: s.Config.AllowedHosts,
		Debug:        s.Config.Debug,
		Proxies:      proxies,
		SSLRedirect:  s.Config.SecureSSLRedirect,
		HSTSSeconds:  s.Config.HSTSSeconds,
		MaxBodyBytes: s.Config.MaxBodyBytes,
		BodyLimits:   map[string]int64{admin.ImportDjangoPath: s.Config.ImportMaxBytes},
		Exempt:       healthPaths,
		Pages:        pages,
	}

	migrator, err := migrations.NewMigrator(s.DB.Write, s.DB.Kind)
	if err != nil {
		return nil, err
	}
	ready := func(ctx context.Context) error {
		if err := s.DB.Read.PingContext(ctx); err != nil {
			return err
		}
		upToDate, err := migrator.UpToDate(ctx, s.DB.Read)
		if err == nil && !upToDate {
			err = errors.New("the database schema is not up to date")
		}
		return err
	}
	requests := &web.RequestLog{Logger: s.Logger, Quiet: healthPaths}
	origin := web.Origin{SiteURL: s.Config.SiteURL, Proxies: proxies}

	r := chi.NewRouter()
	// The client's address first, read once for everything after it. Then
	// monitoring: the request log's line then lands on the request's own
	// Sentry hub, not on the one every request shares.
	// Past the perimeter, the host is one of ours: the site's address for
	// absolute links comes from it (or from SITE_URL). And the caches a
	// request touches share one content version, read at first use.
	r.Use(proxies.Middleware, monitoring.Middleware, requests.Middleware, pages.Recover, web.SecurityHeaders, perimeter.Middleware,
		origin.Middleware, web.OneVersion, middleware.GetHead)
	r.Method(http.MethodGet, "/healthz", web.Healthz(s.Build))
	r.Method(http.MethodGet, "/readyz", web.Readyz(ready, s.Logger))
	r.Method(http.MethodGet, "/static/*", pages.Handle(assets.Serve))
	pub.Routes(r)
	adm.Routes(r)
	r.NotFound(pages.NotFound(r))
	r.MethodNotAllowed(pages.MethodNotAllowed(r, ""))
	return r, nil
}

package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

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

// router wires the front ends into the site-wide router.
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
		TimeZone:      s.Config.TimeZone,
	})
	if err != nil {
		return nil, err
	}
	migrator, err := migrations.NewMigrator(s.DB.Write, s.DB.Kind)
	if err != nil {
		return nil, err
	}
	return web.NewSiteRouter(web.SiteOptions{
		Config:     s.Config,
		Logger:     s.Logger,
		Build:      s.Build,
		Pages:      pub.Errors(),
		Assets:     assets,
		Ready:      func(ctx context.Context) error { return migrator.Ready(ctx, s.DB.Read) },
		Monitor:    monitoring.Middleware,
		BodyLimits: map[string]int64{admin.ImportDjangoPath: s.Config.ImportMaxBytes},
		Mount: func(r chi.Router) {
			pub.Routes(r)
			// Every admin page reads the database: a slot each. The public
			// pages take one only when the cache renders them.
			r.Group(func(r chi.Router) {
				r.Use(web.RenderSlot)
				adm.Routes(r)
			})
		},
	})
}

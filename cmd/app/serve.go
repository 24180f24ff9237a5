package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"oclettings/app/accounts"
	"oclettings/app/auth"
	"oclettings/app/logging"
	"oclettings/app/monitoring"
	"oclettings/app/sessions"
	"oclettings/migrations"
	"oclettings/public"
)

// sentryFlushTimeout bounds the wait for queued Sentry events at shutdown.
const sentryFlushTimeout = 3 * time.Second

// sessionSweepInterval is how often expired sessions are deleted.
const sessionSweepInterval = 10 * time.Minute

func serveCommand() command {
	return command{
		summary: "Apply pending migrations and load the reference data (as migrate does), then serve the site\n" +
			"on 0.0.0.0:$PORT until SIGTERM or SIGINT.",
		run: func(ctx context.Context, e *env, _ *flag.FlagSet, args []string) error {
			if len(args) > 0 {
				return usagef("unexpected arguments %q", args)
			}
			// A line a request: written out in batches, the last at the end.
			logs := logging.NewWriter(e.stdout, logging.FlushInterval)
			defer logs.Close()
			access := dbAccess{serving: true, logs: logs, open: openRestored, before: func(ws *workspace) error {
				if err := monitoring.Init(ws.cfg, e.build, nil); err != nil {
					return err
				}
				// With a DSN, errors go to Sentry as events, everything else
				// as breadcrumbs; without one the printing handler stays alone.
				ws.logger = slog.New(monitoring.NewLogHandler(ws.logger.Handler()))
				return nil
			}}
			return withDatabase(ctx, e, access, func(ws *workspace) error { return serveSite(ctx, e, ws) })
		},
	}
}

// defaultMemoryLimit is the Go runtime's soft memory limit while serving,
// unless GOMEMLIMIT sets another (or "off"). The site's own memory is a few
// megabytes of pages and templates, plus what the requests under way hold,
// which the render slots bound; a crowd of requests or of sign-ins then
// makes the collector run more often rather than the process grow. Two
// argon2 hashes at once (19 MiB each while they run) fit in the 48 MiB;
// each hash more that PASSWORD_HASH_CONCURRENCY lets run adds its memory,
// or a burst of sign-ins would keep the collector running without end.
// SQLite's page caches are outside the Go heap and this limit (see
// database.sqliteCacheKiB).
func defaultMemoryLimit(hashes int) int64 {
	return 48<<20 + int64(max(0, hashes-2))*int64(auth.Argon2Memory)<<10
}

// serveMemoryLimit sets the default soft memory limit unless GOMEMLIMIT
// set one when the runtime started, and returns the limit in force.
func serveMemoryLimit(getenv func(string) (string, bool), hashes int) int64 {
	if v, ok := getenv("GOMEMLIMIT"); !ok || v == "" {
		debug.SetMemoryLimit(defaultMemoryLimit(hashes))
	}
	return debug.SetMemoryLimit(-1)
}

// serveSite brings the database up to date, then serves the site until ctx
// ends.
func serveSite(ctx context.Context, e *env, ws *workspace) error {
	cfg, db, logger := ws.cfg, ws.db, ws.logger
	memoryLimit := debug.SetMemoryLimit(-1)
	if e.tuneRuntime {
		memoryLimit = serveMemoryLimit(e.getenv, cfg.PasswordHashConcurrency)
	}
	defer monitoring.Flush(sentryFlushTimeout) // before the database closes
	// Spans are made only inside traced requests.
	if monitoring.Tracing() {
		db.Read = db.Read.WithQueryHook(monitoring.QueryHook{})
		db.Write = db.Write.WithQueryHook(monitoring.QueryHook{})
	}
	backups := newBackups(db, cfg, logger)
	if err := migrateUp(ctx, ws.migrator, backups, func(name string) { logger.Info("migration applied", "migration", name) }); err != nil {
		return err
	}
	// As `app migrate` does: on a platform where no command can reach the
	// database (Render's disk), the reference data would otherwise never
	// arrive. Each set loads once, so rows the staff deleted stay deleted.
	seeded, err := migrations.Seed(ctx, db.Write)
	if err != nil {
		return err
	}
	if !seeded.AlreadyLoaded {
		logger.Info(seeded.String())
	}
	if err := bootstrapSuperuser(ctx, cfg, db, logger); err != nil {
		return err
	}

	// Started before listening, and stopped (a copy under way ending first)
	// before the database closes.
	defer backups.Start(ctx)()
	signIn := accounts.New(db)
	signIn.HashConcurrency = cfg.PasswordHashConcurrency
	h, err := router(site{DB: db, Config: cfg, Logger: logger, Build: e.build, CacheBytes: public.DefaultCacheBytes, Accounts: signIn, Backups: backups})
	if err != nil {
		return err
	}
	go sessions.Sweep(ctx, db, sessionSweepInterval, logger)
	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(cfg.Port)))
	if err != nil {
		return err
	}
	logger.Info("serving", "address", ln.Addr().String(), "version", e.build.Version,
		"commit", e.build.Commit, "database", db.Kind, "memory_limit", memoryLimit)
	return serve(ctx, ln, h, logger, cfg.ShutdownTimeout)
}

// serve answers on ln until ctx ends, then lets in-flight requests finish.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger, grace time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down", "grace", grace.String())
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

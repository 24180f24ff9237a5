package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"oclettings/app/config"
)

// healthPaths answer whatever Host a platform's checker sends, over plain
// HTTP too, and are logged at debug level only.
var healthPaths = []string{"/healthz", "/readyz"}

// SiteOptions is what the site-wide router is built from. Every field is
// required except BodyLimits and RenderSlots.
type SiteOptions struct {
	Config *config.Config
	Logger *slog.Logger
	Build  Build
	// Pages answers for paths that belong to no front end, and for panics.
	Pages  *ErrorPages
	Assets *Assets // served under /static/
	// Ready says whether the site can serve (readiness probe).
	Ready func(ctx context.Context) error
	// Monitor is the error reporter's per-request middleware. It is passed
	// in because the reporter builds on this package, not the other way.
	Monitor func(http.Handler) http.Handler
	// BodyLimits raises the request body limit for the paths named.
	BodyLimits map[string]int64
	// RenderSlots is how many requests build pages from the database at
	// once: the public pages the cache has to render, and the routes behind
	// RenderSlot. The others wait their turn. 0 is DefaultRenderSlots.
	RenderSlots int
	// Mount registers the front ends' routes.
	Mount func(chi.Router)
}

// NewSiteRouter puts the front ends behind the middleware every request
// goes through, in the order that order matters for, and adds the routes
// that belong to no front end: health, readiness, static files, and the
// answers for unknown paths and methods. The binary and the tests build
// their handler here so that they go through the same doors.
func NewSiteRouter(o SiteOptions) (http.Handler, error) {
	if o.Config == nil || o.Logger == nil || o.Pages == nil || o.Assets == nil || o.Ready == nil || o.Monitor == nil || o.Mount == nil {
		return nil, errors.New("site router: Config, Logger, Pages, Assets, Ready, Monitor and Mount are required")
	}
	cfg := o.Config
	proxies := Proxies{Trusted: cfg.TrustProxyHeaders, Count: cfg.ProxyCount}
	perimeter := &Perimeter{
		AllowedHosts: cfg.AllowedHosts,
		Debug:        cfg.Debug,
		Proxies:      proxies,
		SSLRedirect:  cfg.SecureSSLRedirect,
		HSTSSeconds:  cfg.HSTSSeconds,
		MaxBodyBytes: cfg.MaxBodyBytes,
		BodyLimits:   o.BodyLimits,
		Exempt:       healthPaths,
		Pages:        o.Pages,
	}
	requests := &RequestLog{Logger: o.Logger, Quiet: healthPaths}
	origin := Origin{SiteURL: cfg.SiteURL, Proxies: proxies}

	r := chi.NewRouter()
	// The request's context first, in one copy: the facts the middleware
	// fill in, and one content version that the caches a request touches
	// share, read at first use. The client's address next, read once for
	// everything after it. Then monitoring: the request log's line then
	// lands on the request's own Sentry hub, not on the one every request
	// shares. Past the perimeter, the host is one of ours: the site's
	// address for absolute links comes from it (or from SITE_URL).
	slots := o.RenderSlots
	if slots <= 0 {
		slots = DefaultRenderSlots()
	}
	r.Use(requestContext(make(renderSlots, slots)), proxies.Middleware, o.Monitor, requests.Middleware, o.Pages.Recover, SecurityHeaders, perimeter.Middleware,
		origin.Middleware, middleware.GetHead)
	r.Method(http.MethodGet, "/healthz", Healthz(o.Build))
	r.Method(http.MethodGet, "/readyz", Readyz(o.Ready, o.Logger))
	r.Method(http.MethodGet, "/static/*", o.Pages.Handle(o.Assets.Serve))
	o.Mount(r)
	r.NotFound(o.Pages.NotFound(r))
	r.MethodNotAllowed(o.Pages.MethodNotAllowed(r, ""))
	return r, nil
}

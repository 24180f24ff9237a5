// Package monitoring reports errors and traces to Sentry: the client's
// set-up, a per-request scope with the request (scrubbed) and the route, a
// log handler that turns ERROR records into events and the rest into
// breadcrumbs, and spans for database queries of traced requests. Nothing
// it sends carries a cookie, a session or CSRF token, a password or an
// Authorization header.
package monitoring

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getsentry/sentry-go"
	"github.com/uptrace/bun"

	"oclettings/app/config"
	"oclettings/app/web"
)

// Init sets up the Sentry client from the configuration. Call it before
// building the router and the logger: Middleware and NewLogHandler decide
// from it, once, what each request costs. Without a DSN the answer is
// nothing at all.
func Init(cfg *config.Config, build web.Build, transport http.RoundTripper) error {
	return sentry.Init(options(cfg, build, transport))
}

func options(cfg *config.Config, build web.Build, transport http.RoundTripper) sentry.ClientOptions {
	return sentry.ClientOptions{
		Dsn:                   cfg.SentryDSN,
		Environment:           cfg.SentryEnvironment,
		Release:               "oclettings@" + build.Version + "+" + build.Commit,
		TracesSampleRate:      cfg.SentryTracesSampleRate,
		EnableTracing:         cfg.SentryTracesSampleRate > 0,
		HTTPTransport:         transport,
		BeforeSend:            func(e *sentry.Event, _ *sentry.EventHint) *sentry.Event { return scrubEvent(e) },
		BeforeSendTransaction: func(e *sentry.Event, _ *sentry.EventHint) *sentry.Event { return scrubEvent(e) },
	}
}

// Flush waits, at most timeout, for the events still queued to be sent.
func Flush(timeout time.Duration) bool { return sentry.Flush(timeout) }

// Enabled reports whether Init was given a DSN. Without one, sentry-go
// still makes a client (so a hub's Client is never nil) that sends nothing,
// and every piece of work done for it would be wasted.
func Enabled() bool {
	c := sentry.CurrentHub().Client()
	return c != nil && c.Options().Dsn != ""
}

// Tracing reports whether some requests are traced, and so whether
// database queries are worth a hook.
func Tracing() bool {
	c := sentry.CurrentHub().Client()
	return c != nil && c.Options().Dsn != "" && c.Options().EnableTracing && c.Options().TracesSampleRate > 0
}

// Middleware gives each request a scope of its own: the request (as
// scrubbed as everything else) and its user for the events it may cause,
// and, for the requests the sample rate picks, a transaction named after
// the route that answers it ("GET /lettings/{id}/"). It runs inside the
// router, so that the route is known by the time the request is answered.
//
// What it does is decided here, once, when the router is built (after
// Init): without a DSN it returns next itself. With one, the sampling is
// decided before anything costly; a request that is not traced gets a hub
// only if it reports something.
func Middleware(next http.Handler) http.Handler {
	client := sentry.CurrentHub().Client()
	if client == nil || client.Options().Dsn == "" {
		return next
	}
	opts := client.Options()
	rate := opts.TracesSampleRate
	if !opts.EnableTracing {
		rate = 0
	}
	crumbs := opts.MaxBreadcrumbs
	if crumbs == 0 {
		crumbs = defaultMaxBreadcrumbs
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs := &requestScope{req: r, maxCrumbs: crumbs}
		ctx := context.WithValue(r.Context(), scopeKey{}, rs)
		if rate <= 0 || (rate < 1 && rand.Float64() >= rate) {
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		ctx = sentry.SetHubOnContext(ctx, rs.hub())
		// The decision is already taken: sentry must not roll again.
		tx := sentry.StartTransaction(ctx, r.Method+" "+r.URL.Path, sentry.WithOpName("http.server"),
			sentry.WithTransactionSource(sentry.SourceURL), sentry.WithSpanSampled(sentry.SampledTrue))
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(tx.Context()))
		if route := web.RoutePattern(r); route != "" {
			tx.Name, tx.Source = r.Method+" "+route, sentry.SourceRoute
		}
		tx.Status = sentry.HTTPtoSpanStatus(rec.status)
		tx.Finish()
	})
}

// SetUser names the signed-in user on the request's scope (id and
// username only, as the operators asked).
func SetUser(ctx context.Context, id int64, username string) {
	if rs := scopeFrom(ctx); rs != nil {
		rs.setUser(sentry.User{ID: fmt.Sprint(id), Username: username, IPAddress: web.ClientAddrContext(ctx)})
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Parameter and header names whose values never leave the process.
var secretName = regexp.MustCompile(`(?i)pass|secret|token|csrf|session|cookie|auth|key|sig`)

// verdicts remembers secretName's answer per name: the names a process
// logs and reports are few and repeat, so the expression runs once per
// name, not once per attribute of every record. Names come from clients
// too (query parameters), so the memory is bounded; past maxVerdicts a
// new name is matched each time, which is only slower.
var (
	verdicts     sync.Map // string → bool
	verdictCount atomic.Int64
)

const maxVerdicts = 4096

// secretKey reports whether a value named name must be filtered.
func secretKey(name string) bool {
	if v, ok := verdicts.Load(name); ok {
		return v.(bool)
	}
	secret := secretName.MatchString(name)
	if verdictCount.Load() < maxVerdicts {
		if _, loaded := verdicts.LoadOrStore(name, secret); !loaded {
			verdictCount.Add(1)
		}
	}
	return secret
}

// keptHeaders are the request headers an event may carry.
var keptHeaders = []string{"Accept", "Accept-Language", "Content-Type", "Host", "User-Agent", "X-Request-Id"}

// scrubRequest copies what an event may tell of a request: method, URL
// with secret-looking query values replaced, and a few harmless headers.
// No body, no cookies.
func scrubRequest(r *http.Request) *http.Request {
	u := *r.URL
	u.RawQuery = scrubQuery(u.RawQuery)
	u.User = nil
	clean := &http.Request{Method: r.Method, URL: &u, Host: r.Host, Header: http.Header{}, Proto: r.Proto}
	for _, h := range keptHeaders {
		if v := r.Header.Get(h); v != "" {
			clean.Header.Set(h, v)
		}
	}
	if r.TLS != nil {
		clean.TLS = r.TLS
	}
	return clean
}

func scrubQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "[unparsable query removed]"
	}
	for k := range q {
		if secretKey(k) {
			q[k] = []string{"[Filtered]"}
		}
	}
	return q.Encode()
}

// scrubEvent is the last pass over every event and transaction: whatever
// set the request, only the kept parts leave.
func scrubEvent(e *sentry.Event) *sentry.Event {
	if e.Request != nil {
		e.Request.Cookies = ""
		e.Request.Data = ""
		e.Request.QueryString = scrubQuery(e.Request.QueryString)
		for h := range e.Request.Headers {
			if !containsFold(keptHeaders, h) {
				delete(e.Request.Headers, h)
			}
		}
		e.Request.Env = nil
	}
	for _, c := range e.Contexts {
		for k := range c {
			if secretKey(k) {
				c[k] = "[Filtered]"
			}
		}
	}
	return e
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// QueryHook makes a span of each database query inside a traced request.
// The description is the statement with its literal values taken out: bun
// writes values into the SQL, and they may be passwords or session data.
type QueryHook struct{}

type spanKey struct{}

var literal = regexp.MustCompile(`'(?:[^']|'')*'|X'[0-9A-Fa-f]*'`)

// BeforeQuery starts the span.
func (QueryHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if sentry.TransactionFromContext(ctx) == nil {
		return ctx
	}
	span := sentry.StartSpan(ctx, "db.sql.query", sentry.WithDescription(literal.ReplaceAllString(e.Query, "?")))
	return context.WithValue(ctx, spanKey{}, span)
}

// AfterQuery finishes it.
func (QueryHook) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if span, ok := ctx.Value(spanKey{}).(*sentry.Span); ok {
		if e.Err != nil {
			span.Status = sentry.SpanStatusInternalError
		}
		span.Finish()
	}
}

// SendTestEvent sends one event to the configured project and reports
// whether Sentry accepted it, for `app check --sentry`.
func SendTestEvent(cfg *config.Config, build web.Build, timeout time.Duration) error {
	if cfg.SentryDSN == "" {
		return fmt.Errorf("SENTRY_DSN is not set; there is nothing to test")
	}
	rec := &recordingTransport{next: http.DefaultTransport}
	client, err := sentry.NewClient(options(cfg, build, rec))
	if err != nil {
		return err
	}
	hub := sentry.NewHub(client, sentry.NewScope())
	hub.CaptureMessage("app check --sentry: test event from oclettings " + build.Version)
	if !client.Flush(timeout) {
		return fmt.Errorf("the test event was not sent within %s", timeout)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	switch {
	case rec.err != nil:
		return fmt.Errorf("sending the test event failed: %w", rec.err)
	case rec.status == 0:
		return fmt.Errorf("the test event was not sent")
	case rec.status < 200 || rec.status > 299:
		return fmt.Errorf("the test event was refused by Sentry with HTTP %d", rec.status)
	}
	return nil
}

// recordingTransport notes the answer Sentry gave the last request.
type recordingTransport struct {
	next   http.RoundTripper
	mu     sync.Mutex
	status int
	err    error
}

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.err = err
	if resp != nil {
		t.status = resp.StatusCode
	}
	return resp, err
}

package monitoring

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"
	"github.com/go-chi/chi/v5"
	"github.com/uptrace/bun"

	"oclettings/app/config"
	"oclettings/app/web"
)

// counts is the Sentry work done, seen through sentry-go's own hooks.
type counts struct {
	crumbs, transactions atomic.Int64
	fake                 *FakeSentry // nil without a DSN
	sent                 []string    // what the fake Sentry received so far
}

// initCounting sets Sentry up as Init does (dsn "" for none; else a fake
// Sentry is started) with counters on breadcrumbs and transactions.
func initCounting(t *testing.T, withDSN bool, rate float64) *counts {
	t.Helper()
	c := &counts{}
	cfg := &config.Config{SentryTracesSampleRate: rate}
	if withDSN {
		c.fake = NewFakeSentry(t)
		cfg.SentryDSN = c.fake.DSN()
	}
	opts := options(cfg, web.Build{Version: "1.0"}, nil)
	opts.BeforeBreadcrumb = func(b *sentry.Breadcrumb, _ *sentry.BreadcrumbHint) *sentry.Breadcrumb {
		c.crumbs.Add(1)
		return b
	}
	scrub := opts.BeforeSendTransaction
	opts.BeforeSendTransaction = func(e *sentry.Event, h *sentry.EventHint) *sentry.Event {
		c.transactions.Add(1)
		return scrub(e, h)
	}
	if err := sentry.Init(opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sentry.Init(sentry.ClientOptions{}) })
	return c
}

func (c *counts) envelopes() string {
	if c.fake != nil {
		c.sent = append(c.sent, c.fake.Take()...)
	}
	return strings.Join(c.sent, "\n")
}

// seen is what the handler found on its request's context.
type seen struct {
	scope       *requestScope
	hub         bool
	transaction bool
	spanOnQuery bool
}

// costSite is the real middleware order (monitoring, then the request
// log) in front of a page that logs a step and runs a query, with the
// logger built as serve builds it.
func costSite(t *testing.T, fail bool) (http.Handler, *[]seen, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	logger := slog.New(NewLogHandler(slog.NewJSONHandler(&logs, nil)))
	var mu sync.Mutex
	var got []seen
	r := chi.NewRouter()
	r.Use(Middleware, (&web.RequestLog{Logger: logger}).Middleware)
	r.Get("/lettings/{id}/", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		logger.InfoContext(ctx, "a step", "password", "STEP-SECRET", "step", 1)
		q := &bun.QueryEvent{Query: "SELECT * FROM users WHERE password = 'QUERY-LITERAL'"}
		qctx := QueryHook{}.BeforeQuery(ctx, q)
		QueryHook{}.AfterQuery(qctx, q)
		mu.Lock()
		got = append(got, seen{scope: scopeFrom(ctx), hub: sentry.GetHubFromContext(ctx) != nil,
			transaction: sentry.TransactionFromContext(ctx) != nil, spanOnQuery: qctx != ctx})
		mu.Unlock()
		if fail {
			logger.ErrorContext(ctx, "the page failed", "error", "disk on fire")
			w.WriteHeader(http.StatusInternalServerError)
		}
	})
	return r, &got, &logs
}

func serveMany(h http.Handler, n int) {
	for i := range n {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/lettings/%d/?q=x&token=QUERY-SECRET", i), nil)
		req.Header.Set("Cookie", "sessionid=SESSION-SECRET")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// Without a DSN, a request costs Sentry nothing: the middleware and the
// log handler are the handlers they wrap, and no request gets a scope, a
// hub, a breadcrumb, a transaction or a span, even with tracing asked for.
func TestNoSentryWorkWithoutDSN(t *testing.T) {
	c := initCounting(t, false, 1)
	var next http.Handler = http.FileServer(http.Dir(".")) // a pointer, so comparable
	if got := Middleware(next); got != next {
		t.Error("got the middleware wrapping the handler, want the handler itself")
	}
	base := slog.NewJSONHandler(io.Discard, nil)
	if got := NewLogHandler(base); got != base {
		t.Errorf("got log handler %T, want the JSON handler alone", got)
	}
	if Enabled() || Tracing() {
		t.Errorf("got Enabled %t, Tracing %t, want both false", Enabled(), Tracing())
	}
	h, got, logs := costSite(t, false)
	serveMany(h, 50)
	for i, s := range *got {
		if s.scope != nil || s.hub || s.transaction || s.spanOnQuery {
			t.Fatalf("request %d: got %+v, want no scope, hub, transaction or span", i, s)
		}
	}
	if n := c.crumbs.Load(); n != 0 {
		t.Errorf("got %d breadcrumbs, want 0", n)
	}
	if n := c.transactions.Load(); n != 0 {
		t.Errorf("got %d transactions, want 0", n)
	}
	if n := strings.Count(logs.String(), `"msg":"request"`); n != 50 {
		t.Errorf("got %d request lines, want 50", n)
	}
}

// With a DSN and tracing at 0, a request that reports nothing makes no hub,
// no breadcrumb, no transaction and no span, and nothing is sent.
func TestNoSentryWorkWithDSNUntraced(t *testing.T) {
	c := initCounting(t, true, 0)
	if !Enabled() || Tracing() {
		t.Errorf("got Enabled %t, Tracing %t, want true, false", Enabled(), Tracing())
	}
	h, got, _ := costSite(t, false)
	serveMany(h, 50)
	sentry.Flush(5 * time.Second)
	for i, s := range *got {
		if s.scope == nil || s.scope.h != nil || s.hub || s.transaction || s.spanOnQuery {
			t.Fatalf("request %d: got %+v, want a scope without a hub, no transaction, no span", i, s)
		}
	}
	if n := c.crumbs.Load(); n != 0 {
		t.Errorf("got %d breadcrumbs, want 0", n)
	}
	if n := c.transactions.Load(); n != 0 {
		t.Errorf("got %d transactions, want 0", n)
	}
	if sent := c.envelopes(); sent != "" {
		t.Errorf("got %s sent to Sentry, want nothing", sent)
	}
}

// An untraced request that fails still reports with its request, scrubbed,
// and the breadcrumbs it logged before failing, filtered; the request line
// that follows the event never becomes a breadcrumb.
func TestUntracedFailureCarriesItsBreadcrumbs(t *testing.T) {
	c := initCounting(t, true, 0)
	h, _, _ := costSite(t, true)
	serveMany(h, 1)
	sentry.Flush(5 * time.Second)
	sent := c.envelopes()
	for _, want := range []string{"the page failed", "disk on fire", `"message":"a step"`, `"password":"[Filtered]"`,
		`"route":"/lettings/{id}/"`, "/lettings/0/"} {
		if !strings.Contains(sent, want) {
			t.Errorf("got an event without %s:\n%s", want, sent)
		}
	}
	for _, secret := range []string{"STEP-SECRET", "QUERY-SECRET", "SESSION-SECRET"} {
		if strings.Contains(sent, secret) {
			t.Errorf("got %q sent to Sentry", secret)
		}
	}
	if n := c.crumbs.Load(); n != 1 {
		t.Errorf("got %d breadcrumbs, want 1 (the step, not the request line)", n)
	}
}

// With tracing at 1, every request has its transaction, named after the
// route, with a span per query, all scrubbed.
func TestTracedRequestsHaveTransactionsAndSpans(t *testing.T) {
	c := initCounting(t, true, 1)
	h, got, _ := costSite(t, false)
	serveMany(h, 5)
	sentry.Flush(5 * time.Second)
	for i, s := range *got {
		if !s.hub || !s.transaction || !s.spanOnQuery {
			t.Errorf("request %d: got %+v, want a hub, a transaction and a span", i, s)
		}
	}
	if n := c.transactions.Load(); n != 5 {
		t.Errorf("got %d transactions, want 5", n)
	}
	sent := c.envelopes()
	if n := strings.Count(sent, `"op":"db.sql.query"`); n != 5 {
		t.Errorf("got %d query spans, want 5:\n%s", n, sent)
	}
	for _, want := range []string{`"transaction":"GET /lettings/{id}/"`, "WHERE password = ?"} {
		if !strings.Contains(sent, want) {
			t.Errorf("got transactions without %s:\n%s", want, sent)
		}
	}
	for _, secret := range []string{"QUERY-LITERAL", "QUERY-SECRET", "SESSION-SECRET", "STEP-SECRET"} {
		if strings.Contains(sent, secret) {
			t.Errorf("got %q sent to Sentry", secret)
		}
	}
}

// The sample rate is applied once: sentry must not roll again after the
// middleware has picked a request (which would trace rate² of them).
func TestSampleRateAppliedOnce(t *testing.T) {
	c := initCounting(t, true, 0.5)
	h, got, _ := costSite(t, false)
	serveMany(h, 400)
	sentry.Flush(5 * time.Second)
	traced := 0
	for _, s := range *got {
		if s.transaction {
			traced++
		}
	}
	// 200 expected, standard deviation 10; rate² would give about 100.
	if traced < 140 || traced > 260 {
		t.Errorf("got %d of 400 requests traced at rate 0.5, want about 200", traced)
	}
	if n := c.transactions.Load(); n != int64(traced) {
		t.Errorf("got %d transactions sent for %d traced requests", n, traced)
	}
}

func TestSecretVerdictsAreBounded(t *testing.T) {
	for i := range maxVerdicts + 100 {
		name := fmt.Sprintf("field%d", i)
		if secretKey(name) {
			t.Fatalf("got %s secret", name)
		}
	}
	if n := verdictCount.Load(); n > maxVerdicts {
		t.Errorf("got %d remembered names, want at most %d", n, maxVerdicts)
	}
	for _, name := range []string{"api_key_999999", "Session", "csrfmiddlewaretoken", "PASSWORD2"} {
		matched := secretKey(name)
		if remembered := secretKey(name); !matched || !remembered {
			t.Errorf("got %s not secret (matched %t, remembered %t)", name, matched, remembered)
		}
	}
}

func TestBreadcrumbDataFiltersGroups(t *testing.T) {
	h := (&LogHandler{}).WithGroup("auth").(*LogHandler)
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "signed in", 0)
	r.AddAttrs(slog.Group("user", slog.String("name", "boss"), slog.String("password", "GROUP-SECRET")),
		slog.Group("", slog.String("token", "INLINE-SECRET"), slog.Int("n", 2)))
	got := fmt.Sprint(h.data(r))
	want := "map[auth.n:2 auth.token:[Filtered] auth.user.name:boss auth.user.password:[Filtered]]"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

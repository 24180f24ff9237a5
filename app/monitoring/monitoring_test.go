package monitoring_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"
	"github.com/go-chi/chi/v5"
	"github.com/uptrace/bun"

	"oclettings/app/config"
	"oclettings/app/monitoring"
	"oclettings/app/web"
)

// count counts the items of a type in envelopes, by their item headers.
func count(envelopes []string, itemType string) int {
	n := 0
	for _, e := range envelopes {
		n += strings.Count(e, `{"type":"`+itemType+`","length"`)
	}
	return n
}

// site is a small router wired like the real one, with a route that panics,
// one that fails, and one that logs an error.
func site(t *testing.T, rate float64, f *monitoring.FakeSentry) (http.Handler, *slog.Logger) {
	t.Helper()
	cfg := &config.Config{SentryDSN: f.DSN(), SentryEnvironment: "test", SentryTracesSampleRate: rate}
	if err := monitoring.Init(cfg, web.Build{Version: "1.0", Commit: "abc"}, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sentry.Init(sentry.ClientOptions{}) })
	logger := slog.New(slog.NewMultiHandler(slog.NewTextHandler(io.Discard, nil), &monitoring.LogHandler{}))
	pages, err := web.NewErrorPages(func(status int, _ string) ([]byte, error) {
		return []byte(fmt.Sprintf("error %d", status)), nil
	}, logger)
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	r.Use(monitoring.Middleware, (&web.RequestLog{Logger: logger}).Middleware, pages.Recover)
	r.Post("/admin/boom/{id}/", func(w http.ResponseWriter, r *http.Request) {
		monitoring.SetUser(r.Context(), 7, "boss")
		panic("the boiler burst")
	})
	r.Method(http.MethodGet, "/fail/", pages.Handle(func(http.ResponseWriter, *http.Request) error { return fmt.Errorf("disk on fire") }))
	r.Method(http.MethodGet, "/missing/", pages.Handle(func(http.ResponseWriter, *http.Request) error { return web.Status(http.StatusNotFound) }))
	r.Get("/ok/", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "fine") })
	r.NotFound(pages.NotFound(r))
	return r, logger
}

func TestPanicIsReportedWithoutSecrets(t *testing.T) {
	f := monitoring.NewFakeSentry(t)
	h, _ := site(t, 0, f)

	form := url.Values{"csrfmiddlewaretoken": {"csrf-SECRET-token"}, "password": {"hunter2-PASSWORD"}, "title": {"x"}}
	req := httptest.NewRequest(http.MethodPost, "/admin/boom/3/?q=ok&token=QUERY-SECRET", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", "sessionid=SESSION-SECRET")
	req.Header.Set("Authorization", "Basic QVVUSC1TRUNSRVQ=")
	req.Header.Set("X-CSRFToken", "HEADER-CSRF-SECRET")
	req.Header.Set("User-Agent", "test-agent")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 500 || rec.Body.String() != "error 500" {
		t.Fatalf("got %d %q, want the 500 page", rec.Code, rec.Body)
	}
	if !monitoring.Flush(5 * time.Second) {
		t.Fatal("events not flushed")
	}
	envelopes := f.Take()
	if n := count(envelopes, "event"); n != 1 {
		t.Fatalf("got %d events, want 1:\n%s", n, strings.Join(envelopes, "\n"))
	}
	all := strings.Join(envelopes, "\n")
	for _, want := range []string{"the boiler burst", `"stacktrace"`, "monitoring_test", `"method":"POST"`, "/admin/boom/3/",
		`"route":"/admin/boom/{id}/"`, `"id":"7"`, `"username":"boss"`, "test-agent", `"environment":"test"`, "oclettings@1.0+abc"} {
		if !strings.Contains(all, want) {
			t.Errorf("got an event without %s:\n%s", want, all)
		}
	}
	for _, secret := range []string{"SESSION-SECRET", "csrf-SECRET-token", "hunter2-PASSWORD", "QVVUSC1TRUNSRVQ", "HEADER-CSRF-SECRET", "QUERY-SECRET", "sessionid", "Authorization"} {
		if strings.Contains(all, secret) {
			t.Errorf("got %q in what was sent to Sentry", secret)
		}
	}
}

func TestWhatIsReported(t *testing.T) {
	f := monitoring.NewFakeSentry(t)
	h, logger := site(t, 0, f)

	for _, path := range []string{"/missing/", "/nowhere/", "/ok/"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	monitoring.Flush(5 * time.Second)
	if got := f.Take(); len(got) != 0 {
		t.Errorf("got %d envelopes for 404s and a success, want none:\n%s", len(got), got)
	}

	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/fail/", nil))
	monitoring.Flush(5 * time.Second)
	got := strings.Join(f.Take(), "\n")
	if count([]string{got}, "event") != 1 || !strings.Contains(got, "disk on fire") || !strings.Contains(got, `"route":"/fail/"`) {
		t.Errorf("got %s, want one event for the failed request", got)
	}

	logger.Info("a step on the way", "step", 1)
	logger.Error("the nightly job failed", "error", "no space left", "password", "LOGGED-SECRET")
	monitoring.Flush(5 * time.Second)
	got = strings.Join(f.Take(), "\n")
	for _, want := range []string{"the nightly job failed", "no space left", "a step on the way", `"breadcrumbs"`} {
		if !strings.Contains(got, want) {
			t.Errorf("got an event without %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "LOGGED-SECRET") {
		t.Error("got a password attribute sent to Sentry")
	}
}

func TestTransactions(t *testing.T) {
	f := monitoring.NewFakeSentry(t)
	h, _ := site(t, 1, f)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/ok/", nil))
	monitoring.Flush(5 * time.Second)
	got := strings.Join(f.Take(), "\n")
	if count([]string{got}, "transaction") != 1 || !strings.Contains(got, `"transaction":"GET /ok/"`) {
		t.Errorf("got %s, want a transaction named after the route", got)
	}
}

func TestQueryHookDescriptions(t *testing.T) {
	f := monitoring.NewFakeSentry(t)
	_, _ = site(t, 1, f)
	ctx := context.Background()
	tx := sentry.StartTransaction(ctx, "test")
	// The hook is exercised through a span whose description must not keep literals.
	hook := monitoring.QueryHook{}
	ev := &bun.QueryEvent{Query: "UPDATE auth_user SET password = 'SECRET-HASH' WHERE id = 1"}
	ctx2 := hook.BeforeQuery(tx.Context(), ev)
	hook.AfterQuery(ctx2, ev)
	tx.Finish()
	monitoring.Flush(5 * time.Second)
	got := strings.Join(f.Take(), "\n")
	if !strings.Contains(got, `"op":"db.sql.query"`) || strings.Contains(got, "SECRET-HASH") || !strings.Contains(got, "UPDATE auth_user SET password = ?") {
		t.Errorf("got %s, want a span with the statement and no literal", got)
	}
}

func TestSendTestEvent(t *testing.T) {
	f := monitoring.NewFakeSentry(t)
	cfg := &config.Config{SentryDSN: f.DSN()}
	if err := monitoring.SendTestEvent(cfg, web.Build{Version: "1.0"}, 5*time.Second); err != nil {
		t.Errorf("got %v, want the event accepted", err)
	}
	if got := strings.Join(f.Take(), ""); !strings.Contains(got, "test event") {
		t.Errorf("got %q, want the test event", got)
	}
	f.Refuse(http.StatusForbidden)
	if err := monitoring.SendTestEvent(cfg, web.Build{}, 5*time.Second); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("got %v, want the refusal reported", err)
	}
	if err := monitoring.SendTestEvent(&config.Config{}, web.Build{}, time.Second); err == nil {
		t.Error("got no error without a DSN")
	}
}

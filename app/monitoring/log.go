package monitoring

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/getsentry/sentry-go"

	"oclettings/app/logging"
	"oclettings/app/web"
)

// NewLogHandler is the logger's handler: base alone without a DSN (decided
// here, once), else base and then a LogHandler given the same record.
func NewLogHandler(base slog.Handler) slog.Handler {
	if !Enabled() {
		return base
	}
	return &tee{base: base, sentry: &LogHandler{}}
}

// tee hands each record to the printing handler and to Sentry. Unlike
// slog.MultiHandler it does not copy the record for each: neither handler
// modifies it, and the request line goes by on every request.
type tee struct {
	base   slog.Handler
	sentry *LogHandler
}

func (t *tee) Enabled(ctx context.Context, level slog.Level) bool {
	return t.sentry.Enabled(ctx, level) || t.base.Enabled(ctx, level)
}

func (t *tee) Handle(ctx context.Context, r slog.Record) error {
	var err error
	if t.base.Enabled(ctx, r.Level) {
		err = t.base.Handle(ctx, r)
	}
	return errors.Join(err, t.sentry.Handle(ctx, r))
}

// LogRequest prints a request's line and leaves Sentry out: written as the
// request ends, it could only be a breadcrumb for an event that never
// comes (see requestScope).
func (t *tee) LogRequest(ctx context.Context, level slog.Level, at time.Time, req logging.Request) error {
	if !t.base.Enabled(ctx, level) {
		return nil
	}
	return logging.LogRequest(ctx, t.base, level, at, req)
}

func (t *tee) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &tee{base: t.base.WithAttrs(attrs), sentry: t.sentry.WithAttrs(attrs).(*LogHandler)}
}

func (t *tee) WithGroup(name string) slog.Handler {
	return &tee{base: t.base.WithGroup(name), sentry: t.sentry.WithGroup(name).(*LogHandler)}
}

// LogHandler sends log records to Sentry: ERROR and above as events (with
// the stack where they were logged, which for a recovered panic is the
// panic's), anything lower as breadcrumbs for the next event. Records
// carry the request's scope when their context has one.
type LogHandler struct {
	attrs []slog.Attr
	group string
}

// Enabled takes every level from debug up; the logger's own handler decides
// what is printed.
func (h *LogHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelDebug
}

// Handle reports one record. Inside a request, a breadcrumb waits on the
// request's scope until an event needs it (see requestScope).
func (h *LogHandler) Handle(ctx context.Context, r slog.Record) error {
	var hub *sentry.Hub
	rs := scopeFrom(ctx)
	switch {
	case rs != nil && r.Level < slog.LevelError:
		rs.addCrumb(h, r)
		return nil
	case rs != nil:
		hub = rs.eventHub()
	default:
		if hub = sentry.GetHubFromContext(ctx); hub == nil {
			hub = sentry.CurrentHub()
		}
		if hub.Client() == nil {
			return nil
		}
		if r.Level < slog.LevelError {
			hub.AddBreadcrumb(h.breadcrumb(r), nil)
			return nil
		}
	}
	data := h.data(r)
	event := sentry.NewEvent()
	event.Level = sentry.LevelError
	event.Message = r.Message
	event.Contexts["log"] = data
	if id := web.RequestID(ctx); id != "" {
		event.Tags["request_id"] = id
	}
	if route := web.RoutePatternContext(ctx); route != "" {
		event.Tags["route"] = route
	}
	value := r.Message
	if v, ok := data["error"]; ok {
		value = fmt.Sprint(v)
	} else if v, ok := data["panic"]; ok {
		value = fmt.Sprint(v)
	}
	event.Exception = []sentry.Exception{{Type: r.Message, Value: value, Stacktrace: sentry.NewStacktrace()}}
	hub.CaptureEvent(event)
	return nil
}

func (h *LogHandler) breadcrumb(r slog.Record) *sentry.Breadcrumb {
	return &sentry.Breadcrumb{Category: "log", Message: r.Message, Level: breadcrumbLevel(r.Level),
		Data: h.data(r), Timestamp: r.Time}
}

// data is a record's attributes, the handler's first, with the values of
// secret-looking names filtered, inside groups too.
func (h *LogHandler) data(r slog.Record) map[string]any {
	data := make(map[string]any, len(h.attrs)+r.NumAttrs())
	for _, a := range h.attrs {
		addAttr(data, h.group, a)
	}
	r.Attrs(func(a slog.Attr) bool {
		addAttr(data, h.group, a)
		return true
	})
	return data
}

func addAttr(data map[string]any, prefix string, a slog.Attr) {
	key := a.Key
	if prefix != "" {
		key = prefix + "." + key
	}
	v := a.Value.Resolve()
	switch {
	case secretKey(a.Key):
		data[key] = "[Filtered]"
	case v.Kind() == slog.KindGroup:
		if a.Key == "" { // an unnamed group's attributes belong to the enclosing level
			key = prefix
		}
		for _, ga := range v.Group() {
			addAttr(data, key, ga)
		}
	default:
		data[key] = v.Any()
	}
}

// WithAttrs and WithGroup keep the logger's context, as handlers must.
func (h *LogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &LogHandler{attrs: append(append([]slog.Attr{}, h.attrs...), attrs...), group: h.group}
}

func (h *LogHandler) WithGroup(name string) slog.Handler {
	if h.group != "" {
		name = h.group + "." + name
	}
	return &LogHandler{attrs: h.attrs, group: name}
}

func breadcrumbLevel(l slog.Level) sentry.Level {
	switch {
	case l >= slog.LevelWarn:
		return sentry.LevelWarning
	case l >= slog.LevelInfo:
		return sentry.LevelInfo
	}
	return sentry.LevelDebug
}

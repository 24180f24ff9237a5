package monitoring

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/getsentry/sentry-go"

	"oclettings/app/web"
)

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

// Handle reports one record.
func (h *LogHandler) Handle(ctx context.Context, r slog.Record) error {
	hub := sentry.GetHubFromContext(ctx)
	if hub == nil {
		hub = sentry.CurrentHub()
	}
	if hub.Client() == nil {
		return nil
	}
	data := map[string]any{}
	add := func(a slog.Attr) bool {
		key := a.Key
		if h.group != "" {
			key = h.group + "." + key
		}
		if secretName.MatchString(a.Key) {
			data[key] = "[Filtered]"
		} else {
			data[key] = a.Value.Resolve().Any()
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)

	if r.Level < slog.LevelError {
		hub.AddBreadcrumb(&sentry.Breadcrumb{Category: "log", Message: r.Message, Level: breadcrumbLevel(r.Level),
			Data: data, Timestamp: r.Time}, nil)
		return nil
	}
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

package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"oclettings/app/models"
)

// Handler is an HTTP handler that returns its failure instead of writing it;
// one place (ErrorPages) turns every failure into a status and a page.
type Handler func(w http.ResponseWriter, r *http.Request) error

// StatusError is a failure with the HTTP status it deserves.
type StatusError struct {
	Status int
}

func (e *StatusError) Error() string { return http.StatusText(e.Status) }

// Status returns an error that answers with the given status.
func Status(code int) error { return &StatusError{Status: code} }

// ErrorPages answers failures with a front end's own error pages.
type ErrorPages struct {
	render   RenderError
	logger   *slog.Logger
	fallback []byte
}

// RenderError renders the error page for a status, with a message in
// place of the status's usual text when message is not empty.
type RenderError func(status int, message string) ([]byte, error)

// NewErrorPages checks that render produces the pages people are most
// likely to meet, and keeps a pre-rendered server error page for when
// rendering itself fails.
func NewErrorPages(render RenderError, logger *slog.Logger) (*ErrorPages, error) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusBadRequest, http.StatusForbidden} {
		if _, err := render(status, ""); err != nil {
			return nil, fmt.Errorf("error page %d: %w", status, err)
		}
	}
	fallback, err := render(http.StatusInternalServerError, "")
	if err != nil {
		return nil, fmt.Errorf("error page 500: %w", err)
	}
	return &ErrorPages{render: render, logger: logger, fallback: fallback}, nil
}

// Handle adapts a Handler to http.Handler.
func (p *ErrorPages) Handle(h Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			p.Respond(w, r, err)
		}
	})
}

// Respond answers with the page for err. Internal errors are logged here,
// once, and never shown: the visitor sees only "Server Error".
func (p *ErrorPages) Respond(w http.ResponseWriter, r *http.Request, err error) {
	var (
		se       *StatusError
		redirect *RedirectError
	)
	switch {
	case errors.As(err, &redirect):
		http.Redirect(w, r, redirect.URL, redirect.Status)
	case errors.As(err, &se):
		p.Page(w, r, se.Status)
	case errors.Is(err, models.ErrNotFound):
		p.Page(w, r, http.StatusNotFound)
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; there is nobody to answer.
	default:
		p.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		p.Page(w, r, http.StatusInternalServerError)
	}
}

// Page answers with the error page for status.
func (p *ErrorPages) Page(w http.ResponseWriter, r *http.Request, status int) {
	p.Message(w, r, status, "")
}

// Message answers with the error page for status, saying message.
func (p *ErrorPages) Message(w http.ResponseWriter, r *http.Request, status int, message string) {
	body, err := p.render(status, message)
	if err != nil {
		p.logger.ErrorContext(r.Context(), "error page failed", "status", status, "error", err)
		status, body = http.StatusInternalServerError, p.fallback
	}
	w.Header().Set("Cache-Control", "no-store")
	WriteHTML(w, r, status, body)
}

// Recover turns a panic in any handler into the server error page.
func (p *ErrorPages) Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the server's own signal to drop the connection
			}
			// Logged from here, still on the panicking goroutine's stack, so
			// that an error reporter reading the stack sees where it broke.
			p.logger.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(v), "method", r.Method, "path", r.URL.Path)
			p.Page(w, r, http.StatusInternalServerError)
		}()
		next.ServeHTTP(w, r)
	})
}

// NotFound answers for paths no route matches, after AppendSlash.
func (p *ErrorPages) NotFound(routes chi.Routes) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !AppendSlash(w, r, routes, "") {
			p.Page(w, r, http.StatusNotFound)
		}
	}
}

// AppendSlash does what Django's APPEND_SLASH does: a GET or HEAD for a path
// that routes (mounted under prefix) match once a slash is appended is
// redirected there permanently. It reports whether it answered.
func AppendSlash(w http.ResponseWriter, r *http.Request, routes chi.Routes, prefix string) bool {
	path := r.URL.Path
	if r.Method != http.MethodGet && r.Method != http.MethodHead ||
		strings.HasSuffix(path, "/") || !isLocalPath(path) ||
		!routes.Match(chi.NewRouteContext(), r.Method, strings.TrimPrefix(path, prefix)+"/") {
		return false
	}
	target := r.URL.EscapedPath() + "/"
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
	return true
}

// MethodNotAllowed answers 405 with the Allow header listing what the path
// accepts, for routes mounted under prefix.
func (p *ErrorPages) MethodNotAllowed(routes chi.Routes, prefix string) http.HandlerFunc {
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}
	return func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimPrefix(r.URL.Path, prefix)
		var allowed []string
		for _, m := range methods {
			if routes.Match(chi.NewRouteContext(), m, path) {
				allowed = append(allowed, m)
			}
		}
		// HEAD is answered wherever GET is (the router sends it to GET).
		if slices.Contains(allowed, http.MethodGet) && !slices.Contains(allowed, http.MethodHead) {
			allowed = slices.Insert(allowed, 1, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		p.Page(w, r, http.StatusMethodNotAllowed)
	}
}

// isLocalPath rejects paths a browser would read as another host once used
// in a Location header ("//host", "/\host").
func isLocalPath(path string) bool {
	return strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "//") && !strings.HasPrefix(path, `/\`)
}

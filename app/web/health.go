// Package web holds the HTTP plumbing both front ends share.
package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
)

// Readyz answers 200 when ready says the site can serve (the database
// answers and its schema is up to date), and 503 otherwise, so a platform
// sends traffic only to instances that can take it.
func Readyz(ready func(ctx context.Context) error, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := ready(r.Context()); err != nil {
			logger.WarnContext(r.Context(), "not ready", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"unavailable"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"ready"}`))
	})
}

// Build identifies the running binary.
type Build struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Healthz answers as long as the process serves HTTP. It touches no database
// on purpose: a platform restarting the process because the database is slow
// would only make things worse. The body says which build is running, so a
// deploy can be confirmed from outside.
func Healthz(b Build) http.Handler {
	// Marshalling a struct of strings cannot fail.
	body, _ := json.Marshal(struct {
		Status string `json:"status"`
		Build
	}{"ok", b})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body)
	})
}

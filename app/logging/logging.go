// Package logging builds the application's structured logger.
package logging

import (
	"io"
	"log/slog"
)

// New returns a logger writing JSON, or text for people reading a terminal.
func New(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

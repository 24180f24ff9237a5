// Package admin is the staff's HTTP front end: a session-authenticated admin
// that keeps the addresses, pages, words and safety of Django's admin. It
// builds on package app and its sub-packages and never imports package public.
package admin

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"time"

	"github.com/alexedwards/scs/v2"

	"oclettings/app/accounts"
	"oclettings/app/backup"
	"oclettings/app/database"
	"oclettings/app/sessions"
	"oclettings/app/web"
)

//go:embed templates
var templateFiles embed.FS

// checkTimeout bounds the system checks' reading of the schema at start-up.
const checkTimeout = 30 * time.Second

// pageCacheBytes bounds the memory of rendered admin pages.
const pageCacheBytes = 4 << 20

func randomMarker() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return "csrf-" + hex.EncodeToString(b)
}

// Config is what the admin needs from the rest of the app.
type Config struct {
	DB            *database.DB
	SecureCookies bool // the session cookie only over HTTPS (DEBUG off)
	Assets        *web.Assets
	Logger        *slog.Logger
	SecretKey     string
	// Accounts signs staff in and sets passwords; tests give it a clock they
	// move and a cheap hasher.
	Accounts *accounts.Service
	// Backups takes the backups superusers download; the same service runs
	// the schedule, so the two never copy at once.
	Backups *backup.Service
	// TimeZone is Django's TIME_ZONE: dates are shown and entered in it.
	// Nil is UTC.
	TimeZone *time.Location
}

// Site serves the admin.
type Site struct {
	db        *database.DB
	sessions  *scs.SessionManager
	templates *web.Templates
	errors    *web.ErrorPages
	csrf      *web.CSRF
	accounts  *accounts.Service
	registry  *Registry
	loc       *time.Location // TIME_ZONE
	logger    *slog.Logger
	secret    string
	memo      *memo
	pages     *pageCache
	backups   *backup.Service
}

// New parses the admin's templates, checks its error pages and runs the
// system checks of its model declarations, at start-up.
func New(cfg Config) (*Site, error) { return newSite(cfg, registry()) }

// newSite builds the admin of a registry's models.
func newSite(cfg Config, reg *Registry) (*Site, error) {
	sub, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	templates, err := web.ParseTemplates(sub, template.FuncMap{
		"static":     cfg.Assets.URL,
		"actionWord": actionWord,
		"adminTime":  func(t time.Time) string { return formatTime(t, zone(cfg.TimeZone)) },
		"deref":      func(b *bool) bool { return b != nil && *b },
		// list names a fixed set in a template (the stylesheets and scripts).
		"list": func(items ...string) []string { return items },
	})
	if err != nil {
		return nil, err
	}
	// The system checks: a declaration that does not match the schema
	// stops the start, naming the model and the field.
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	reg.loc = zone(cfg.TimeZone)
	if err := reg.check(ctx, cfg.DB); err != nil {
		return nil, err
	}
	s := &Site{
		db:        cfg.DB,
		templates: templates,
		accounts:  cfg.Accounts,
		registry:  reg,
		loc:       reg.loc,
		logger:    cfg.Logger,
		secret:    cfg.SecretKey,
		memo:      &memo{db: cfg.DB},
		pages:     &pageCache{marker: randomMarker(), budget: pageCacheBytes},
		backups:   cfg.Backups,
	}
	s.memo.onReset = s.pages.reset
	if s.errors, err = web.NewErrorPages(s.renderError, cfg.Logger); err != nil {
		return nil, err
	}
	s.sessions = sessions.NewManager(cfg.DB, cfg.SecureCookies, s.errors.Respond)
	s.csrf = &web.CSRF{Sessions: s.sessions, Pages: s.errors, MayUpload: s.mayUpload}
	return s, nil
}

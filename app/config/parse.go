package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the release image has no zone database of its own
	"unicode"
	"unicode/utf8"

	"github.com/getsentry/sentry-go"

	"oclettings/app/datadir"
)

// into makes an option's parse from a value parser: the value lands in dst,
// the zero value when raw is refused.
func into[T any](dst *T, parse func(raw string) (T, error)) func(raw string) error {
	return func(raw string) (err error) {
		*dst, err = parse(raw)
		return err
	}
}

// text is the parse of an option taken as it is.
func text(dst *string) func(raw string) error {
	return func(raw string) error {
		*dst = raw
		return nil
	}
}

// parseWord reads one of a fixed set of words, in any case; what and
// choices make the message that names them.
func parseWord[T any](raw string, words map[string]T, what, choices string) (T, error) {
	if v, ok := words[strings.ToLower(raw)]; ok {
		return v, nil
	}
	var zero T
	return zero, fmt.Errorf("%q is not %s; use %s", raw, what, choices)
}

func parseBool(raw string) (bool, error) {
	words := map[string]bool{
		"true": true, "1": true, "yes": true, "on": true,
		"false": false, "0": false, "no": false, "off": false,
	}
	return parseWord(raw, words, "a boolean", "true/false, 1/0, yes/no or on/off")
}

func parseLogLevel(raw string) (slog.Level, error) {
	words := map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "warning": slog.LevelWarn, "error": slog.LevelError,
	}
	return parseWord(raw, words, "a log level", "debug, info, warn or error")
}

func parseLogFormat(raw string) (string, error) {
	return parseWord(raw, map[string]string{"text": "text", "json": "json"}, "a log format", "json or text")
}

// bounded reads a whole number between lo and hi inclusive; what says what
// the number counts.
func bounded(lo, hi int, what string) func(raw string) (int, error) {
	return func(raw string) (int, error) {
		n, err := strconv.Atoi(raw)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("%q is not %s from %d to %d", raw, what, lo, hi)
		}
		return n, nil
	}
}

// parseSize reads a body limit: at least a kibibyte, at most a gibibyte.
// parseTimeZone takes an IANA name ("Europe/Paris") as Django's TIME_ZONE
// does. The zone database is embedded (time/tzdata), because the release
// image has none.
func parseTimeZone(raw string) (*time.Location, error) {
	// LoadLocation refuses paths (a leading "/", ".."); "Local" would make
	// the zone depend on the machine, which is what the setting avoids.
	loc, err := time.LoadLocation(raw)
	if err != nil || raw == "Local" || raw == "" {
		return nil, fmt.Errorf("%q is not a time zone name such as UTC or America/Los_Angeles", raw)
	}
	return loc, nil
}

func parseSize(raw string) (int64, error) {
	n, err := bounded(1024, 1<<30, "a size in bytes")(raw)
	return int64(n), err
}

func parsePort(raw string) (int, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a port number; use an integer from 1 to 65535", raw)
	}
	return n, nil
}

// parseTimeout reads a duration ("25s", "1m") or a number of seconds ("25"),
// from one second to ten minutes.
func parseTimeout(raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	if err != nil {
		n, nerr := strconv.Atoi(raw)
		if nerr != nil {
			return 0, fmt.Errorf("%q is not a duration; use seconds (25) or a Go duration (25s, 1m)", raw)
		}
		d = time.Duration(n) * time.Second
	}
	if d < time.Second || d > 10*time.Minute {
		return 0, fmt.Errorf("%q is outside 1s to 10m", raw)
	}
	return d, nil
}

// parseBackupInterval reads a Go duration of at least a minute, or 0 for
// no scheduled backups: a shorter interval would spend the disk and the
// database's time on copies nobody could tell apart.
func parseBackupInterval(raw string) (time.Duration, error) {
	d, err := time.ParseDuration(raw)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration; use a Go duration (24h, 6h, 30m) or 0 to turn scheduled backups off", raw)
	case d < 0:
		return 0, fmt.Errorf("%q is negative; use a duration of at least 1m, or 0 to turn scheduled backups off", raw)
	case d > 0 && d < time.Minute:
		return 0, fmt.Errorf("%q is less than a minute; use a duration of at least 1m, or 0 to turn scheduled backups off", raw)
	}
	return d, nil
}

// shortDuration writes 24h rather than Go's 24h0m0s, as an operator would.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// parseRunAs reads UID:GID (or UID alone, the group then being the same
// number), numeric: the image has no user database to look names up in.
func parseRunAs(raw string) (*datadir.User, error) {
	uid, gid, found := strings.Cut(raw, ":")
	if !found {
		gid = uid
	}
	u, uerr := strconv.Atoi(uid)
	g, gerr := strconv.Atoi(gid)
	if uerr != nil || gerr != nil || u < 1 || g < 1 || u > 1<<31-2 || g > 1<<31-2 {
		return nil, fmt.Errorf("%q is not UID:GID with numbers from 1 (root would not be dropped), e.g. 65532:65532", raw)
	}
	return &datadir.User{UID: u, GID: g}, nil
}

func parseSecretKey(raw string) (string, error) {
	// Enforced with DEBUG on too, so a development key cannot be promoted to
	// production unnoticed.
	if n := utf8.RuneCountInString(raw); n < minSecretKeyLen {
		return "", fmt.Errorf("too short (%d characters); use at least %d random characters", n, minSecretKeyLen)
	}
	return raw, nil
}

func parseSentryDSN(raw string) (string, error) {
	if _, err := sentry.NewDsn(raw); err != nil {
		reason := "unparseable"
		var pe *sentry.DsnParseError
		// The "invalid url" message quotes the whole DSN, which is secret.
		if errors.As(err, &pe) && !strings.HasPrefix(pe.Message, "invalid url") {
			reason = pe.Message
		}
		return "", fmt.Errorf("not a valid Sentry DSN (%s); copy it from the Sentry project settings, it looks like https://PUBLIC_KEY@HOST/PROJECT_ID", reason)
	}
	return raw, nil
}

// parseSentryEnvironment applies Sentry's own rules, which would otherwise
// only show up as events silently dropped by the server.
func parseSentryEnvironment(raw string) (string, error) {
	const rules = "it must be at most 64 characters, without spaces or slashes, and not \"None\""
	if len(raw) > 64 || raw == "None" || strings.ContainsFunc(raw, func(r rune) bool { return r == '/' || unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return "", fmt.Errorf("%q is not a valid Sentry environment; %s", raw, rules)
	}
	return raw, nil
}

func parseSampleRate(raw string) (float64, error) {
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || !(f >= 0 && f <= 1) { // also refuses NaN
		return 0, fmt.Errorf("%q is not a sample rate; use a number from 0 to 1 (0.1 traces 10%% of requests)", raw)
	}
	return f, nil
}

// parseSiteURL accepts an http or https address with a host and nothing
// after it but a slash, and returns it without the slash.
func parseSiteURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", errors.New("must be the site's address, scheme and host only, e.g. https://lettings.example.com")
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

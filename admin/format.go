package admin

import (
	"strings"
	"time"
)

// formatTime writes a moment as Django's admin does: "Nov. 25, 2026, 3:04 p.m.".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.UTC()
	suffix := "a.m."
	if t.Hour() >= 12 {
		suffix = "p.m."
	}
	return t.Format("Jan. 2, 2006, 3:04 ") + suffix
}

func capfirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

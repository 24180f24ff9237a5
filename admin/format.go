package admin

import (
	"strconv"
	"strings"
	"time"
)

// apMonths are the month names of Django's "N" format (Associated Press
// style): short months abbreviated, long ones whole.
var apMonths = [...]string{"Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."}

// formatTime writes a moment as Django's admin does with its default
// DATETIME_FORMAT "N j, Y, P", in the site's time zone: "June 14, 2020,
// 9:44 a.m.", "Sept. 3, 2021, noon".
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(zone(loc))
	return formatDate(t) + ", " + formatClock(t)
}

// formatDate is Django's DATE_FORMAT "N j, Y": "Sept. 3, 2021".
func formatDate(t time.Time) string {
	return apMonths[t.Month()-1] + " " + strconv.Itoa(t.Day()) + ", " + strconv.Itoa(t.Year())
}

// formatClock is Django's "P": the hour alone when the minutes are zero,
// and "noon" and "midnight" by name.
func formatClock(t time.Time) string {
	h, m := t.Hour(), t.Minute()
	switch {
	case h == 0 && m == 0:
		return "midnight"
	case h == 12 && m == 0:
		return "noon"
	}
	suffix := " a.m."
	if h >= 12 {
		suffix = " p.m."
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	text := strconv.Itoa(h12)
	if m != 0 {
		text += ":" + twoDigits(m)
	}
	return text + suffix
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// zone is the configured time zone, UTC when none is given (Django's
// default TIME_ZONE).
func zone(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
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

package admin

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/uptrace/bun/schema"

	"oclettings/app/models"
)

// SplitDateTime enters a moment as Django's admin does (its
// AdminSplitDateTime): a date input and a time input, named <field>_0 and
// <field>_1, in the site's time zone. static/js/calendar.js adds the
// calendar and the clock beside them.
const SplitDateTime Widget = "splitdatetime"

// The two halves as a form shows them: Django's first DATE_INPUT_FORMATS
// and TIME_INPUT_FORMATS.
const (
	dateLayout  = "2006-01-02"
	clockLayout = "15:04:05"
)

// dateLayouts are the dates Django's English locale reads (its
// DATE_INPUT_FORMATS), in Go's words: a one-digit month or day is read as
// Python's %m and %d read it.
var dateLayouts = []string{
	"2006-1-2", "1/2/2006", "1/2/06",
	"Jan 2 2006", "Jan 2, 2006", "2 Jan 2006", "2 Jan, 2006",
	"January 2 2006", "January 2, 2006", "2 January 2006", "2 January, 2006",
}

// clockLayouts are Django's TIME_INPUT_FORMATS; Go reads the fraction of a
// second after the seconds by itself, as "%H:%M:%S.%f" does.
var clockLayouts = []string{"15:04:05", "15:04"}

// Django's messages for a SplitDateTimeField.
const (
	msgBadDate = "Enter a valid date."
	msgBadTime = "Enter a valid time."
)

// bindSplitDateTime gives a field declared with the SplitDateTime widget
// its reading and writing, in the site's time zone loc. Any other field is
// left as it is; the widget on a field that holds no moment is a mistake in
// the declaration.
func (f *Field[T]) bindSplitDateTime(rule models.Field, column *schema.Field, loc *time.Location) error {
	if f.Widget != SplitDateTime {
		return nil
	}
	if rule.Kind != models.Time || column.IndirectType != reflect.TypeFor[time.Time]() {
		return fmt.Errorf("the SplitDateTime widget enters a date and time: %s is not one", f.Name)
	}
	loc = zone(loc)
	moment := func(obj *T) reflect.Value { return reflect.ValueOf(obj).Elem().FieldByIndex(column.Index) }
	required := f.Required
	// A column stored NULL when zero reads Go's zero time as no moment; on
	// any other, the zero time is the first instant of year 1, a moment
	// like the rest.
	none := column.NullZero
	f.Get = func(obj *T) []string { return splitMoment(moment(obj).Interface().(time.Time), none, loc) }
	f.Set = func(obj *T, values []string) string {
		t, present, msgs := parseSplitDateTime(values, required, loc)
		switch {
		case len(msgs) > 0:
			return msgs[0]
		case !present:
			moment(obj).Set(reflect.ValueOf(time.Time{}))
			return ""
		case none && t.IsZero():
			// The one instant such a column cannot tell from no moment.
			return msgBadDate
		}
		// A moment shown and sent back unchanged keeps what is stored, to
		// the nanosecond: the form only shows whole seconds.
		if old := moment(obj).Interface().(time.Time); old.Truncate(time.Second).Equal(t) && (!none || !old.IsZero()) {
			return ""
		}
		moment(obj).Set(reflect.ValueOf(t.UTC()))
		return ""
	}
	return nil
}

// splitMoment is a moment as the two inputs show it, in loc; the zero
// time, when it means none, is two empty inputs.
func splitMoment(t time.Time, none bool, loc *time.Location) []string {
	if none && t.IsZero() {
		return []string{"", ""}
	}
	t = t.In(loc)
	return []string{t.Format(dateLayout), t.Format(clockLayout)}
}

// parseSplitDateTime reads a date and a time entered in loc as Django's
// SplitDateTimeField does: both empty is no moment (present false, or
// "required"); a required field wants both halves; each half that does
// not read is its own message; a time the zone skips or repeats is
// refused, and so is a moment whose instant falls outside years 1–9999,
// which neither Django nor the databases store.
func parseSplitDateTime(values []string, required bool, loc *time.Location) (t time.Time, present bool, msgs []string) {
	date, clock := strings.TrimSpace(part(values, 0)), strings.TrimSpace(part(values, 1))
	if date == "" && clock == "" {
		if required {
			return time.Time{}, false, []string{msgRequired}
		}
		return time.Time{}, false, nil
	}
	if required && (date == "" || clock == "") {
		// Django stops at the missing half of a required pair and says
		// only that.
		return time.Time{}, false, []string{msgRequired}
	}
	day, dateOK := parseDate(date)
	hour, clockOK := parseAny(clock, clockLayouts)
	if date != "" && !dateOK {
		msgs = append(msgs, msgBadDate)
	}
	if clock != "" && !clockOK {
		msgs = append(msgs, msgBadTime)
	}
	switch {
	case len(msgs) > 0:
		return time.Time{}, false, msgs
	case date == "":
		return time.Time{}, false, []string{msgBadDate}
	case clock == "":
		return time.Time{}, false, []string{msgBadTime}
	}
	t, msgs = inZone(day, hour, loc)
	if len(msgs) > 0 {
		return time.Time{}, false, msgs
	}
	// The year was read on the clock in loc; the instant may be in the
	// year before or after (New York's 9999-12-31 23:00 is in year 10000).
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return time.Time{}, false, []string{msgBadDate}
	}
	return t, true, nil
}

// inZone combines a day and a time of day as a clock in loc shows them, and
// refuses, as Django does, a clock time the zone skips (a spring-forward
// gap) or shows twice (the hour repeated in autumn).
func inZone(day, hour time.Time, loc *time.Location) (time.Time, []string) {
	wall := time.Date(day.Year(), day.Month(), day.Day(), hour.Hour(), hour.Minute(), hour.Second(), hour.Nanosecond(), time.UTC)
	if n := instantsShowing(wall, loc); n != 1 {
		naive := wall.Format("2006-01-02 15:04:05")
		return time.Time{}, []string{naive + " couldn’t be interpreted in time zone " + loc.String() + "; it may be ambiguous or it may not exist."}
	}
	return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), wall.Nanosecond(), loc), nil
}

// instantsShowing counts the instants at which a clock in loc shows wall
// (given as if in UTC): one, or none in a gap, or two in a repeated hour.
// The offsets tried are those in force a day either side, which covers
// every zone's transitions.
func instantsShowing(wall time.Time, loc *time.Location) int {
	offsets := map[int]bool{}
	for _, d := range []time.Duration{-24 * time.Hour, 0, 24 * time.Hour} {
		_, off := wall.Add(d).In(loc).Zone()
		offsets[off] = true
	}
	n := 0
	for off := range offsets {
		instant := wall.Add(-time.Duration(off) * time.Second)
		if _, got := instant.In(loc).Zone(); got == off {
			n++
		}
	}
	return n
}

// parseDate reads a date in one of Django's formats. Years before 1 do
// not exist for Django (nor for Python's dates).
func parseDate(text string) (time.Time, bool) {
	t, ok := parseAny(text, dateLayouts)
	return t, ok && t.Year() >= 1
}

// parseAny reads text with the first layout that fits.
func parseAny(text string, layouts []string) (time.Time, bool) {
	for _, layout := range layouts {
		if t, err := time.Parse(layout, text); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func part(values []string, i int) string {
	if i < len(values) {
		return values[i]
	}
	return ""
}

// submitted are a field's values in the form's input: a split date-time's
// two inputs, or the values under the field's name.
func submitted[T models.Entity](f *Field[T], input url.Values) []string {
	if f.Widget == SplitDateTime {
		return []string{input.Get(f.Name + "_0"), input.Get(f.Name + "_1")}
	}
	if f.Widget == AutocompleteSelectMultiple {
		return autocompleteIDs(input[f.Name])
	}
	return input[f.Name]
}

// dateTimeErrors are every message a split date-time's values earn (Set
// reports only the first).
func dateTimeErrors(values []string, required bool, loc *time.Location) []string {
	_, _, msgs := parseSplitDateTime(values, required, loc)
	return msgs
}

package admin

import (
	"context"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Django's date_hierarchy: a bar above the list that narrows it to a
// year, then a month of it, then a day, by the parameters
// <field>__year, <field>__month and <field>__day, in the site's time zone.

// dateSpan is the stretch of time the date hierarchy narrows the list to:
// [from, to) in the site's time zone, and the parts chosen (0 when not).
// chosen says whether there is one: from may be Go's zero time, the first
// instant of year 1.
type dateSpan struct {
	chosen           bool
	from, to         time.Time
	year, month, day int
}

// The instants a moment column holds, on both databases and as Django's
// dates: years 1 to 9999, to the microsecond.
var (
	firstInstant = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	lastInstant  = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

// whereFrom and whereBefore narrow q to the moments at or after from, and
// before to, with bounds inside the instants a column holds. The upper
// bound is the last instant before to, compared inclusively: SQLite
// compares moments as text, where year 10000 ("10000-01-01") sorts before
// year 9999, and a bound a zone puts in year 0 is no date PostgreSQL reads.
func whereFrom(q *bun.SelectQuery, col string, from time.Time) *bun.SelectQuery {
	if from = from.UTC(); from.Before(firstInstant) {
		from = firstInstant
	}
	return q.Where(col+" >= ?", from)
}

func whereBefore(q *bun.SelectQuery, col string, to time.Time) *bun.SelectQuery {
	return q.Where(col+" <= ?", lastBefore(to))
}

// lastBefore is the last instant a column holds before t. t ends a day at
// least, of year 1 or later, in a zone less than a day from UTC: it is
// never before the first instant.
func lastBefore(t time.Time) time.Time {
	if last := t.UTC().Add(-time.Microsecond); last.Before(lastInstant) {
		return last
	}
	return lastInstant
}

// dateParam is the date hierarchy's parameter of a part ("year").
func (m *ModelAdmin[T]) dateParam(part string) string { return m.DateHierarchy + "__" + part }

// isDateParam says whether a parameter is the date hierarchy's; Django
// takes any under the field's name ("date_joined__…") as its own.
func (m *ModelAdmin[T]) isDateParam(key string) bool {
	return m.DateHierarchy != "" && strings.HasPrefix(key, m.DateHierarchy+"__") &&
		(key == m.dateParam("year") || key == m.dateParam("month") || key == m.dateParam("day"))
}

// parseDates reads the date hierarchy's parameters: a year, a month of
// it, or a day of that month, the lists Django's bar links to. ok is false
// for a value that is not a date (Django's IncorrectLookupParameters,
// ?e=1), and for a month or a day sent without what contains it, which the
// bar never produces: Django applies those as lookups of their own (a
// month of every year; a year and a day read as a day of January, under a
// bar of months), lists no link leads to, so they are refused here.
func (m *ModelAdmin[T]) parseDates(raw url.Values) (dateSpan, bool) {
	var d dateSpan
	if m.DateHierarchy == "" {
		return d, true
	}
	hasYear, hasMonth, hasDay := raw.Has(m.dateParam("year")), raw.Has(m.dateParam("month")), raw.Has(m.dateParam("day"))
	switch {
	case !hasYear && !hasMonth && !hasDay:
		return d, true
	case !hasYear || (hasDay && !hasMonth):
		return d, false
	}
	part := func(name string, lo, hi int) (int, bool) {
		v, sent := raw[m.dateParam(name)]
		if !sent {
			return 0, true
		}
		n, err := strconv.Atoi(strings.TrimSpace(v[len(v)-1]))
		return n, err == nil && n >= lo && n <= hi
	}
	var ok bool
	if d.year, ok = part("year", 1, 9999); !ok {
		return d, false
	}
	if d.month, ok = part("month", 1, 12); !ok {
		return d, false
	}
	if d.day, ok = part("day", 1, 31); !ok {
		return d, false
	}
	d.chosen = true
	month, day := max(d.month, 1), max(d.day, 1)
	loc := zone(m.loc)
	d.from = time.Date(d.year, time.Month(month), day, 0, 0, 0, 0, loc)
	if d.from.Day() != day {
		return d, false // June 31st
	}
	switch {
	case d.day != 0:
		d.to = d.from.AddDate(0, 0, 1)
	case d.month != 0:
		d.to = d.from.AddDate(0, 1, 0)
	default:
		d.to = d.from.AddDate(1, 0, 0)
	}
	return d, true
}

// whereDates narrows q to the span.
func (m *ModelAdmin[T]) whereDates(q *bun.SelectQuery, d dateSpan) *bun.SelectQuery {
	if !d.chosen {
		return q
	}
	col := m.dateHierarchy.sql(q.DB())
	return whereBefore(whereFrom(q, col, d.from), col, d.to)
}

// dateBar is the date hierarchy as the template shows it.
type dateBar struct {
	Back    *dateLink
	Choices []dateLink
}

type dateLink struct {
	Title string
	URL   string // "" for the day shown, which links nowhere
}

// dateBar builds the bar from the dates of the rows the list shows (its
// filters, search and dates applied). With no date chosen and every row
// in one year, or one month, it starts there, as Django 5's does.
func (m *ModelAdmin[T]) dateBar(ctx context.Context, db bun.IDB, lq listQuery) (*dateBar, error) {
	if m.DateHierarchy == "" {
		return nil, nil
	}
	loc := zone(m.loc)
	link := func(parts ...int) string {
		drop := []string{"p", "e"}
		for key := range lq.raw {
			if strings.HasPrefix(key, m.DateHierarchy+"__") {
				drop = append(drop, key)
			}
		}
		v := without(lq.raw, drop...)
		for i, name := range []string{"year", "month", "day"}[:len(parts)] {
			v.Set(m.dateParam(name), strconv.Itoa(parts[i]))
		}
		return "?" + v.Encode()
	}
	d := lq.dates
	if !d.chosen {
		var rows []T
		var first, last nullTime
		list := m.listSelect(db, &rows, lq).ColumnExpr(m.dateHierarchy.sql(db) + " AS moment")
		err := db.NewSelect().TableExpr("(?) AS dates", list).ColumnExpr("MIN(dates.moment)").ColumnExpr("MAX(dates.moment)").
			Scan(ctx, &first, &last)
		if err != nil {
			return nil, err
		}
		if !first.valid {
			return &dateBar{}, nil // no rows: no dates to offer
		}
		// Within hours of the ends of time, a zone away from UTC shows a
		// stored moment in year 0 or 10000, which no date names: the bar
		// offers the years 1 to 9999 only.
		lo, hi := max(first.t.In(loc).Year(), 1), min(last.t.In(loc).Year(), 9999)
		if lo > hi {
			return &dateBar{}, nil
		}
		if lo != hi {
			years, err := m.dateBuckets(ctx, db, lq, yearStarts(lo, hi, loc))
			if err != nil {
				return nil, err
			}
			bar := &dateBar{}
			for _, y := range years {
				bar.Choices = append(bar.Choices, dateLink{Title: strconv.Itoa(y.Year()), URL: link(y.Year())})
			}
			return bar, nil
		}
		d.year = lo
		if f, l := first.t.In(loc), last.t.In(loc); f.Year() == l.Year() && f.Month() == l.Month() {
			d.month = int(f.Month())
		}
	}
	switch {
	case d.day != 0:
		day := time.Date(d.year, time.Month(max(d.month, 1)), d.day, 0, 0, 0, 0, loc)
		return &dateBar{
			Back:    &dateLink{Title: yearMonth(day), URL: link(d.year, int(day.Month()))},
			Choices: []dateLink{{Title: monthDay(day)}},
		}, nil
	case d.month != 0:
		start := time.Date(d.year, time.Month(d.month), 1, 0, 0, 0, 0, loc)
		var starts []time.Time
		for t := start; t.Month() == start.Month(); t = t.AddDate(0, 0, 1) {
			starts = append(starts, t)
		}
		days, err := m.dateBuckets(ctx, db, lq, append(starts, start.AddDate(0, 1, 0)))
		if err != nil {
			return nil, err
		}
		bar := &dateBar{Back: &dateLink{Title: strconv.Itoa(d.year), URL: link(d.year)}}
		for _, t := range days {
			bar.Choices = append(bar.Choices, dateLink{Title: monthDay(t), URL: link(d.year, d.month, t.Day())})
		}
		return bar, nil
	default:
		var starts []time.Time
		for month := 1; month <= 13; month++ {
			starts = append(starts, time.Date(d.year, time.Month(month), 1, 0, 0, 0, 0, loc))
		}
		months, err := m.dateBuckets(ctx, db, lq, starts)
		if err != nil {
			return nil, err
		}
		bar := &dateBar{Back: &dateLink{Title: "All dates", URL: link()}}
		for _, t := range months {
			bar.Choices = append(bar.Choices, dateLink{Title: yearMonth(t), URL: link(d.year, int(t.Month()))})
		}
		return bar, nil
	}
}

// yearStarts are the first instants of the years from first to last, and
// of the year after.
func yearStarts(first, last int, loc *time.Location) []time.Time {
	var starts []time.Time
	for y := first; y <= last+1; y++ {
		starts = append(starts, time.Date(y, 1, 1, 0, 0, 0, 0, loc))
	}
	return starts
}

// dateBucketsPerQuery bounds the CASE a query of dateBuckets writes.
const dateBucketsPerQuery = 64

// dateBuckets returns the starts of the stretches [starts[i], starts[i+1])
// holding at least one row of the list. The bounds are computed here, in
// the site's time zone, so that the query is the same plain comparison on
// every database: one grouped query per 64 stretches.
func (m *ModelAdmin[T]) dateBuckets(ctx context.Context, db bun.IDB, lq listQuery, starts []time.Time) ([]time.Time, error) {
	var found []time.Time
	col := m.dateHierarchy.sql(db)
	for lo := 0; lo < len(starts)-1; lo += dateBucketsPerQuery {
		hi := min(lo+dateBucketsPerQuery, len(starts)-1)
		var b strings.Builder
		args := []any{}
		b.WriteString("CASE")
		for i := lo; i < hi; i++ {
			b.WriteString(" WHEN " + col + " <= ? THEN " + strconv.Itoa(i))
			args = append(args, lastBefore(starts[i+1]))
		}
		b.WriteString(" END")
		var rows []T
		list := whereBefore(whereFrom(m.listSelect(db, &rows, lq).ColumnExpr(b.String()+" AS bucket", args...), col, starts[lo]), col, starts[hi])
		var buckets []int
		if err := db.NewSelect().TableExpr("(?) AS dates", list).ColumnExpr("DISTINCT dates.bucket").
			OrderExpr("dates.bucket").Scan(ctx, &buckets); err != nil {
			return nil, err
		}
		for _, i := range buckets {
			found = append(found, starts[i])
		}
	}
	return found, nil
}

// Django's YEAR_MONTH_FORMAT "F Y" and MONTH_DAY_FORMAT "F j": whole
// month names, "June 2020", "June 14".
func yearMonth(t time.Time) string { return t.Month().String() + " " + strconv.Itoa(t.Year()) }
func monthDay(t time.Time) string  { return t.Month().String() + " " + strconv.Itoa(t.Day()) }

// nullTime scans a MIN or MAX that may be NULL (no rows): valid says
// whether there was a moment, which may be Go's zero time.
type nullTime struct {
	t     time.Time
	valid bool
}

func (n *nullTime) Scan(src any) error {
	if src == nil {
		return nil
	}
	var t bun.NullTime
	if err := t.Scan(src); err != nil {
		return err
	}
	n.t, n.valid = t.Time, true
	return nil
}

// isTime says whether a path ends on a moment, the date hierarchy's field.
func (p fieldPath) isTime() bool {
	return p.relation == nil && p.column.IndirectType == reflect.TypeFor[time.Time]()
}

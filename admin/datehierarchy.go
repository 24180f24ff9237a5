package admin

import (
	"context"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/schema"
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
	return q.Where(col+" >= ?", firstFrom(from))
}

// firstFrom is the first instant a column holds at or after from.
func firstFrom(from time.Time) time.Time {
	if from = from.UTC(); from.Before(firstInstant) {
		return firstInstant
	}
	return from
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

// whereDates narrows q to the span. SQLite, which plans without
// statistics, reckons a range of the index on the column to hold a
// sixteenth of the rows at most: the changelist's page of a year holding
// nearly every row would be read from that index whole, and sorted,
// rather than from the index of its order, stopping at a page's worth.
// Told that each bound keeps half the rows, it reads the order's index
// for such a page (a quarter of the rows, it expects, pass), and still
// the range when it must find every row the dates keep (a count, the few
// rows of a day a page collects before it sorts them).
func (m *ModelAdmin[T]) whereDates(q *bun.SelectQuery, d dateSpan) *bun.SelectQuery {
	if !d.chosen {
		return q
	}
	col := m.dateHierarchy.sql(q.DB())
	if q.Dialect().Name() == dialect.SQLite {
		return q.Where("likelihood("+col+" >= ?, 0.5)", firstFrom(d.from)).
			Where("likelihood("+col+" <= ?, 0.5)", lastBefore(d.to))
	}
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
	if d.chosen && d.day != 0 {
		day := time.Date(d.year, time.Month(max(d.month, 1)), d.day, 0, 0, 0, 0, loc)
		return &dateBar{
			Back:    &dateLink{Title: yearMonth(day), URL: link(d.year, int(day.Month()))},
			Choices: []dateLink{{Title: monthDay(day)}},
		}, nil
	}
	few, err := m.fewDates(ctx, db, lq)
	if err != nil {
		return nil, err
	}
	if !d.chosen {
		first, last, err := m.dateEnds(ctx, db, lq, few)
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
			years, err := m.dateBuckets(ctx, db, lq, few, yearStarts(lo, hi, loc))
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
	if d.month != 0 {
		start := time.Date(d.year, time.Month(d.month), 1, 0, 0, 0, 0, loc)
		var starts []time.Time
		for t := start; t.Month() == start.Month(); t = t.AddDate(0, 0, 1) {
			starts = append(starts, t)
		}
		days, err := m.dateBuckets(ctx, db, lq, few, append(starts, start.AddDate(0, 1, 0)))
		if err != nil {
			return nil, err
		}
		bar := &dateBar{Back: &dateLink{Title: strconv.Itoa(d.year), URL: link(d.year)}}
		for _, t := range days {
			bar.Choices = append(bar.Choices, dateLink{Title: monthDay(t), URL: link(d.year, d.month, t.Day())})
		}
		return bar, nil
	}
	var starts []time.Time
	for month := 1; month <= 13; month++ {
		starts = append(starts, time.Date(d.year, time.Month(month), 1, 0, 0, 0, 0, loc))
	}
	months, err := m.dateBuckets(ctx, db, lq, few, starts)
	if err != nil {
		return nil, err
	}
	bar := &dateBar{Back: &dateLink{Title: "All dates", URL: link()}}
	for _, t := range months {
		bar.Choices = append(bar.Choices, dateLink{Title: yearMonth(t), URL: link(d.year, int(t.Month()))})
	}
	return bar, nil
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

// dateFewRows bounds the rows of a narrowed list that SQLite reads whole
// for the bar, rather than in the index on the column.
const dateFewRows = 1000

// fewDates says whether the bar reads the list's rows whole: on SQLite, a
// list narrowed by filters or a search, of a thousand rows at most, as
// one query of the list's own finds, stopping past that bound. SQLite
// plans without statistics: it reads a filter's or a search's rows first,
// every one (every user who is not staff) for each question, when the
// index on the column would answer it at once. The bar asks it that way
// then, each row it reads there checked against the list by its key;
// that walks far for a rare value, which these few rows answer instead.
// PostgreSQL chooses between the two ways by its statistics, except for a
// search, whose matches it cannot foresee: reckoning them common, it
// would walk the index on the column looking for a rare one. It reads a
// search's rows whole, as its index finds them.
func (m *ModelAdmin[T]) fewDates(ctx context.Context, db bun.IDB, lq listQuery) (bool, error) {
	if db.Dialect().Name() != dialect.SQLite {
		return lq.search != "", nil
	}
	if len(lq.filters) == 0 && lq.search == "" {
		return false, nil
	}
	var more int
	err := db.NewSelect().ColumnExpr("EXISTS (?)", m.listIDs(db, lq, nil).Limit(1).Offset(dateFewRows)).Scan(ctx, &more)
	return more == 0, err
}

// dateSelect selects from the list's rows, no column yet, for a question
// about their dates, and names the column as it reads it: the list's own
// query, or, for a long narrowed list on SQLite (fewDates), the table
// under another name in the index on the column, each row kept when the
// list's query, led to it by the key, keeps it.
func (m *ModelAdmin[T]) dateSelect(db bun.IDB, lq listQuery, few bool) (*bun.SelectQuery, string) {
	if few || (len(lq.filters) == 0 && lq.search == "") || db.Dialect().Name() != dialect.SQLite {
		return m.listIDs(db, lq, nil).ExcludeColumn("*"), m.dateHierarchy.sql(db)
	}
	gen := schema.NewQueryGen(db.Dialect())
	const alias = "dated"
	pk := m.table.PKs[0].SQLName
	col := string(gen.AppendIdent(nil, alias)) + "." + string(gen.AppendIdent(nil, m.dateHierarchy.column.Name))
	list := m.listIDs(db, lq, nil).Where("? = ?.?", bun.Safe(m.pkSQL()), bun.Ident(alias), pk)
	return db.NewSelect().TableExpr("? AS ?", m.table.SQLName, bun.Ident(alias)).Where("EXISTS (?)", list), col
}

// dateEnds are the first and last moments of the list's rows, in one
// query. MIN and MAX over the list as a subquery read every row of it;
// each alone over the table, or over the rows of it a list keeps, reads
// the index on the column from one end. Few rows are read once for both.
// The bounds, the instants a column holds, pass over NULLs.
func (m *ModelAdmin[T]) dateEnds(ctx context.Context, db bun.IDB, lq listQuery, few bool) (first, last nullTime, err error) {
	to := lastInstant.Add(time.Microsecond)
	if few {
		// The count, which neither database reads from an end of an
		// index, keeps them from reading the MIN and the MAX so.
		q, col := m.dateSelect(db, lq, few)
		var n int
		err = whereBefore(whereFrom(q, col, firstInstant), col, to).ColumnExpr("min("+col+")").ColumnExpr("max("+col+")").
			ColumnExpr("count(*)").Scan(ctx, &first, &last, &n)
		return first, last, err
	}
	err = db.NewSelect().ColumnExpr("(?)", m.moment(db, lq, few, firstInstant, to, "min")).
		ColumnExpr("(?)", m.moment(db, lq, few, firstInstant, to, "max")).Scan(ctx, &first, &last)
	return first, last, err
}

// moment selects the first (agg "min") or last ("max") moment of the
// list's rows in [from, to): NULL when there is none.
func (m *ModelAdmin[T]) moment(db bun.IDB, lq listQuery, few bool, from, to time.Time, agg string) *bun.SelectQuery {
	q, col := m.dateSelect(db, lq, few)
	return whereBefore(whereFrom(q, col, from), col, to).ColumnExpr(agg + "(" + col + ")")
}

// dateBucketsPerQuery bounds the stretches dateBuckets asks about in one
// query: the days of a month, the months of a year, a few decades.
const dateBucketsPerQuery = 64

// dateBuckets returns the starts of the stretches [starts[i], starts[i+1])
// holding at least one row of the list. The bounds are computed here, in
// the site's time zone, so that every query is the same plain comparison
// on every database. Up to 64 stretches are asked about in one query:
// whether each holds a row, a seek in the index on the column for each,
// or, for few rows (fewDates), one pass over them, each put in its
// stretch. More (the years of a list spanning centuries) are skipped
// through, from each row found to the first after its stretch: a query
// for each stretch holding rows, not for each stretch.
func (m *ModelAdmin[T]) dateBuckets(ctx context.Context, db bun.IDB, lq listQuery, few bool, starts []time.Time) ([]time.Time, error) {
	n := len(starts) - 1
	var found []time.Time
	switch {
	case n < 1:
		return nil, nil
	case n > dateBucketsPerQuery:
		for at := 0; at < n; {
			var next nullTime
			var err error
			if q := m.moment(db, lq, few, starts[at], starts[n], "min"); few {
				var rows int // as in dateEnds
				err = q.ColumnExpr("count(*)").Scan(ctx, &next, &rows)
			} else {
				err = q.Scan(ctx, &next)
			}
			if err != nil || !next.valid {
				return found, err
			}
			// The stretch holding it, the last starting at or before it;
			// the bounds keep it within [starts[at], starts[n]).
			i := sort.Search(n+1, func(i int) bool { return starts[i].After(next.t) }) - 1
			i = max(i, at)
			found = append(found, starts[i])
			at = i + 1
		}
		return found, nil
	case few:
		q, col := m.dateSelect(db, lq, few)
		var b strings.Builder
		args := []any{}
		b.WriteString("CASE")
		for i := range n {
			b.WriteString(" WHEN " + col + " <= ? THEN " + strconv.Itoa(i))
			args = append(args, lastBefore(starts[i+1]))
		}
		b.WriteString(" END")
		list := whereBefore(whereFrom(q.ColumnExpr(b.String()+" AS bucket", args...), col, starts[0]), col, starts[n])
		var buckets []int
		if err := db.NewSelect().TableExpr("(?) AS dates", list).ColumnExpr("DISTINCT dates.bucket").
			OrderExpr("dates.bucket").Scan(ctx, &buckets); err != nil {
			return nil, err
		}
		for _, i := range buckets {
			found = append(found, starts[i])
		}
		return found, nil
	}
	q := db.NewSelect()
	for i := range n {
		probe, col := m.dateSelect(db, lq, few)
		probe = whereBefore(whereFrom(probe, col, starts[i]), col, starts[i+1])
		q = q.ColumnExpr("CASE WHEN EXISTS (?) THEN 1 ELSE 0 END", probe.ColumnExpr("1"))
	}
	held := make([]int, n)
	dest := make([]any, n)
	for i := range held {
		dest[i] = &held[i]
	}
	if err := q.Scan(ctx, dest...); err != nil {
		return nil, err
	}
	for i, h := range held {
		if h == 1 {
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

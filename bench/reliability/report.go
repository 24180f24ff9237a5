package reliability

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Figure is one measured value, with the bound it must keep when it has
// one. A figure without a bound is reported, never judged.
type Figure struct {
	Check    string // "editors", "crash", "login storm", "load"
	Database string // "sqlite", "postgres"
	Name     string
	Value    string
	Bound    string // "= 0", "≤ 5", "" when only reported
	Failed   bool
}

// Report collects figures in the order they were measured.
type Report struct {
	Figures []Figure
}

// Add appends a figure that is only reported.
func (r *Report) Add(check, database, name string, value any) {
	r.Figures = append(r.Figures, Figure{Check: check, Database: database, Name: name, Value: fmt.Sprint(value)})
}

// Bounded appends a figure with its bound and whether it kept it.
func (r *Report) Bounded(check, database, name string, value any, bound string, ok bool) {
	r.Figures = append(r.Figures, Figure{Check: check, Database: database, Name: name, Value: fmt.Sprint(value), Bound: bound, Failed: !ok})
}

// Zero appends a count that must be 0.
func (r *Report) Zero(check, database, name string, n int) {
	r.Bounded(check, database, name, n, "= 0", n == 0)
}

// Append adds another report's figures.
func (r *Report) Append(o Report) { r.Figures = append(r.Figures, o.Figures...) }

// Failures describes every figure that broke its bound.
func (r Report) Failures() []string {
	var out []string
	for _, f := range r.Figures {
		if f.Failed {
			out = append(out, fmt.Sprintf("%s on %s: %s is %s, want %s", f.Check, f.Database, f.Name, f.Value, f.Bound))
		}
	}
	return out
}

// Print writes the figures as a table.
func (r Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "check\tdatabase\tfigure\tvalue\tbound\t")
	fmt.Fprintln(tw, "-----\t--------\t------\t-----\t-----\t")
	for _, f := range r.Figures {
		verdict := ""
		switch {
		case f.Failed:
			verdict = "FAIL"
		case f.Bound != "":
			verdict = "ok"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.Check, f.Database, f.Name, f.Value, strings.TrimSpace(f.Bound), verdict)
	}
	_ = tw.Flush()
}

package djangoimport

import (
	"fmt"
	"strings"
)

// The report's words, shared by the command and the admin's upload page so
// that both say the same thing.

// ProblemsShown is how many invalid rows a refused import lists: enough to
// see what is wrong with a file, not a screenful for every row of a broken one.
const ProblemsShown = 50

// Columns head the table of counts, one per field of Count.
var Columns = [5]string{"table", "found", "imported", "merged", "skipped"}

// DryRunNote ends the report of a dry run.
const DryRunNote = "Dry run: nothing was changed."

// Lines lists the invalid rows that stopped an import, the first
// ProblemsShown of them and how many more there are.
func (e *InvalidError) Lines() []string {
	var lines []string
	for i, p := range e.Problems {
		if i == ProblemsShown {
			lines = append(lines, fmt.Sprintf("… and %d more", len(e.Problems)-ProblemsShown))
			break
		}
		lines = append(lines, p.String())
	}
	return lines
}

// Heading names the file read (as the person who gave it knows it) and the
// schema found in it.
func (r *Report) Heading(source string) string {
	return fmt.Sprintf("%s: a Django database in %s.", source, r.Schema)
}

// Note is a sentence of the report, with the rows it lists, if any.
type Note struct {
	Text string
	Rows []string
}

// Notes say, after the table of counts, what was left out and what became
// of the records. A dry run's DryRunNote is not among them: the command
// ends with it and the admin shows it as its message.
func (r *Report) Notes() []Note {
	var notes []Note
	if len(r.UnknownPermissions) > 0 {
		notes = append(notes, Note{Text: fmt.Sprintf("Left out, as this site has no such permission: %s.", strings.Join(r.UnknownPermissions, ", "))})
	}
	if len(r.Skipped) > 0 {
		n := Note{Text: "Left out, as invalid (--skip-invalid):"}
		for _, p := range r.Skipped {
			n.Rows = append(n.Rows, p.String())
		}
		notes = append(notes, n)
	}
	var outcome string
	switch {
	case r.Imported() == 0:
		outcome = "Nothing to import: every record is here already."
	case r.KeptIDs:
		outcome = fmt.Sprintf("Imported %d records into an empty database, each with its Django id: old links such as /lettings/1/ keep working.", r.Imported())
	default:
		outcome = fmt.Sprintf("Imported %d records; the records already here were kept and new ones numbered after them.", r.Imported())
	}
	return append(notes, Note{Text: outcome})
}

package models

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"oclettings/app/database"
)

// A search is cut, not refused, to what anyone types into a search box.
// Past that it only costs: every term is one more LIKE on every row, and
// SQLite refuses a pattern over 50,000 bytes and a WHERE over 1,000 levels
// deep, which a 1,000-word search reached.
const (
	MaxSearchLength = 200 // characters of the search text
	MaxSearchTerms  = 20  // distinct terms
)

// Search is a search box's text as it is searched for: trimmed, cut to
// MaxSearchLength characters, each term once (as LIKE sees it, ASCII case
// folded), at most MaxSearchTerms of them, one space apart. Front ends show
// it, and link with it, in place of what was sent, so that a page says what
// it searched for.
func Search(q string) string {
	return strings.Join(searchTerms(q), " ")
}

// searchTerms splits a search box's text the way Django's admin does (every
// whitespace-separated term must match), within the limits above.
func searchTerms(q string) []string {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > MaxSearchLength {
		q = string([]rune(q)[:MaxSearchLength])
	}
	var terms, folded []string
	for _, term := range strings.Fields(q) {
		f := strings.Map(asciiLower, term)
		if slices.Contains(folded, f) {
			continue
		}
		if len(terms) == MaxSearchTerms {
			break
		}
		terms, folded = append(terms, term), append(folded, f)
	}
	return terms
}

// likePattern makes a term a LIKE pattern that matches it anywhere, with
// the wildcards % and _ (and the escape character) taken literally. Only
// ASCII letters are folded, because only those fold in the database (SQLite's
// LIKE, PostgreSQL's ILIKE under the "C" collation): folding "É" here would
// make a search for "Éclair" miss "Éclair".
func likePattern(term string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.Map(asciiLower, r.Replace(term)) + "%"
}

func asciiLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// Searched is what a search looks through: the rows a query lists (its
// table, under an alias, with an integer primary key id) and the columns,
// its own or its relations', that a term may match.
type Searched struct {
	Alias   string // the listed table's alias in the query ("letting")
	Table   string // the listed table ("lettings_letting")
	Columns []SearchColumn
}

// SearchColumn is a column a search looks in. Its table keeps a search
// index of it (the migration helper {{.Search}}), and the query joins the
// table under Alias, so that the index finds the candidates and the match
// itself is decided on the joined row.
type SearchColumn struct {
	Alias  string // its table's alias in the query ("address")
	Table  string // its table ("lettings_address")
	Column string // "city"
	Number bool   // an integer column, searched as its decimal digits
	// Via leads from the listed table to Table; empty for the listed
	// table's own columns.
	Via []Hop
}

// Hop is a relation followed from one table to the next: the rows of the
// next table whose To column equals the From column of the one before.
type Hop struct {
	From  string // column of the table before ("address_id")
	Table string // the next table ("lettings_address")
	To    string // its column ("id")
}

// minIndexedTerm is the shortest term a search index can look up: both
// indexes are of trigrams (three characters in a row).
const minIndexedTerm = 3

// WhereSearch requires every term of the search (as Search reads it) to
// match, case-insensitively, one of the columns. A term of three
// characters or more is looked up in the columns' search indexes (SQLite's
// FTS5 trigram tables, PostgreSQL's pg_trgm indexes), so that the rows
// read are those that hold it, not the whole table. The indexes fold case
// more widely than LIKE does (É and é), so each candidate is then matched
// as before: the same LIKE, with ASCII case folding and % and _ taken
// literally, decides on both databases.
func WhereSearch(q *bun.SelectQuery, search string, s Searched) *bun.SelectQuery {
	pg := q.Dialect().Name() == dialect.PG
	// SQLite's LIKE ignores case already; lower() on every row of every
	// column doubled the time of a search through 100,000 lettings.
	// PostgreSQL's LIKE does not, and ILIKE is its way.
	like := "LIKE"
	if pg {
		like = "ILIKE"
	}
	// PostgreSQL's pg_trgm indexes serve ILIKE itself: a search of the
	// listed table's own columns needs no lookup before it.
	groups := s.groups()
	lookup := !pg || len(groups) > 1 || len(groups[0].via) > 0
	for _, term := range searchTerms(search) {
		pattern := likePattern(term)
		if lookup && utf8.RuneCountInString(term) >= minIndexedTerm {
			candidates, args := s.candidates(groups, term, pattern, pg)
			q = q.Where(ident(s.Alias)+".id IN ("+candidates+")", args...)
		}
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, c := range s.Columns {
				q = q.WhereOr(c.expr(ident(c.Alias)+".")+" "+like+` ? ESCAPE '\'`, pattern)
			}
			return q
		})
	}
	return q
}

// candidates is a query of the ids of the listed rows that the search
// indexes find term in: one lookup per table searched, each led back to
// the listed table through its relations.
func (s Searched) candidates(groups []searchGroup, term, pattern string, pg bool) (string, []any) {
	var parts []string
	var args []any
	for _, g := range groups {
		lookup, largs := g.lookup(term, pattern, pg)
		if len(g.via) == 0 {
			parts, args = append(parts, lookup), append(args, largs...)
			continue
		}
		// From the related table back to the listed one, last hop first.
		ids := lookup
		for i := len(g.via) - 1; i >= 0; i-- {
			h := g.via[i]
			from := s.Table
			if i > 0 {
				from = g.via[i-1].Table
			}
			if h.To != "id" {
				ids = "SELECT " + ident(h.To) + " FROM " + ident(h.Table) + " WHERE id IN (" + ids + ")"
			}
			ids = "SELECT id FROM " + ident(from) + " WHERE " + ident(h.From) + " IN (" + ids + ")"
		}
		parts, args = append(parts, ids), append(args, largs...)
	}
	return strings.Join(parts, " UNION "), args
}

// searchGroup is the columns of one table reached by one way.
type searchGroup struct {
	table   string
	via     []Hop
	columns []SearchColumn
}

func (s Searched) groups() []searchGroup {
	var groups []searchGroup
	for _, c := range s.Columns {
		i := slices.IndexFunc(groups, func(g searchGroup) bool { return g.table == c.Table && slices.Equal(g.via, c.Via) })
		if i < 0 {
			groups, i = append(groups, searchGroup{table: c.Table, via: c.Via}), len(groups)
		}
		groups[i].columns = append(groups[i].columns, c)
	}
	return groups
}

// lookup is a query of the ids of the group's table whose columns the
// index finds term in.
func (g searchGroup) lookup(term, pattern string, pg bool) (string, []any) {
	if pg {
		// One pg_trgm index a column; PostgreSQL combines them (BitmapOr).
		conds := make([]string, len(g.columns))
		args := make([]any, len(g.columns))
		for i, c := range g.columns {
			conds[i], args[i] = c.expr("")+` ILIKE ? ESCAPE '\'`, pattern
		}
		return "SELECT id FROM " + ident(g.table) + " WHERE " + strings.Join(conds, " OR "), args
	}
	// An FTS5 phrase of the trigram tokenizer matches where the term occurs
	// in one of the named columns; inside its quotes only the quote itself
	// is special.
	names := make([]string, len(g.columns))
	for i, c := range g.columns {
		names[i] = c.Column
	}
	index := ident(database.SearchTable(g.table))
	match := "{" + strings.Join(names, " ") + `}: "` + strings.ReplaceAll(term, `"`, `""`) + `"`
	return "SELECT rowid FROM " + index + " WHERE " + index + " MATCH ?", []any{match}
}

// expr is the column as text, qualified by prefix: what LIKE and the
// PostgreSQL index read (an expression index must be spelt as the query
// spells it).
func (c SearchColumn) expr(prefix string) string {
	if c.Number {
		return "CAST(" + prefix + ident(c.Column) + " AS VARCHAR(20))"
	}
	return prefix + ident(c.Column)
}

// ident quotes an SQL name the way both databases read it.
func ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

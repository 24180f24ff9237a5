package models

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
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

// WhereSearch requires every term of the search (as Search reads it) to
// match, case-insensitively, one of the columns (column expressions,
// already qualified).
func WhereSearch(q *bun.SelectQuery, search string, columns ...string) *bun.SelectQuery {
	// SQLite's LIKE ignores case already; lower() on every row of every
	// column doubled the time of a search through 100,000 lettings.
	// PostgreSQL's LIKE does not, and ILIKE is its way.
	like := "LIKE"
	if q.Dialect().Name() == dialect.PG {
		like = "ILIKE"
	}
	for _, term := range searchTerms(search) {
		pattern := likePattern(term)
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, col := range columns {
				q = q.WhereOr(col+" "+like+` ? ESCAPE '\'`, pattern)
			}
			return q
		})
	}
	return q
}

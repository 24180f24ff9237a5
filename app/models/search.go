package models

import (
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// searchTerms splits a search box's text the way Django's admin does: every
// whitespace-separated term must match.
func searchTerms(q string) []string {
	return strings.Fields(q)
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

// WhereSearch requires every term of q to match, case-insensitively, one
// of the columns (column expressions, already qualified).
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

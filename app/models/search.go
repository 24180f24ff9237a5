package models

import (
	"strings"

	"github.com/uptrace/bun"
)

// searchTerms splits a search box's text the way Django's admin does: every
// whitespace-separated term must match.
func searchTerms(q string) []string {
	return strings.Fields(q)
}

// likePattern makes a term a LIKE pattern that matches it anywhere, with
// the wildcards % and _ (and the escape character) taken literally.
func likePattern(term string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(term)) + "%"
}

// WhereSearch requires every term of q to match, case-insensitively, one
// of the columns (column expressions, already qualified).
func WhereSearch(q *bun.SelectQuery, search string, columns ...string) *bun.SelectQuery {
	for _, term := range searchTerms(search) {
		pattern := likePattern(term)
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, col := range columns {
				q = q.WhereOr("lower("+col+`) LIKE ? ESCAPE '\'`, pattern)
			}
			return q
		})
	}
	return q
}

// Package paging turns a page parameter into a page of a list, and says
// where to send a visitor whose page number does not exist.
package paging

import "strconv"

// Page is one page of a list of Total items, Size at a time.
type Page struct {
	Number int // 1-based
	Size   int
	Total  int
}

// Resolve reads the raw page parameter for a list of total items. When raw
// names no page of the list (not a number, zero, negative, past the end)
// ok is false and the returned page is the nearest real one, for a redirect.
// An absent parameter means the first page.
func Resolve(raw string, total, size int) (p Page, ok bool) {
	p = Page{Number: 1, Size: size, Total: total}
	if raw == "" {
		return p, true
	}
	n, err := strconv.Atoi(raw)
	switch {
	case err != nil || n < 1 || strconv.Itoa(n) != raw:
		return p, false
	case n > p.Count():
		p.Number = p.Count()
		return p, false
	}
	p.Number = n
	return p, true
}

// Count is the number of pages; an empty list still has one, empty, page.
func (p Page) Count() int {
	if p.Total <= 0 {
		return 1
	}
	return (p.Total + p.Size - 1) / p.Size
}

// Offset is how many items come before this page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// HasPrevious and HasNext say whether there are pages either side.
func (p Page) HasPrevious() bool { return p.Number > 1 }
func (p Page) HasNext() bool     { return p.Number < p.Count() }

// Previous and Next are the neighbouring page numbers.
func (p Page) Previous() int { return p.Number - 1 }
func (p Page) Next() int     { return p.Number + 1 }

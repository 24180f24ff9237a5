package admin

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// The query-string algebra of the changelist's links: sorting, filtering
// and paging each change one parameter and keep the others.

type keptParam struct{ Name, Value string }

type pageLink struct {
	Number  int // 0 is a gap ("…")
	URL     string
	Current bool
}

// pageLinks numbers the pages as Django does: all of them when few, else
// the two at each end and three each side of the current one.
func pageLinks(raw url.Values, current, pages int) []pageLink {
	var links []pageLink
	add := func(n int) {
		links = append(links, pageLink{Number: n, URL: "?" + withParam(raw, "p", strconv.Itoa(n), "e", "all"), Current: n == current})
	}
	if pages <= 10 {
		for n := 1; n <= pages; n++ {
			add(n)
		}
		return links
	}
	for n := 1; n <= pages; n++ {
		near := n <= 2 || n > pages-2 || (n >= current-3 && n <= current+3)
		switch {
		case near:
			add(n)
		case len(links) > 0 && links[len(links)-1].Number != 0:
			links = append(links, pageLink{})
		}
	}
	return links
}

// withParam returns raw with key set to value (empty value: present, as
// "all="), without the listed keys, encoded.
func withParam(raw url.Values, key, value string, drop ...string) string {
	v := without(raw, append(drop, key)...)
	v.Set(key, value)
	return v.Encode()
}

// encodeWithout encodes raw without the listed keys.
func encodeWithout(raw url.Values, drop ...string) string { return without(raw, drop...).Encode() }

func without(raw url.Values, drop ...string) url.Values {
	v := url.Values{}
	for k, vs := range raw {
		if !slices.Contains(drop, k) {
			v[k] = vs
		}
	}
	return v
}

// keep lists raw's parameters but the dropped ones, for hidden inputs.
func keep(raw url.Values, drop ...string) []keptParam {
	var kept []keptParam
	for k, vs := range without(raw, drop...) {
		for _, v := range vs {
			kept = append(kept, keptParam{k, v})
		}
	}
	slices.SortFunc(kept, func(a, b keptParam) int { return strings.Compare(a.Name, b.Name) })
	return kept
}

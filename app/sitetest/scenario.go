package sitetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Scenario is one request and what its answer must be.
type Scenario struct {
	Name   string
	Method string // when empty: POST if Form or Body is set, else GET
	Path   string
	Form   url.Values // sent as an HTML form would send it
	Body   string     // sent as it is, when Form is nil
	// Header holds request headers; "Host" sets the host the request is
	// addressed to (example.com otherwise).
	Header map[string]string

	Status     int
	Location   string            // the Location header must be this, when set
	WantHeader map[string]string // response headers that must have these values
	Has        []Element         // elements the parsed HTML must hold
	Lacks      []Element         // elements it must not hold
	// BodyHas and BodyLacks are strings the body must and must not hold,
	// for what is not HTML (robots.txt, sitemaps) or not about structure
	// (a stack trace that must never show).
	BodyHas, BodyLacks []string
}

// Element describes elements of a page: those Sel matches, whose trimmed,
// space-collapsed text is Text (any text when "") and holds Contains, and
// whose attribute Attr is Value (when Attr is set; Value "" asks only that
// Attr be present).
type Element struct {
	Sel      string
	Text     string
	Contains string
	Attr     string
	Value    string
}

func (e Element) String() string {
	s := e.Sel
	if e.Attr != "" {
		s += fmt.Sprintf("[%s=%q]", e.Attr, e.Value)
	}
	if e.Text != "" {
		s += fmt.Sprintf(" with text %q", e.Text)
	}
	if e.Contains != "" {
		s += fmt.Sprintf(" with text holding %q", e.Contains)
	}
	return s
}

// find returns how many elements of doc e describes.
func (e Element) find(doc *goquery.Document) int {
	return doc.Find(e.Sel).FilterFunction(func(_ int, s *goquery.Selection) bool {
		text := Squash(s.Text())
		if e.Text != "" && text != e.Text || !strings.Contains(text, e.Contains) {
			return false
		}
		if e.Attr != "" {
			v, ok := s.Attr(e.Attr)
			if !ok || e.Value != "" && v != e.Value {
				return false
			}
		}
		return true
	}).Length()
}

// Run runs each scenario as a parallel subtest, each with a client of its
// own. Like any parallel subtest, they run once the calling test function
// has returned: a test that changes data between requests uses Check.
func Run(t *testing.T, h http.Handler, scenarios []Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.Name, func(t *testing.T) {
			t.Parallel()
			sc.Check(t, NewClient(t, h))
		})
	}
}

// Request is the request the scenario sends.
func (sc Scenario) Request() *http.Request {
	method := sc.Method
	var req *http.Request
	switch {
	case sc.Form != nil:
		if method == "" {
			method = http.MethodPost
		}
		req = httptest.NewRequest(method, sc.Path, strings.NewReader(sc.Form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case sc.Body != "":
		if method == "" {
			method = http.MethodPost
		}
		req = httptest.NewRequest(method, sc.Path, strings.NewReader(sc.Body))
	default:
		if method == "" {
			method = http.MethodGet
		}
		req = httptest.NewRequest(method, sc.Path, nil)
	}
	for k, v := range sc.Header {
		if http.CanonicalHeaderKey(k) == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	return req
}

// Check sends the scenario's request with c, in the current test, and
// checks the answer; it returns the answer for further checks.
func (sc Scenario) Check(t testing.TB, c *Client) *Response {
	t.Helper()
	res := c.Do(sc.Request())
	res.t = t
	res.Want(t, sc.Status)
	at := res.Method + " " + res.Path
	if sc.Location != "" && res.Location() != sc.Location {
		t.Errorf("%s: got Location %q, want %q", at, res.Location(), sc.Location)
	}
	for k, v := range sc.WantHeader {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: got %s %q, want %q", at, k, got, v)
		}
	}
	for _, e := range sc.Has {
		if e.find(res.Doc()) == 0 {
			t.Errorf("%s: got no %s, want one\n%s", at, e, excerpt(res.Body))
		}
	}
	for _, e := range sc.Lacks {
		if n := e.find(res.Doc()); n > 0 {
			t.Errorf("%s: got %d of %s, want none", at, n, e)
		}
	}
	for _, s := range sc.BodyHas {
		if !strings.Contains(res.Body, s) {
			t.Errorf("%s: got a body without %q", at, s)
		}
	}
	for _, s := range sc.BodyLacks {
		if strings.Contains(res.Body, s) {
			t.Errorf("%s: got a body with %q", at, s)
		}
	}
	return res
}

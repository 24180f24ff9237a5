package sitetest

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// Client calls a handler in the same process, as a browser would over the
// network: it keeps the cookies the site sets and sends them back, and it
// does not follow redirects, so tests see every Location.
type Client struct {
	t   testing.TB
	h   http.Handler
	jar *cookiejar.Jar
}

// NewClient returns a client of h without cookies.
func NewClient(t testing.TB, h http.Handler) *Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{t: t, h: h, jar: jar}
}

// Get requests path. header holds NAME, value pairs; "Host" sets the host
// the request is addressed to (example.com otherwise).
func (c *Client) Get(path string, header ...string) *Response {
	c.t.Helper()
	return c.Do(c.request(http.MethodGet, path, nil, header))
}

// Post sends form to path, encoded as an HTML form would be. header is as
// for Get.
func (c *Client) Post(path string, form url.Values, header ...string) *Response {
	c.t.Helper()
	req := c.request(http.MethodPost, path, strings.NewReader(form.Encode()), header)
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.Do(req)
}

func (c *Client) request(method, path string, body *strings.Reader, header []string) *http.Request {
	c.t.Helper()
	if len(header)%2 != 0 {
		c.t.Fatalf("%s %s: got %d header strings, want NAME, value pairs", method, path, len(header))
	}
	var req *http.Request
	if body == nil {
		req = httptest.NewRequest(method, path, nil)
	} else {
		req = httptest.NewRequest(method, path, body)
	}
	for i := 0; i < len(header); i += 2 {
		if http.CanonicalHeaderKey(header[i]) == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// Do sends req with the cookies kept for its host, and keeps the cookies
// the answer sets. Requests made with httptest.NewRequest are addressed to
// example.com.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	u := c.cookieURL(req)
	for _, ck := range c.jar.Cookies(u) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := rec.Result()
	c.jar.SetCookies(u, res.Cookies())
	return &Response{t: c.t, Status: rec.Code, Header: rec.Header(), Body: rec.Body.String(), Method: req.Method, Path: req.URL.RequestURI()}
}

// SetCookie keeps ck for example.com as if the site had set it, replacing
// a cookie of the same name: a stolen or forged cookie, say.
func (c *Client) SetCookie(ck *http.Cookie) {
	c.jar.SetCookies(&url.URL{Scheme: "https", Host: "example.com", Path: "/"}, []*http.Cookie{ck})
}

// Cookies returns the cookies the client would send to https://example.com/
// (the secure ones included).
func (c *Client) Cookies() []*http.Cookie {
	return c.jar.Cookies(&url.URL{Scheme: "https", Host: "example.com", Path: "/"})
}

// Cookie returns the value of the cookie named name kept for example.com,
// and whether there is one.
func (c *Client) Cookie(name string) (string, bool) {
	for _, ck := range c.Cookies() {
		if ck.Name == name {
			return ck.Value, true
		}
	}
	return "", false
}

// cookieURL is where a browser would think req goes: its host, over HTTPS
// when the request came that way or a proxy says so, so that Secure cookies
// travel only as they would for a browser.
func (c *Client) cookieURL(req *http.Request) *url.URL {
	scheme := "http"
	if req.TLS != nil || req.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	host := req.Host
	if host == "" {
		host = "example.com"
	}
	return &url.URL{Scheme: scheme, Host: host, Path: req.URL.Path}
}

// Response is an answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   string
	// Method and Path are what was asked, for messages.
	Method, Path string

	t       testing.TB
	docOnce sync.Once
	doc     *goquery.Document
}

// Location returns the Location header.
func (r *Response) Location() string { return r.Header.Get("Location") }

// Want fails the test, showing the start of the body, unless the status is
// status. It returns r to chain on.
func (r *Response) Want(t testing.TB, status int) *Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s %s: got status %d, want %d\n%s", r.Method, r.Path, r.Status, status, excerpt(r.Body))
	}
	return r
}

// Doc returns the body parsed as HTML, parsed on first use.
func (r *Response) Doc() *goquery.Document {
	r.docOnce.Do(func() {
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.Body))
		if err != nil {
			r.t.Fatalf("%s %s: parse HTML: %v", r.Method, r.Path, err)
		}
		r.doc = doc
	})
	return r.doc
}

// Text returns the text of the first element sel matches, trimmed and with
// every run of white space made one space; "" when nothing matches.
func (r *Response) Text(sel string) string {
	return Squash(r.Doc().Find(sel).First().Text())
}

// Texts returns the text of every element sel matches, as Text does.
func (r *Response) Texts(sel string) []string {
	var texts []string
	r.Doc().Find(sel).Each(func(_ int, s *goquery.Selection) { texts = append(texts, Squash(s.Text())) })
	return texts
}

// Attr returns the attribute name of the first element sel matches, and
// whether it has one.
func (r *Response) Attr(sel, name string) (string, bool) {
	return r.Doc().Find(sel).First().Attr(name)
}

// Count returns how many elements sel matches.
func (r *Response) Count(sel string) int { return r.Doc().Find(sel).Length() }

// Squash trims s and makes every run of white space in it one space.
func Squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// excerpt is the start of a body, enough to see which page came back.
func excerpt(body string) string {
	const max = 2000
	if len(body) > max {
		return body[:max] + "…"
	}
	return body
}

// Find is how many elements of the page e describes, read as scenarios
// read theirs.
func (r *Response) Find(e Element) int { return e.find(r.Doc()) }

// Clock is a test's hand-moved time, for what reads the time through a
// function (throttling windows, last logins).
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

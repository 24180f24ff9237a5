package reliability

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Agent is one browser: its own cookies, redirects not followed, so the
// harness sees the 302 that acknowledges a save.
type Agent struct {
	base         string
	client       *http.Client
	forwardedFor string // X-Forwarded-For, to appear as another client behind the proxy
}

// NewAgent is a browser with no cookies yet.
func NewAgent(base string) *Agent {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &Agent{base: base, client: &http.Client{
		Jar:           jar,
		Timeout:       2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 4},
	}}
}

// Response is what the server answered.
type Response struct {
	Status   int
	Body     string
	Location string
}

// Get fetches a path of the site.
func (a *Agent) Get(ctx context.Context, path string) (Response, error) {
	return a.do(ctx, http.MethodGet, path, nil)
}

// Post submits a form to a path of the site.
func (a *Agent) Post(ctx context.Context, path string, form url.Values) (Response, error) {
	return a.do(ctx, http.MethodPost, path, form)
}

func (a *Agent) do(ctx context.Context, method, path string, form url.Values) (Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return Response{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if a.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", a.forwardedFor)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location")}, nil
}

// SignIn signs the agent in through the admin's login page.
func (a *Agent) SignIn(ctx context.Context, username, password string) error {
	form, err := a.LoginForm(ctx)
	if err != nil {
		return err
	}
	form.Set("username", username)
	form.Set("password", password)
	resp, err := a.Post(ctx, "/admin/login/", form)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusFound {
		return fmt.Errorf("signing in as %s: got %d, want 302:\n%s", username, resp.Status, excerpt(resp.Body))
	}
	return nil
}

// LoginForm opens the login page (which sets the CSRF cookie) and returns
// its form's hidden fields.
func (a *Agent) LoginForm(ctx context.Context) (url.Values, error) {
	resp, err := a.Get(ctx, "/admin/login/")
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, fmt.Errorf("GET /admin/login/: got %d, want 200", resp.Status)
	}
	form := formIn(resp.Body, `id="login-form"`)
	if form == "" {
		form = resp.Body
	}
	fields := hiddenFields(form)
	if fields.Get("csrfmiddlewaretoken") == "" {
		return nil, fmt.Errorf("no CSRF token on the login page:\n%s", excerpt(resp.Body))
	}
	return fields, nil
}

// SessionCookie is the Cookie header of the agent's session on the site.
func (a *Agent) SessionCookie() string {
	u, _ := url.Parse(a.base)
	var parts []string
	for _, c := range a.client.Jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

var (
	inputTag  = regexp.MustCompile(`<input\b[^>]*>`)
	attribute = regexp.MustCompile(`\b([a-zA-Z_:-]+)="([^"]*)"`)
	optionTag = regexp.MustCompile(`<option\b[^>]*>`)
)

// formIn returns the HTML of the first form whose opening tag holds marker,
// or "" when there is none.
func formIn(page, marker string) string {
	for rest := page; ; {
		start := strings.Index(rest, "<form")
		if start < 0 {
			return ""
		}
		rest = rest[start:]
		tagEnd := strings.IndexByte(rest, '>')
		if tagEnd < 0 {
			return ""
		}
		end := strings.Index(rest, "</form>")
		if end < 0 {
			end = len(rest)
		}
		if strings.Contains(rest[:tagEnd], marker) {
			return rest[:end]
		}
		rest = rest[tagEnd:]
	}
}

func attributes(tag string) map[string]string {
	attrs := map[string]string{}
	for _, m := range attribute.FindAllStringSubmatch(tag, -1) {
		attrs[m[1]] = html.UnescapeString(m[2])
	}
	return attrs
}

// hiddenFields are the hidden inputs of a form, as a browser sends them
// back: the CSRF token and whatever else the form carries (the version of
// the object it shows, once the admin has one).
func hiddenFields(form string) url.Values {
	v := url.Values{}
	for _, tag := range inputTag.FindAllString(form, -1) {
		a := attributes(tag)
		if a["type"] == "hidden" && a["name"] != "" {
			v.Add(a["name"], a["value"])
		}
	}
	return v
}

// inputValue is the value of the named input of a form, and whether it is there.
func inputValue(form, name string) (string, bool) {
	for _, tag := range inputTag.FindAllString(form, -1) {
		a := attributes(tag)
		if a["name"] == name {
			return a["value"], true
		}
	}
	return "", false
}

// selected is the chosen value of the named field of a form: the selected
// option of a select, or the value of an input (a related object's id, as
// an autocomplete field shows it without JavaScript).
func selected(form, name string) string {
	start := strings.Index(form, `<select name="`+name+`"`)
	if start < 0 {
		v, _ := inputValue(form, name)
		return v
	}
	sel := form[start:]
	if end := strings.Index(sel, "</select>"); end >= 0 {
		sel = sel[:end]
	}
	for _, tag := range optionTag.FindAllString(sel, -1) {
		if strings.Contains(tag, " selected") {
			return attributes(tag)["value"]
		}
	}
	return ""
}

// hasVersionField reports whether a form carries a hidden field naming a
// version, the admin's guard against overwriting a change unseen.
func hasVersionField(form string) bool {
	for name := range hiddenFields(form) {
		if strings.Contains(strings.ToLower(name), "version") {
			return true
		}
	}
	return false
}

// excerpt keeps a page short enough for an error message.
func excerpt(body string) string {
	const limit = 2000
	if len(body) > limit {
		return body[:limit] + "…"
	}
	return body
}

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"oclettings/app/database"
)

const uncachedUsage = "usage: tool uncached [-n N] [-wait D] DATABASE_URL BASE_URL COOKIE KEY:METHOD:PATH...\n" +
	"  METHOD is GET (answers 200) or SAVE (reads the change form at PATH, posts it back, answers 302);\n" +
	"  in PATH, {letting} is the newest letting's id and {last} the last page of PATH's list.\n" +
	"  Prints per operation: KEY, median ms, p99 ms, cached median ms (GET), bytes of the last answer, the path timed (tab-separated)"

// touch is the commit made before every timed request: it changes no value,
// yet the triggers of migration 20261128000011 move content_version for it
// (SQLite's run on every UPDATE, PostgreSQL's once per statement), so the
// app's caches drop every rendered page. It touches the oldest letting,
// which is never the one a SAVE posts ({letting}, the newest), so that the
// save's version still matches.
const touch = "UPDATE lettings_letting SET title = title WHERE id = (SELECT min(id) FROM lettings_letting)"

// uncachedOp is one operation to time.
type uncachedOp struct {
	key, method, path string
}

func parseOp(s string) (uncachedOp, error) {
	key, rest, ok1 := strings.Cut(s, ":")
	method, path, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 || key == "" || !strings.HasPrefix(path, "/") || (method != "GET" && method != "SAVE") {
		return uncachedOp{}, fmt.Errorf("operation %q: want KEY:GET:/path or KEY:SAVE:/path", s)
	}
	return uncachedOp{key: key, method: method, path: path}, nil
}

// uncached times operations that find no page in the app's caches: before
// each timed request it commits a change through its own connection (the
// app learns of it from the database, as of any other process's), waits for
// the app's poll of the version to see it, then sends one request.
func uncached(args []string) error {
	fs := flag.NewFlagSet("uncached", flag.ContinueOnError)
	n := fs.Int("n", 50, "timed requests per operation")
	wait := fs.Duration("wait", 5*time.Millisecond, "pause between the commit and the request")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 4 || *n < 1 {
		return errors.New(uncachedUsage)
	}
	databaseURL, base, cookie := fs.Arg(0), strings.TrimSuffix(fs.Arg(1), "/"), fs.Arg(2)
	var ops []uncachedOp
	for _, s := range fs.Args()[3:] {
		op, err := parseOp(s)
		if err != nil {
			return err
		}
		ops = append(ops, op)
	}

	ctx := context.Background()
	db, err := open(databaseURL)
	if err != nil {
		return err
	}
	defer db.Close()

	c := newClient(base, cookie)
	t := &timer{db: db, client: c, wait: *wait}
	var letting int64
	if err := db.Read.NewRaw("SELECT max(id) FROM lettings_letting").Scan(ctx, &letting); err != nil {
		return err
	}
	failed := 0
	for _, op := range ops {
		path, err := c.resolve(op.path, letting)
		if err == nil {
			var r result
			r, err = t.time(ctx, op.method, path, *n)
			if err == nil {
				cached := "-"
				if !r.cached.IsZero() {
					cached = fmt.Sprintf("%.2f", r.cached.median)
				}
				fmt.Printf("%s\t%.2f\t%.2f\t%s\t%d\t%s\n", op.key, r.uncached.median, r.uncached.p99, cached, r.bytes, path)
				continue
			}
		}
		// Loudly, and on with the others: one broken page must not hide
		// the figures of the rest.
		failed++
		fmt.Fprintf(os.Stderr, "tool: uncached: %s (%s %s): %v\n", op.key, op.method, op.path, err)
		fmt.Printf("%s\terror\terror\terror\t0\t%s\n", op.key, op.path)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d operations failed", failed, len(ops))
	}
	return nil
}

// figures are the median and p99 of some timings, in milliseconds.
type figures struct{ median, p99 float64 }

func (f figures) IsZero() bool { return f == figures{} }

func summarize(ms []float64) figures {
	return figures{median: median(ms), p99: percentile(ms, 99)}
}

type result struct {
	uncached, cached figures
	bytes            int
}

type timer struct {
	db      *database.DB
	client  *client
	wait    time.Duration
	version int64 // content_version as last read, to check that each commit moved it
}

// commit makes the change another process would and checks that the
// triggers counted it: a commit they miss leaves the app's caches in place,
// and the figures would be those of cached pages.
func (t *timer) commit(ctx context.Context) error {
	res, err := t.db.Write.ExecContext(ctx, touch)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%s: %d rows changed (%v), want 1", touch, n, err)
	}
	var v int64
	if err := t.db.Read.NewRaw("SELECT n FROM content_version WHERE id = 1").Scan(ctx, &v); err != nil {
		return err
	}
	if v == t.version {
		return fmt.Errorf("content_version stayed at %d after %q: the app would answer from its cache", v, touch)
	}
	t.version = v
	time.Sleep(t.wait)
	return nil
}

// time runs one operation n times after a commit each, then (for a GET) n
// times without, the figure the cache gives for comparison.
func (t *timer) time(ctx context.Context, method, path string, n int) (result, error) {
	var r result
	if err := t.db.Read.NewRaw("SELECT n FROM content_version WHERE id = 1").Scan(ctx, &t.version); err != nil {
		return r, err
	}
	once := func() (time.Duration, error) {
		if method == "GET" {
			if err := t.commit(ctx); err != nil {
				return 0, err
			}
			d, body, err := t.client.do(http.MethodGet, path, nil, http.StatusOK)
			r.bytes = len(body)
			return d, err
		}
		// A SAVE reads the form afresh each time: its version names the
		// history's newest entry, which each save adds to.
		_, body, err := t.client.do(http.MethodGet, path, nil, http.StatusOK)
		if err != nil {
			return 0, err
		}
		action, values, err := submittedForm(bytes.NewReader(body), "_save")
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		if action == "" {
			action = path
		}
		if err := t.commit(ctx); err != nil {
			return 0, err
		}
		d, answer, err := t.client.do(http.MethodPost, action, values, http.StatusFound)
		r.bytes = len(answer)
		return d, err
	}
	// One untimed round first: the connection is opened and the code paths
	// are warm, as on a server that has been up for a while.
	if _, err := once(); err != nil {
		return r, err
	}
	var ms []float64
	for range n {
		d, err := once()
		if err != nil {
			return r, err
		}
		ms = append(ms, float64(d.Microseconds())/1000)
	}
	r.uncached = summarize(ms)
	if method == "GET" {
		ms = ms[:0]
		for range n {
			d, _, err := t.client.do(http.MethodGet, path, nil, http.StatusOK)
			if err != nil {
				return r, err
			}
			ms = append(ms, float64(d.Microseconds())/1000)
		}
		r.cached = summarize(ms)
	}
	return r, nil
}

// client sends requests as a signed-in browser would, on one kept-alive
// connection, the session cookie only to the admin: the public site is
// timed as visitors see it.
type client struct {
	base    string
	http    *http.Client
	cookies map[string]string
}

func newClient(base, cookie string) *client {
	c := &client{
		base: base,
		http: &http.Client{
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		cookies: map[string]string{},
	}
	for part := range strings.SplitSeq(cookie, ";") {
		if name, value, ok := strings.Cut(strings.TrimSpace(part), "="); ok {
			c.cookies[name] = value
		}
	}
	return c
}

// do sends one request and reads the whole answer; the duration is from
// before sending to the answer's last byte. An answer with another status
// than want is an error that quotes its start.
func (c *client) do(method, path string, form url.Values, want int) (time.Duration, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if strings.HasPrefix(path, "/admin/") {
		for name, value := range c.cookies {
			req.AddCookie(&http.Cookie{Name: name, Value: value})
		}
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	answer, err := io.ReadAll(resp.Body)
	d := time.Since(start)
	resp.Body.Close()
	if err != nil {
		return 0, nil, err
	}
	if strings.HasPrefix(path, "/admin/") {
		for _, ck := range resp.Cookies() {
			if ck.MaxAge < 0 {
				delete(c.cookies, ck.Name)
			} else {
				c.cookies[ck.Name] = ck.Value
			}
		}
	}
	if resp.StatusCode != want {
		where := resp.Header.Get("Location")
		if where != "" {
			where = " to " + where
		}
		return d, answer, fmt.Errorf("%s %s answered %d%s, want %d: %.300q", method, path, resp.StatusCode, where, want, answer)
	}
	return d, answer, nil
}

// resolve fills in a path's placeholders: {letting} with the given id,
// {last} with the number of the last page of the list at the path's
// address without its query.
func (c *client) resolve(path string, letting int64) (string, error) {
	path = strings.ReplaceAll(path, "{letting}", strconv.FormatInt(letting, 10))
	if !strings.Contains(path, "{last}") {
		return path, nil
	}
	list, _, _ := strings.Cut(path, "?")
	_, page, err := c.do(http.MethodGet, list, nil, http.StatusOK)
	if err != nil {
		return "", err
	}
	last, err := lastPage(bytes.NewReader(page))
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(path, "{last}", strconv.Itoa(last)), nil
}

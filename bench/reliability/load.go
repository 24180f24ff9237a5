package reliability

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// LoadOptions shape the load run: Connections clients, each with a
// connection of its own, asking for a page again and again for Duration.
type LoadOptions struct {
	Connections int
	Duration    time.Duration
}

// LoadPage is one page's run.
type LoadPage struct {
	Path      string
	SignedIn  bool
	Requests  int64
	PerSecond float64
	Non2xx    int64
	Errors    int64 // requests without an answer
}

// LoadReport is the pages' runs as figures.
func LoadReport(database string, opts LoadOptions, pages []LoadPage) Report {
	const check = "load"
	var rep Report
	for _, p := range pages {
		who := "public"
		if p.SignedIn {
			who = "signed in"
		}
		name := fmt.Sprintf("%s (%s, %d connections, %s)", p.Path, who, opts.Connections, opts.Duration)
		rep.Add(check, database, name+": requests", p.Requests)
		rep.Add(check, database, name+": requests/s", fmt.Sprintf("%.0f", p.PerSecond))
		rep.Zero(check, database, name+": non-2xx", int(p.Non2xx))
		rep.Zero(check, database, name+": without an answer", int(p.Errors))
	}
	return rep
}

// Load starts the site and runs the public lettings page, then the
// admin's lettings changelist signed in as username.
func Load(ctx context.Context, site *Site, username, password string, opts LoadOptions) ([]LoadPage, error) {
	if err := site.Start(ctx); err != nil {
		return nil, err
	}
	staff := NewAgent(site.Base)
	if err := staff.SignIn(ctx, username, password); err != nil {
		return nil, err
	}
	var pages []LoadPage
	for _, p := range []LoadPage{{Path: "/lettings/"}, {Path: "/admin/lettings/letting/", SignedIn: true}} {
		cookie := ""
		if p.SignedIn {
			cookie = staff.SessionCookie()
		}
		page, err := hammer(ctx, site.Base, p, cookie, opts)
		if err != nil {
			return pages, err
		}
		pages = append(pages, page)
	}
	return pages, nil
}

func hammer(ctx context.Context, base string, page LoadPage, cookie string, opts LoadOptions) (LoadPage, error) {
	transport := &http.Transport{
		MaxConnsPerHost:     opts.Connections,
		MaxIdleConnsPerHost: opts.Connections,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func() (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+page.Path, nil)
		if err != nil {
			return 0, err
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}
	// Signed in, the changelist answers 200; anything else (a redirect to
	// the login page) would measure the wrong page.
	if status, err := get(); err != nil || status != http.StatusOK {
		return page, fmt.Errorf("GET %s before the load: %d, %v", page.Path, status, err)
	}

	var requests, non2xx, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(opts.Duration)
	for range opts.Connections {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				status, err := get()
				switch {
				case err != nil:
					errs.Add(1)
				case status < 200 || status > 299:
					non2xx.Add(1)
				}
				requests.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	page.Requests, page.Non2xx, page.Errors = requests.Load(), non2xx.Load(), errs.Load()
	page.PerSecond = float64(page.Requests) / elapsed.Seconds()
	return page, ctx.Err()
}

package reliability

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// InvalidLogin is the start of Django's answer to a wrong password: the
// sign of a password actually checked.
const InvalidLogin = "Please enter the correct username and password"

// StormOptions shape the login storm. The site must trust X-Forwarded-For
// (TRUST_PROXY_HEADERS=true, PROXY_COUNT=1): every request comes from an
// address of its own, as from a botnet, so the per-address throttle does
// not hide what the per-username throttle and the bound on hashing do.
type StormOptions struct {
	Failures      int   // simultaneous failed logins, each for a name of its own
	Guesses       int   // simultaneous wrong passwords for one username
	Limit         int   // failures a username may have before it is throttled
	MemoryBoundKB int64 // the server's peak resident memory must stay under it
}

// StormResult is what the storms cost and let through.
type StormResult struct {
	BaselineKB       int64       // peak resident memory before the storm
	PeakKB           int64       // peak resident memory after 64 failed logins
	FailureAnswers   map[int]int // status → count, for the failed logins
	GuessesChecked   int         // wrong guesses answered with Django's invalid-login message
	GuessesThrottled int         // answered 429
	GuessesOther     map[int]int // other answers to the guesses
	RightStatus      int         // the answer to the right password sent during the burst
	ServerErrors     int         // 5xx but 503 (a bounded queue may answer 503 with a proper page)
	TransportErrors  int
	FirstError       string // what the first request without an answer met
}

// Report is the result as figures.
func (r StormResult) Report(database string, opts StormOptions) Report {
	const check = "login storm"
	var rep Report
	rep.Add(check, database, "peak memory before (VmHWM)", megabytes(r.BaselineKB))
	rep.Bounded(check, database, fmt.Sprintf("peak memory after %d simultaneous failed logins", opts.Failures),
		megabytes(r.PeakKB), "≤ "+megabytes(opts.MemoryBoundKB), r.PeakKB <= opts.MemoryBoundKB)
	rep.Add(check, database, "answers to the failed logins", statuses(r.FailureAnswers))
	rep.Bounded(check, database, fmt.Sprintf("of %d simultaneous wrong guesses for one user, checked", opts.Guesses),
		r.GuessesChecked, fmt.Sprintf("≤ %d", opts.Limit), r.GuessesChecked <= opts.Limit)
	rep.Add(check, database, "wrong guesses throttled (429)", r.GuessesThrottled)
	rep.Zero(check, database, "wrong guesses answered otherwise", total(r.GuessesOther))
	rep.Bounded(check, database, "right password during the burst", rightAnswer(r.RightStatus), "refused", r.RightStatus != http.StatusFound)
	rep.Zero(check, database, "5xx (but 503)", r.ServerErrors)
	rep.Zero(check, database, "requests without an answer", r.TransportErrors)
	if r.FirstError != "" {
		rep.Add(check, database, "the first of them", r.FirstError)
	}
	return rep
}

func megabytes(kb int64) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }

func statuses(m map[int]int) string {
	codes := make([]int, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d×%d", m[c], c)
	}
	return strings.Join(parts, " ")
}

func total(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func rightAnswer(status int) string {
	switch status {
	case http.StatusFound:
		return "302 signed in"
	case 0:
		return "no answer"
	}
	return fmt.Sprintf("%d refused", status)
}

// Storm starts the site, sends opts.Failures failed logins at once and
// reads the server's peak memory; then opts.Guesses wrong passwords for
// username at once, and the right password once the first of them has
// been answered, while the others are still being checked.
func Storm(ctx context.Context, site *Site, username, password string, opts StormOptions) (StormResult, error) {
	result := StormResult{FailureAnswers: map[int]int{}, GuessesOther: map[int]int{}}
	if err := site.Start(ctx); err != nil {
		return result, err
	}
	var err error
	if result.BaselineKB, err = site.PeakMemoryKB(); err != nil {
		return result, err
	}

	// Each agent opens the login page first, for its CSRF cookie and token,
	// so that every POST reaches the password check.
	prepare := func(n int, network string) []*Agent {
		agents := make([]*Agent, n)
		for i := range agents {
			agents[i] = NewAgent(site.Base)
			agents[i].forwardedFor = fmt.Sprintf("10.%s.%d.%d", network, i/250, i%250+1)
		}
		return agents
	}
	var mu sync.Mutex
	burst := func(agents []*Agent, forms []url.Values, answered chan<- struct{}, record func(Response)) {
		var wg sync.WaitGroup
		start := make(chan struct{})
		var once sync.Once
		for i, a := range agents {
			wg.Go(func() {
				<-start
				resp, err := a.Post(ctx, "/admin/login/", forms[i])
				if answered != nil {
					once.Do(func() { close(answered) })
				}
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					result.TransportErrors++
					if result.FirstError == "" {
						result.FirstError = err.Error()
					}
					return
				}
				if resp.Status >= 500 && resp.Status != http.StatusServiceUnavailable {
					result.ServerErrors++
				}
				record(resp)
			})
		}
		close(start)
		wg.Wait()
	}
	loginForms := func(agents []*Agent, username func(i int) string, password string) ([]url.Values, error) {
		forms := make([]url.Values, len(agents))
		for i, a := range agents {
			f, err := a.LoginForm(ctx)
			if err != nil {
				return nil, err
			}
			f.Set("username", username(i))
			f.Set("password", password)
			forms[i] = f
		}
		return forms, nil
	}

	failing := prepare(opts.Failures, "64")
	forms, err := loginForms(failing, func(i int) string { return fmt.Sprintf("storm-nobody-%02d", i) }, "not-the-password")
	if err != nil {
		return result, err
	}
	burst(failing, forms, nil, func(r Response) { result.FailureAnswers[r.Status]++ })
	if result.PeakKB, err = site.PeakMemoryKB(); err != nil {
		return result, err
	}

	guessing := prepare(opts.Guesses, "40")
	forms, err = loginForms(guessing, func(int) string { return username }, "wrong-guess")
	if err != nil {
		return result, err
	}
	right := prepare(1, "41")
	rightForm, err := loginForms(right, func(int) string { return username }, password)
	if err != nil {
		return result, err
	}
	first := make(chan struct{})
	rightDone := make(chan Response, 1)
	go func() {
		<-first
		resp, err := right[0].Post(ctx, "/admin/login/", rightForm[0])
		if err != nil {
			mu.Lock()
			result.TransportErrors++
			mu.Unlock()
		}
		rightDone <- resp
	}()
	burst(guessing, forms, first, func(r Response) {
		switch {
		case r.Status == http.StatusOK && strings.Contains(r.Body, InvalidLogin):
			result.GuessesChecked++
		case r.Status == http.StatusTooManyRequests:
			result.GuessesThrottled++
		default:
			result.GuessesOther[r.Status]++
		}
	})
	resp := <-rightDone
	result.RightStatus = resp.Status
	if resp.Status >= 500 && resp.Status != http.StatusServiceUnavailable {
		result.ServerErrors++
	}
	return result, nil
}

package reliability

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// CrashOptions shape the crash check: Rounds kills, each after a random
// time between MinRun and MaxRun of Writers members of staff adding
// addresses as fast as the site answers.
type CrashOptions struct {
	Rounds         int
	Writers        int
	MinRun, MaxRun time.Duration
}

// CrashResult is what survived the kills.
type CrashResult struct {
	Rounds          int
	RoundsPassed    int
	Acknowledged    int    // additions answered 302 before a kill
	Missing         int    // of those, not in the database after the restart
	IntegrityFailed int    // rounds where SQLite's integrity_check was not ok
	Integrity       string // its last answer ("" on PostgreSQL)
	SessionsLost    int    // signed-in writers signed out by the restart
	ServerErrors    int
	OtherAnswers    int
	TransportErrors int // requests that got no answer before the kill
}

// Report is the result as figures.
func (r CrashResult) Report(database string) Report {
	const check = "crash"
	var rep Report
	rep.Bounded(check, database, "rounds passed (kill -9 mid-write, restart)", fmt.Sprintf("%d/%d", r.RoundsPassed, r.Rounds), "all", r.RoundsPassed == r.Rounds)
	rep.Add(check, database, "writes acknowledged (302)", r.Acknowledged)
	rep.Zero(check, database, "acknowledged writes missing", r.Missing)
	if r.Integrity != "" {
		rep.Bounded(check, database, "PRAGMA integrity_check", r.Integrity, "ok", r.IntegrityFailed == 0)
	}
	rep.Zero(check, database, "sessions lost", r.SessionsLost)
	rep.Zero(check, database, "5xx", r.ServerErrors)
	rep.Zero(check, database, "other answers, or none before the kill", r.OtherAnswers+r.TransportErrors)
	return rep
}

// Crash runs the rounds on a prepared site that is not running yet; it
// leaves it running, restarted after the last kill.
func Crash(ctx context.Context, site *Site, username, password string, opts CrashOptions) (CrashResult, error) {
	result := CrashResult{Rounds: opts.Rounds}
	st, err := openStore(site.DatabaseURL)
	if err != nil {
		return result, err
	}
	defer st.Close()
	if err := site.Start(ctx); err != nil {
		return result, err
	}
	writers := make([]*Agent, opts.Writers)
	for i := range writers {
		writers[i] = NewAgent(site.Base)
		if err := writers[i].SignIn(ctx, username, password); err != nil {
			return result, err
		}
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	for round := 1; round <= opts.Rounds; round++ {
		run := opts.MinRun + time.Duration(rng.Int64N(int64(opts.MaxRun-opts.MinRun)+1))
		r, err := crashRound(ctx, site, st, writers, round, run)
		if err != nil {
			return result, err
		}
		result.Acknowledged += r.Acknowledged
		result.Missing += r.Missing
		result.IntegrityFailed += r.IntegrityFailed
		if r.Integrity != "" {
			result.Integrity = r.Integrity
		}
		result.SessionsLost += r.SessionsLost
		result.ServerErrors += r.ServerErrors
		result.OtherAnswers += r.OtherAnswers
		result.TransportErrors += r.TransportErrors
		if r.Missing == 0 && r.IntegrityFailed == 0 && r.SessionsLost == 0 && r.ServerErrors+r.OtherAnswers+r.TransportErrors == 0 {
			result.RoundsPassed++
		}
	}
	return result, nil
}

func crashRound(ctx context.Context, site *Site, st *store, writers []*Agent, round int, run time.Duration) (CrashResult, error) {
	var r CrashResult
	var mu sync.Mutex
	var acknowledged []string
	var killed atomic.Bool
	var acks atomic.Int64
	count := func(field *int) { mu.Lock(); *field++; mu.Unlock() }

	var wg sync.WaitGroup
	for w, agent := range writers {
		wg.Go(func() {
			page, err := agent.Get(ctx, "/admin/lettings/address/add/")
			if err != nil || page.Status != http.StatusOK {
				if !killed.Load() {
					count(&r.OtherAnswers)
				}
				return
			}
			token := hiddenFields(formIn(page.Body, `method="post"`)).Get("csrfmiddlewaretoken")
			for n := 1; ; n++ {
				street := fmt.Sprintf("Crash R%d W%d N%d", round, w+1, n)
				resp, err := agent.Post(ctx, "/admin/lettings/address/add/", url.Values{
					"csrfmiddlewaretoken": {token}, "number": {strconv.Itoa(n % 10000)}, "street": {street},
					"city": {"Testville"}, "state": {"TX"}, "zip_code": {"75001"}, "country_iso_code": {"USA"}, "_save": {"Save"},
				})
				switch {
				case killed.Load() || ctx.Err() != nil:
					// After the kill nothing is acknowledged, whatever came back.
					return
				case err != nil:
					count(&r.TransportErrors)
					return
				case resp.Status >= 500:
					count(&r.ServerErrors)
				case resp.Status != http.StatusFound:
					count(&r.OtherAnswers)
					return
				default:
					mu.Lock()
					acknowledged = append(acknowledged, street)
					mu.Unlock()
					acks.Add(1)
				}
			}
		})
	}
	// Kill once the time is up and the writers are under way, whatever
	// they are in the middle of.
	started := time.Now()
	for time.Since(started) < run || acks.Load() < int64(len(writers)) {
		if ctx.Err() != nil || time.Since(started) > time.Minute {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	killed.Store(true)
	// The flag is set before the kill: an answer read after it may have been
	// sent before it, and is then not counted; never the reverse.
	site.Kill()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return r, err
	}

	if err := site.Start(ctx); err != nil {
		return r, fmt.Errorf("restart after kill %d: %w", round, err)
	}
	r.Acknowledged = len(acknowledged)
	found, err := st.streets(ctx, fmt.Sprintf("Crash R%d ", round))
	if err != nil {
		return r, err
	}
	for _, street := range acknowledged {
		if !found[street] {
			r.Missing++
		}
	}
	if st.sqlite {
		if r.Integrity, err = st.integrity(ctx); err != nil {
			return r, err
		}
		if r.Integrity != "ok" {
			r.IntegrityFailed++
		}
	}
	for _, agent := range writers {
		resp, err := agent.Get(ctx, "/admin/")
		if err != nil {
			return r, err
		}
		if resp.Status != http.StatusOK || !strings.Contains(resp.Body, "Site administration") {
			r.SessionsLost++
		}
	}
	return r, nil
}

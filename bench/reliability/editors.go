package reliability

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// EditorsOptions shape the editors check. It stops at Duration, or when
// every editor has made Saves attempts (0: no count), whichever comes first.
type EditorsOptions struct {
	Editors  int
	Duration time.Duration
	Saves    int
	// Shared is the letting every editor edits; each also edits one of its own.
	Shared int64
}

// EditorsResult is what the editors did and what the database kept.
type EditorsResult struct {
	Acknowledged        int  // saves answered 302
	Conflicts           int  // saves refused with the form back and an error note
	ConflictsDropped    int  // of those, answers that did not show the value the editor submitted
	FalseConflicts      int  // conflicts on a letting only one editor edits
	Reapplied           int  // conflicts whose form, sent again as it came back, was acknowledged
	ConflictedAgain     int  // conflicts whose form, sent again, met yet another change
	LostUpdates         int  // acknowledged saves that overwrote a title the editor never saw, or are not in the history
	HistoryEntries      int  // title changes in the admin's log
	HistoryMismatches   int  // entries whose old title is not the previous entry's new one, and lettings whose title is not their history's last
	ServerErrors        int  // 5xx answers
	OtherAnswers        int  // anything else: a save must be acknowledged or refused
	TransportErrors     int  // requests that got no answer
	VersionField        bool // the change form carries a hidden version field
	AnswersWithoutNotes int  // 200 answers to a save without an error note (neither saved nor refused)
}

// Report is the result as figures, each zero count checked.
func (r EditorsResult) Report(database string, opts EditorsOptions) Report {
	const check = "editors"
	var rep Report
	name := fmt.Sprintf("editors (%d, %s", opts.Editors, opts.Duration)
	if opts.Saves > 0 {
		name += fmt.Sprintf(" or %d saves each", opts.Saves)
	}
	rep.Add(check, database, "run", name+")")
	rep.Add(check, database, "change form has a version field", yesNo(r.VersionField))
	rep.Add(check, database, "saves acknowledged (302)", r.Acknowledged)
	rep.Add(check, database, "conflicts reported (200 + error note)", r.Conflicts)
	rep.Zero(check, database, "conflicts that dropped the submitted value", r.ConflictsDropped)
	rep.Zero(check, database, "conflicts on a letting nobody else edits", r.FalseConflicts)
	rep.Add(check, database, "conflicts re-applied from the form that came back", fmt.Sprintf("%d acknowledged, %d met another change", r.Reapplied, r.ConflictedAgain))
	rep.Add(check, database, "history entries (title changes)", r.HistoryEntries)
	rep.Zero(check, database, "lost updates", r.LostUpdates)
	rep.Zero(check, database, "history mismatches", r.HistoryMismatches)
	rep.Zero(check, database, "5xx", r.ServerErrors)
	rep.Zero(check, database, "other answers to a save", r.OtherAnswers+r.AnswersWithoutNotes)
	rep.Zero(check, database, "requests without an answer", r.TransportErrors)
	return rep
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// save is one acknowledged save: the title the editor saw and the one it
// wrote. A save re-applied after a conflict saw what the conflict showed,
// which the harness does not read: only its presence is checked (and the
// history's chain, as for every entry).
type save struct {
	letting   string
	seen      string
	written   string
	reapplied bool
}

// editor is one signed-in member of staff with a letting of their own.
type editor struct {
	n      int
	agent  *Agent
	own    string // the id of their letting
	counts EditorsResult
	saves  []save
}

// Editors signs in opts.Editors members of staff on a running site, gives
// each a letting of their own, and has them all save the shared letting
// and their own, in turns, until the time or the count runs out. Then it
// reads the database and checks that every acknowledged save is in the
// history, that the history's old values are what each change replaced,
// and that every letting's title is its history's last.
func Editors(ctx context.Context, site *Site, username, password string, opts EditorsOptions) (EditorsResult, error) {
	var result EditorsResult
	st, err := openStore(site.DatabaseURL)
	if err != nil {
		return result, err
	}
	defer st.Close()

	shared := strconv.FormatInt(opts.Shared, 10)
	editors := make([]*editor, opts.Editors)
	// Two at a time: signing in is the expensive request (a password hash
	// each), and it is not what this check measures.
	var setup errgroup.Group
	setup.SetLimit(2)
	for i := range editors {
		setup.Go(func() error {
			e := &editor{n: i + 1, agent: NewAgent(site.Base)}
			if err := e.agent.SignIn(ctx, username, password); err != nil {
				return err
			}
			var err error
			e.own, err = e.createLetting(ctx)
			editors[i] = e
			return err
		})
	}
	if err := setup.Wait(); err != nil {
		return result, err
	}
	before, err := st.lettingTitles(ctx)
	if err != nil {
		return result, err
	}
	if _, ok := before[shared]; !ok {
		return result, fmt.Errorf("there is no letting %s to share", shared)
	}
	history, err := st.titleChanges(ctx)
	if err != nil {
		return result, err
	}
	first := len(history) // entries before the run are not the run's

	// Past the deadline no editor starts another save; saves under way finish,
	// so that every save the server made has its answer counted.
	deadline := time.Now().Add(opts.Duration)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, e := range editors {
		wg.Go(func() {
			<-start
			for n := 0; opts.Saves == 0 || n < opts.Saves; n++ {
				if time.Now().After(deadline) || ctx.Err() != nil {
					return
				}
				target := shared
				if n%2 == 1 {
					target = e.own
				}
				e.edit(ctx, target, target == e.own, n)
			}
		})
	}
	close(start)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return result, err
	}

	var saves []save
	for _, e := range editors {
		c := e.counts
		result.Acknowledged += c.Acknowledged
		result.Conflicts += c.Conflicts
		result.ConflictsDropped += c.ConflictsDropped
		result.FalseConflicts += c.FalseConflicts
		result.Reapplied += c.Reapplied
		result.ConflictedAgain += c.ConflictedAgain
		result.ServerErrors += c.ServerErrors
		result.OtherAnswers += c.OtherAnswers
		result.TransportErrors += c.TransportErrors
		result.AnswersWithoutNotes += c.AnswersWithoutNotes
		result.VersionField = result.VersionField || c.VersionField
		saves = append(saves, e.saves...)
	}

	after, err := st.lettingTitles(ctx)
	if err != nil {
		return result, err
	}
	history, err = st.titleChanges(ctx)
	if err != nil {
		return result, err
	}
	history = history[first:]
	result.HistoryEntries = len(history)
	result.LostUpdates, result.HistoryMismatches = verifyHistory(before, after, history, saves)
	return result, nil
}

// verifyHistory checks the acknowledged saves against the history and the
// final titles. A save is lost when the history has no entry writing its
// title, or when the entry says it replaced a title other than the one the
// editor saw: it overwrote a change its editor never saw. The history
// mismatches when an entry's old title is not the previous entry's new one
// (or the title before the run), or a letting's title is not its history's last.
func verifyHistory(before, after map[string]string, history []titleChange, saves []save) (lost, mismatches int) {
	last := map[string]string{}
	for id, title := range before {
		last[id] = title
	}
	written := map[string]titleChange{}
	for _, c := range history {
		if c.old != last[c.object] {
			mismatches++
		}
		last[c.object] = c.new
		written[c.object+"\x00"+c.new] = c
	}
	for id, title := range after {
		if last[id] != title {
			mismatches++
		}
	}
	for _, s := range saves {
		c, ok := written[s.letting+"\x00"+s.written]
		if !ok || (!s.reapplied && c.old != s.seen) {
			lost++
		}
	}
	return lost, mismatches
}

// createLetting adds an address and a letting at it through the admin's
// add forms, and returns the letting's id.
func (e *editor) createLetting(ctx context.Context) (string, error) {
	address, err := e.add(ctx, "/admin/lettings/address/add/", url.Values{
		"number": {strconv.Itoa(e.n)}, "street": {fmt.Sprintf("Editor %d Street", e.n)}, "city": {"Irvine"},
		"state": {"CA"}, "zip_code": {"92614"}, "country_iso_code": {"USA"},
	})
	if err != nil {
		return "", err
	}
	return e.add(ctx, "/admin/lettings/letting/add/", url.Values{
		"title": {fmt.Sprintf("Editor %d's letting", e.n)}, "address": {address},
	})
}

// add submits an add form with "Save and continue editing" and returns
// the new object's id, read from where the admin sends the browser.
func (e *editor) add(ctx context.Context, path string, values url.Values) (string, error) {
	page, err := e.agent.Get(ctx, path)
	if err != nil {
		return "", err
	}
	form := hiddenFields(formIn(page.Body, `method="post"`))
	for k, v := range values {
		form[k] = v
	}
	form.Set("_continue", "1")
	resp, err := e.agent.Post(ctx, path, form)
	if err != nil {
		return "", err
	}
	parts := strings.Split(strings.Trim(resp.Location, "/"), "/")
	if resp.Status != http.StatusFound || len(parts) < 2 || parts[len(parts)-1] != "change" {
		return "", fmt.Errorf("POST %s: got %d to %q, want 302 to the new object:\n%s", path, resp.Status, resp.Location, excerpt(resp.Body))
	}
	return parts[len(parts)-2], nil
}

// edit opens a letting's change form, writes a title nobody else writes,
// and saves, as a member of staff would.
func (e *editor) edit(ctx context.Context, letting string, own bool, n int) {
	path := "/admin/lettings/letting/" + letting + "/change/"
	page, err := e.agent.Get(ctx, path)
	if !e.answered(ctx, page, err, http.StatusOK) {
		return
	}
	form := formIn(page.Body, `id="letting_form"`)
	seen, ok := inputValue(form, "title")
	if !ok {
		e.counts.OtherAnswers++
		return
	}
	if hasVersionField(form) {
		e.counts.VersionField = true
	}
	values := hiddenFields(form)
	written := fmt.Sprintf("Editor %d save %d", e.n, n)
	values.Set("title", written)
	values.Set("address", selected(form, "address"))
	values.Set("_save", "Save")
	resp, err := e.agent.Post(ctx, path, values)
	if !e.answered(ctx, resp, err, http.StatusFound, http.StatusOK) {
		return
	}
	if resp.Status == http.StatusFound {
		e.counts.Acknowledged++
		e.saves = append(e.saves, save{letting: letting, seen: seen, written: written})
		return
	}
	// The form came back: a conflict must say so and keep what was typed,
	// so the editor can apply it again.
	if !strings.Contains(resp.Body, `class="errornote"`) {
		e.counts.AnswersWithoutNotes++
		return
	}
	e.counts.Conflicts++
	if own {
		e.counts.FalseConflicts++
	}
	again := formIn(resp.Body, `id="letting_form"`)
	if typed, _ := inputValue(again, "title"); typed != written {
		e.counts.ConflictsDropped++
		return
	}
	// Having read what changed, the editor applies their value again: the
	// form is sent back as it came, carrying the version it was shown with.
	values = hiddenFields(again)
	values.Set("title", written)
	values.Set("address", selected(again, "address"))
	values.Set("_save", "Save")
	resp, err = e.agent.Post(ctx, path, values)
	if !e.answered(ctx, resp, err, http.StatusFound, http.StatusOK) {
		return
	}
	switch {
	case resp.Status == http.StatusFound:
		e.counts.Acknowledged++
		e.counts.Reapplied++
		e.saves = append(e.saves, save{letting: letting, written: written, reapplied: true})
	case strings.Contains(resp.Body, `class="errornote"`):
		e.counts.ConflictedAgain++
	default:
		e.counts.AnswersWithoutNotes++
	}
}

// answered counts what went wrong with a request, and reports whether it
// got one of the statuses wanted. A request cut short because the whole
// run was cancelled counts as nothing.
func (e *editor) answered(ctx context.Context, resp Response, err error, want ...int) bool {
	switch {
	case err != nil && ctx.Err() != nil:
		return false
	case err != nil:
		e.counts.TransportErrors++
		return false
	case resp.Status >= 500:
		e.counts.ServerErrors++
		return false
	}
	for _, w := range want {
		if resp.Status == w {
			return true
		}
	}
	e.counts.OtherAnswers++
	return false
}

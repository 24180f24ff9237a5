package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/migrations/testdb"
)

// The words of the conflict page the tests look for.
const (
	conflictNote    = "Please correct the error below."
	conflictMessage = "was changed after you opened this form, so your changes have not been saved."
)

func sent(t *testing.T) func(answer, error) answer {
	return func(p answer, err error) answer {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}

func lettingHistory(t *testing.T, db *database.DB, id int64) []models.LogEntry {
	t.Helper()
	entries, err := models.ObjectHistory(context.Background(), db.Read, "lettings", "letting", fmt.Sprint(id))
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(entries, func(a, b models.LogEntry) int { return int(a.ID - b.ID) })
	return entries
}

func titleChange(e models.LogEntry) (models.FieldChange, bool) {
	for _, c := range e.Changes {
		if c.Field == "Title" {
			return c, true
		}
	}
	return models.FieldChange{}, false
}

func TestEditConflictTwoEditors(t *testing.T) {
	s := newTestSite(t, testdb.Seeded(t))
	s.user("alice", true)
	s.user("bob", true)
	a, b := s.client(), s.client()
	if err := a.login("alice"); err != nil {
		t.Fatal(err)
	}
	if err := b.login("bob"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	before, err := models.GetLetting(ctx, s.db.Read, 1)
	if err != nil {
		t.Fatal(err)
	}
	const path = "/admin/lettings/letting/1/change/"
	_, formA := must3(t)(a.open(path))
	_, formB := must3(t)(b.open(path))

	p := sent(t)(a.submit(path, formA, url.Values{"title": {"Alice's <b>title</b>"}, "address": {"1"}, "_save": {"Save"}}))
	if p.status != http.StatusFound {
		t.Fatalf("got %d for the first save, want 302:\n%s", p.status, p.body)
	}
	p = sent(t)(b.submit(path, formB, url.Values{"title": {"Bob's title"}, "address": {"1"}, "_save": {"Save"}}))
	if p.status != http.StatusOK {
		t.Fatalf("got %d for the stale save, want 200 with the conflict (location %q)", p.status, p.location)
	}
	for _, want := range []string{
		`<p class="errornote">` + conflictNote + `</p>`,
		`<ul class="errorlist nonfield">`,
		conflictMessage,
		"alice",
		"Changed Title.",
		`class="conflict"`,
		"Current value: Alice&#39;s &lt;b&gt;title&lt;/b&gt;",
		`value="Bob&#39;s title"`,
		// A screen reader reads the current value with the input.
		`aria-describedby="id_title_current"`,
	} {
		if !strings.Contains(p.body, want) {
			t.Errorf("got a conflict page without %q:\n%s", want, p.body)
		}
	}
	if strings.Contains(p.body, "<b>title</b>") {
		t.Error("got the other editor's value unescaped")
	}
	if l, _ := models.GetLetting(ctx, s.db.Read, 1); l.Title != "Alice's <b>title</b>" {
		t.Errorf("got title %q after the stale save, want Alice's", l.Title)
	}
	entries := lettingHistory(t, s.db, 1)
	if len(entries) != 1 || entries[0].UserID == 0 || entries[0].User == nil || entries[0].User.Username != "alice" {
		t.Fatalf("got %d history entries after the conflict, want alice's one only", len(entries))
	}

	// Pressing Save again on the conflict page puts Bob's values over Alice's.
	formB2 := hidden(p.body)
	if formB2.Get(versionField) == formB.Get(versionField) {
		t.Fatalf("got the conflict page with the old version %q, want the current one", formB2.Get(versionField))
	}
	p = sent(t)(b.submit(path, formB2, url.Values{"title": {"Bob's title"}, "address": {"1"}, "_save": {"Save"}}))
	if p.status != http.StatusFound {
		t.Fatalf("got %d re-applying after the conflict, want 302:\n%s", p.status, p.body)
	}
	if l, _ := models.GetLetting(ctx, s.db.Read, 1); l.Title != "Bob's title" {
		t.Errorf("got title %q after re-applying, want Bob's", l.Title)
	}
	entries = lettingHistory(t, s.db, 1)
	if len(entries) != 2 {
		t.Fatalf("got %d history entries, want 2", len(entries))
	}
	first, _ := titleChange(entries[0])
	second, _ := titleChange(entries[1])
	if first.Old != before.Title || first.New != "Alice's <b>title</b>" {
		t.Errorf("got alice's entry %+v, want %q → Alice's title", first, before.Title)
	}
	if second.Old != "Alice's <b>title</b>" || second.New != "Bob's title" {
		t.Errorf("got bob's entry %+v, want Alice's title → Bob's title", second)
	}
}

// An old form or a script that sends no version is taken as Django takes
// it: the save applies (and its history is still true).
func TestEditWithoutVersionApplies(t *testing.T) {
	s := newTestSite(t, testdb.Seeded(t))
	s.user("alice", true)
	a := s.client()
	if err := a.login("alice"); err != nil {
		t.Fatal(err)
	}
	const path = "/admin/lettings/letting/1/change/"
	_, form := must3(t)(a.open(path))
	form.Del(versionField)
	p := sent(t)(a.submit(path, form, url.Values{"title": {"Scripted"}, "address": {"1"}}))
	if p.status != http.StatusFound {
		t.Fatalf("got %d, want 302:\n%s", p.status, p.body)
	}
	t.Run("a garbled version is a conflict", func(t *testing.T) {
		_, form := must3(t)(a.open(path))
		form.Set(versionField, "nonsense")
		p := sent(t)(a.submit(path, form, url.Values{"title": {"Garbled"}, "address": {"1"}}))
		if p.status != http.StatusOK || !strings.Contains(p.body, conflictMessage) {
			t.Fatalf("got %d without the conflict message, want 200 with it", p.status)
		}
		if l, _ := models.GetLetting(context.Background(), s.db.Read, 1); l.Title != "Scripted" {
			t.Errorf("got title %q, want the stored one kept", l.Title)
		}
	})
}

func must3(t *testing.T) func(answer, url.Values, error) (answer, url.Values) {
	return func(p answer, form url.Values, err error) (answer, url.Values) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return p, form
	}
}

// TestEditCrowd has 32 signed-in editors save one letting over and over:
// every acknowledged save must be in the history, and every entry's old
// value must be the value the entry before it left.
func TestEditCrowd(t *testing.T) {
	const editors, rounds = 32, 4
	s := newTestSite(t, testdb.Seeded(t))
	clients := make([]*testClient, editors)
	for i := range clients {
		s.user(fmt.Sprintf("editor%02d", i), true)
		clients[i] = s.client()
		if err := clients[i].login(fmt.Sprintf("editor%02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	before, err := models.GetLetting(context.Background(), s.db.Read, 1)
	if err != nil {
		t.Fatal(err)
	}
	const path = "/admin/lettings/letting/1/change/"
	var (
		mu        sync.Mutex
		acked     []string
		conflicts int
		failures  []string
	)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			fail := func(format string, args ...any) {
				mu.Lock()
				failures = append(failures, fmt.Sprintf("editor %d: ", i)+fmt.Sprintf(format, args...))
				mu.Unlock()
			}
			for round := range rounds {
				_, form, err := c.open(path)
				if err != nil {
					fail("%v", err)
					return
				}
				// A conflict is answered by pressing Save again on the
				// conflict page, once; it may conflict again.
				for attempt := range 2 {
					title := fmt.Sprintf("editor %d round %d attempt %d", i, round, attempt)
					p, err := c.submit(path, form, url.Values{"title": {title}, "address": {"1"}, "_save": {"Save"}})
					if err != nil {
						fail("%v", err)
						return
					}
					switch {
					case p.status == http.StatusFound:
						mu.Lock()
						acked = append(acked, title)
						mu.Unlock()
					case p.status == http.StatusOK && strings.Contains(p.body, conflictMessage):
						mu.Lock()
						conflicts++
						mu.Unlock()
						form = hidden(p.body)
						continue
					default:
						fail("got %d saving %q", p.status, title)
					}
					break
				}
			}
		})
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	entries := lettingHistory(t, s.db, 1)
	t.Logf("%d saves acknowledged, %d conflicts reported, %d history entries", len(acked), conflicts, len(entries))
	if len(acked) == 0 {
		t.Fatal("got no save acknowledged")
	}
	logged := map[string]bool{}
	prev := before.Title
	lies := 0
	for _, e := range entries {
		c, ok := titleChange(e)
		if !ok {
			t.Errorf("got entry %d without a title change: %+v", e.ID, e.Changes)
			continue
		}
		logged[c.New] = true
		if c.Old != prev {
			lies++
		}
		prev = c.New
	}
	if lies > 0 {
		t.Errorf("got %d of %d history entries whose old value is not what they replaced", lies, len(entries))
	}
	for _, title := range acked {
		if !logged[title] {
			t.Errorf("got acknowledged save %q missing from the history", title)
		}
	}
	if len(entries) != len(acked) {
		t.Errorf("got %d history entries for %d acknowledged saves", len(entries), len(acked))
	}
	if l, _ := models.GetLetting(context.Background(), s.db.Read, 1); l.Title != prev {
		t.Errorf("got title %q, want the last entry's %q", l.Title, prev)
	}
}

// A sign-in between loading a user's change form and saving it records a
// last login the save must not put back. The test holds the database's
// writer (SQLite) or the user's row (PostgreSQL) so that the sign-in's write
// lands while the save is already under way, waiting for its turn.
func TestEditKeepsColumnsTheFormDoesNotShow(t *testing.T) {
	s := newTestSite(t, testdb.Seeded(t))
	s.user("alice", true)
	clerk := s.user("clerk", true)
	a := s.client()
	if err := a.login("alice"); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
	_, form := must3(t)(a.open(path))

	signIn := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	p := s.whileSaving(t, func() (answer, error) {
		return a.submit(path, form, url.Values{"username": {"clerk"}, "first_name": {"Clara"}, "email": {"clerk@example.com"},
			"is_active": {"on"}, "is_staff": {"on"}, "is_superuser": {"on"}, "_save": {"Save"}})
	}, func(ctx context.Context, tx bun.Tx) error {
		return models.RecordLogin(ctx, tx, clerk.ID, signIn)
	})
	if p.status != http.StatusFound {
		t.Fatalf("got %d saving the user, want 302:\n%s", p.status, p.body)
	}
	after, err := models.GetUser(context.Background(), s.db.Read, clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.FirstName != "Clara" {
		t.Errorf("got first name %q, want Clara", after.FirstName)
	}
	if !after.LastLogin.Equal(signIn) {
		t.Errorf("got last login %v after the save, want %v from the sign-in", after.LastLogin, signIn)
	}
}

// whileSaving sends a save and, once it is waiting for the write the test
// holds, lets write run and commit: the save then goes on with what it read
// before, or (as it must) reads the object again.
func (s *testSite) whileSaving(t *testing.T, save func() (answer, error), write func(ctx context.Context, tx bun.Tx) error) answer {
	t.Helper()
	ctx := context.Background()
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	var blocked func() bool
	if testdb.Postgres() {
		// The write first: it takes the row's lock the save must wait for.
		if err := write(ctx, tx); err != nil {
			t.Fatal(err)
		}
		var pid int
		if err := tx.NewRaw("SELECT pg_backend_pid()").Scan(ctx, &pid); err != nil {
			t.Fatal(err)
		}
		blocked = func() bool {
			var n int
			err := s.db.Read.NewRaw("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", pid).Scan(ctx, &n)
			return err == nil && n > 0
		}
	} else {
		// The only writer's connection is the test's: the save waits for it.
		waits := s.db.Write.Stats().WaitCount
		blocked = func() bool { return s.db.Write.Stats().WaitCount > waits }
	}
	type result struct {
		p   answer
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := save()
		done <- result{p, err}
	}()
	for !blocked() {
		select {
		case r := <-done:
			t.Fatalf("got the save answered (%d, %v) without waiting for the held write", r.p.status, r.err)
		case <-time.After(time.Millisecond):
		}
	}
	if !testdb.Postgres() {
		if err := write(ctx, tx); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.p
}

// A many-to-many field is part of the version: groups added by one editor
// make another's stale save a conflict, which shows them.
func TestEditConflictOnGroups(t *testing.T) {
	s := newTestSite(t, testdb.Seeded(t))
	s.user("alice", true)
	s.user("bob", true)
	clerk := s.user("clerk", true)
	ctx := context.Background()
	editors := &models.Group{Name: "Editors & <friends>"}
	if err := models.CreateGroup(ctx, s.db.Write, editors); err != nil {
		t.Fatal(err)
	}
	a, b := s.client(), s.client()
	if err := a.login("alice"); err != nil {
		t.Fatal(err)
	}
	if err := b.login("bob"); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
	_, formA := must3(t)(a.open(path))
	_, formB := must3(t)(b.open(path))
	user := url.Values{"username": {"clerk"}, "is_active": {"on"}, "is_staff": {"on"}, "is_superuser": {"on"}, "_save": {"Save"}}

	withGroup := url.Values{"groups": {fmt.Sprint(editors.ID)}}
	for k, v := range user {
		withGroup[k] = v
	}
	if p := sent(t)(a.submit(path, formA, withGroup)); p.status != http.StatusFound {
		t.Fatalf("got %d adding the group, want 302:\n%s", p.status, p.body)
	}
	p := sent(t)(b.submit(path, formB, user))
	if p.status != http.StatusOK || !strings.Contains(p.body, conflictMessage) {
		t.Fatalf("got %d without the conflict message for a stale save, want 200 with it", p.status)
	}
	for _, want := range []string{`<div class="conflict" id="id_groups_current">Current value: Editors &amp; &lt;friends&gt;</div>`, "alice on ", "Changed Groups."} {
		if !strings.Contains(p.body, want) {
			t.Errorf("got a conflict page without %q:\n%s", want, p.body)
		}
	}
	if strings.Contains(p.body, `id="id_username_current"`) {
		t.Error("got a current-value note on a field that does not differ")
	}
	if ids, _ := models.UserGroupIDs(ctx, s.db.Read, clerk.ID); len(ids) != 1 {
		t.Errorf("got groups %v after the stale save, want alice's group kept", ids)
	}
	if p := sent(t)(b.submit(path, hidden(p.body), user)); p.status != http.StatusFound {
		t.Fatalf("got %d re-applying, want 302:\n%s", p.status, p.body)
	}
	entries, err := models.ObjectHistory(ctx, s.db.Read, "auth", "user", fmt.Sprint(clerk.ID))
	if err != nil || len(entries) != 2 {
		t.Fatalf("got %d entries (%v), want 2", len(entries), err)
	}
	last := entries[1].Changes
	if len(last) != 1 || last[0].Field != "Groups" || last[0].Old != editors.Name || last[0].New != "" {
		t.Errorf("got bob's changes %+v, want Groups from %q to nothing", last, editors.Name)
	}
}

// A change form opened from a filtered changelist goes back to that
// changelist after a save, whether the filters come in the form's address
// (as Django sends them) or in its hidden field.
func TestSaveKeepsTheChangelistFilters(t *testing.T) {
	s := newTestSite(t, testdb.Seeded(t))
	s.user("alice", true)
	c := s.client()
	if err := c.login("alice"); err != nil {
		t.Fatal(err)
	}
	const filters = "q=Wolf"
	path := "/admin/lettings/letting/1/change/?" + url.Values{"_changelist_filters": {filters}}.Encode()
	want := "/admin/lettings/letting/?" + filters
	for name, drop := range map[string]bool{"hidden field": false, "address only": true} {
		_, form := must3(t)(c.open(path))
		if drop {
			form.Del("_changelist_filters")
		}
		p := sent(t)(c.submit(path, form, url.Values{"title": {"Kept " + name}, "address": {"1"}, "_save": {"Save"}}))
		if p.status != http.StatusFound || p.location != want {
			t.Errorf("%s: got %d to %q, want 302 to %q", name, p.status, p.location, want)
		}
	}
}

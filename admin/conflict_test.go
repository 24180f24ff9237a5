package admin_test

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

	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/migrations/testdb"
)

// The words of the conflict page the tests look for.
const (
	conflictNote    = "Please correct the error below."
	conflictMessage = "was changed after you opened this form, so your changes have not been saved."
	// versionField carries the version of the object the form shows.
	versionField = "_version"
)

// isConflict says whether res is the change form telling of a conflict.
func isConflict(res *sitetest.Response) bool {
	if res.Status != http.StatusOK {
		return false
	}
	for _, li := range res.Texts("ul.errorlist.nonfield > li") {
		if strings.Contains(li, conflictMessage) {
			return true
		}
	}
	return false
}

// wantChange fails the test unless the conflict lists a change by who
// with its message.
func wantChange(t *testing.T, res *sitetest.Response, who, message string) {
	t.Helper()
	changes := res.Texts("ul.conflict-changes > li")
	if !slices.ContainsFunc(changes, func(c string) bool {
		return strings.HasPrefix(c, who+" on ") && strings.HasSuffix(c, ": "+message)
	}) {
		t.Errorf("got the changes %q, want one by %s: %s", changes, who, message)
	}
}

func lettingHistory(t *testing.T, s *site, id int64) []models.LogEntry {
	t.Helper()
	entries, err := models.ObjectHistory(context.Background(), s.DB.Read, "lettings", "letting", fmt.Sprint(id))
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

// open loads a change form and returns the page and what its form sends.
func (c *client) open(t testing.TB, path string) (*sitetest.Response, url.Values) {
	t.Helper()
	res := c.get(path).Want(t, http.StatusOK)
	return res, with(hiddenFields(res), dateTimeInputs(res))
}

func TestEditConflictTwoEditors(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "alice")
	s.superuser(t, "bob")
	a, b := s.signedIn(t, "alice"), s.signedIn(t, "bob")
	ctx := context.Background()
	before, err := models.GetLetting(ctx, s.DB.Read, 1)
	if err != nil {
		t.Fatal(err)
	}
	const path = "/admin/lettings/letting/1/change/"
	_, formA := a.open(t, path)
	_, formB := b.open(t, path)

	redirect(t, a.send(path, with(formA, url.Values{"title": {"Alice's <b>title</b>"}, "address": {"1"}, "_save": {"Save"}})), "/admin/lettings/letting/")
	res := b.send(path, with(formB, url.Values{"title": {"Bob's title"}, "address": {"1"}, "_save": {"Save"}}))
	if res.Status != http.StatusOK {
		t.Fatalf("got %d for the stale save, want 200 with the conflict (location %q)", res.Status, res.Location())
	}
	has(t, res,
		errorNote(conflictNote),
		sitetest.Element{Sel: "ul.errorlist.nonfield"},
		el("div.conflict#id_title_current", "Current value: Alice's <b>title</b>"),
		attr("#id_title", "value", "Bob's title"),
		// A screen reader reads the current value with the input.
		attr("#id_title", "aria-describedby", "id_title_current"),
	)
	if !isConflict(res) {
		t.Errorf("got a conflict page without %q", conflictMessage)
	}
	wantChange(t, res, "alice", "Changed Title.")
	bodyHas(t, res, "alice", "Changed Title.", "Current value: Alice&#39;s &lt;b&gt;title&lt;/b&gt;", `value="Bob&#39;s title"`)
	bodyLacks(t, res, "<b>title</b>")
	if l, _ := models.GetLetting(ctx, s.DB.Read, 1); l.Title != "Alice's <b>title</b>" {
		t.Errorf("got title %q after the stale save, want Alice's", l.Title)
	}
	entries := lettingHistory(t, s, 1)
	if len(entries) != 1 || entries[0].UserID == 0 || entries[0].User == nil || entries[0].User.Username != "alice" {
		t.Fatalf("got %d history entries after the conflict, want alice's one only", len(entries))
	}

	// Pressing Save again on the conflict page puts Bob's values over Alice's.
	formB2 := hiddenFields(res)
	if formB2.Get(versionField) == formB.Get(versionField) {
		t.Fatalf("got the conflict page with the old version %q, want the current one", formB2.Get(versionField))
	}
	redirect(t, b.send(path, with(formB2, url.Values{"title": {"Bob's title"}, "address": {"1"}, "_save": {"Save"}})), "/admin/lettings/letting/")
	if l, _ := models.GetLetting(ctx, s.DB.Read, 1); l.Title != "Bob's title" {
		t.Errorf("got title %q after re-applying, want Bob's", l.Title)
	}
	entries = lettingHistory(t, s, 1)
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
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "alice")
	a := s.signedIn(t, "alice")
	const path = "/admin/lettings/letting/1/change/"
	_, form := a.open(t, path)
	form.Del(versionField)
	redirect(t, a.send(path, with(form, url.Values{"title": {"Scripted"}, "address": {"1"}})), "/admin/lettings/letting/")
	t.Run("a garbled version is a conflict", func(t *testing.T) {
		_, form := a.open(t, path)
		form.Set(versionField, "nonsense")
		if res := a.send(path, with(form, url.Values{"title": {"Garbled"}, "address": {"1"}})); !isConflict(res) {
			t.Fatalf("got %d without the conflict message, want 200 with it", res.Status)
		}
		if l, _ := models.GetLetting(context.Background(), s.DB.Read, 1); l.Title != "Scripted" {
			t.Errorf("got title %q, want the stored one kept", l.Title)
		}
	})
}

// TestEditCrowd has 32 signed-in editors save one letting over and over:
// every acknowledged save must be in the history, and every entry's old
// value must be the value the entry before it left.
func TestEditCrowd(t *testing.T) {
	t.Parallel()
	const editors, rounds = 32, 4
	s := newSite(t)
	clients := make([]*client, editors)
	for i := range clients {
		name := fmt.Sprintf("editor%02d", i)
		s.superuser(t, name)
		clients[i] = s.signedIn(t, name)
	}
	before, err := models.GetLetting(context.Background(), s.DB.Read, 1)
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
				res := c.get(path)
				if res.Status != http.StatusOK {
					fail("got %d opening the form", res.Status)
					return
				}
				form := hiddenFields(res)
				// A conflict is answered by pressing Save again on the
				// conflict page, once; it may conflict again.
				for attempt := range 2 {
					title := fmt.Sprintf("editor %d round %d attempt %d", i, round, attempt)
					res := c.send(path, with(form, url.Values{"title": {title}, "address": {"1"}, "_save": {"Save"}}))
					switch {
					case res.Status == http.StatusFound:
						mu.Lock()
						acked = append(acked, title)
						mu.Unlock()
					case isConflict(res):
						mu.Lock()
						conflicts++
						mu.Unlock()
						form = hiddenFields(res)
						continue
					default:
						fail("got %d saving %q", res.Status, title)
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
	entries := lettingHistory(t, s, 1)
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
	if l, _ := models.GetLetting(context.Background(), s.DB.Read, 1); l.Title != prev {
		t.Errorf("got title %q, want the last entry's %q", l.Title, prev)
	}
}

// A password set between loading a user's change form and saving it is a
// column the form does not show (the last login is shown, and a sign-in in
// between is a conflict): the save must not put the old one back. The test holds the database's
// writer (SQLite) or the user's row (PostgreSQL) so that the sign-in's write
// lands while the save is already under way, waiting for its turn.
func TestEditKeepsColumnsTheFormDoesNotShow(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "alice")
	clerk := s.superuser(t, "clerk")
	a := s.signedIn(t, "alice")
	path := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
	_, form := a.open(t, path)

	const newHash = "!set-meanwhile"
	res := s.whileSaving(t, func() *sitetest.Response {
		return a.send(path, with(form, url.Values{"username": {"clerk"}, "first_name": {"Clara"}, "email": {"clerk@example.com"},
			"is_active": {"on"}, "is_staff": {"on"}, "is_superuser": {"on"}, "_save": {"Save"}}))
	}, func(ctx context.Context, tx bun.Tx) error {
		return models.SetUserPassword(ctx, tx, clerk.ID, newHash)
	})
	redirect(t, res, "/admin/auth/user/")
	after, err := models.GetUser(context.Background(), s.DB.Read, clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.FirstName != "Clara" {
		t.Errorf("got first name %q, want Clara", after.FirstName)
	}
	if after.Password != newHash {
		t.Errorf("got password %q after the save, want %q set meanwhile", after.Password, newHash)
	}
}

// whileSaving sends a save and, once it is waiting for the write the test
// holds, lets write run and commit: the save then goes on with what it read
// before, or (as it must) reads the object again.
func (s *site) whileSaving(t *testing.T, save func() *sitetest.Response, write func(ctx context.Context, tx bun.Tx) error) *sitetest.Response {
	t.Helper()
	ctx := context.Background()
	tx, err := s.DB.Write.BeginTx(ctx, nil)
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
			err := s.DB.Read.NewRaw("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", pid).Scan(ctx, &n)
			return err == nil && n > 0
		}
	} else {
		// The only writer's connection is the test's: the save waits for it.
		waits := s.DB.Write.Stats().WaitCount
		blocked = func() bool { return s.DB.Write.Stats().WaitCount > waits }
	}
	done := make(chan *sitetest.Response, 1)
	go func() { done <- save() }()
	for !blocked() {
		select {
		case res := <-done:
			t.Fatalf("got the save answered (%d) without waiting for the held write", res.Status)
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
	return <-done
}

// A many-to-many field is part of the version: groups added by one editor
// make another's stale save a conflict, which shows them.
func TestEditConflictOnGroups(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "alice")
	s.superuser(t, "bob")
	clerk := s.superuser(t, "clerk")
	ctx := context.Background()
	editors := &models.Group{Name: "Editors & <friends>"}
	if err := models.CreateGroup(ctx, s.DB.Write, editors); err != nil {
		t.Fatal(err)
	}
	a, b := s.signedIn(t, "alice"), s.signedIn(t, "bob")
	path := fmt.Sprintf("/admin/auth/user/%d/change/", clerk.ID)
	_, formA := a.open(t, path)
	_, formB := b.open(t, path)
	user := url.Values{"username": {"clerk"}, "is_active": {"on"}, "is_staff": {"on"}, "is_superuser": {"on"}, "_save": {"Save"}}

	redirect(t, a.send(path, with(with(formA, user), url.Values{"groups": {fmt.Sprint(editors.ID)}})), "/admin/auth/user/")
	res := b.send(path, with(formB, user))
	if !isConflict(res) {
		t.Fatalf("got %d without the conflict message for a stale save, want 200 with it", res.Status)
	}
	has(t, res, el("div.conflict#id_groups_current", "Current value: Editors & <friends>"))
	wantChange(t, res, "alice", "Changed Groups.")
	bodyHas(t, res, `<div class="conflict" id="id_groups_current">Current value: Editors &amp; &lt;friends&gt;</div>`, "alice on ", "Changed Groups.")
	lacks(t, res, sitetest.Element{Sel: "#id_username_current"})
	if ids, _ := models.UserGroupIDs(ctx, s.DB.Read, clerk.ID); len(ids) != 1 {
		t.Errorf("got groups %v after the stale save, want alice's group kept", ids)
	}
	redirect(t, b.send(path, with(with(hiddenFields(res), dateTimeInputs(res)), user)), "/admin/auth/user/")
	entries, err := models.ObjectHistory(ctx, s.DB.Read, "auth", "user", fmt.Sprint(clerk.ID))
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
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "alice")
	c := s.signedIn(t, "alice")
	const filters = "q=Wolf"
	path := "/admin/lettings/letting/1/change/?" + url.Values{"_changelist_filters": {filters}}.Encode()
	want := "/admin/lettings/letting/?" + filters
	for _, tt := range []struct {
		name string
		drop bool
	}{{"hidden field", false}, {"address only", true}} {
		t.Run(tt.name, func(t *testing.T) {
			_, form := c.open(t, path)
			if tt.drop {
				form.Del("_changelist_filters")
			}
			res := c.send(path, with(form, url.Values{"title": {"Kept " + tt.name}, "address": {"1"}, "_save": {"Save"}}))
			if res.Status != http.StatusFound || res.Location() != want {
				t.Errorf("got %d to %q, want 302 to %q", res.Status, res.Location(), want)
			}
		})
	}
}

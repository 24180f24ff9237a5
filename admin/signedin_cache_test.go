package admin_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"oclettings/app/auth"
	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/app/sitetest"
	"oclettings/app/web"
)

const lettingsList = "/admin/lettings/letting/"

// pageToken is the session's CSRF token as a page rendered for the request
// alone (the password change form, which no cache keeps) carries it.
func pageToken(t *testing.T, c *client) string {
	t.Helper()
	token, ok := c.get("/admin/password_change/").Want(t, http.StatusOK).Attr(`input[name="csrfmiddlewaretoken"]`, "value")
	if !ok {
		t.Fatal("got no CSRF token on the password change form")
	}
	return token
}

// formTokens are the CSRF tokens of every form of a page.
func formTokens(res *sitetest.Response) []string {
	var tokens []string
	res.Doc().Find(`input[name="csrfmiddlewaretoken"]`).Each(func(_ int, s *goquery.Selection) {
		if v, ok := s.Attr("value"); ok {
			tokens = append(tokens, v)
		}
	})
	return tokens
}

// The changelist is kept rendered per user, with the token of the session
// that last asked for it in place: each session of the same user is still
// sent its own token, which its forms post back, and never another's.
func TestCachedPagesCarryEachSessionsOwnToken(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.superuser(t, "boss")
	home, office := s.signedIn(t, "boss"), s.signedIn(t, "boss")
	tokens := map[*client]string{home: pageToken(t, home), office: pageToken(t, office)}
	if tokens[home] == tokens[office] {
		t.Fatal("got two sessions with one CSRF token")
	}
	check := func(c, other *client) *sitetest.Response {
		t.Helper()
		res := c.get(lettingsList).Want(t, http.StatusOK)
		got := formTokens(res)
		if len(got) == 0 {
			t.Fatal("got a changelist without forms")
		}
		for _, token := range got {
			if token != tokens[c] {
				t.Errorf("got token %q in a form, want the session's own %q", token, tokens[c])
			}
		}
		bodyLacks(t, res, tokens[other])
		return res
	}
	for range 3 { // the sessions take turns, and each turn is served from the cache
		check(home, office)
		check(home, office)
		check(office, home)
	}

	// The page's token is the one its session's forms must post: the other
	// session's is refused.
	res := check(home, office)
	logout := url.Values{web.CSRFField: {formTokens(res)[0]}}
	office.send("/admin/logout/", logout).Want(t, http.StatusForbidden)
	has(t, home.send("/admin/logout/", logout).Want(t, http.StatusOK), el("h1", "Logged out"))

	// Signed in again, under a new session: the new token, never the old.
	redirect(t, home.login("boss", password), "/admin/")
	old := tokens[home]
	tokens[home] = pageToken(t, home)
	if tokens[home] == old {
		t.Fatal("got the CSRF token kept across a logout and a login")
	}
	check(home, office)
	bodyLacks(t, home.get(lettingsList), old)
	check(office, home)
}

// waitPastPoll lets the database's version poll see what another process
// committed: its interval is a millisecond.
func waitPastPoll() { time.Sleep(2 * time.Millisecond) }

// storedToken is how the session store names a session cookie's token.
func storedToken(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// A signed-in page served from memory (the session, its user and the page
// itself are all remembered between requests) still ends with whatever
// another process does to the session or the user, on the next request.
func TestCachedSignedInPagesFollowOtherProcesses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		perms  []string
		change func(t *testing.T, other *database.DB, c *client, user *models.User)
		want   int // the changelist's status afterwards
	}{
		{"session deleted", nil, func(t *testing.T, other *database.DB, c *client, _ *models.User) {
			execOn(t, other, "DELETE FROM sessions WHERE token = ?", storedToken(c.session()))
		}, http.StatusFound},
		{"session expired", nil, func(t *testing.T, other *database.DB, c *client, _ *models.User) {
			execOn(t, other, "UPDATE sessions SET expiry = ? WHERE token = ?", time.Now().Add(-time.Minute).UTC(), storedToken(c.session()))
		}, http.StatusFound},
		{"session emptied", nil, func(t *testing.T, other *database.DB, c *client, _ *models.User) {
			// The data of a session nobody signed in to, with the same deadline.
			var data string
			if err := other.Read.QueryRowContext(context.Background(), "SELECT data FROM sessions WHERE token = ?", storedToken(c.session())).Scan(&data); err != nil {
				t.Fatal(err)
			}
			deadline, _, _ := strings.Cut(strings.TrimPrefix(data, `{"d":"`), `"`)
			execOn(t, other, "UPDATE sessions SET data = ? WHERE token = ?", fmt.Sprintf(`{"d":%q,"v":{}}`, deadline), storedToken(c.session()))
		}, http.StatusFound},
		{"password changed", nil, func(t *testing.T, other *database.DB, _ *client, user *models.User) {
			hash, err := auth.Hasher{Memory: 64, Time: 1, Threads: 1}.Hash("Another-Password-77")
			if err != nil {
				t.Fatal(err)
			}
			if err := models.SetUserPassword(context.Background(), other.Write, user.ID, hash); err != nil {
				t.Fatal(err)
			}
		}, http.StatusFound},
		{"user deactivated", nil, func(t *testing.T, other *database.DB, _ *client, user *models.User) {
			execOn(t, other, "UPDATE auth_user SET is_active = ? WHERE id = ?", false, user.ID)
		}, http.StatusFound},
		{"staff status taken", nil, func(t *testing.T, other *database.DB, _ *client, user *models.User) {
			execOn(t, other, "UPDATE auth_user SET is_staff = ? WHERE id = ?", false, user.ID)
		}, http.StatusFound},
		{"user deleted", nil, func(t *testing.T, other *database.DB, _ *client, user *models.User) {
			if err := models.DeleteUser(context.Background(), other.Write, user.ID); err != nil {
				t.Fatal(err)
			}
		}, http.StatusFound},
		{"permission taken", []string{"lettings.view_letting"}, func(t *testing.T, other *database.DB, _ *client, user *models.User) {
			if err := models.SetUserPermissions(context.Background(), other.Write, user.ID, nil); err != nil {
				t.Fatal(err)
			}
		}, http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db, cfg := sitetest.DBConfig(t)
			s := newSite(t, onDB(db))
			perms := tt.perms
			if perms == nil {
				perms = []string{"*"}
			}
			user := s.staffUser(t, "clerk", perms...)
			c := s.signedIn(t, "clerk")
			for range 3 { // rendered once, then served from memory
				has(t, c.get(lettingsList).Want(t, http.StatusOK), sitetest.Element{Sel: "#result_list"})
			}

			tt.change(t, sitetest.Reopen(t, cfg), c, user)
			waitPastPoll()
			res := c.get(lettingsList).Want(t, tt.want)
			if tt.want == http.StatusFound && !strings.HasPrefix(res.Location(), signedOut) {
				t.Errorf("got Location %q, want the login page", res.Location())
			}
			lacks(t, res, sitetest.Element{Sel: "#result_list"})
		})
	}
}

func execOn(t *testing.T, db *database.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Write.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// discard is a response writer that keeps nothing of the body, so that
// what a request allocates is the site's doing alone.
type discard struct {
	header http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) WriteHeader(status int)      { d.status = status }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }

// servedBytes is what serving path to the session cookie allocates per
// request, on average over n requests, and the page's size.
func servedBytes(t *testing.T, h http.Handler, path, cookie string, n int) (allocated, size int) {
	t.Helper()
	serve := func() int {
		req := httptest.NewRequest(http.MethodGet, "https://example.com"+path, nil)
		req.Header.Set("Cookie", cookie)
		w := &discard{header: http.Header{}, status: http.StatusOK}
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			t.Fatalf("GET %s: got %d", path, w.status)
		}
		return w.n
	}
	size = serve() // rendered now, served from memory afterwards
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		serve()
	}
	runtime.ReadMemStats(&after)
	return int(after.TotalAlloc-before.TotalAlloc) / n, size
}

// Serving a cached page sends the bytes kept for the session: the memory a
// request takes does not grow with the page. (It did: every request copied
// the page to put its session's token in.) Not parallel: it reads what the
// whole process allocates.
func TestCachedPagesAreNotCopiedPerRequest(t *testing.T) {
	s := newSite(t, withVars("DEBUG", "false"))
	s.superuser(t, "boss")
	c := s.signedIn(t, "boss")
	cookie := "sessionid=" + c.session()

	smallAlloc, small := servedBytes(t, s.Handler, lettingsList, cookie, 200)
	addLettings(t, s.DB, 94, func(i int) string { return fmt.Sprintf("A letting with a rather long title, number %d", i) })
	largeAlloc, large := servedBytes(t, s.Handler, lettingsList, cookie, 200)
	if large-small < 20_000 {
		t.Fatalf("got pages of %d and %d bytes, want the second far larger", small, large)
	}
	t.Logf("allocated per request: %d bytes for a page of %d bytes, %d for one of %d", smallAlloc, small, largeAlloc, large)
	if grown := largeAlloc - smallAlloc; grown > (large-small)/4 {
		t.Errorf("got %d bytes allocated per request for a page of %d bytes, %d for one of %d: want no copy of the page per request",
			largeAlloc, large, smallAlloc, small)
	}
}

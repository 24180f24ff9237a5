package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"oclettings/app/accounts"
	"oclettings/app/web"
	"oclettings/migrations/testdb"
)

// TestLoginThrottleBehindRenderIgnoresForgedAddresses sends failed logins
// as Render delivers them: X-Forwarded-For holds whatever the client sent,
// then the client as Cloudflare saw it, then Cloudflare's edge. A client
// that forges a new first entry every time is still one client: it is
// throttled after the per-address limit, and logged under its real address.
func TestLoginThrottleBehindRenderIgnoresForgedAddresses(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	db := testdb.Seeded(t)
	h, err := router(site{
		DB:     db,
		Config: testConfig(t, "TRUST_PROXY_HEADERS", "true", "PROXY_COUNT", "2"),
		Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
		Build:  web.Build{Version: "test"},
		// Different usernames every time: only the address can throttle.
		Accounts: &accounts.Service{DB: db, Hasher: cheapHasher, Now: time.Now},
	})
	if err != nil {
		t.Fatal(err)
	}
	const client, edge = "203.0.113.7", "172.70.1.1"
	sendFrom := func(req *http.Request, forged, client string) *http.Response {
		req.RemoteAddr = "10.201.4.4:40312" // Render's proxy
		req.Header.Set("X-Forwarded-For", forged+", "+client+", "+edge)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	send := func(req *http.Request, forged string) *http.Response { return sendFrom(req, forged, client) }

	login := send(httptest.NewRequest(http.MethodGet, "http://example.com/admin/login/", nil), "198.51.100.1")
	var session *http.Cookie
	for _, c := range login.Cookies() {
		if c.Name == "sessionid" {
			session = c
		}
	}
	body := new(strings.Builder)
	_, _ = bufio.NewReader(login.Body).WriteTo(body)
	m := csrfInput.FindStringSubmatch(body.String())
	if session == nil || m == nil {
		t.Fatalf("the login page gave no session or CSRF token:\n%s", body)
	}

	guess := func(i int) *http.Request {
		form := url.Values{"csrfmiddlewaretoken": {m[1]}, "username": {fmt.Sprintf("guess%d", i)}, "password": {"wrong"}}
		req := httptest.NewRequest(http.MethodPost, "http://example.com/admin/login/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(session)
		return req
	}
	for i := 1; i <= 30; i++ {
		resp := send(guess(i), fmt.Sprintf("198.51.100.%d", i))
		want := http.StatusOK
		if i > accounts.MaxFailuresPerAddress {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("attempt %d: got status %d, want %d", i, resp.StatusCode, want)
		}
	}

	// The limit is the client's, not everyone's behind the same proxy.
	if resp := sendFrom(guess(31), "198.51.100.1", "203.0.113.99"); resp.StatusCode != http.StatusOK {
		t.Errorf("another client behind the same proxies: got status %d, want 200", resp.StatusCode)
	}

	posts := 0
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec struct{ Msg, Method, Client string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Msg != "request" || rec.Method != http.MethodPost {
			continue
		}
		posts++
		if posts <= 30 && rec.Client != client {
			t.Errorf("got a request logged from %q, want the real client %s", rec.Client, client)
		}
	}
	if posts != 31 {
		t.Errorf("got %d login requests logged, want 31", posts)
	}
}

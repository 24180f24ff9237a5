package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/database"
	"oclettings/app/models"
	"oclettings/bench/synthetic"
	"oclettings/migrations/testdb"
	"oclettings/public"
)

var benchPages = []string{"/", "/lettings/", "/lettings/1/", "/profiles/", "/profiles/AirWow/", "/lettings/?q=retreat"}

// BenchmarkPages measures every public page through the whole router, served
// from the page cache (as visitors get them) and rendered from the database
// (as after every edit).
func BenchmarkPages(b *testing.B) {
	db := testdb.Seeded(b)
	for _, mode := range []struct {
		name  string
		cache int
	}{{"cached", public.DefaultCacheBytes}, {"rendered", 0}} {
		h := newRouter(b, db, testConfig(b), mode.cache, nil)
		for _, path := range benchPages {
			b.Run(mode.name+path, func(b *testing.B) { benchGet(b, h, path) })
		}
	}
}

// BenchmarkLettings100k is the lettings list rendered from a database of
// 100,000 lettings, to compare with BenchmarkPages/rendered/lettings/.
func BenchmarkLettings100k(b *testing.B) {
	db := testdb.Seeded(b)
	if err := synthetic.Populate(context.Background(), db.Write, 100_000); err != nil {
		b.Fatal(err)
	}
	h := newRouter(b, db, testConfig(b), 0, nil)
	for _, path := range []string{"/lettings/", "/lettings/?page=2500", "/lettings/?q=retreat", "/profiles/"} {
		b.Run(path, func(b *testing.B) { benchGet(b, h, path) })
	}
}

func benchGet(b *testing.B, h http.Handler, path string) {
	b.ReportAllocs()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: got %d", path, rec.Code)
		}
	}
}

// BenchmarkAdminChangelist measures the lettings changelist of a signed-in
// superuser, with the 6 reference lettings and with 100,000.
func BenchmarkAdminChangelist(b *testing.B) {
	for _, size := range []int{0, 100_000} {
		db := testdb.Seeded(b)
		if size > 0 {
			if err := synthetic.Populate(context.Background(), db.Write, size); err != nil {
				b.Fatal(err)
			}
		}
		h := newRouter(b, db, testConfig(b), 0, nil)
		cookie := signedInCookie(b, db, h)
		for _, path := range []string{"/admin/lettings/letting/", "/admin/lettings/letting/?q=retreat", "/admin/lettings/letting/?o=3",
			"/admin/lettings/letting/?address__state__exact=CA", "/admin/lettings/letting/?p=500"} {
			if size == 0 && strings.Contains(path, "p=500") {
				continue
			}
			for _, mode := range []string{"cached", "rendered"} {
				b.Run(fmt.Sprintf("%s/%d%s", mode, size+6, path), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if mode == "rendered" {
							// An edit's commit: every page is rendered anew.
							b.StopTimer()
							if _, err := db.Write.ExecContext(context.Background(), "UPDATE lettings_address SET city = city WHERE id = 1"); err != nil {
								b.Fatal(err)
							}
							b.StartTimer()
						}
						req := httptest.NewRequest(http.MethodGet, path, nil)
						req.Header.Set("Cookie", cookie)
						rec := httptest.NewRecorder()
						h.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: got %d", path, rec.Code)
						}
					}
				})
			}
		}
	}
}

// signedInCookie signs a new superuser in through the router and returns
// the session cookie to send.
func signedInCookie(tb testing.TB, db *database.DB, h http.Handler) string {
	tb.Helper()
	hash, _ := cheapHasher.Hash(bossPassword)
	u := &models.User{Username: "bench", Password: hash, IsStaff: true, IsSuperuser: true, IsActive: true}
	if err := models.CreateUser(context.Background(), db.Write, u); err != nil {
		tb.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/admin/login/", nil))
	cookie := rec.Result().Cookies()[0]
	token := csrfInput.FindStringSubmatch(rec.Body.String())[1]
	req := httptest.NewRequest(http.MethodPost, "/admin/login/", strings.NewReader(url.Values{
		"csrfmiddlewaretoken": {token}, "username": {"bench"}, "password": {bossPassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusFound {
		tb.Fatalf("login: got %d", rec.Code)
	}
	return "sessionid=" + rec.Result().Cookies()[0].Value
}

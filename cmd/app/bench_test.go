package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

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

package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"oclettings/app/models"
)

// The two front ends share one database: what staff change in the admin
// shows on the public site at once, and what the admin refuses changes
// nothing there. The admin's own pages are package admin's tests.
func TestAdminChangesShowOnThePublicSite(t *testing.T) {
	t.Parallel()
	s := newAdminSite(t)
	b := s.staff(t, "root", "*")
	ctx := context.Background()
	// Seen once before the changes, so that the public pages are cached.
	b.get("/lettings/1/").want(t, 200, "Joshua Tree Green Haus /w Hot Tub")
	b.get("/lettings/2/").want(t, 200)
	b.get("/lettings/6/").want(t, 200)
	b.get("/profiles/AirWow/").want(t, 200)

	t.Run("refused changes change nothing", func(t *testing.T) {
		viewer := s.staff(t, "viewer", "lettings.view_letting")
		viewer.post("/admin/lettings/letting/1/change/", url.Values{"title": {"Hacked"}, "address": {"1"}}).want(t, 403)
		viewer.get("/lettings/1/").want(t, 200, "Joshua Tree Green Haus /w Hot Tub")
		viewer.post("/admin/lettings/letting/", url.Values{"action": {"delete_selected"}, "_selected_action": {"6"}, "post": {"yes"}}).want(t, 403)
		b.get("/lettings/6/").want(t, 200)
		pruner := s.staff(t, "pruner", "lettings.view_address", "lettings.delete_address")
		pruner.post("/admin/lettings/address/2/delete/", url.Values{"post": {"yes"}}).want(t, 403)
		b.get("/lettings/2/").want(t, 200)
	})
	t.Run("additions and changes", func(t *testing.T) {
		address := url.Values{"number": {"12"}, "street": {"Ocean Drive"}, "city": {"Laguna"}, "state": {"CA"}, "zip_code": {"92651"}, "country_iso_code": {"USA"}, "_continue": {"1"}}
		p := b.post("/admin/lettings/address/add/", address)
		addressID := strings.TrimSuffix(strings.TrimPrefix(p.location, "/admin/lettings/address/"), "/change/")
		b.post("/admin/lettings/letting/add/", url.Values{"title": {"Laguna Loft"}, "address": {addressID}, "_save": {"1"}}).redirect(t, "/admin/lettings/letting/")
		var id int64
		if _, err := fmt.Sscan(addressID, &id); err != nil {
			t.Fatalf("got Location %q, want the new address's change page", p.location)
		}
		l, err := models.FindLetting(ctx, s.db.Read, "Laguna Loft", id)
		if err != nil {
			t.Fatal(err)
		}
		public := fmt.Sprintf("/lettings/%d/", l.ID)
		b.get(public).want(t, 200, "Laguna Loft")
		b.post(fmt.Sprintf("/admin/lettings/letting/%d/change/", l.ID), url.Values{"title": {"Laguna Beach Loft"}, "address": {addressID}}).
			redirect(t, "/admin/lettings/letting/")
		b.get(public).want(t, 200, "<h1>Laguna Beach Loft</h1>")
	})
	t.Run("deletions", func(t *testing.T) {
		b.post("/admin/lettings/address/1/delete/", url.Values{"post": {"yes"}}).redirect(t, "/admin/lettings/address/")
		b.get("/lettings/1/").want(t, 404)
		u, err := models.GetUserByUsername(ctx, s.db.Read, "AirWow")
		if err != nil {
			t.Fatal(err)
		}
		b.post(fmt.Sprintf("/admin/auth/user/%d/delete/", u.ID), url.Values{"post": {"yes"}}).redirect(t, "/admin/auth/user/")
		b.get("/profiles/AirWow/").want(t, 404)
	})
}

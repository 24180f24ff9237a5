// Package synthetic fills a migrated database with many made-up lettings and
// members, for benchmarks and load tests at a size the real site may reach.
package synthetic

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/auth"
	"oclettings/app/models"
)

var (
	cities = []struct{ city, state string }{
		{"Irvine", "CA"}, {"Austin", "TX"}, {"Portland", "OR"}, {"Savannah", "GA"}, {"Boulder", "CO"},
		{"Asheville", "NC"}, {"Santa Fe", "NM"}, {"Burlington", "VT"}, {"Sedona", "AZ"}, {"Key West", "FL"},
	}
	kinds = []string{"Cottage", "Loft", "Cabin", "Bungalow", "Villa", "Retreat", "Studio", "Farmhouse"}
)

// batch rows go in one INSERT, well under SQLite's limit of bound values.
const batch = 500

// Populate adds n lettings (each at its own address) and n members with
// profiles, in one transaction. The rows satisfy the models' rules; they are
// inserted in bulk, without checking them one by one, to be quick.
func Populate(ctx context.Context, db *bun.DB, n int) error {
	password := auth.UnusablePassword()
	joined := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for start := 0; start < n; start += batch {
			size := min(batch, n-start)
			addresses := make([]models.Address, size)
			users := make([]models.User, size)
			for i := range size {
				k := start + i
				c := cities[k%len(cities)]
				addresses[i] = models.Address{Number: k % 10000, Street: fmt.Sprintf("Synthetic Street %d", k/10000+1),
					City: c.city, State: c.state, ZipCode: 10000 + k%90000, CountryISOCode: "USA"}
				name := fmt.Sprintf("member%06d", k)
				users[i] = models.User{Username: name, UsernameKey: name, Password: password, FirstName: "Member",
					LastName: fmt.Sprintf("%06d", k), Email: name + "@example.com", IsActive: true, DateJoined: joined}
			}
			if _, err := tx.NewInsert().Model(&addresses).Returning("id").Exec(ctx); err != nil {
				return err
			}
			if _, err := tx.NewInsert().Model(&users).Returning("id").Exec(ctx); err != nil {
				return err
			}
			lettings := make([]models.Letting, size)
			profiles := make([]models.Profile, size)
			for i := range size {
				k := start + i
				c := cities[k%len(cities)]
				lettings[i] = models.Letting{Title: fmt.Sprintf("%s %s No. %d", c.city, kinds[k%len(kinds)], k), AddressID: addresses[i].ID}
				profiles[i] = models.Profile{UserID: users[i].ID, FavoriteCity: cities[(k+3)%len(cities)].city}
			}
			if _, err := tx.NewInsert().Model(&lettings).Exec(ctx); err != nil {
				return err
			}
			if _, err := tx.NewInsert().Model(&profiles).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

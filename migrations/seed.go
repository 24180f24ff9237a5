package migrations

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/auth"
	"oclettings/app/models"
)

// The reference data of the Orange County Lettings site, as its Django
// fixture holds it: six lettings, each at its own address, and four members
// with their profiles.
var referenceLettings = []struct {
	Title   string
	Address models.Address
}{
	{"Joshua Tree Green Haus /w Hot Tub", models.Address{Number: 7217, Street: "Bedford Street", City: "Brunswick", State: "GA", ZipCode: 31525, CountryISOCode: "USA"}},
	{"Oceanview Retreat", models.Address{Number: 4, Street: "Military Street", City: "Willoughby", State: "OH", ZipCode: 44094, CountryISOCode: "USA"}},
	{"'Silo Studio' Cottage", models.Address{Number: 340, Street: "Wintergreen Avenue", City: "Newport News", State: "VA", ZipCode: 23601, CountryISOCode: "USA"}},
	{"Pirates of the Caribbean Getaway", models.Address{Number: 9230, Street: "E. Joy Ridge Street", City: "Marquette", State: "MI", ZipCode: 49855, CountryISOCode: "USA"}},
	{"The Mushroom Dome Retreat & LAND of Paradise Suite", models.Address{Number: 9606, Street: "Harvard Street", City: "Aliquippa", State: "PA", ZipCode: 15001, CountryISOCode: "USA"}},
	{"Underground Hygge", models.Address{Number: 588, Street: "Argyle Avenue", City: "East Meadow", State: "NY", ZipCode: 11554, CountryISOCode: "USA"}},
}

var referenceMembers = []struct {
	Username, FirstName, LastName, Email, FavoriteCity string
	DateJoined                                         time.Time
}{
	{"4meRomance", "John", "Rodriguez", "coemperor@famemma.net", "Berlin", time.Date(2020, 6, 14, 9, 44, 5, 0, time.UTC)},
	{"AirWow", "Ada", "Paul", "flocation.vam4@glendenningflowerdesign.com", "Budapest", time.Date(2020, 6, 14, 9, 44, 45, 0, time.UTC)},
	{"DavWin", "Cassandra", "Grahm", "5houssam.kessaiso@facpidif.ml", "Barcelona", time.Date(2020, 6, 14, 9, 46, 28, 0, time.UTC)},
	{"HeadlinesGazer", "Jamie", "Lal", "jssssss33@acee9.live", "Buenos Aires", time.Date(2020, 6, 14, 9, 47, 21, 0, time.UTC)},
}

// referenceSet names this data in the reference_data table.
const referenceSet = "reference"

// loadedSet is a row of reference_data: a set of data that has been loaded.
type loadedSet struct {
	bun.BaseModel `bun:"table:reference_data"`

	Name     string    `bun:"name,pk"`
	LoadedAt time.Time `bun:"loaded_at,notnull"`
}

// SeedReport says what Seed did.
type SeedReport struct {
	AlreadyLoaded                        bool
	Addresses, Lettings, Users, Profiles int
}

func (r SeedReport) String() string {
	if r.AlreadyLoaded {
		return "Reference data already loaded; nothing changed."
	}
	if r.Addresses+r.Lettings+r.Users+r.Profiles == 0 {
		return "Reference data: every record is here already (imported, say); nothing added."
	}
	return fmt.Sprintf("Loaded reference data: %d addresses, %d lettings, %d users, %d profiles.",
		r.Addresses, r.Lettings, r.Users, r.Profiles)
}

// Seed loads the reference data once, in one transaction, through the
// models' validation. A database that already holds some of it (an import
// from the Django site, say) keeps its rows: records are matched by natural
// key and only the missing ones are added. Members get unusable passwords and
// no staff rights; the seed never creates an account anyone can sign in with.
func Seed(ctx context.Context, db *bun.DB) (SeedReport, error) {
	var report SeedReport
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockTx(ctx, tx); err != nil { // one seed at a time, across instances
			return err
		}
		loaded, err := tx.NewSelect().Model((*loadedSet)(nil)).Where("name = ?", referenceSet).Exists(ctx)
		if err != nil {
			return err
		}
		if loaded {
			report.AlreadyLoaded = true
			return nil
		}
		if err := seedLettings(ctx, tx, &report); err != nil {
			return err
		}
		if err := seedMembers(ctx, tx, &report); err != nil {
			return err
		}
		_, err = tx.NewInsert().Model(&loadedSet{Name: referenceSet, LoadedAt: time.Now().UTC()}).Exec(ctx)
		return err
	})
	if err != nil {
		return SeedReport{}, fmt.Errorf("load reference data: %w", err)
	}
	return report, nil
}

func seedLettings(ctx context.Context, tx bun.Tx, report *SeedReport) error {
	for _, ref := range referenceLettings {
		addr, err := models.FindAddress(ctx, tx, &ref.Address)
		if errors.Is(err, models.ErrNotFound) {
			addr = &models.Address{}
			*addr = ref.Address
			err = models.CreateAddress(ctx, tx, addr)
			report.Addresses++
		}
		if err != nil {
			return fmt.Errorf("address %s: %w", ref.Address.String(), err)
		}
		taken, err := tx.NewSelect().Model((*models.Letting)(nil)).Where("address_id = ?", addr.ID).Exists(ctx)
		if err != nil {
			return err
		}
		if taken {
			continue
		}
		if err := models.CreateLetting(ctx, tx, &models.Letting{Title: ref.Title, AddressID: addr.ID}); err != nil {
			return fmt.Errorf("letting %q: %w", ref.Title, err)
		}
		report.Lettings++
	}
	return nil
}

func seedMembers(ctx context.Context, tx bun.Tx, report *SeedReport) error {
	for _, ref := range referenceMembers {
		user, err := models.FindUserByUsernameKey(ctx, tx, ref.Username)
		if errors.Is(err, models.ErrNotFound) {
			user = &models.User{
				Username:   ref.Username,
				FirstName:  ref.FirstName,
				LastName:   ref.LastName,
				Email:      ref.Email,
				Password:   auth.UnusablePassword(),
				IsActive:   true,
				DateJoined: ref.DateJoined,
			}
			err = models.CreateUser(ctx, tx, user)
			report.Users++
		}
		if err != nil {
			return fmt.Errorf("user %s: %w", ref.Username, err)
		}
		has, err := tx.NewSelect().Model((*models.Profile)(nil)).Where("user_id = ?", user.ID).Exists(ctx)
		if err != nil {
			return err
		}
		if has {
			continue
		}
		if err := models.CreateProfile(ctx, tx, &models.Profile{UserID: user.ID, FavoriteCity: ref.FavoriteCity}); err != nil {
			return fmt.Errorf("profile of %s: %w", ref.Username, err)
		}
		report.Profiles++
	}
	return nil
}

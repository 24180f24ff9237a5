package admin

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"oclettings/app/models"
)

// registry declares the admin's apps and models: one declaration a model.
func registry() *Registry {
	return &Registry{
		apps:   adminApps(),
		models: []registered{addressAdmin(), lettingAdmin(), profileAdmin(), userAdmin(), groupAdmin()},
	}
}

// adminApps are the applications, with Django's names for them.
func adminApps() []App {
	return []App{
		{Label: "auth", Name: "Authentication and Authorization"},
		{Label: "lettings", Name: "Lettings"},
		{Label: "profiles", Name: "Profiles"},
	}
}

func addressAdmin() *ModelAdmin[models.Address] {
	type A = models.Address
	return &ModelAdmin[A]{
		modelInfo: modelInfo{App: "lettings", Model: "address", Verbose: "address", VerbosePlural: "addresses"},
		Alias:     "address",
		Columns: []Column[A]{
			{Label: "Number", Sort: "address.number", Value: func(a *A) string { return strconv.Itoa(a.Number) }},
			{Label: "Street", Sort: "address.street", Value: func(a *A) string { return a.Street }},
			{Label: "City", Sort: "address.city", Value: func(a *A) string { return a.City }},
			{Label: "State", Sort: "address.state", Value: func(a *A) string { return a.State }},
			{Label: "Zip code", Sort: "address.zip_code", Value: func(a *A) string { return strconv.Itoa(a.ZipCode) }},
			{Label: "Country iso code", Sort: "address.country_iso_code", Value: func(a *A) string { return a.CountryISOCode }},
		},
		Ordering: []string{"address.id"},
		Search:   []string{"address.street", "address.city", "address.state", "CAST(address.zip_code AS VARCHAR(5))"},
		Filters: []Filter{
			valuesFilter("state", "state__exact", "lettings_address", "state", "address.state"),
			valuesFilter("country iso code", "country_iso_code__exact", "lettings_address", "country_iso_code", "address.country_iso_code"),
		},
		Fields: []Field[A]{
			intField("number", "Number", func(a *A) *int { return &a.Number }),
			textField("street", "Street", 64, true, func(a *A) *string { return &a.Street }),
			textField("city", "City", 64, true, func(a *A) *string { return &a.City }),
			textField("state", "State", 2, true, func(a *A) *string { return &a.State }),
			intField("zip_code", "Zip code", func(a *A) *int { return &a.ZipCode }),
			textField("country_iso_code", "Country iso code", 3, true, func(a *A) *string { return &a.CountryISOCode }),
		},
		New:    func() *A { return &A{} },
		Get:    models.GetAddress,
		Create: models.CreateAddress,
		Update: models.UpdateAddress,
		Delete: models.DeleteAddress,
		ID:     func(a *A) int64 { return a.ID },
		String: func(a *A) string { return a.String() },
		Cascade: []Cascade[A]{{App: "lettings", Model: "letting", Find: func(ctx context.Context, db bun.IDB, a *A) ([]related, error) {
			l, err := models.FindLettingAt(ctx, db, a.ID)
			if isNotFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return []related{{ID: l.ID, Repr: l.String()}}, nil
		}}},
	}
}

func lettingAdmin() *ModelAdmin[models.Letting] {
	type L = models.Letting
	return &ModelAdmin[L]{
		modelInfo: modelInfo{App: "lettings", Model: "letting", Verbose: "letting", VerbosePlural: "lettings"},
		Alias:     "letting",
		Relations: []string{"Address"},
		Columns: []Column[L]{
			{Label: "Title", Sort: "letting.title", Value: func(l *L) string { return l.Title }},
			{Label: "Address", Sort: "letting.address_id", Value: func(l *L) string { return l.Address.String() }},
			{Label: "City", Sort: "address.city", Value: func(l *L) string { return l.Address.City }},
		},
		Ordering: []string{"letting.title"},
		Search:   []string{"letting.title", "address.street", "address.city"},
		Filters:  []Filter{valuesFilter("state", "address__state__exact", "lettings_address", "state", "address.state")},
		Fields: []Field[L]{
			textField("title", "Title", 256, true, func(l *L) *string { return &l.Title }),
			fkField("address", "Address", "lettings.address", func(l *L) *int64 { return &l.AddressID }, addressChoices),
		},
		New:        func() *L { return &L{} },
		Get:        models.GetLetting,
		Create:     models.CreateLetting,
		Update:     models.UpdateLetting,
		Delete:     models.DeleteLetting,
		ID:         func(l *L) int64 { return l.ID },
		String:     func(l *L) string { return l.String() },
		ViewOnSite: func(l *L) string { return "/lettings/" + strconv.FormatInt(l.ID, 10) + "/" },
	}
}

func profileAdmin() *ModelAdmin[models.Profile] {
	type P = models.Profile
	return &ModelAdmin[P]{
		modelInfo: modelInfo{App: "profiles", Model: "profile", Verbose: "profile", VerbosePlural: "profiles"},
		Alias:     "profile",
		Relations: []string{"User"},
		Columns: []Column[P]{
			{Label: "User", Sort: `"user".username`, Value: func(p *P) string { return p.User.Username }},
			{Label: "Favorite city", Sort: "profile.favorite_city", Value: func(p *P) string { return p.FavoriteCity }},
		},
		Ordering: []string{`"user".username`},
		Search:   []string{`"user".username`, `"user".first_name`, `"user".last_name`, "profile.favorite_city"},
		Filters:  []Filter{valuesFilter("favorite city", "favorite_city__exact", "profiles_profile", "favorite_city", "profile.favorite_city")},
		Fields: []Field[P]{
			fkField("user", "User", "auth.user", func(p *P) *int64 { return &p.UserID }, userChoices),
			textField("favorite_city", "Favorite city", 64, false, func(p *P) *string { return &p.FavoriteCity }),
		},
		New:        func() *P { return &P{} },
		Get:        models.GetProfile,
		Create:     models.CreateProfile,
		Update:     models.UpdateProfile,
		Delete:     models.DeleteProfile,
		ID:         func(p *P) int64 { return p.ID },
		String:     func(p *P) string { return p.String() },
		ViewOnSite: func(p *P) string { return "/profiles/" + p.User.Username + "/" },
	}
}

func addressChoices(ctx context.Context, db bun.IDB) ([]choice, error) {
	addresses, err := models.ListAddresses(ctx, db)
	choices := make([]choice, len(addresses))
	for i, a := range addresses {
		choices[i] = choice{Value: strconv.FormatInt(a.ID, 10), Label: a.String()}
	}
	return choices, err
}

func userChoices(ctx context.Context, db bun.IDB) ([]choice, error) {
	users, err := models.ListUsers(ctx, db)
	choices := make([]choice, len(users))
	for i, u := range users {
		choices[i] = choice{Value: strconv.FormatInt(u.ID, 10), Label: u.Username}
	}
	return choices, err
}

package admin

import (
	"strconv"

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
		List:      []string{"number", "street", "city", "state", "zip_code", "country_iso_code"},
		Ordering:  []string{"id"},
		Search:    []string{"street", "city", "state", "zip_code"},
		Filters:   []string{"state", "country_iso_code"},
		Fields: []Field[A]{
			intField("number", func(a *A) *int { return &a.Number }),
			textField("street", func(a *A) *string { return &a.Street }),
			textField("city", func(a *A) *string { return &a.City }),
			textField("state", func(a *A) *string { return &a.State }),
			intField("zip_code", func(a *A) *int { return &a.ZipCode }),
			textField("country_iso_code", func(a *A) *string { return &a.CountryISOCode }),
		},
		Get:    models.GetAddress,
		Create: models.CreateAddress,
		Update: models.UpdateAddress,
		Delete: models.DeleteAddress,
	}
}

func lettingAdmin() *ModelAdmin[models.Letting] {
	type L = models.Letting
	return &ModelAdmin[L]{
		modelInfo: modelInfo{App: "lettings", Model: "letting", Verbose: "letting", VerbosePlural: "lettings"},
		List:      []string{"title", "address", "address__city"},
		Ordering:  []string{"title"},
		Search:    []string{"title", "address__street", "address__city"},
		Filters:   []string{"address__state"},
		Fields: []Field[L]{
			textField("title", func(l *L) *string { return &l.Title }),
			fkField("address", "lettings.address", func(l *L) *int64 { return &l.AddressID }),
		},
		Get:        models.GetLetting,
		Create:     models.CreateLetting,
		Update:     models.UpdateLetting,
		Delete:     models.DeleteLetting,
		ViewOnSite: func(l *L) string { return "/lettings/" + strconv.FormatInt(l.ID, 10) + "/" },
	}
}

func profileAdmin() *ModelAdmin[models.Profile] {
	type P = models.Profile
	return &ModelAdmin[P]{
		modelInfo: modelInfo{App: "profiles", Model: "profile", Verbose: "profile", VerbosePlural: "profiles"},
		List:      []string{"user", "favorite_city"},
		Ordering:  []string{"user__username"},
		Search:    []string{"user__username", "user__first_name", "user__last_name", "favorite_city"},
		Filters:   []string{"favorite_city"},
		Fields: []Field[P]{
			fkField("user", "auth.user", func(p *P) *int64 { return &p.UserID }),
			textField("favorite_city", func(p *P) *string { return &p.FavoriteCity }),
		},
		Get:        models.GetProfile,
		Create:     models.CreateProfile,
		Update:     models.UpdateProfile,
		Delete:     models.DeleteProfile,
		ViewOnSite: func(p *P) string { return "/profiles/" + p.User.Username + "/" },
	}
}

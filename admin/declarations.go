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
		modelInfo: modelInfo{App: "lettings", Model: "address", VerbosePlural: "addresses"},
		List:      []string{"number", "street", "city", "state", "zip_code", "country_iso_code"},
		Ordering:  []string{"id"},
		Search:    []string{"street", "city", "state", "zip_code"},
		Filters:   []string{"state", "country_iso_code"},
		Fields:    fields[A]("number", "street", "city", "state", "zip_code", "country_iso_code"),
	}
}

func lettingAdmin() *ModelAdmin[models.Letting] {
	type L = models.Letting
	return &ModelAdmin[L]{
		modelInfo: modelInfo{App: "lettings", Model: "letting"},
		List:      []string{"title", "address", "address__city"},
		Ordering:  []string{"title"},
		Search:    []string{"title", "address__street", "address__city"},
		Filters:   []string{"address__state"},
		Fields:    fields[L]("title", "address"),
		// A letting's own: two lettings cannot share an address.
		Create:     models.CreateLetting,
		Update:     models.UpdateLetting,
		ViewOnSite: func(l *L) string { return "/lettings/" + strconv.FormatInt(l.ID, 10) + "/" },
	}
}

func profileAdmin() *ModelAdmin[models.Profile] {
	type P = models.Profile
	return &ModelAdmin[P]{
		modelInfo: modelInfo{App: "profiles", Model: "profile"},
		List:      []string{"user", "favorite_city"},
		Ordering:  []string{"user__username"},
		Search:    []string{"user__username", "user__first_name", "user__last_name", "favorite_city"},
		Filters:   []string{"favorite_city"},
		Fields:    fields[P]("user", "favorite_city"),
		// A profile's own: one profile a user.
		Create:     models.CreateProfile,
		Update:     models.UpdateProfile,
		ViewOnSite: func(p *P) string { return "/profiles/" + p.User.Username + "/" },
	}
}

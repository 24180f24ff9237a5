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
		// The original project declared verbose_name_plural = "Addresses",
		// and Django shows it as declared (counts, actions, messages).
		modelInfo: modelInfo{App: "lettings", Model: "address", VerbosePlural: "Addresses"},
		List:      []string{"number", "street", "city", "state", "zip_code", "country_iso_code"},
		Ordering:  []string{"id"},
		Search:    []string{"street", "city", "state", "zip_code"},
		Filters:   []string{"state", "country_iso_code"},
		Fields:    fields[A]("number", "street", "city", "state", "zip_code", "country_iso_code"),
		// The address's letting, edited on the address's page.
		Inlines: []Inline{tabular[models.Letting]("address", "title")},
		// Addresses differ by a field or two: a copy is quicker to make.
		SaveAs: true,
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
		// Searched by street or city, not chosen among every address.
		Autocomplete: []string{"address"},
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
		// Searched by username or name, not chosen among every user.
		Autocomplete: []string{"user"},
		// Favourite cities are edited in place on the list, many at once.
		// (Django refuses list_editable on the first, linked, column, so
		// not the letting's title, which its list links by.)
		ListEditable: []string{"favorite_city"},
		// A profile's own: one profile a user.
		Create:     models.CreateProfile,
		Update:     models.UpdateProfile,
		ViewOnSite: func(p *P) string { return "/profiles/" + p.User.Username + "/" },
	}
}

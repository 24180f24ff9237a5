package admin

import "oclettings/app/models"

// NewWithPlainSelects builds the admin as New does, with a letting's
// address and a profile's user chosen in plain selects instead of
// Autocomplete, for the HTTP tests of package admin_test: a form with a
// select lists the related table, its save must not.
func NewWithPlainSelects(cfg Config) (*Site, error) {
	reg := changed(func(l *ModelAdmin[models.Letting]) { l.Autocomplete = nil })
	for _, m := range reg.models {
		if p, ok := m.(*ModelAdmin[models.Profile]); ok {
			p.Autocomplete = nil
		}
	}
	return newSite(cfg, reg)
}

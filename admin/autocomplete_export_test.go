package admin

import "oclettings/app/models"

// groupsAutocompleted is the declared registry with the user's groups
// entered by Autocomplete instead of the two-box picker: none of our
// declarations names a many-to-many field in Autocomplete, so the tests
// make one that does.
func groupsAutocompleted() *Registry {
	return changed(func(u *ModelAdmin[models.User]) {
		u.FilterHorizontal = []string{"user_permissions"}
		u.Autocomplete = []string{"groups"}
	})
}

// NewWithGroupsAutocomplete builds the admin as New does, on the registry
// of groupsAutocompleted, for the HTTP tests of package admin_test.
func NewWithGroupsAutocomplete(cfg Config) (*Site, error) { return newSite(cfg, groupsAutocompleted()) }

package admin

import "oclettings/app/models"

// NewWithEmailsEditableInList builds the admin as New does, with the
// users' emails edited in place on their list: the one model with
// EditableBy (a superuser's account is a superuser's to change) has no
// list_editable column of its own, so the tests give it one.
func NewWithEmailsEditableInList(cfg Config) (*Site, error) {
	return newSite(cfg, changed(func(u *ModelAdmin[models.User]) { u.ListEditable = []string{"email"} }))
}

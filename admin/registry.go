package admin

import (
	"sort"
	"strings"

	"oclettings/app/accounts"
)

// App is an application of the admin, a group of models on the index.
type App struct {
	Label string // "lettings"
	Name  string // "Lettings"
}

// ModelAdmin declares how the admin presents one model.
type ModelAdmin struct {
	App           string // app label
	Model         string // model name, lower case: "letting"
	Verbose       string // "letting"
	VerbosePlural string // "lettings"
}

// Registry is every app and model the admin knows, in one declaration each.
type Registry struct {
	apps   []App
	models []*ModelAdmin
}

// registry declares the admin's apps and models.
func registry() *Registry {
	return &Registry{
		apps: []App{
			{Label: "auth", Name: "Authentication and Authorization"},
			{Label: "lettings", Name: "Lettings"},
			{Label: "profiles", Name: "Profiles"},
		},
		models: []*ModelAdmin{
			{App: "lettings", Model: "address", Verbose: "address", VerbosePlural: "addresses"},
			{App: "lettings", Model: "letting", Verbose: "letting", VerbosePlural: "lettings"},
			{App: "profiles", Model: "profile", Verbose: "profile", VerbosePlural: "profiles"},
			{App: "auth", Model: "user", Verbose: "user", VerbosePlural: "users"},
			{App: "auth", Model: "group", Verbose: "group", VerbosePlural: "groups"},
		},
	}
}

// appEntry is an app on the index, with the models a user may see.
type appEntry struct {
	App
	Models []modelEntry
}

// modelEntry is a model on the index with the links the user may follow.
type modelEntry struct {
	*ModelAdmin
	AddURL    string // empty without the add permission
	ChangeURL string // empty without the view or change permission
	ViewOnly  bool   // "View" rather than "Change"
}

// Name is the model's plural with a capital, as a row heading.
func (m *ModelAdmin) Name() string { return capfirst(m.VerbosePlural) }

// URL is the model's changelist.
func (m *ModelAdmin) URL() string { return "/admin/" + m.App + "/" + m.Model + "/" }

// visible lists the apps and models a user may see, as Django's index does:
// a model shows when the user holds any of its four permissions; apps are in
// the order of their names, models in the order of their plural names.
func (reg *Registry) visible(perms accounts.Permissions, only string) []appEntry {
	var out []appEntry
	for _, a := range reg.apps {
		if only != "" && a.Label != only {
			continue
		}
		entry := appEntry{App: a}
		for _, m := range reg.models {
			if m.App != a.Label || !perms.HasAny(m.App, m.Model, "view", "add", "change", "delete") {
				continue
			}
			me := modelEntry{ModelAdmin: m}
			if perms.Has(m.App, "add", m.Model) {
				me.AddURL = m.URL() + "add/"
			}
			if perms.HasAny(m.App, m.Model, "view", "change") {
				me.ChangeURL = m.URL()
				me.ViewOnly = !perms.Has(m.App, "change", m.Model)
			}
			entry.Models = append(entry.Models, me)
		}
		if len(entry.Models) == 0 {
			continue
		}
		sort.Slice(entry.Models, func(i, j int) bool { return entry.Models[i].VerbosePlural < entry.Models[j].VerbosePlural })
		out = append(out, entry)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// model returns the declaration of a model.
func (reg *Registry) model(app, model string) (*ModelAdmin, bool) {
	for _, m := range reg.models {
		if m.App == app && m.Model == model {
			return m, true
		}
	}
	return nil, false
}

func capfirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

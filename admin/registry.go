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

// Registry is every app and model the admin knows, one declaration each.
type Registry struct {
	apps   []App
	models []registered
}

// appOf returns the app with a label.
func (reg *Registry) appOf(label string) (App, bool) {
	for _, a := range reg.apps {
		if a.Label == label {
			return a, true
		}
	}
	return App{}, false
}

// modelByKey returns a model by "app.model".
func (reg *Registry) modelByKey(key string) (*modelInfo, bool) {
	app, model, _ := strings.Cut(key, ".")
	return reg.model(app, model)
}

// model returns the declaration of a model.
func (reg *Registry) model(app, model string) (*modelInfo, bool) {
	for _, m := range reg.models {
		if i := m.info(); i.App == app && i.Model == model {
			return i, true
		}
	}
	return nil, false
}

// registeredModel returns a model's full registration.
func (reg *Registry) registeredModel(key string) (registered, bool) {
	app, model, _ := strings.Cut(key, ".")
	for _, m := range reg.models {
		if i := m.info(); i.App == app && i.Model == model {
			return m, true
		}
	}
	return nil, false
}

// appEntry is an app on the index, with the models a user may see.
type appEntry struct {
	App
	Models []modelEntry
}

// modelEntry is a model on the index with the links the user may follow.
type modelEntry struct {
	*modelInfo
	AddURL    string // empty without the add permission
	ChangeURL string // empty without the view or change permission
	ViewOnly  bool   // "View" rather than "Change"
}

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
		for _, rm := range reg.models {
			m := rm.info()
			if m.App != a.Label || !perms.HasAny(m.App, m.Model, "view", "add", "change", "delete") {
				continue
			}
			me := modelEntry{modelInfo: m}
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

func capfirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

package admin

import (
	"net/http"
	"strconv"

	"oclettings/app/models"
	"oclettings/app/web"
)

// recentAction is an entry of "My actions" on the index.
type recentAction struct {
	models.LogEntry
	URL   string // the object's change page; empty for deletions and unknown models
	Model string // "Letting"
}

func (s *Site) index(w http.ResponseWriter, r *http.Request) error {
	entries, err := models.RecentActions(r.Context(), s.db.Read, currentUser(r).ID, 10)
	if err != nil {
		return err
	}
	actions := make([]recentAction, len(entries))
	for i, e := range entries {
		actions[i] = recentAction{LogEntry: e, Model: capfirst(e.Model)}
		if m, ok := s.registry.model(e.AppLabel + "." + e.Model); ok {
			actions[i].Model = capfirst(m.Verbose)
			if e.ActionFlag != models.ActionDeletion {
				actions[i].URL = m.URL() + e.ObjectID + "/change/"
			}
		}
	}
	return s.render(w, r, http.StatusOK, "index", page{
		Title:     "Site administration",
		Heading:   "Site administration",
		BodyClass: "dashboard",
		Content: struct {
			Apps    []appEntry
			Actions []recentAction
		}{s.registry.visible(permissions(r), ""), actions},
	})
}

// appIndex lists an app's models; an app whose models the user may not see
// does not exist for them.
func (s *Site) appIndex(app App) web.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		apps := s.registry.visible(permissions(r), app.Label)
		if len(apps) == 0 {
			return web.Status(http.StatusNotFound)
		}
		title := app.Name + " administration"
		return s.render(w, r, http.StatusOK, "app_index", page{
			Title:       title,
			Heading:     title,
			BodyClass:   "dashboard app-" + app.Label,
			Breadcrumbs: []crumb{{Label: "Home", URL: "/admin/"}, {Label: app.Name}},
			Content:     struct{ Apps []appEntry }{apps},
		})
	}
}

// actionWord is the hidden word screen readers say before a recent action.
func actionWord(flag int) string {
	switch flag {
	case models.ActionAddition:
		return "Added"
	case models.ActionChange:
		return "Changed"
	case models.ActionDeletion:
		return "Deleted"
	}
	return "Action " + strconv.Itoa(flag)
}

package admin

import (
	"net/http"
	"strconv"

	"oclettings/app/models"
	"oclettings/app/paging"
	"oclettings/app/web"
)

// historyPerPage is how many entries a history page shows.
const historyPerPage = 100

type historyPage struct {
	Info    *modelInfo
	Repr    string
	Entries []models.LogEntry
	Page    paging.Page
	Pages   []pageLink
}

// history lists an object's log entries, oldest first, with the old and new
// value of every field each change touched.
func (m *ModelAdmin[T]) history(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, "view", "change") {
		return web.Status(http.StatusForbidden)
	}
	obj, err := m.object(s, w, r)
	if obj == nil {
		return err
	}
	id := strconv.FormatInt(m.ID(obj), 10)
	entries, err := models.ObjectHistory(r.Context(), s.db.Read, m.App, m.Model, id)
	if err != nil {
		return err
	}
	p, ok := paging.Resolve(r.URL.Query().Get("p"), len(entries), historyPerPage)
	if !ok {
		http.Redirect(w, r, r.URL.Path, http.StatusFound)
		return nil
	}
	hp := historyPage{Info: &m.modelInfo, Repr: m.String(obj), Page: p,
		Entries: entries[p.Offset():min(p.Offset()+p.Size, len(entries))]}
	if p.Count() > 1 {
		hp.Pages = pageLinks(r.URL.Query(), p.Number, p.Count())
	}
	title := "Change history: " + hp.Repr
	app, _ := s.registry.appOf(m.App)
	return s.render(w, r, http.StatusOK, "object_history", page{
		Title:     title,
		Heading:   title,
		BodyClass: "app-" + m.App + " model-" + m.Model + " change-list",
		Breadcrumbs: []crumb{{Label: "Home", URL: "/admin/"}, {Label: app.Name, URL: "/admin/" + m.App + "/"},
			{Label: m.Name(), URL: m.URL()}, {Label: hp.Repr, URL: m.ObjectURL(m.ID(obj))}, {Label: "History"}},
		Content: hp,
	})
}

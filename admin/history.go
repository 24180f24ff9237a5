package admin

import (
	"net/http"

	"oclettings/app/accounts"
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
	if !m.can(r, accounts.View, accounts.Change) {
		return web.Status(http.StatusForbidden)
	}
	obj, err := m.object(s, r)
	if err != nil {
		return err
	}
	id := idString(pk(obj))
	entries, err := models.ObjectHistory(r.Context(), s.db.Read, m.App, m.Model, id)
	if err != nil {
		return err
	}
	p, ok := paging.Resolve(r.URL.Query().Get("p"), len(entries), historyPerPage)
	if !ok {
		return web.Redirect(r.URL.Path)
	}
	hp := historyPage{Info: &m.modelInfo, Repr: repr(obj), Page: p,
		Entries: entries[p.Offset():min(p.Offset()+p.Size, len(entries))]}
	if p.Count() > 1 {
		hp.Pages = pageLinks(r.URL.Query(), p.Number, p.Count())
	}
	title := "Change history: " + hp.Repr
	return s.render(w, r, http.StatusOK, "object_history", page{
		Title:       title,
		Heading:     title,
		BodyClass:   "app-" + m.App + " model-" + m.Model + " change-list",
		Breadcrumbs: append(s.crumbs(&m.modelInfo, true), crumb{Label: hp.Repr, URL: m.ObjectURL(pk(obj))}, crumb{Label: "History"}),
		Content:     hp,
	})
}

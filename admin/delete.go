package admin

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strconv"

	"github.com/uptrace/bun"

	"oclettings/app/models"
	"oclettings/app/web"
)

// deletePage is what the deletion's confirmation shows.
type deletePage struct {
	Info      *modelInfo
	Bulk      bool
	Repr      string
	Objects   []deleteItem
	Summary   []summaryLine
	Denied    []string // the models the user may not delete, by name
	IDs       []int64  // the selected objects of a bulk deletion
	CancelURL string
}

type deleteItem struct {
	Model    string // "Address"
	Repr     string
	URL      string
	Children []deleteItem
}

type summaryLine struct {
	Name  string // "Addresses"
	Count int
}

// cascadeOf lists each object with what the database would delete with it,
// the summary per model, and the models the user may not delete.
func (m *ModelAdmin[T]) cascadeOf(ctx context.Context, s *Site, r *http.Request, objs []T) ([]deleteItem, []summaryLine, []string, error) {
	counts := map[string]int{m.Name(): len(objs)}
	var denied []string
	if !m.can(r, "delete") {
		denied = append(denied, m.Verbose)
	}
	var items []deleteItem
	for i := range objs {
		obj := &objs[i]
		item := deleteItem{Model: capfirst(m.Verbose), Repr: m.String(obj), URL: m.ObjectURL(m.ID(obj))}
		for _, c := range m.Cascade {
			info, ok := s.registry.model(c.App, c.Model)
			if !ok {
				continue
			}
			found, err := c.Find(ctx, s.db.Read, obj)
			if err != nil {
				return nil, nil, nil, err
			}
			if len(found) > 0 && !permissions(r).Has(c.App, "delete", c.Model) && !slices.Contains(denied, info.Verbose) {
				denied = append(denied, info.Verbose)
			}
			for _, f := range found {
				item.Children = append(item.Children, deleteItem{Model: capfirst(info.Verbose), Repr: f.Repr, URL: info.ObjectURL(f.ID)})
				counts[info.Name()]++
			}
		}
		items = append(items, item)
	}
	summary := make([]summaryLine, 0, len(counts))
	for name, n := range counts {
		summary = append(summary, summaryLine{Name: name, Count: n})
	}
	sort.Slice(summary, func(i, j int) bool { return summary[i].Name < summary[j].Name })
	return items, summary, denied, nil
}

// deleteView asks "Are you sure?" and, on "Yes, I’m sure", deletes.
func (m *ModelAdmin[T]) deleteView(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, "delete") {
		return web.Status(http.StatusForbidden)
	}
	obj, err := m.object(s, w, r)
	if obj == nil {
		return err
	}
	if !m.mayTouch(r, obj) {
		return web.Status(http.StatusForbidden)
	}
	objs := []T{*obj}
	items, summary, denied, err := m.cascadeOf(r.Context(), s, r, objs)
	if err != nil {
		return err
	}
	if r.Method == http.MethodPost {
		if _, err := web.Form(r); err != nil {
			return err
		}
		if len(denied) > 0 {
			return web.Status(http.StatusForbidden)
		}
		if r.PostForm.Get("post") == "yes" {
			if err := m.deleteAll(r.Context(), s, r, objs); err != nil {
				return err
			}
			s.addMessage(r, "success", "The "+escape(m.Verbose)+" “"+escape(m.String(obj))+"” was deleted successfully.")
			target := "/admin/"
			if m.can(r, "view", "change") {
				target = m.URL()
			}
			http.Redirect(w, r, target, http.StatusFound)
			return nil
		}
	}
	return m.renderDelete(s, w, r, deletePage{Info: &m.modelInfo, Repr: m.String(obj), Objects: items, Summary: summary,
		Denied: denied, CancelURL: m.ObjectURL(m.ID(obj))})
}

func (m *ModelAdmin[T]) renderDelete(s *Site, w http.ResponseWriter, r *http.Request, dp deletePage) error {
	title := "Are you sure?"
	if len(dp.Denied) > 0 {
		name := m.Verbose
		if dp.Bulk {
			name = m.VerbosePlural
		}
		title = "Cannot delete " + name
	}
	app, _ := s.registry.appOf(m.App)
	crumbs := []crumb{{Label: "Home", URL: "/admin/"}, {Label: app.Name, URL: "/admin/" + m.App + "/"}, {Label: m.Name(), URL: m.URL()}}
	if dp.Bulk {
		crumbs = append(crumbs, crumb{Label: "Delete multiple objects"})
	} else {
		crumbs = append(crumbs, crumb{Label: dp.Repr, URL: dp.CancelURL}, crumb{Label: "Delete"})
	}
	return s.render(w, r, http.StatusOK, "delete_confirmation", page{
		Title:       title,
		Heading:     title,
		BodyClass:   "delete-confirmation app-" + m.App + " model-" + m.Model,
		Breadcrumbs: crumbs,
		Content:     dp,
	})
}

// deleteAll deletes objects and logs each deletion, in one transaction.
func (m *ModelAdmin[T]) deleteAll(ctx context.Context, s *Site, r *http.Request, objs []T) error {
	return s.db.Write.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := range objs {
			obj := &objs[i]
			if err := m.Delete(ctx, tx, m.ID(obj)); err != nil {
				return err
			}
			err := models.AddLogEntry(ctx, tx, &models.LogEntry{UserID: currentUser(r).ID, AppLabel: m.App, Model: m.Model,
				ObjectID: strconv.FormatInt(m.ID(obj), 10), ObjectRepr: m.String(obj),
				ActionFlag: models.ActionDeletion, ChangeMessage: "Deleted."})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

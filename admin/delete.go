package admin

import (
	"context"
	"net/http"
	"slices"
	"sort"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/database"
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
	// Popup is a deletion in a popup window (_popup), which the form keeps
	// so that the deletion answers the window that opened it.
	Popup bool
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

// cascadeOf lists each object with what the database deletes with it
// (read from the schema's cascading foreign keys, to any depth), the
// summary per model, and the models the user may not delete.
func (m *ModelAdmin[T]) cascadeOf(ctx context.Context, s *Site, r *http.Request, objs []T) ([]deleteItem, []summaryLine, []string, error) {
	c := cascade{s: s, perms: permissions(r), keys: s.registry.cascades, counts: map[string]int{m.Name(): len(objs)}}
	if !c.perms.Has(m.perm(accounts.Delete)) {
		c.denied = append(c.denied, m.Verbose)
	}
	items := make([]deleteItem, len(objs))
	var err error
	for i := range objs {
		obj := &objs[i]
		items[i] = deleteItem{Model: capfirst(m.Verbose), Repr: repr(obj), URL: m.ObjectURL(pk(obj))}
		if items[i].Children, err = c.children(ctx, m.table.Name, pk(obj), 0); err != nil {
			return nil, nil, nil, err
		}
	}
	summary := make([]summaryLine, 0, len(c.counts))
	for name, n := range c.counts {
		summary = append(summary, summaryLine{Name: name, Count: n})
	}
	sort.Slice(summary, func(i, j int) bool { return summary[i].Name < summary[j].Name })
	return items, summary, c.denied, nil
}

// cascade walks what a deletion takes with it.
type cascade struct {
	s      *Site
	perms  accounts.Permissions
	keys   []database.ForeignKey
	counts map[string]int
	denied []string
}

// maxCascadeDepth stops a walk through a cycle of cascading keys.
const maxCascadeDepth = 16

// children lists the registered models' objects whose cascading foreign
// keys refer to the row id of table, and theirs in turn. The system checks
// make sure no cascading key leads to rows no registered model shows.
func (c *cascade) children(ctx context.Context, table string, id int64, depth int) ([]deleteItem, error) {
	if depth == maxCascadeDepth {
		return nil, nil
	}
	var items []deleteItem
	for _, k := range c.keys {
		if k.RefTable != table {
			continue
		}
		target, ok := c.s.registry.byTable(k.Table)
		if !ok {
			continue // a many-to-many field's link rows
		}
		info := target.info()
		found, err := target.referring(ctx, c.s.db.Read, k.Column, []int64{id})
		if err != nil {
			return nil, err
		}
		if len(found) > 0 && !c.perms.Has(info.perm(accounts.Delete)) && !slices.Contains(c.denied, info.Verbose) {
			c.denied = append(c.denied, info.Verbose)
		}
		for _, f := range found {
			item := deleteItem{Model: capfirst(info.Verbose), Repr: f.Repr, URL: info.ObjectURL(f.ID)}
			if item.Children, err = c.children(ctx, k.Table, f.ID, depth+1); err != nil {
				return nil, err
			}
			items = append(items, item)
			c.counts[info.Name()]++
		}
	}
	return items, nil
}

// deleteView asks "Are you sure?" and, on "Yes, I’m sure", deletes.
func (m *ModelAdmin[T]) deleteView(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, accounts.Delete) {
		return web.Status(http.StatusForbidden)
	}
	obj, err := m.object(s, r)
	if err != nil {
		return err
	}
	if !m.mayEdit(r, obj) {
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
			if isPopup(r) {
				// Django's response_delete: the opener's control loses the
				// object (related.js), and the popup closes.
				return s.renderPopupResponse(w, r, "delete", pk(obj), repr(obj))
			}
			s.addMessage(r, "success", "The "+escape(m.Verbose)+" “"+escape(repr(obj))+"” was deleted successfully.")
			if m.can(r, accounts.View, accounts.Change) {
				return web.Redirect(m.URL())
			}
			return web.Redirect("/admin/")
		}
	}
	dp := deletePage{Info: &m.modelInfo, Repr: repr(obj), Objects: items, Summary: summary,
		Denied: denied, CancelURL: m.ObjectURL(pk(obj)), Popup: isPopup(r)}
	if dp.Popup {
		dp.CancelURL += "?_popup=1"
	}
	return m.renderDelete(s, w, r, dp)
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
	crumbs := s.crumbs(&m.modelInfo, true)
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
			if err := m.Delete(ctx, tx, pk(obj)); err != nil {
				return err
			}
			if err := m.log(ctx, tx, r, obj, models.ActionDeletion, "Deleted.", nil); err != nil {
				return err
			}
		}
		return nil
	})
}

package admin

import (
	"context"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/database"
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
	// cascades are the schema's cascading foreign keys, read once by the
	// system checks: the schema does not change while the site runs.
	cascades []database.ForeignKey
	// loc is the site's time zone (TIME_ZONE), in which dates are shown
	// and read.
	loc *time.Location
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

// registeredModel returns a model's registration by "app.model".
func (reg *Registry) registeredModel(key string) (registered, bool) {
	for _, m := range reg.models {
		if m.info().Key() == key {
			return m, true
		}
	}
	return nil, false
}

// model returns what the admin knows of a model by "app.model".
func (reg *Registry) model(key string) (*modelInfo, bool) {
	m, ok := reg.registeredModel(key)
	if !ok {
		return nil, false
	}
	return m.info(), true
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
			view, add, change := perms.Has(m.perm(accounts.View)), perms.Has(m.perm(accounts.Add)), perms.Has(m.perm(accounts.Change))
			if m.App != a.Label || !(view || add || change || perms.Has(m.perm(accounts.Delete))) {
				continue
			}
			me := modelEntry{modelInfo: m}
			if add {
				me.AddURL = m.URL() + "add/"
			}
			if view || change {
				me.ChangeURL = m.URL()
				me.ViewOnly = !change
			}
			entry.Models = append(entry.Models, me)
		}
		if len(entry.Models) == 0 {
			continue
		}
		sort.Slice(entry.Models, func(i, j int) bool { return entry.Models[i].Name() < entry.Models[j].Name() })
		out = append(out, entry)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// choices are every object of the model, in its list's default order, as
// a select of a field relating to it offers them.
func (m *ModelAdmin[T]) choices(ctx context.Context, db bun.IDB) ([]choice, error) {
	var rows []T
	err := m.ordered(ctx, m.selectRows(db, &rows))
	out := make([]choice, len(rows))
	for i := range rows {
		out[i] = choice{Value: idString(pk(&rows[i])), Label: repr(&rows[i])}
	}
	return out, err
}

// referring lists the model's objects whose column holds one of ids: the
// rows a deletion of those ids takes with it.
func (m *ModelAdmin[T]) referring(ctx context.Context, db bun.IDB, column string, ids []int64) ([]related, error) {
	var rows []T
	err := m.ordered(ctx, m.selectRows(db, &rows).Where("?.? IN (?)", bun.Ident(m.table.Alias), bun.Ident(column), bun.List(ids)))
	out := make([]related, len(rows))
	for i := range rows {
		out[i] = related{ID: pk(&rows[i]), Repr: repr(&rows[i])}
	}
	return out, err
}

// ordered runs a selectRows query in the list's default order.
func (m *ModelAdmin[T]) ordered(ctx context.Context, q *bun.SelectQuery) error {
	for _, term := range m.orderBy(nil) {
		q = term.apply(q)
	}
	return q.Scan(ctx)
}

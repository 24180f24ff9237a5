package admin

import (
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"oclettings/app/accounts"
	"oclettings/app/web"
)

// The changelist's actions, as Django names them in the form.
const (
	actionDelete = "delete_selected"
	actionExport = "export_csv"
)

const (
	msgNoneSelected = "Items must be selected in order to perform actions on them. No items have been changed."
	msgNoAction     = "No action selected."
)

type actionChoice struct{ Name, Label string }

// actions lists the actions the user may run on the model.
func (m *ModelAdmin[T]) actions(r *http.Request) []actionChoice {
	var list []actionChoice
	if m.can(r, accounts.Delete) {
		list = append(list, actionChoice{Name: actionDelete, Label: "Delete selected " + m.VerbosePlural})
	}
	return append(list, actionChoice{Name: actionExport, Label: "Export selected as CSV"})
}

// action runs the action chosen on the changelist's selected rows.
func (m *ModelAdmin[T]) action(s *Site, w http.ResponseWriter, r *http.Request) error {
	if !m.can(r, accounts.View, accounts.Change) {
		return web.Status(http.StatusForbidden)
	}
	input, err := web.Form(r)
	if err != nil {
		return err
	}
	if _, save := input["_save"]; save && len(m.editable) > 0 {
		return m.saveList(s, w, r, input)
	}
	back := web.Redirect(r.URL.RequestURI())
	name := input.Get("action")
	if name == "" {
		s.addMessage(r, "warning", msgNoAction)
		return back
	}
	if !slices.ContainsFunc(m.actions(r), func(a actionChoice) bool { return a.Name == name }) {
		if name == actionDelete {
			return web.Status(http.StatusForbidden)
		}
		s.addMessage(r, "warning", msgNoAction)
		return back
	}
	var rows []T
	// Django's select_across: the action works on every row of the list
	// as its query string narrows it, across its pages. As in Django, it
	// takes a ticked row to run (the actions bar offers it once every row
	// of the page is ticked).
	if input.Get("select_across") == "1" && len(input["_selected_action"]) > 0 {
		lq, err := m.listQueryOf(r)
		if err != nil {
			return err
		}
		if rows, err = m.allRows(r.Context(), s.db.Read, lq); err != nil {
			return err
		}
	} else if rows, err = m.selectedRows(r.Context(), s.db.Read, input["_selected_action"]); err != nil {
		return err
	}
	if len(rows) == 0 {
		s.addMessage(r, "warning", msgNoneSelected)
		return back
	}
	if name == actionExport {
		return m.exportCSV(w, rows)
	}
	for i := range rows {
		if !m.mayEdit(r, &rows[i]) {
			return web.Status(http.StatusForbidden)
		}
	}
	return m.deleteSelected(s, w, r, rows)
}

// deleteSelected confirms, then deletes, the selected rows.
func (m *ModelAdmin[T]) deleteSelected(s *Site, w http.ResponseWriter, r *http.Request, rows []T) error {
	items, summary, denied, err := m.cascadeOf(r.Context(), s, r, rows)
	if err != nil {
		return err
	}
	if r.PostForm.Get("post") == "yes" {
		if len(denied) > 0 {
			return web.Status(http.StatusForbidden)
		}
		if err := m.deleteAll(r.Context(), s, r, rows); err != nil {
			return err
		}
		noun := m.Verbose
		if len(rows) != 1 {
			noun = m.VerbosePlural
		}
		s.addMessage(r, "success", "Successfully deleted "+strconv.Itoa(len(rows))+" "+escape(noun)+".")
		return web.Redirect(r.URL.RequestURI())
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = pk(&rows[i])
	}
	return m.renderDelete(s, w, r, deletePage{Info: &m.modelInfo, Bulk: true, Objects: items, Summary: summary,
		Denied: denied, IDs: ids, CancelURL: r.URL.RequestURI()})
}

// exportCSV sends the rows with the list's columns. A cell a spreadsheet
// would run as a formula gets a leading apostrophe, so an exported title
// like =HYPERLINK(…) stays text.
func (m *ModelAdmin[T]) exportCSV(w http.ResponseWriter, rows []T) error {
	var b strings.Builder
	cw := csv.NewWriter(&b)
	header := make([]string, len(m.columns))
	for i, c := range m.columns {
		header[i] = c.path.Label()
	}
	_ = cw.Write(header) // a strings.Builder does not fail
	for i := range rows {
		record := make([]string, len(m.columns))
		for j, c := range m.cells(&rows[i]) {
			if c.Bool != nil {
				record[j] = strconv.FormatBool(*c.Bool)
			} else {
				record[j] = neutralise(c.Text)
			}
		}
		_ = cw.Write(record)
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+m.VerbosePlural+`.csv"`)
	_, err := w.Write([]byte(b.String()))
	return err
}

// neutralise keeps a cell from being read as a formula (OWASP's advice:
// = + - @, and tab and carriage return, which some programs skip first).
func neutralise(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}

// selectedRows loads the rows an action was asked to work on.
func (m *ModelAdmin[T]) selectedRows(ctx context.Context, db bun.IDB, raw []string) ([]T, error) {
	ids := slices.DeleteFunc(parseIDs(raw), func(id int64) bool { return id < 1 })
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []T
	err := m.ordered(ctx, m.selectRows(db, &rows).Where("?.id IN (?)", bun.Ident(m.table.Alias), bun.List(ids)))
	return rows, err
}

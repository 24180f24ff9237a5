package admin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"oclettings/app/models"
)

// conflictView is the error box of a save that lost a race.
type conflictView struct {
	Message string
	Changes []string // "alice on Nov. 28, 2026, 10:15 a.m.: Changed Title.", oldest first
	More    bool     // more changes than are listed
}

// versionField is the hidden input in which a change form carries the
// version of the object it shows: the id of the object's newest log entry,
// a dot, and a SHA-256 over the stored values of every field the editor
// may change (see version). A digest of the values needs no version column,
// covers many-to-many fields, and does not call a change back and forth
// a conflict. It is no secret and needs no key: a client that forged one
// would only skip the check, as one that sends none does.
const versionField = "_version"

// conflictLimit is how many of the changes made since a form was opened its
// conflict message lists.
const conflictLimit = 10

// storedValues are obj's values in form encoding, many-to-many fields
// included: what a change form shows and what its version covers.
func (m *ModelAdmin[T]) storedValues(ctx context.Context, db bun.IDB, obj *T, fields []Field[T]) (map[string][]string, error) {
	out := make(map[string][]string, len(fields))
	for i := range fields {
		f := &fields[i]
		if f.Widget == Password {
			continue
		}
		values, err := f.values(ctx, db, obj)
		if err != nil {
			return nil, err
		}
		out[f.Name] = values
	}
	return out, nil
}

// version digests the stored values of the fields the editor may change
// (what a save would write over), with the model and id, so that a version
// from one object's form never matches another's.
func (m *ModelAdmin[T]) version(id int64, stored map[string][]string, up editor) string {
	h := sha256.New()
	word := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	word(m.App)
	word(m.Model)
	word(idString(id))
	for i := range m.Fields {
		f := &m.Fields[i]
		if !f.editable(up) || f.Widget == Password {
			continue
		}
		word(f.Name)
		values := slices.Clone(stored[f.Name])
		if f.Widget == MultiSelect || f.Widget == AutocompleteSelectMultiple {
			slices.Sort(values)
		}
		word(strconv.Itoa(len(values)))
		for _, v := range values {
			word(v)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// conflict explains a save refused because obj changed since the form was
// opened: the changes logged after the entry the form had seen, and the
// current value of each field where it differs from the submitted one.
func (m *ModelAdmin[T]) conflict(ctx context.Context, db bun.IDB, obj *T, fields []Field[T], up editor, input url.Values, stored map[string][]string, after int64) (*conflictView, map[string]string, error) {
	entries, err := models.LogEntriesAfter(ctx, db, m.App, m.Model, idString(pk(obj)), after, conflictLimit+1)
	if err != nil {
		return nil, nil, err
	}
	c := &conflictView{Message: "This " + m.Verbose + " was changed after you opened this form, so your changes have not been saved. " +
		"Where a field differs, its current value is shown under yours: press Save again to put yours in its place."}
	if len(entries) > conflictLimit {
		entries, c.More = entries[:conflictLimit], true
	}
	for _, e := range slices.Backward(entries) {
		who := "A deleted user"
		if e.User != nil {
			who = e.User.Username
		}
		c.Changes = append(c.Changes, who+" on "+formatTime(e.ActionTime, m.loc)+": "+e.ChangeMessage)
	}
	current := map[string]string{}
	for i := range fields {
		f := &fields[i]
		if !f.editable(up) || f.Widget == Password || sameValues(submitted(f, input), stored[f.Name]) {
			continue
		}
		text, err := m.valueText(ctx, db, f, obj, stored[f.Name])
		if err != nil {
			return nil, nil, err
		}
		if text == "" {
			text = "(empty)"
		}
		current[f.Name] = text
	}
	return c, current, nil
}

// sameValues compares submitted and stored values as a form means them:
// blank is no value, spaces around a value and the order of a
// multi-select's values do not count.
func sameValues(a, b []string) bool {
	norm := func(values []string) []string {
		var out []string
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

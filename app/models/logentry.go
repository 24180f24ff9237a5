package models

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// Action flags, numbered as Django numbers them so imported history keeps its meaning.
const (
	ActionAddition = 1
	ActionChange   = 2
	ActionDeletion = 3
)

// FieldChange is one field's value before and after a change, which Django's
// log does not keep and our history page shows.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// LogEntry records one addition, change or deletion made in the admin.
type LogEntry struct {
	bun.BaseModel `bun:"table:admin_logentry,alias:log"`

	ID            int64         `bun:"id,pk,autoincrement"`
	ActionTime    time.Time     `bun:"action_time,notnull"`
	UserID        int64         `bun:"user_id,nullzero"` // 0 once the user is deleted
	User          *User         `bun:"rel:belongs-to,join:user_id=id"`
	AppLabel      string        `bun:"app_label,notnull"`
	Model         string        `bun:"model,notnull"`
	ObjectID      string        `bun:"object_id,notnull"`
	ObjectRepr    string        `bun:"object_repr,notnull"`
	ActionFlag    int           `bun:"action_flag,notnull"`
	ChangeMessage string        `bun:"change_message,notnull"`
	Changes       []FieldChange `bun:"changes,type:text,notnull"`
}

// ChangeMessage words a change as Django's admin does: "Changed Title and
// Address.", or "No fields changed.".
func ChangeMessage(changes []FieldChange) string {
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Field
	}
	return ChangedFields(names)
}

// ChangedFields words a change of the named fields.
func ChangedFields(names []string) string {
	if len(names) == 0 {
		return "No fields changed."
	}
	return "Changed " + TextList(names) + "."
}

// TextList joins as Django's get_text_list: "a, b and c".
func TextList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// objectReprLimit is Django's object_repr length; longer strings are cut, not refused.
const objectReprLimit = 200

// Clean fits an entry to its columns: Django's action flags only, the
// object's text cut (not refused) at Django's length, no nil list.
func (e *LogEntry) Clean() error {
	errs := FieldErrors{}
	if e.ActionFlag < ActionAddition || e.ActionFlag > ActionDeletion {
		errs.Add("action_flag", "Select a valid choice. "+strconv.Itoa(e.ActionFlag)+" is not one of the available choices.")
	}
	if e.ActionTime.IsZero() {
		errs.Add("action_time", msgRequired)
	}
	if utf8.RuneCountInString(e.ObjectRepr) > objectReprLimit {
		e.ObjectRepr = string([]rune(e.ObjectRepr)[:objectReprLimit])
	}
	if e.Changes == nil {
		e.Changes = []FieldChange{}
	}
	return errs.Err()
}

// AddLogEntry records an entry, stamping the time when the caller did not.
func AddLogEntry(ctx context.Context, db bun.IDB, e *LogEntry) error {
	if e.ActionTime.IsZero() {
		e.ActionTime = time.Now().UTC()
	}
	if err := e.Clean(); err != nil {
		return err
	}
	_, err := db.NewInsert().Model(e).Exec(ctx)
	return translate(err)
}

// ObjectHistory returns an object's entries, oldest first, with their users.
func ObjectHistory(ctx context.Context, db bun.IDB, appLabel, model, objectID string) ([]LogEntry, error) {
	var entries []LogEntry
	err := db.NewSelect().Model(&entries).Relation("User").
		Where("log.app_label = ?", appLabel).Where("log.model = ?", model).
		Where("log.object_id = ?", objectID).
		OrderExpr("log.action_time, log.id").
		Scan(ctx)
	return entries, translate(err)
}

// LatestLogEntryID is the id of an object's newest entry, 0 when it has none.
// A change form carries it, so that a conflict can name the changes made
// after the values the form showed.
func LatestLogEntryID(ctx context.Context, db bun.IDB, appLabel, model, objectID string) (int64, error) {
	var id int64
	err := db.NewSelect().Model((*LogEntry)(nil)).ColumnExpr("COALESCE(MAX(log.id), 0)").
		Where("log.app_label = ?", appLabel).Where("log.model = ?", model).
		Where("log.object_id = ?", objectID).
		Scan(ctx, &id)
	return id, translate(err)
}

// LogEntriesAfter returns at most limit of an object's entries newer than
// the entry afterID, newest first, with their users.
func LogEntriesAfter(ctx context.Context, db bun.IDB, appLabel, model, objectID string, afterID int64, limit int) ([]LogEntry, error) {
	var entries []LogEntry
	err := db.NewSelect().Model(&entries).Relation("User").
		Where("log.app_label = ?", appLabel).Where("log.model = ?", model).
		Where("log.object_id = ?", objectID).Where("log.id > ?", afterID).
		OrderExpr("log.id DESC").
		Limit(int64(limit)).
		Scan(ctx)
	return entries, translate(err)
}

// RecentActions returns a user's latest entries, newest first.
func RecentActions(ctx context.Context, db bun.IDB, userID int64, limit int) ([]LogEntry, error) {
	var entries []LogEntry
	err := db.NewSelect().Model(&entries).
		Where("log.user_id = ?", userID).
		OrderExpr("log.action_time DESC, log.id DESC").
		Limit(int64(limit)).
		Scan(ctx)
	return entries, translate(err)
}

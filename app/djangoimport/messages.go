package djangoimport

import (
	"encoding/json"
	"strings"

	"oclettings/app/models"
)

// djangoMessage renders a django_admin_log change message as Django's
// LogEntry.get_change_message does, so imported history reads as it did
// on the Django site: the JSON form ([{"changed": {"fields": [...]}}]) in
// words, anything else as it is.
func djangoMessage(raw string, flag int) string {
	if raw == "" && flag == models.ActionDeletion {
		return "Deleted." // what our own deletions say
	}
	if !strings.HasPrefix(raw, "[") {
		return raw
	}
	type object struct {
		Name   *string  `json:"name"`
		Object string   `json:"object"`
		Fields []string `json:"fields"`
	}
	var subs []map[string]*object
	if err := json.Unmarshal([]byte(raw), &subs); err != nil {
		return raw
	}
	var messages []string
	for _, sub := range subs {
		if added, ok := sub["added"]; ok {
			if added != nil && added.Name != nil {
				messages = append(messages, "Added "+*added.Name+" “"+added.Object+"”.")
			} else {
				messages = append(messages, "Added.")
			}
		} else if changed, ok := sub["changed"]; ok && changed != nil {
			if changed.Name != nil {
				messages = append(messages, "Changed "+models.TextList(changed.Fields)+" for "+*changed.Name+" “"+changed.Object+"”.")
			} else {
				messages = append(messages, models.ChangedFields(changed.Fields))
			}
		} else if deleted, ok := sub["deleted"]; ok && deleted != nil && deleted.Name != nil {
			messages = append(messages, "Deleted "+*deleted.Name+" “"+deleted.Object+"”.")
		}
	}
	if len(messages) == 0 {
		return "No fields changed."
	}
	return strings.Join(messages, " ")
}

package djangoimport

import (
	"testing"

	"oclettings/app/models"
)

// The wording of Django's LogEntry.get_change_message, case by case.
func TestDjangoMessage(t *testing.T) {
	tests := []struct {
		raw  string
		flag int
		want string
	}{
		{`[{"added": {}}]`, models.ActionAddition, "Added."},
		{`[{"changed": {"fields": ["First name", "Last name", "Email address"]}}]`, models.ActionChange, "Changed First name, Last name and Email address."},
		{`[]`, models.ActionChange, "No fields changed."},
		{``, models.ActionDeletion, "Deleted."},
		{`[{"added": {"name": "choice", "object": "Yes"}}, {"changed": {"name": "choice", "object": "No", "fields": ["Votes"]}}, {"deleted": {"name": "choice", "object": "Maybe"}}]`,
			models.ActionChange, "Added choice “Yes”. Changed Votes for choice “No”. Deleted choice “Maybe”."},
		{`Changed title.`, models.ActionChange, "Changed title."}, // Django before 1.10 wrote plain text
		{`[not json`, models.ActionChange, "[not json"},
	}
	for _, tt := range tests {
		if got := djangoMessage(tt.raw, tt.flag); got != tt.want {
			t.Errorf("djangoMessage(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

package admin

import (
	"net/url"
	"strconv"
	"strings"
)

// managementForm reads the counts of a formset's management form, as
// Django's formsets do, for the changelist's list_editable and the inlines
// alike. problem is Django's error when a count is missing or garbled,
// naming the inputs at fault; the rows cannot be read then.
func managementForm(input url.Values, prefix string) (total, initial int, problem string) {
	var missing []string
	count := func(name string) int {
		name = prefix + "-" + name
		n, err := strconv.Atoi(strings.TrimSpace(input.Get(name)))
		if err != nil || n < 0 {
			missing = append(missing, name)
		}
		return n
	}
	total, initial = count("TOTAL_FORMS"), count("INITIAL_FORMS")
	if len(missing) > 0 {
		return 0, 0, "ManagementForm data is missing or has been tampered with. Missing fields: " +
			strings.Join(missing, ", ") + ". You may need to file a bug report if the issue persists."
	}
	return total, initial, ""
}

package admin_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"oclettings/app/models"
)

// Dates read as Django's DATETIME_FORMAT "N j, Y, P" writes them, in the
// configured TIME_ZONE: Associated Press months, the hour alone on the
// hour, "noon" and "midnight" by name.
func TestDatesAreDjangosInTheSiteTimeZone(t *testing.T) {
	t.Parallel()
	s := newSite(t, withVars("TIME_ZONE", "America/Los_Angeles"))
	c := s.staff(t, "clerk", "*")
	type moment struct {
		at   time.Time
		want string
	}
	moments := []moment{
		{time.Date(2020, 6, 14, 16, 44, 0, 0, time.UTC), "June 14, 2020, 9:44 a.m."},  // PDT, UTC-7
		{time.Date(2020, 3, 2, 20, 0, 0, 0, time.UTC), "March 2, 2020, noon"},         // PST, UTC-8
		{time.Date(2020, 4, 3, 7, 0, 0, 0, time.UTC), "April 3, 2020, midnight"},      // PDT
		{time.Date(2021, 9, 3, 22, 5, 0, 0, time.UTC), "Sept. 3, 2021, 3:05 p.m."},    // PDT
		{time.Date(2021, 7, 1, 16, 0, 0, 0, time.UTC), "July 1, 2021, 9 a.m."},        // PDT
		{time.Date(2022, 1, 1, 7, 30, 0, 0, time.UTC), "Dec. 31, 2021, 11:30 p.m."},   // the day before, there
		{time.Date(2022, 2, 10, 8, 15, 0, 0, time.UTC), "Feb. 10, 2022, 12:15 a.m."},  // PST
		{time.Date(2022, 8, 10, 19, 30, 0, 0, time.UTC), "Aug. 10, 2022, 12:30 p.m."}, // PDT
		{time.Date(2022, 11, 30, 20, 0, 0, 0, time.UTC), "Nov. 30, 2022, noon"},       // PST
		{time.Date(2023, 5, 31, 23, 59, 0, 0, time.UTC), "May 31, 2023, 4:59 p.m."},   // PDT
		{time.Date(2023, 10, 1, 17, 1, 0, 0, time.UTC), "Oct. 1, 2023, 10:01 a.m."},   // PDT
		{time.Date(2024, 12, 25, 18, 0, 0, 0, time.UTC), "Dec. 25, 2024, 10 a.m."},    // PST
		{time.Date(2025, 1, 15, 8, 0, 0, 0, time.UTC), "Jan. 15, 2025, midnight"},     // PST
	}
	for _, m := range moments {
		err := models.AddLogEntry(context.Background(), s.DB.Write, &models.LogEntry{
			ActionTime: m.at, AppLabel: "lettings", Model: "letting", ObjectID: "1",
			ObjectRepr: "Joshua Tree Green Haus /w Hot Tub", ActionFlag: 2, ChangeMessage: "Changed Title.",
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The history lists them oldest first.
	slices.SortFunc(moments, func(a, b moment) int { return a.at.Compare(b.at) })
	res := c.get("/admin/lettings/letting/1/history/").Want(t, http.StatusOK)
	shown := res.Texts("#change-history tbody th")
	if len(shown) != len(moments) {
		t.Fatalf("history shows %d dates %q, want %d", len(shown), shown, len(moments))
	}
	for i, m := range moments {
		if shown[i] != m.want {
			t.Errorf("%s shown as %q, want %q", m.at.Format(time.RFC3339), shown[i], m.want)
		}
	}
}

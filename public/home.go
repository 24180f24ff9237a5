package public

import "net/http"

func (s *Site) home(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, "home", view{
		Title:       "Holiday Homes",
		Description: "Orange County Lettings: holiday homes to let across the United States, and the members who keep them.",
	})
}

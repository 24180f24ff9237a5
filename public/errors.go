package public

import "net/http"

// errorText is what the error pages say, per status.
var errorText = map[int]struct{ heading, message string }{
	http.StatusBadRequest:            {"Bad Request", "The request could not be understood."},
	http.StatusForbidden:             {"Forbidden", "You do not have permission to see this page."},
	http.StatusNotFound:              {"Page Not Found", "The page you were looking for does not exist. It may have been let go."},
	http.StatusMethodNotAllowed:      {"Method Not Allowed", "This page cannot be used that way."},
	http.StatusRequestEntityTooLarge: {"Request Too Large", "The request was larger than this site accepts."},
	http.StatusTooManyRequests:       {"Too Many Requests", "Too many requests. Please try again later."},
	http.StatusInternalServerError:   {"Server Error", "Something went wrong on our side. We have been told and will look into it."},
	http.StatusServiceUnavailable:    {"Service Unavailable", "The site is busy or being updated. Please try again shortly."},
}

// renderError renders the error page for a status; nothing internal ever
// reaches it, only the status and fixed text.
func (s *Site) renderError(status int, message string) ([]byte, error) {
	text, ok := errorText[status]
	if !ok {
		text.heading, text.message = http.StatusText(status), "The request could not be completed."
	}
	if message != "" {
		text.message = message
	}
	return s.templates.Execute("error", view{
		Title:       text.heading,
		Description: text.message,
		Year:        s.now().Year(),
		Content: struct {
			Status           int
			Heading, Message string
		}{status, text.heading, text.message},
	})
}

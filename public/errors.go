package public

import (
	"oclettings/app/web"
)

// renderError renders the error page for a status in the site's words;
// nothing internal ever reaches it, only the status and fixed text.
func (s *Site) renderError(status int, message string) ([]byte, error) {
	text := web.ErrorWords(web.PublicVoice, status, message)
	return s.templates.Execute("error", view{
		Title:       text.Title,
		Description: text.Message,
		Year:        s.now().Year(),
		Content: struct {
			Status           int
			Heading, Message string
		}{status, text.Title, text.Message},
	})
}

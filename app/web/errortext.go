package web

import "net/http"

// ErrorText is what an error page says: its title (and heading) and one
// sentence for the visitor. Nothing internal ever reaches it.
type ErrorText struct {
	Title   string
	Message string
}

// Voice is whose words an error page uses.
type Voice int

const (
	// PublicVoice is the visitors' site: its own design, titles in title case.
	PublicVoice Voice = iota
	// AdminVoice is the admin: Django's admin words, which the staff knew
	// from the Django site ("Page not found", "403 Forbidden").
	AdminVoice
)

// errorTexts is the one table of what the error pages say, per status, in
// both voices. The two differ in wording only where the admin keeps
// Django's.
var errorTexts = map[int][2]ErrorText{
	http.StatusBadRequest: {
		{"Bad Request", "The request could not be understood."},
		{"Bad Request (400)", "The request could not be understood."},
	},
	http.StatusForbidden: {
		{"Forbidden", "You do not have permission to see this page."},
		{"403 Forbidden", "You do not have permission to access this page."},
	},
	http.StatusNotFound: {
		{"Page Not Found", "The page you were looking for does not exist. It may have been let go."},
		{"Page not found", "We’re sorry, but the requested page could not be found."},
	},
	http.StatusMethodNotAllowed: {
		{"Method Not Allowed", "This page cannot be used that way."},
		{"Method not allowed", "This page cannot be used that way."},
	},
	http.StatusRequestEntityTooLarge: {
		{"Request Too Large", "The request was larger than this site accepts."},
		{"Request too large", "The request was larger than this site accepts."},
	},
	http.StatusTooManyRequests: {
		{"Too Many Requests", "Too many requests. Please try again later."},
		{"Too many requests", "Too many requests. Please try again later."},
	},
	http.StatusInternalServerError: {
		{"Server Error", "Something went wrong on our side. We have been told and will look into it."},
		{"Server error (500)", "There’s been an error. It’s been reported to the site administrators and should be fixed shortly. Thanks for your patience."},
	},
	http.StatusServiceUnavailable: {
		{"Service Unavailable", "The site is busy or being updated. Please try again shortly."},
		{"Service unavailable", "The site is busy or being updated. Please try again shortly."},
	},
}

// ErrorWords returns what the error page for status says in voice; a
// message that is not empty replaces the usual sentence (a form's own
// refusal, say). A status without words of its own gets its standard name.
func ErrorWords(voice Voice, status int, message string) ErrorText {
	text := ErrorText{Title: http.StatusText(status), Message: "The request could not be completed."}
	if texts, ok := errorTexts[status]; ok {
		text = texts[voice]
	}
	if message != "" {
		text.Message = message
	}
	return text
}

package web

import "net/http"

// RedirectError is an answer that sends the client elsewhere, returned by a
// handler (or anything it calls) like any other outcome, so that no function
// has to say "I have already answered" through a nil result.
type RedirectError struct {
	URL    string
	Status int
}

func (e *RedirectError) Error() string { return "redirect to " + e.URL }

// Redirect returns an error that answers 302 Found with url, as Django's
// admin answers after a save or when an object is gone.
func Redirect(url string) error { return &RedirectError{URL: url, Status: http.StatusFound} }

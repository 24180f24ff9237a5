package web

import (
	"net/http"
	"testing"
)

func TestErrorWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		voice   Voice
		status  int
		message string
		want    ErrorText
	}{
		{"public 404", PublicVoice, 404, "", ErrorText{"Page Not Found", "The page you were looking for does not exist. It may have been let go."}},
		{"admin 404", AdminVoice, 404, "", ErrorText{"Page not found", "We’re sorry, but the requested page could not be found."}},
		{"public 403", PublicVoice, 403, "", ErrorText{"Forbidden", "You do not have permission to see this page."}},
		{"admin 403", AdminVoice, 403, "", ErrorText{"403 Forbidden", "You do not have permission to access this page."}},
		{"admin 400", AdminVoice, 400, "", ErrorText{"Bad Request (400)", "The request could not be understood."}},
		{"public 500", PublicVoice, 500, "", ErrorText{"Server Error", "Something went wrong on our side. We have been told and will look into it."}},
		{"a message replaces the sentence", AdminVoice, 403, "CSRF verification failed.", ErrorText{"403 Forbidden", "CSRF verification failed."}},
		{"a status without words", PublicVoice, http.StatusTeapot, "", ErrorText{"I'm a teapot", "The request could not be completed."}},
		{"a status without words, with a message", AdminVoice, http.StatusConflict, "Edited meanwhile.", ErrorText{"Conflict", "Edited meanwhile."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ErrorWords(tt.voice, tt.status, tt.message); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestErrorWordsCoverBothVoices keeps the table whole: a status with words
// in one voice has them in the other.
func TestErrorWordsCoverBothVoices(t *testing.T) {
	t.Parallel()
	for status, texts := range errorTexts {
		for voice, text := range texts {
			if text.Title == "" || text.Message == "" {
				t.Errorf("status %d, voice %d: got %+v, want a title and a message", status, voice, text)
			}
		}
	}
}

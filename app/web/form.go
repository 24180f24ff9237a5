package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Form returns the fields a request's body submitted, parsing the body the
// first time it is asked (urlencoded, or multipart as an upload). Every
// handler that reads a form asks for it here, whatever read the body before
// (the CSRF check does only when the token is not in the header), so what a
// handler sees never depends on how the token came.
//
// Text no form field can hold, a NUL byte or bytes that are not UTF-8, is
// refused with a 400 here, in one place, before any handler or query sees
// it; a body over the limit is a 413.
func Form(r *http.Request) (url.Values, error) {
	if r.PostForm == nil {
		var err error
		if isMultipart(r) {
			err = r.ParseMultipartForm(multipartMemory)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			if BodyTooLarge(err) {
				return nil, Status(http.StatusRequestEntityTooLarge)
			}
			return nil, Status(http.StatusBadRequest)
		}
	}
	if !ValidValues(r.PostForm) {
		return nil, Status(http.StatusBadRequest)
	}
	return r.PostForm, nil
}

// ValidText reports whether s is text a request may carry in a field, a
// query parameter or a path: valid UTF-8 with no NUL byte. A NUL cannot be
// stored in PostgreSQL text and ends a string in SQLite's C functions;
// invalid UTF-8 has no meaning in any of our fields.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// ValidValues reports whether every key and value of v is ValidText.
func ValidValues(v url.Values) bool {
	for key, values := range v {
		if !ValidText(key) {
			return false
		}
		for _, value := range values {
			if !ValidText(value) {
				return false
			}
		}
	}
	return true
}

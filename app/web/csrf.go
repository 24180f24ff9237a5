package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"

	"github.com/alexedwards/scs/v2"
)

// The names Django uses, so forms and scripts written for its admin work.
const (
	CSRFField  = "csrfmiddlewaretoken"
	CSRFHeader = "X-CSRFToken"
	csrfKey    = "_csrf_token"
)

// CSRFMessage is Django's text for a refused request.
const CSRFMessage = "CSRF verification failed. Request aborted."

// CSRF guards state-changing requests with a token bound to the session:
// the token must come back in the form (or the X-CSRFToken header) of every
// POST, PUT, PATCH and DELETE, or the request is refused and changes nothing.
type CSRF struct {
	Sessions *scs.SessionManager
	Pages    *ErrorPages
	// MayUpload says whether a session may send a multipart body, which may
	// be far larger than a form and is spooled to disk to be read: a front
	// end lets only the sessions of those its upload pages are for, so that
	// nobody else can fill the disk. Nil lets every session.
	MayUpload func(*http.Request) bool
}

// Middleware checks the token; it runs inside the session middleware.
func (c *CSRF) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			next.ServeHTTP(w, r)
			return
		}
		expected := c.Sessions.GetString(r.Context(), csrfKey)
		if expected == "" {
			// Refused whatever the body says, before reading it: a body is
			// not read for nothing, least of all a large one.
			CSRFFailure(w, r, c.Pages, "no token in the session")
			return
		}
		multipart := isMultipart(r)
		if multipart && c.MayUpload != nil && !c.MayUpload(r) {
			c.Pages.logger.WarnContext(r.Context(), "upload refused before it was read", "reason", "not signed in", "path", r.URL.Path)
			c.Pages.Page(w, r, http.StatusForbidden)
			return
		}
		got := r.Header.Get(CSRFHeader)
		if got == "" || multipart {
			// Parsed here even with the token in the header, so that an
			// upload's temporary files are this middleware's to remove once
			// the handler is done with them. Handlers ask Form for the same
			// values, parsed once.
			form, err := Form(r)
			if r.MultipartForm != nil {
				defer r.MultipartForm.RemoveAll()
			}
			if err != nil {
				var se *StatusError
				errors.As(err, &se)
				c.Pages.Page(w, r, se.Status)
				return
			}
			if got == "" {
				got = form.Get(CSRFField)
			}
		}
		switch {
		case got == "":
			CSRFFailure(w, r, c.Pages, "token missing")
		case subtle.ConstantTimeCompare([]byte(got), []byte(expected)) != 1:
			CSRFFailure(w, r, c.Pages, "token incorrect")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// multipartMemory is how much of a multipart form is held in memory; the
// rest of its files go to temporary files on disk.
const multipartMemory = 1 << 20

func isMultipart(r *http.Request) bool {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mediaType == "multipart/form-data"
}

// Token returns the session's token, making one if needed, for a form.
func (c *CSRF) Token(r *http.Request) string {
	if t := c.Sessions.GetString(r.Context(), csrfKey); t != "" {
		return t
	}
	return c.Rotate(r)
}

// Rotate gives the session a new token; signing in does, as in Django, so a
// token seen before the login is worthless after it.
func (c *CSRF) Rotate(r *http.Request) string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	t := base64.RawURLEncoding.EncodeToString(b)
	c.Sessions.Put(r.Context(), csrfKey, t)
	return t
}

// CSRFFailure answers 403 with Django's message and logs why, never the token.
func CSRFFailure(w http.ResponseWriter, r *http.Request, pages *ErrorPages, reason string) {
	pages.logger.WarnContext(r.Context(), "CSRF verification failed", "reason", reason, "method", r.Method, "path", r.URL.Path)
	pages.Message(w, r, http.StatusForbidden, CSRFMessage)
}

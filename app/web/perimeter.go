package web

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Perimeter is what every request meets before any front end: the host
// check, the refusal of addresses that hold no readable text, the move to
// HTTPS, the body limit and the same-origin rule for requests that change
// something.
type Perimeter struct {
	AllowedHosts []string // "example.com", ".example.com" (and subdomains), "*"
	Debug        bool
	Proxies      Proxies
	SSLRedirect  bool  // send plain HTTP to HTTPS
	HSTSSeconds  int   // 0 leaves Strict-Transport-Security out
	MaxBodyBytes int64 // larger request bodies get 413
	// BodyLimits replace MaxBodyBytes for multipart POSTs to the paths they
	// name: an upload page may take more than the rest of the site ever needs.
	BodyLimits map[string]int64
	// Exempt paths skip the host check and the HTTPS redirect, so a
	// platform's health checker can reach them by any address.
	Exempt []string
	Pages  *ErrorPages
}

// UploadTimeout is how long a request to a path of BodyLimits may take to
// arrive and be answered.
const UploadTimeout = 15 * time.Minute

// badHost is Django's answer to a Host outside ALLOWED_HOSTS. It is fixed
// text: nothing of the request, whose host is untrusted, goes into it.
const badHost = "<!doctype html>\n<title>Bad Request (400)</title>\n<h1>Bad Request (400)</h1>\n"

// Middleware applies the perimeter.
func (p *Perimeter) Middleware(next http.Handler) http.Handler {
	origin := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		exempt := p.exempt(r.URL.Path)
		if !exempt && !p.hostAllowed(r.Host) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(badHost))
			return
		}
		if !readable(r.URL) {
			p.Pages.Page(w, r, http.StatusBadRequest)
			return
		}
		secure := p.Proxies.IsSecure(r)
		if !exempt && p.SSLRedirect && !secure {
			http.Redirect(w, r, "https://"+r.Host+r.URL.RequestURI(), http.StatusMovedPermanently)
			return
		}
		if secure && !p.Debug && p.HSTSSeconds > 0 {
			w.Header().Set("Strict-Transport-Security", "max-age="+strconv.Itoa(p.HSTSSeconds))
		}
		// Only an upload gets a path's larger limit: any other body there
		// (a form, which is read whole into memory) keeps the usual one.
		limit, upload := p.BodyLimits[r.URL.Path]
		upload = upload && r.Method == http.MethodPost && isMultipart(r)
		if upload {
			// The server's read and write timeouts suit forms; a large upload
			// on a slow line, and the work it starts, need longer.
			rc := http.NewResponseController(w)
			deadline := time.Now().Add(UploadTimeout)
			_ = rc.SetReadDeadline(deadline)
			_ = rc.SetWriteDeadline(deadline)
		} else {
			limit = p.MaxBodyBytes
		}
		if r.ContentLength > limit {
			p.Pages.Page(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		if r.Body != nil && r.Body != http.NoBody { // a GET's: nothing to limit
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		if err := origin.Check(r); err != nil {
			CSRFFailure(w, r, p.Pages, "cross-origin request")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// readable reports whether the request's path (decoded) and every key and
// value of its query are ValidText, so that no handler, query or log line
// behind the perimeter meets a NUL byte or bytes that are not UTF-8.
//
// A query string that does not parse whole (a bad escape such as "%zz", or
// ";" as a separator) is refused too, where url.Values would silently drop
// the pair: a search or filter that vanished would show every row as if
// they matched it. Nothing the site links to is ever written that way.
func readable(u *url.URL) bool {
	if !ValidText(u.Path) {
		return false
	}
	if u.RawQuery == "" {
		return true
	}
	query, err := url.ParseQuery(u.RawQuery)
	return err == nil && ValidValues(query)
}

func (p *Perimeter) exempt(path string) bool {
	for _, e := range p.Exempt {
		if path == e {
			return true
		}
	}
	return false
}

// hostAllowed matches the Host header against ALLOWED_HOSTS as Django does:
// exact names, ".example.com" for the domain and its subdomains, "*" for any.
func (p *Perimeter) hostAllowed(hostport string) bool {
	host := strings.ToLower(hostport)
	// Without a colon there is no port, and SplitHostPort would make an
	// error to say so.
	if strings.Contains(host, ":") {
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
			if strings.Contains(host, ":") {
				host = "[" + host + "]" // IPv6 is listed with brackets
			}
		}
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" || strings.ContainsAny(host, "/\\@ ") {
		return false
	}
	for _, allowed := range p.AllowedHosts {
		switch {
		case allowed == "*":
			return true
		case strings.HasPrefix(allowed, "."):
			if host == allowed[1:] || strings.HasSuffix(host, allowed) {
				return true
			}
		case host == allowed:
			return true
		}
	}
	return false
}

// BodyTooLarge reports whether err comes from reading past the body limit.
func BodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

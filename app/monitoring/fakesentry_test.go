package monitoring

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// FakeSentry is a Sentry server that keeps every envelope it receives. It
// is exported from a test file so that the tests inside the package and
// those outside it share one.
type FakeSentry struct {
	srv       *httptest.Server
	mu        sync.Mutex
	envelopes []string
	status    int
}

func NewFakeSentry(t *testing.T) *FakeSentry {
	f := &FakeSentry{status: http.StatusOK}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Error(err)
				return
			}
			body = gz
		}
		b, _ := io.ReadAll(body)
		f.mu.Lock()
		f.envelopes = append(f.envelopes, string(b))
		status := f.status
		f.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// DSN is the project address that sends to this server.
func (f *FakeSentry) DSN() string {
	u, _ := url.Parse(f.srv.URL)
	return "http://publickey@" + u.Host + "/42"
}

// Take returns and forgets what was received.
func (f *FakeSentry) Take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.envelopes
	f.envelopes = nil
	return out
}

// Refuse makes the server answer status from now on.
func (f *FakeSentry) Refuse(status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = status
}

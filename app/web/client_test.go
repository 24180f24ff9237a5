package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProxiesClient(t *testing.T) {
	t.Parallel()
	render := Proxies{Trusted: true, Count: 2} // client → Cloudflare → Render's proxy
	tests := []struct {
		name    string
		proxies Proxies
		xff     []string // header lines, in order
		want    string
	}{
		{"untrusted ignores the header", Proxies{Count: 2}, []string{"198.51.100.9, 203.0.113.7, 172.70.1.1"}, "192.0.2.1"},
		{"one proxy: the rightmost entry", Proxies{Trusted: true, Count: 1}, []string{"198.51.100.9, 203.0.113.7"}, "203.0.113.7"},
		{"Render: second from the right", render, []string{"203.0.113.7, 172.70.1.1"}, "203.0.113.7"},
		{"Render: a forged first entry is ignored", render, []string{"198.51.100.9, 203.0.113.7, 172.70.1.1"}, "203.0.113.7"},
		{"Render: several forged entries", render, []string{"1.1.1.1, 2.2.2.2, 3.3.3.3, 203.0.113.7, 172.70.1.1"}, "203.0.113.7"},
		{"entries spread over header lines", render, []string{"198.51.100.9", "203.0.113.7", "172.70.1.1"}, "203.0.113.7"},
		{"too few entries: the peer", render, []string{"172.70.1.1"}, "192.0.2.1"},
		{"no header: the peer", render, nil, "192.0.2.1"},
		{"unparsable entry: the peer", render, []string{"198.51.100.9, not-an-address, 172.70.1.1"}, "192.0.2.1"},
		{"empty entry: the peer", render, []string{"198.51.100.9, , 172.70.1.1"}, "192.0.2.1"},
		{"an address with a port", render, []string{"203.0.113.7:4711, 172.70.1.1"}, "203.0.113.7"},
		{"IPv6 with a port", render, []string{"[2001:db8::7]:4711, 172.70.1.1"}, "2001:db8::7"},
		{"IPv6", render, []string{"2001:DB8::7, 172.70.1.1"}, "2001:db8::7"},
		{"IPv4 mapped into IPv6", render, []string{"::ffff:203.0.113.7, 172.70.1.1"}, "203.0.113.7"},
		{"a zone is not an address", render, []string{"fe80::1%eth0, 172.70.1.1"}, "192.0.2.1"},
		{"a NUL byte", render, []string{"203.0.113.7\x00, 172.70.1.1"}, "192.0.2.1"},
		{"count zero counts as one", Proxies{Trusted: true}, []string{"198.51.100.9, 203.0.113.7"}, "203.0.113.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = "192.0.2.1:51234"
			for _, line := range tt.xff {
				r.Header.Add("X-Forwarded-For", line)
			}
			if got := tt.proxies.Client(r); got != tt.want {
				t.Errorf("Client = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClientAddrComesFromTheMiddleware(t *testing.T) {
	t.Parallel()
	var seen string
	h := Proxies{Trusted: true, Count: 2}.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = ClientAddr(r)
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "192.0.2.1:51234"
	r.Header.Set("X-Forwarded-For", "198.51.100.9, 203.0.113.7, 172.70.1.1")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen != "203.0.113.7" {
		t.Errorf("behind the middleware, ClientAddr = %q, want 203.0.113.7", seen)
	}

	bare := httptest.NewRequest(http.MethodGet, "/", nil)
	bare.RemoteAddr = "192.0.2.1:51234"
	bare.Header.Set("X-Forwarded-For", "198.51.100.9")
	if got := ClientAddr(bare); got != "192.0.2.1" {
		t.Errorf("without the middleware, ClientAddr = %q, want the peer 192.0.2.1", got)
	}
}

func TestProxiesIsSecure(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("X-Forwarded-Proto", "https")
	if (Proxies{}).IsSecure(r) {
		t.Error("an untrusted X-Forwarded-Proto made the request secure")
	}
	if !(Proxies{Trusted: true, Count: 2}).IsSecure(r) {
		t.Error("our proxy's X-Forwarded-Proto: https was not believed")
	}
}

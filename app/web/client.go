package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies says what stands between the client and the site.
//
// A proxy that forwards a request appends the address it received the
// request from to X-Forwarded-For. Whatever the client sent itself comes
// first, so the leftmost entries are the client's to choose; only the
// entries our own proxies appended can be believed. With Count proxies in
// front, the client is the entry Count places from the right. On Render the
// chain is client → Cloudflare → Render's proxy: Cloudflare appends the
// client, Render's proxy appends Cloudflare's edge, so Count is 2.
type Proxies struct {
	Trusted bool // X-Forwarded-For and X-Forwarded-Proto come from our own proxies
	Count   int  // how many of our proxies append to X-Forwarded-For (at least 1)
}

// Middleware finds the client's address once, for everything after it (the
// request log, the login throttle, Sentry) to read with ClientAddr.
func (p Proxies) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, f := withFacts(r)
		f.client = p.Client(r)
		next.ServeHTTP(w, r)
	})
}

// Client is the client's address: the connection's peer, or, behind our own
// proxies, the X-Forwarded-For entry the outermost of them appended. A
// header too short to hold that entry, or an entry that is not an address,
// gives the peer: never a value the client could have chosen.
func (p Proxies) Client(r *http.Request) string {
	peer := peerAddr(r)
	if !p.Trusted {
		return peer
	}
	count := max(p.Count, 1)
	// Each proxy may add its own header line rather than extend the last.
	var entries []string
	for _, line := range r.Header.Values("X-Forwarded-For") {
		entries = append(entries, strings.Split(line, ",")...)
	}
	if len(entries) < count {
		return peer
	}
	if addr, ok := parseForwarded(strings.TrimSpace(entries[len(entries)-count])); ok {
		return addr
	}
	return peer
}

// IsSecure reports whether the request came over HTTPS: directly, or to our
// own proxy, which says so in X-Forwarded-Proto.
func (p Proxies) IsSecure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return p.Trusted && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// ClientAddr is the client's address as Proxies.Middleware found it, or the
// connection's peer for a request that did not pass through it.
func ClientAddr(r *http.Request) string {
	if addr := ClientAddrContext(r.Context()); addr != "" {
		return addr
	}
	return peerAddr(r)
}

// ClientAddrContext is ClientAddr for code that has only the request's
// context; it is empty outside Proxies.Middleware.
func ClientAddrContext(ctx context.Context) string {
	if f := factsOf(ctx); f != nil {
		return f.client
	}
	return ""
}

// parseForwarded reads an address as proxies write it: bare, or with a port
// ("203.0.113.7:4711", "[2001:db8::1]:4711").
func parseForwarded(s string) (string, bool) {
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap().String(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap().String(), true
	}
	return "", false
}

func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

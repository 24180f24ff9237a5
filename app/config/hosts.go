package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

const devAllowedHosts = "localhost,127.0.0.1,[::1]"

func (c *Config) parseAllowedHosts(raw string) error {
	hosts, err := parseHosts(raw)
	if err != nil {
		return err
	}
	if len(hosts) == 0 {
		if !c.Debug {
			return errors.New("lists no hosts; at least one is required when DEBUG is off")
		}
		// As in Django: with DEBUG on, an empty list means the local hosts.
		hosts, _ = parseHosts(devAllowedHosts)
	}
	c.AllowedHosts = hosts
	return nil
}

// parseHosts accepts a JSON list, the form the Django deployment on
// Render uses, or a comma-separated list.
func parseHosts(raw string) ([]string, error) {
	var entries []string
	if isJSONList(raw) {
		if err := json.Unmarshal([]byte(raw), &entries); err != nil {
			return nil, fmt.Errorf(`not a valid JSON list of strings (%v); use ["example.com","www.example.com"] or a comma-separated list`, err)
		}
	} else {
		entries = strings.Split(raw, ",")
	}
	var hosts, bad []string
	for _, e := range entries {
		h := strings.ToLower(strings.TrimSpace(e))
		if h == "" {
			continue
		}
		if err := checkHost(h); err != nil {
			bad = append(bad, err.Error())
			continue
		}
		hosts = append(hosts, h)
	}
	if len(bad) > 0 {
		return nil, errors.New(strings.Join(bad, "; "))
	}
	return hosts, nil
}

// isJSONList tells a JSON list apart from a comma list that starts with a
// bracketed IPv6 address ("[::1],localhost"); both start with "[".
func isJSONList(raw string) bool {
	if !strings.HasPrefix(raw, "[") {
		return false
	}
	rest := strings.TrimLeft(raw[1:], " \t\r\n")
	if strings.HasPrefix(rest, `"`) || strings.HasPrefix(rest, "]") {
		return true
	}
	end := strings.IndexByte(raw, ']')
	return end < 0 || !strings.Contains(raw[:end], ":")
}

const hostForms = `use a host name (example.com), a domain and its subdomains (.example.com), an IPv4 address, a bracketed IPv6 address ([::1]) or *`

func checkHost(h string) error {
	switch {
	case h == "*":
		return nil
	case strings.Contains(h, "://"):
		return fmt.Errorf("%q: remove the scheme; ALLOWED_HOSTS takes host names, not URLs", h)
	case strings.ContainsAny(h, "/?#"):
		return fmt.Errorf("%q: remove the path; ALLOWED_HOSTS takes host names, not URLs", h)
	case strings.HasPrefix(h, "["):
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return fmt.Errorf("%q: missing closing bracket", h)
		}
		a, err := netip.ParseAddr(h[1:end])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return fmt.Errorf("%q: not a valid IPv6 address", h)
		}
		if rest := h[end+1:]; rest != "" {
			if strings.HasPrefix(rest, ":") {
				return portError(h, h[:end+1])
			}
			return fmt.Errorf("%q: unexpected text after the IPv6 address; %s", h, hostForms)
		}
		return nil
	case strings.Contains(h, ":"):
		if a, err := netip.ParseAddr(h); err == nil && a.Is6() {
			return fmt.Errorf("%q: IPv6 addresses must be in brackets, like [%s]", h, h)
		}
		if host, _, _ := strings.Cut(h, ":"); strings.Count(h, ":") == 1 {
			return portError(h, host)
		}
		return fmt.Errorf("%q: %s", h, hostForms)
	case strings.Contains(h, "*"):
		return fmt.Errorf("%q: * is only allowed on its own; use .example.com to match a domain and its subdomains", h)
	}
	if a, err := netip.ParseAddr(h); err == nil && a.Is4() {
		return nil
	}
	if !isHostName(strings.TrimPrefix(h, ".")) {
		return fmt.Errorf("%q: %s", h, hostForms)
	}
	return nil
}

func portError(entry, host string) error {
	return fmt.Errorf("%q: ports are not allowed (Django's ALLOWED_HOSTS does not accept them either); use %q", entry, host)
}

// isHostName checks RFC 1123 labels, also allowing underscores because some
// internal names use them and Django matches them fine. An all-numeric last
// label is refused so that a mistyped IPv4 address is not taken for a name.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return strings.ContainsFunc(labels[len(labels)-1], func(r rune) bool { return r < '0' || r > '9' })
}

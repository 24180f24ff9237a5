package config_test

import (
	"reflect"
	"strings"
	"testing"
)

func TestAllowedHosts(t *testing.T) {
	valid := []struct {
		name, raw string
		want      []string
	}{
		{"single", "example.com", []string{"example.com"}},
		{"comma list", "a.com, .b.com", []string{"a.com", ".b.com"}},
		{"comma list with empties", " a.com ,, b.com ,", []string{"a.com", "b.com"}},
		{"json list", `["a.com","b.com"]`, []string{"a.com", "b.com"}},
		{"json list with spaces", ` [ "a.com" , " .B.com " , "" ] `, []string{"a.com", ".b.com"}},
		{"render form", `["oc-lettings-x1y2.onrender.com"]`, []string{"oc-lettings-x1y2.onrender.com"}},
		{"lowercased", "Example.COM,WWW.Example.com", []string{"example.com", "www.example.com"}},
		{"wildcard", "*", []string{"*"}},
		{"ipv4", "127.0.0.1,10.0.0.254", []string{"127.0.0.1", "10.0.0.254"}},
		{"ipv6 first in comma list", "[::1],localhost", []string{"[::1]", "localhost"}},
		{"ipv6 alone", "[2001:DB8::1]", []string{"[2001:db8::1]"}},
		{"ipv6 in json", `["[::1]"]`, []string{"[::1]"}},
		{"ipv6 then json-looking text", `[::1], a.com`, []string{"[::1]", "a.com"}},
		{"underscore and digits", "my_host-1.internal,1password.com", []string{"my_host-1.internal", "1password.com"}},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			c := mustLoad(t, prod(map[string]string{"ALLOWED_HOSTS": tc.raw}))
			if !reflect.DeepEqual(c.AllowedHosts, tc.want) {
				t.Errorf("got %q, want %q", c.AllowedHosts, tc.want)
			}
		})
	}

	invalid := []struct {
		name, raw string
		fragments []string
	}{
		{"port", "example.com:8000", []string{`"example.com:8000"`, "ports are not allowed", "Django", `use "example.com"`}},
		{"ipv6 port", "[::1]:8000", []string{"ports are not allowed", `use "[::1]"`}},
		{"scheme", "https://x.com", []string{`"https://x.com"`, "remove the scheme"}},
		{"path", "x.com/", []string{`"x.com/"`, "remove the path"}},
		{"query", "x.com?a=1", []string{"remove the path"}},
		{"bad entry among good", "a.com, https://x.com, b.com", []string{`"https://x.com"`}},
		{"every bad entry named", "x.com/,y.com:1", []string{`"x.com/"`, `"y.com:1"`}},
		{"malformed json", `["a.com",`, []string{"not a valid JSON list", "comma-separated"}},
		{"unquoted json", `[a.com, b.com]`, []string{"not a valid JSON list"}},
		{"unclosed json", `[  "a.com"`, []string{"not a valid JSON list"}},
		{"bracketed ipv4 alone", "[127.0.0.1]", []string{"not a valid JSON list"}},
		{"json of numbers", `[1, 2]`, []string{"not a valid JSON list"}},
		{"json bad entry", `["https://x.com"]`, []string{"remove the scheme"}},
		{"empty json list", `[]`, []string{"no hosts", "DEBUG is off"}},
		{"only commas", " , ,", []string{"no hosts"}},
		{"unbracketed ipv6", "::1", []string{"brackets", "[::1]"}},
		{"bad ipv6", "[::g]", []string{"not a valid IPv6"}},
		{"ipv4 in brackets", "a.com,[127.0.0.1]", []string{"not a valid IPv6"}},
		{"ipv6 zone", "[fe80::1%eth0]", []string{"not a valid IPv6"}},
		{"unclosed bracket", "a.com,[::1", []string{"missing closing bracket"}},
		{"text after ipv6", "[::1]x", []string{"unexpected text"}},
		{"glob", "*.example.com", []string{"only allowed on its own", ".example.com"}},
		{"bad ipv4", "999.1.1.1", []string{`"999.1.1.1"`, "IPv4"}},
		{"many colons", "a:b:c", []string{`"a:b:c"`}},
		{"space inside", "exa mple.com", []string{`"exa mple.com"`}},
		{"trailing dot", "example.com.", []string{`"example.com."`}},
		{"double dot", "a..com", []string{`"a..com"`}},
		{"hyphen edge", "-a.com", []string{`"-a.com"`}},
		{"bare dot", ".", []string{`"."`}},
		{"long label", strings.Repeat("a", 64) + ".com", []string{"host name"}},
		{"too long", strings.Repeat("a.", 127) + "com", []string{"host name"}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			wantOneProblem(t, prod(map[string]string{"ALLOWED_HOSTS": tc.raw}), "ALLOWED_HOSTS", tc.fragments...)
		})
	}

	t.Run("missing in production", func(t *testing.T) {
		wantOneProblem(t, prod(map[string]string{"ALLOWED_HOSTS": "\x00"}), "ALLOWED_HOSTS", "required when DEBUG is off", "JSON")
	})
	t.Run("empty list with debug on means local hosts", func(t *testing.T) {
		c := mustLoad(t, map[string]string{"DEBUG": "yes", "ALLOWED_HOSTS": "[]"})
		want := []string{"localhost", "127.0.0.1", "[::1]"}
		if !reflect.DeepEqual(c.AllowedHosts, want) {
			t.Errorf("got %q, want %q", c.AllowedHosts, want)
		}
	})
	t.Run("debug on still validates", func(t *testing.T) {
		wantOneProblem(t, map[string]string{"DEBUG": "yes", "ALLOWED_HOSTS": "localhost:8000"}, "ALLOWED_HOSTS", "ports are not allowed")
	})
}

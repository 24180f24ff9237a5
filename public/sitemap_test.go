package public_test

import (
	"testing"

	"oclettings/app/sitetest"
)

func TestAbsoluteURLsFollowTheRequest(t *testing.T) {
	t.Parallel()
	h, _ := newSite(t)
	var scenarios []sitetest.Scenario
	for _, path := range []string{"/robots.txt", "/sitemap.xml"} {
		scenarios = append(scenarios,
			sitetest.Scenario{Name: path + " on example.com", Path: path, Status: 200, BodyHas: []string{"http://example.com/"}},
			sitetest.Scenario{Name: path + " on 127.0.0.1", Path: path, Header: map[string]string{"Host": "127.0.0.1"}, Status: 200,
				BodyHas: []string{"http://127.0.0.1/"}, BodyLacks: []string{"example.com"}},
		)
	}
	sitetest.Run(t, h, scenarios)
}

func TestAbsoluteURLsBehindAnHTTPSProxy(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	h := newHandler(t, db, sitetest.Config(t, "TRUST_PROXY_HEADERS", "true"))
	https := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
	plain := map[string]string{"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.7"}
	var scenarios []sitetest.Scenario
	for _, path := range []string{"/robots.txt", "/sitemap.xml"} {
		scenarios = append(scenarios,
			sitetest.Scenario{Name: path + " over HTTPS", Path: path, Header: https, Status: 200,
				BodyHas: []string{"https://example.com/"}, BodyLacks: []string{"http://example.com/"}},
			sitetest.Scenario{Name: path + " over plain HTTP", Path: path, Header: plain, Status: 200,
				BodyHas: []string{"http://example.com/"}, BodyLacks: []string{"https://"}},
		)
	}
	sitetest.Run(t, h, scenarios)
}

func TestAbsoluteURLsFromTheSiteURL(t *testing.T) {
	t.Parallel()
	db := sitetest.DB(t)
	h := newHandler(t, db, sitetest.Config(t, "SITE_URL", "https://lettings.example.org"))
	var scenarios []sitetest.Scenario
	for _, host := range []string{"example.com", "127.0.0.1"} {
		header := map[string]string{"Host": host}
		scenarios = append(scenarios,
			sitetest.Scenario{Name: "robots.txt on " + host, Path: "/robots.txt", Header: header, Status: 200,
				BodyHas: []string{"Sitemap: https://lettings.example.org/sitemap.xml\n"}},
			sitetest.Scenario{Name: "sitemap.xml on " + host, Path: "/sitemap.xml", Header: header, Status: 200,
				BodyHas: []string{"<loc>https://lettings.example.org/lettings/</loc>"}, BodyLacks: []string{host}},
		)
	}
	sitetest.Run(t, h, scenarios)
}

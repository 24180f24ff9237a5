// sitetest: READY

// Package sitetest is the test harness the front ends share: a fresh
// database, the test configuration, a front end's routes behind the real
// site-wide middleware, a cookie-keeping client that calls a handler in
// the same process, and scenario tables checked against the parsed HTML.
//
// It is imported only by tests.
package sitetest

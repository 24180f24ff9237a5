package browsertest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNotInTheBinary: the binary carries neither the test harnesses nor
// the browser driver they bring; a production package that imported them
// would ship chromedp to Render.
func TestNotInTheBinary(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", "oclettings/cmd/app").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "oclettings/app/sitetest") || strings.HasPrefix(pkg, "github.com/chromedp/") {
			t.Errorf("the binary imports %s, a test-only package", pkg)
		}
	}
}

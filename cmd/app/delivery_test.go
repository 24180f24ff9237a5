package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDeliveryFilesAgree checks that the Dockerfile, the workflow, the
// Render blueprint and the deployment docs name the same things.
func TestDeliveryFilesAgree(t *testing.T) {
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("..", "..", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	dockerfile, workflow, blueprint, docs := read("Dockerfile"), read(".github/workflows/ci-cd.yml"), read("render.yaml"), read("docs/deployment.md")

	for _, name := range regexp.MustCompile(`(?:secrets|vars)\.([A-Z_]+)`).FindAllStringSubmatch(workflow, -1) {
		if !strings.Contains(docs, "`"+name[1]+"`") {
			t.Errorf("the workflow uses %s, which docs/deployment.md does not describe", name[1])
		}
	}
	dbURL := regexp.MustCompile(`DATABASE_URL=(sqlite:\S+)`).FindStringSubmatch(dockerfile)
	if dbURL == nil || !strings.Contains(blueprint, "value: "+dbURL[1]) {
		t.Errorf("got the image's DATABASE_URL %v, want the blueprint to use the same", dbURL)
	}
	if !strings.Contains(dockerfile, `VOLUME ["/data"]`) || !strings.Contains(blueprint, "mountPath: /data") {
		t.Error("got the data directory named differently in the Dockerfile and the blueprint")
	}
	if !strings.Contains(dockerfile, "EXPOSE 8000") || !strings.Contains(dockerfile, "PORT=8000") {
		t.Error("got the image's port not 8000 in both EXPOSE and PORT")
	}
	if !strings.Contains(blueprint, "healthCheckPath: /readyz") || !strings.Contains(dockerfile, `CMD ["/app", "healthcheck"]`) {
		t.Error("got the health checks of the blueprint or the image elsewhere than /readyz")
	}
	for _, arg := range []string{"VERSION", "COMMIT", "DATE"} {
		if !strings.Contains(dockerfile, "ARG "+arg) || !strings.Contains(workflow, arg+"=") {
			t.Errorf("got the build argument %s missing from the Dockerfile or the workflow", arg)
		}
	}
}

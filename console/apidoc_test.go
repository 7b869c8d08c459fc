package console

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docs/api.md documents every route the console and auth mount, and no
// route that does not exist: a route table row starts with
// "| `METHOD /path" (a query string may follow the path).
func TestAPIDocNamesEveryRoute(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, rt := range (&Server{}).routes() {
		routes = append(routes, rt.pattern)
	}
	src, err := os.ReadFile(filepath.Join("..", "auth", "routes.go"))
	if err != nil {
		t.Fatal(err)
	}
	authRoutes := regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+ /[^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(authRoutes) == 0 {
		t.Fatal("found no routes in auth/routes.go: the source reader is broken")
	}
	for _, m := range authRoutes {
		routes = append(routes, m[1])
	}

	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z]+ /[^`?]+)").FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for _, r := range routes {
		if !documented[r] {
			t.Errorf("docs/api.md has no route table row for %s", r)
		}
	}
	for d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("docs/api.md documents %s, which is not mounted", d)
		}
	}
	if !strings.Contains(string(doc), "`GET /ws/agent`") {
		t.Error("docs/api.md does not describe GET /ws/agent")
	}
}

package config

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// TestExampleIsDefaults loads the example that `andon config example`
// prints: it must be valid and set exactly the defaults, so that it cannot
// drift from Defaults.
func TestExampleIsDefaults(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, Example())
	cfg, err := load(path, noEnv)
	if err != nil {
		t.Fatalf("the example does not load:\n%v", err)
	}
	if want := Defaults(); !reflect.DeepEqual(cfg, want) {
		t.Errorf("the example differs from the defaults:\n%s", diffTOML(t, cfg, want))
	}
}

// diffTOML shows the lines of got, written as TOML, that want does not have.
func diffTOML(t *testing.T, got, want Config) string {
	t.Helper()
	g, err := toml.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := toml.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	wl, gl := strings.Split(string(w), "\n"), strings.Split(string(g), "\n")
	var diff []string
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(wl) {
			b = wl[i]
		}
		if a != b {
			diff = append(diff, fmt.Sprintf("example:  %s\ndefaults: %s", a, b))
		}
	}
	return strings.Join(diff, "\n")
}

// TestExampleDocumentsEveryKey checks that every key of Config appears in
// the example, set or commented out, under its own table.
func TestExampleDocumentsEveryKey(t *testing.T) {
	t.Parallel()
	header := regexp.MustCompile(`^(?:# )?\[\[?([a-z_.]+)\]\]?$`)
	keys := map[string]map[string]bool{} // table → keys written under it
	table := ""
	for _, line := range strings.Split(Example(), "\n") {
		if m := header.FindStringSubmatch(line); m != nil {
			table = m[1]
			continue
		}
		k, _, ok := strings.Cut(strings.TrimPrefix(line, "# "), " = ")
		if !ok || strings.ContainsAny(k, " #") {
			continue
		}
		k, _, _ = strings.Cut(k, ".") // greeting.en documents greeting
		if keys[table] == nil {
			keys[table] = map[string]bool{}
		}
		keys[table][k] = true
	}
	var walk func(table string, s *schema)
	walk = func(table string, s *schema) {
		for _, name := range s.names {
			f := s.fields[name]
			full := strings.TrimPrefix(table+"."+name, ".")
			switch f.shape {
			case shapeTable:
				walk(full, f)
			case shapeArrayOfTables:
				walk(full, f.elem)
			default:
				if !keys[table][name] {
					t.Errorf("the example does not show %s under [%s]", name, table)
				}
			}
		}
	}
	walk("", configSchema())
}

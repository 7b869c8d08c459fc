package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noEnv is an empty environment, so that tests of the file alone do not
// depend on the ANDON_* variables of whoever runs them.
func noEnv(string) (string, bool) { return "", false }

// writeConfig writes doc to andon.toml in a fresh directory.
func writeConfig(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "andon.toml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// problems returns the lines of err with the directory of path removed, so
// that they read "andon.toml:3: ...", and checks that err is Errors. An
// empty path removes nothing.
func problems(t *testing.T, path string, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T) is not Errors", err, err)
	}
	if got, want := len(strings.Split(err.Error(), "\n")), len(errs); got != want {
		t.Errorf("Error() has %d lines for %d problems", got, want)
	}
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
		if path != "" {
			lines[i] = strings.ReplaceAll(lines[i], filepath.Dir(path)+string(filepath.Separator), "")
		}
	}
	return lines
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

package ingest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/andon-chat/andon/knowledge"
)

// writeFile creates dir/name (and its folders) with content.
func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// problems renders an error from Load or ReadExamples as one string per
// problem with the file's base name, for exact comparison.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var list *Errors
	if !errors.As(err, &list) {
		t.Fatalf("error %v (%T) is not *Errors", err, err)
	}
	var out []string
	for _, e := range list.List {
		c := *e
		c.File = filepath.Base(c.File)
		out = append(out, c.Error())
	}
	return out
}

// withHash returns the articles as Load returns them: hashed, published by
// default.
func withHash(in ...knowledge.Article) []knowledge.Article {
	out := make([]knowledge.Article, len(in))
	for i, a := range in {
		if a.Status == "" {
			a.Status = knowledge.Published
		}
		a.Hash = a.ContentHash()
		out[i] = a
	}
	return out
}

func sameArticles(t *testing.T, got, want []knowledge.Article) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d articles, want %d:\n%s", len(got), len(want), dump(got))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("article %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
}

func dump(as []knowledge.Article) string {
	s := ""
	for _, a := range as {
		s += fmt.Sprintf("  %#v\n", a)
	}
	return s
}

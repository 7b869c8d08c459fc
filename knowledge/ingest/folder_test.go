package ingest

import (
	"path"
	"slices"
	"testing"
)

// A CSV or JSONL file in a folder of Markdown files was skipped without a
// word: the import reported success and its articles were missing.
func TestFolderWithTableFilesIsRefused(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"faq.csv", "more/faq.jsonl", "x.ndjson"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "shipping.md", "# Shipping\n\nWe ship in two days.\n")
			writeFile(t, dir, name, "question,answer\nq,a\n")
			arts, err := Load(dir)
			if err == nil {
				t.Fatalf("Load read %d articles and no error; %s was skipped silently", len(arts), name)
			}
			want := []string{path.Base(name) + ": not read: a folder is read for Markdown files only; pass this file as its own argument, outside the folder"}
			if got := problems(t, err); !slices.Equal(got, want) {
				t.Errorf("problems = %q, want %q", got, want)
			}
		})
	}
	// Files no import format claims (images, a docs tool's _category_.json)
	// are still left alone.
	dir := t.TempDir()
	writeFile(t, dir, "shipping.md", "# Shipping\n\nWe ship in two days.\n")
	writeFile(t, dir, "_category_.json", `{"label": "Guides"}`)
	writeFile(t, dir, "logo.png", "\x89PNG")
	if arts, err := Load(dir); err != nil || len(arts) != 1 {
		t.Errorf("Load = %d articles, %v; want the one Markdown article", len(arts), err)
	}
}

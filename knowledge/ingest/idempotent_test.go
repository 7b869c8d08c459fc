package ingest

import (
	"strings"
	"testing"
)

// Re-importing unchanged files must give the same ids and hashes, or every
// import would re-embed the whole knowledge base; and the line-end and BOM
// conventions of the editor that saved the file must not matter.
func TestParsingIsIdempotent(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"kb/a.md":   "+++\ntitle = \"A\"\ntags = [\"x\", \"y\", \"x\"]\nquestions = [\"q1\", \" q2 \", \"q1\"]\n+++\n\nBody\nof A\n\n",
		"kb/b/B.md": "# B\n\nBody of B\n",
		"faq.csv":   "question,answer\nWhat?,\"That,\nand this\"\nWho?,Us\n",
		"x.jsonl":   `{"id":"x","title":"X","body":"Body\nof X","questions":["q"]}` + "\n",
		"ex.csv":    "text,label\nhi there,greeting\nhello,greeting\nbye,farewell\n",
	}
	load := func(windows bool) map[string]string {
		dir := t.TempDir()
		paths := []string{}
		for name, content := range files {
			if windows {
				content = "\xef\xbb\xbf" + strings.ReplaceAll(content, "\n", "\r\n")
			}
			p := writeFile(t, dir, name, content)
			if !strings.HasPrefix(name, "kb/") {
				paths = append(paths, p)
			}
		}
		paths = append(paths, dir+"/kb")
		as, err := Load(paths...)
		if err != nil {
			t.Fatal(err)
		}
		hashes := map[string]string{}
		for _, a := range as {
			if a.Hash != a.ContentHash() || a.Hash == "" {
				t.Errorf("%s: Hash %q is not ContentHash()", a.ID, a.Hash)
			}
			hashes[a.ID] = a.Hash
		}
		return hashes
	}
	first := load(false)
	if len(first) != 7 {
		t.Fatalf("%d articles, want 7: %v", len(first), first)
	}
	for i, windows := range []bool{false, true} {
		again := load(windows)
		if len(again) != len(first) {
			t.Fatalf("run %d: %d articles, want %d", i, len(again), len(first))
		}
		for id, h := range first {
			if again[id] != h {
				t.Errorf("run %d (windows=%v): %s hash changed", i, windows, id)
			}
		}
	}
}

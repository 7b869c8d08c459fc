package ingest

import (
	"bytes"
	"slices"
	"testing"

	"github.com/andon-chat/andon/knowledge"
)

func exportFixture() []knowledge.Article {
	return []knowledge.Article{
		{ID: "billing/refunds", Title: "Refunds", Body: "Within **30 days**.\n\n+++\n\n```toml\nid = \"x\"\n```", Lang: "en",
			Tags: []string{"billing", "money"}, Questions: []string{"Can I get my money back?", `Say "refund"`}, URL: "https://help.example/refunds", Status: knowledge.Published},
		{ID: "Öppettider & Q?", Title: "Öppettider", Body: "8–17, \"alla\" dagar.", Lang: "sv", Status: knowledge.Draft},
		{ID: "billing-refunds", Title: "Same slug as another", Body: "x", Status: knowledge.Published},
		{ID: "how-do-i-reset-my-password-1a2b3c4d", Title: "How do I reset my password?", Body: "Use the link.", Status: knowledge.Published},
	}
}

// Export then Load gives back the same articles: the knowledge base can
// live in git and come back.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	want := exportFixture()
	files, err := Export(want)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteZip(&buf, files); err != nil {
		t.Fatal(err)
	}
	fromZip, err := LoadZip("kb.zip", bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteDir(dir, files); err != nil {
		t.Fatal(err)
	}
	fromDir, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]knowledge.Article{"zip": fromZip, "folder": fromDir} {
		if len(got) != len(want) {
			t.Fatalf("%s: %d articles, want %d", name, len(got), len(want))
		}
		byID := map[string]knowledge.Article{}
		for _, a := range got {
			byID[a.ID] = a
		}
		for _, w := range want {
			g, ok := byID[w.ID]
			if !ok {
				t.Errorf("%s: %q lost", name, w.ID)
				continue
			}
			if g.Title != w.Title || g.Body != w.Body || g.Lang != w.Lang || g.URL != w.URL || g.Status != w.Status ||
				!slices.Equal(g.Tags, w.Tags) || !slices.Equal(g.Questions, w.Questions) || g.Hash != w.ContentHash() {
				t.Errorf("%s: %q came back as\n%+v\nwant\n%+v", name, w.ID, g, w)
			}
		}
	}
	paths := map[string]bool{}
	for _, f := range files {
		if paths[f.Path] {
			t.Errorf("two articles exported to %s", f.Path)
		}
		paths[f.Path] = true
	}
}

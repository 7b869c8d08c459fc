package knowledge_test

import (
	"context"
	"testing"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/knowledge/demo"
)

// The quoted chunk is the article's main answer unless the question is
// clearly about a later section: a later section that shares the question's
// words in passing ("reset the password as above") must not win.
func TestQuotedChunkPrefersTheMainAnswer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := knowledge.Open(ctx, knowledge.Options{Store: knowledge.NewMemoryStore()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	arts, err := demo.Articles()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Import(ctx, arts); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ query, article, heading string }{
		{"How do I reset my password?", "en/reset-password", "Ask an admin"},
		{"Hur återställer jag lösenordet?", "sv/reset-password", "Be en administratör"},
		{"I am locked out after too many attempts", "en/reset-password", "Locked out after too many attempts"},
	}
	for _, c := range cases {
		res, err := b.Search(ctx, c.query, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) == 0 || res[0].ArticleID != c.article {
			t.Fatalf("%q: want article %s, got %+v", c.query, c.article, res)
		}
		if res[0].Heading != c.heading {
			t.Errorf("%q: quoted section %q, want %q", c.query, res[0].Heading, c.heading)
		}
	}
}

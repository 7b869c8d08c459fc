package knowledge

import (
	"context"
	"testing"
)

// An article with nothing to find it by (a title and body of emoji or
// punctuation, or an empty stub) must not
// come back from a search: with a score below every real match it made
// the real match's lead look decisive, and the bot answered anything.
func TestSearchSkipsArticlesWithNothingIndexed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := Open(ctx, Options{Store: NewMemoryStore()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Import(ctx, []Article{
		{ID: "refunds", Title: "Refunds", Body: "Refunds take five days.", Lang: "en"},
		{ID: "party", Title: "🎉", Body: "👍 …", Lang: "en"},
		{ID: "stub", Lang: "en"},
	}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"refunds", "where is the office"} {
		rs, err := b.Search(ctx, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(rs); len(got) != 1 || got[0] != "refunds" {
			t.Errorf("Search(%q) = %v, want only [refunds]", q, got)
		}
	}
}

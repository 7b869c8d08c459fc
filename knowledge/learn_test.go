package knowledge

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestAddQuestion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := NewMemoryStore()
	b, err := Open(ctx, Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Import(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	q := "my bill arrived as a paper letter, where is the digital copy"
	if rs, _ := b.Search(ctx, q, 1); len(rs) > 0 && rs[0].ArticleID == "invoice-copy" && rs[0].MatchedQuestion == q {
		t.Fatalf("the question is matched before it was added: %+v", rs[0])
	}
	if err := b.AddQuestion(ctx, "invoice-copy", "  my bill arrived as a paper letter,   where is the digital copy "); err != nil {
		t.Fatal(err)
	}
	// Twice, differently cased: kept once.
	if err := b.AddQuestion(ctx, "invoice-copy", "My bill arrived as a paper letter, where is the digital copy"); err != nil {
		t.Fatal(err)
	}
	a, _ := b.Article("invoice-copy")
	if n := len(slices.DeleteFunc(slices.Clone(a.Questions), func(s string) bool { return s != q })); n != 1 || len(a.Questions) != 3 {
		t.Fatalf("questions: %q", a.Questions)
	}
	stored, _ := st.ListArticles(ctx)
	i := slices.IndexFunc(stored, func(a Article) bool { return a.ID == "invoice-copy" })
	if !slices.Contains(stored[i].Questions, q) {
		t.Fatalf("not saved to the store: %q", stored[i].Questions)
	}
	rs, err := b.Search(ctx, q, 1)
	if err != nil || len(rs) == 0 || rs[0].ArticleID != "invoice-copy" || rs[0].MatchedQuestion != q {
		t.Fatalf("Search after learning = %+v, %v", rs, err)
	}
	if err := b.AddQuestion(ctx, "no-such", "anything"); !errors.Is(err, ErrNoArticle) {
		t.Fatalf("unknown article: %v", err)
	}
	if err := b.AddQuestion(ctx, "invoice-copy", "   "); err == nil {
		t.Fatal("an empty question was accepted")
	}
}

func TestSaveDraft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := Open(ctx, Options{Store: NewMemoryStore()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Import(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	text := "Zebra refunds are processed by the zoo keeper within seven zebra days."
	id, err := b.SaveDraft(ctx, "Zebra refunds", text, "en")
	if err != nil {
		t.Fatal(err)
	}
	a, ok := b.Article(id)
	if !ok || a.Status != Draft || a.Title != "Zebra refunds" || a.Body != text || a.Lang != "en" {
		t.Fatalf("draft = %+v, %v", a, ok)
	}
	// A draft never answers a visitor.
	rs, err := b.Search(ctx, "zebra refunds zoo keeper", 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.ArticleID == id {
			t.Fatalf("the draft was found by Search: %+v", r)
		}
	}
	id2, err := b.SaveDraft(ctx, "Zebra refunds", text, "en")
	if err != nil || id2 == id {
		t.Fatalf("a second draft got id %q (first %q): %v", id2, id, err)
	}
	if _, err := b.SaveDraft(ctx, "", text, "en"); err == nil {
		t.Fatal("a draft without a title was accepted")
	}
}

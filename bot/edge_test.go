package bot

import (
	"context"
	"testing"

	"github.com/andon-chat/andon/knowledge"
)

// An article nothing can match (an emoji title and body) once ranked
// below every real match, and the lead over it made the bot answer any
// question with the one real article.
func TestDecideUnrelatedQuestionBesideAnUnsearchableArticle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	kb, err := knowledge.Open(ctx, knowledge.Options{Store: knowledge.NewMemoryStore()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kb.Import(ctx, []knowledge.Article{
		{ID: "refunds", Title: "Refunds", Body: "Refunds take five days.", Lang: "en"},
		{ID: "party", Title: "🎉", Body: "👍", Lang: "en"},
	}); err != nil {
		t.Fatal(err)
	}
	b := newTestBot(t, Options{Retriever: kb})
	for _, q := range []string{"how do I change my shipping address", "where is the office"} {
		if d := b.Decide(ctx, Turn{Text: q}); d.Action == Answer {
			t.Errorf("%q answered with %s (confidence %.2f), want an escalation", q, d.ArticleID, d.Confidence)
		}
	}
}

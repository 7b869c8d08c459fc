package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/andon-chat/andon/knowledge"
)

// RunArticles runs the knowledge.ArticleStore conformance suite. open must
// return a new, empty store for each call and close it when t ends.
func RunArticles(t *testing.T, open func(t *testing.T) knowledge.ArticleStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s knowledge.ArticleStore)
	}{
		{"Empty", testArticlesEmpty},
		{"SaveAndList", testArticlesSaveAndList},
		{"Replace", testArticlesReplace},
		{"Delete", testArticlesDelete},
		{"AllOrNothing", testArticlesAllOrNothing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

func list(t *testing.T, s knowledge.ArticleStore) []knowledge.Article {
	t.Helper()
	as, err := s.ListArticles(t.Context())
	if err != nil {
		t.Fatalf("ListArticles: %v", err)
	}
	return as
}

func save(t *testing.T, s knowledge.ArticleStore, as ...knowledge.Article) {
	t.Helper()
	if err := s.SaveArticles(t.Context(), as); err != nil {
		t.Fatalf("SaveArticles: %v", err)
	}
}

// sameArticle compares everything; a stored Hash must be the given one, or
// ContentHash when none was given.
func sameArticle(got, want knowledge.Article) bool {
	hash := want.Hash
	if hash == "" {
		hash = want.ContentHash()
	}
	return got.ID == want.ID && got.Title == want.Title && got.Body == want.Body && got.Lang == want.Lang &&
		slices.Equal(got.Tags, want.Tags) && got.URL == want.URL && slices.Equal(got.Questions, want.Questions) &&
		got.Status == want.Status && got.Hash == hash && sameTime(got.UpdatedAt, want.UpdatedAt)
}

func assertArticles(t *testing.T, got, want []knowledge.Article) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("ListArticles returned %d articles, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if !sameArticle(got[i], want[i]) {
			t.Fatalf("article %d = %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func sampleArticles() []knowledge.Article {
	at := time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)
	return []knowledge.Article{
		{ID: "refunds", Title: "Refunds", Body: "# Refunds\n\nWithin **30 days**.", Lang: "en",
			Tags: []string{"billing", "money"}, URL: "https://help.example/refunds",
			Questions: []string{"Can I get my money back?", "how do refunds work"}, Status: knowledge.Published, UpdatedAt: at},
		{ID: "leverans", Title: "Leveranstid", Body: "Två till fem dagar. Åäö.", Lang: "sv",
			Questions: []string{"När kommer mitt paket?"}, Status: knowledge.Published, UpdatedAt: at},
		{ID: "draft-1", Title: "Work in progress", Body: "", Status: knowledge.Draft, Hash: "given-hash", UpdatedAt: at},
	}
}

func sortedByID(as []knowledge.Article) []knowledge.Article {
	as = slices.Clone(as)
	slices.SortFunc(as, func(a, b knowledge.Article) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return as
}

func testArticlesEmpty(t *testing.T, s knowledge.ArticleStore) {
	if got := list(t, s); len(got) != 0 {
		t.Fatalf("a new store lists %v", got)
	}
	save(t, s) // saving nothing is not an error
	if err := s.DeleteArticle(t.Context(), "missing"); err != nil {
		t.Fatalf("DeleteArticle of a missing id: %v", err)
	}
}

func testArticlesSaveAndList(t *testing.T, s knowledge.ArticleStore) {
	as := sampleArticles()
	save(t, s, as...)
	assertArticles(t, list(t, s), sortedByID(as))

	// A zero UpdatedAt becomes now.
	before := time.Now().Add(-time.Millisecond)
	save(t, s, knowledge.Article{ID: "zzz", Title: "Now", Status: knowledge.Draft})
	after := time.Now().Add(time.Millisecond)
	got := list(t, s)
	last := got[len(got)-1]
	if last.ID != "zzz" || last.UpdatedAt.Before(before) || last.UpdatedAt.After(after) {
		t.Fatalf("article saved without UpdatedAt = %+v, want UpdatedAt now", last)
	}
}

func testArticlesReplace(t *testing.T, s knowledge.ArticleStore) {
	as := sampleArticles()
	save(t, s, as...)
	changed := as[0]
	changed.Title = "Refunds and returns"
	changed.Tags = nil
	changed.Questions = append(slices.Clone(changed.Questions), "return policy")
	changed.Status = knowledge.Draft
	changed.UpdatedAt = changed.UpdatedAt.Add(time.Hour)
	save(t, s, changed)
	want := sortedByID([]knowledge.Article{changed, as[1], as[2]})
	assertArticles(t, list(t, s), want)
}

func testArticlesDelete(t *testing.T, s knowledge.ArticleStore) {
	as := sampleArticles()
	save(t, s, as...)
	if err := s.DeleteArticle(t.Context(), "refunds"); err != nil {
		t.Fatalf("DeleteArticle: %v", err)
	}
	if err := s.DeleteArticle(t.Context(), "refunds"); err != nil {
		t.Fatalf("DeleteArticle twice: %v", err)
	}
	assertArticles(t, list(t, s), sortedByID(as[1:]))
}

func testArticlesAllOrNothing(t *testing.T, s knowledge.ArticleStore) {
	as := sampleArticles()
	save(t, s, as[0])
	before := list(t, s)

	changed := as[0]
	changed.Title = "must not be saved"
	for name, bad := range map[string]knowledge.Article{
		"empty id":       {Title: "no id", Status: knowledge.Published},
		"unknown status": {ID: "bogus", Title: "bad status", Status: "retired"},
	} {
		// The bad article comes last: the ones before it were already
		// written when it fails, and must be undone.
		err := s.SaveArticles(t.Context(), []knowledge.Article{changed, as[1], bad})
		if err == nil {
			t.Fatalf("SaveArticles with an article with %s succeeded", name)
		}
		assertArticles(t, list(t, s), before)
	}
}

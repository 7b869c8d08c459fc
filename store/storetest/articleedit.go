package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

// EditorStore is a store the editors work in: its articles, their
// versions, and the conversations their use is counted from.
type EditorStore interface {
	store.Store
	knowledge.ArticleStore
	store.ArticleEditor
}

// RunArticleEditor runs the store.ArticleEditor conformance suite. open
// must return a new, empty store for each call and close it when t ends.
func RunArticleEditor(t *testing.T, open func(t *testing.T) EditorStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s EditorStore)
	}{
		{"VersionsAndOwner", testEditorVersions},
		{"Conflict", testEditorConflict},
		{"ImportIsAVersion", testEditorImportVersion},
		{"Query", testEditorQuery},
		{"Uses", testEditorUses},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

func saveVersion(t *testing.T, s EditorStore, a knowledge.Article, base int64, author string) store.ArticleRecord {
	t.Helper()
	r, err := s.SaveArticleVersion(t.Context(), a, base, author)
	if err != nil {
		t.Fatalf("SaveArticleVersion(%s, base %d): %v", a.ID, base, err)
	}
	return r
}

func testEditorVersions(t *testing.T, s EditorStore) {
	a := knowledge.Article{ID: "refunds", Title: "Refunds", Body: "One.", Lang: "en", Status: knowledge.Draft}
	r := saveVersion(t, s, a, 0, "u-ann")
	if r.Version != 1 || r.Owner != "u-ann" || r.Body != "One." {
		t.Fatalf("created = %+v, want version 1 owned by u-ann", r)
	}
	a.Body, a.Status = "Two.", knowledge.Published
	r = saveVersion(t, s, a, 1, "u-bo")
	if r.Version != 2 || r.Owner != "u-ann" || r.Status != knowledge.Published {
		t.Fatalf("updated = %+v, want version 2, owner still u-ann, published", r)
	}
	if vs, err := s.ArticleVersions(t.Context(), "refunds", 2, 10); err != nil || len(vs) != 1 || vs[0].Version != 1 {
		t.Fatalf("versions before 2 = %+v, %v; want version 1 alone", vs, err)
	}
	if vs, err := s.ArticleVersions(t.Context(), "refunds", 0, 1); err != nil || len(vs) != 1 || vs[0].Version != 2 {
		t.Fatalf("newest version = %+v, %v; want version 2 alone", vs, err)
	}
	vs, err := s.ArticleVersions(t.Context(), "refunds", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Version != 2 || vs[0].Author != "u-bo" || vs[0].Article.Body != "Two." ||
		vs[1].Version != 1 || vs[1].Author != "u-ann" || vs[1].Article.Body != "One." || vs[1].Article.Status != knowledge.Draft {
		t.Fatalf("versions = %+v, want 2 by u-bo (Two.) then 1 by u-ann (One.)", vs)
	}
	if got, err := s.ArticleRecord(t.Context(), "refunds"); err != nil || got.Version != 2 {
		t.Fatalf("ArticleRecord = %+v, %v; want version 2", got, err)
	}
	if _, err := s.ArticleRecord(t.Context(), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ArticleRecord(missing) = %v, want ErrNotFound", err)
	}
	if _, err := s.SaveArticleVersion(t.Context(), knowledge.Article{ID: "nope", Title: "x", Status: knowledge.Draft}, 3, "u"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("save of a missing article from base 3 = %v, want ErrNotFound", err)
	}
	if err := s.DeleteArticle(t.Context(), "refunds"); err != nil {
		t.Fatal(err)
	}
	if vs, _ := s.ArticleVersions(t.Context(), "refunds", 0, 100); len(vs) != 0 {
		t.Fatalf("versions after delete = %d, want none", len(vs))
	}
}

func testEditorConflict(t *testing.T, s EditorStore) {
	a := knowledge.Article{ID: "a", Title: "A", Body: "base", Status: knowledge.Draft}
	saveVersion(t, s, a, 0, "ann")
	a.Body = "first"
	saveVersion(t, s, a, 1, "ann")
	a.Body = "second"
	cur, err := s.SaveArticleVersion(t.Context(), a, 1, "bo")
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second save from the same base = %v, want ErrConflict", err)
	}
	if cur.Version != 2 || cur.Body != "first" {
		t.Fatalf("conflict returned %+v, want the current version 2 (first)", cur)
	}
	if _, err := s.SaveArticleVersion(t.Context(), knowledge.Article{ID: "a", Title: "again", Status: knowledge.Draft}, 0, "cy"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("create of an existing id = %v, want ErrConflict", err)
	}
	if r, _ := s.ArticleRecord(t.Context(), "a"); r.Body != "first" || r.Version != 2 {
		t.Fatalf("after the refused saves = %+v, want first at version 2", r)
	}
	if _, err := s.SaveArticleVersion(t.Context(), knowledge.Article{ID: "b", Title: "B", Status: "gone"}, 0, "cy"); err == nil {
		t.Fatal("a save with an unknown status succeeded")
	}
}

func testEditorImportVersion(t *testing.T, s EditorStore) {
	save(t, s, knowledge.Article{ID: "imp", Title: "Imported", Body: "v1", Status: knowledge.Published})
	r, err := s.ArticleRecord(t.Context(), "imp")
	if err != nil || r.Version != 1 || r.Owner != "" {
		t.Fatalf("imported = %+v, %v; want version 1 without owner", r, err)
	}
	save(t, s, knowledge.Article{ID: "imp", Title: "Imported", Body: "v2", Status: knowledge.Published})
	if _, err := s.SaveArticleVersion(t.Context(), knowledge.Article{ID: "imp", Title: "Edited", Status: knowledge.Published}, 1, "ann"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("an edit based on the version before a re-import = %v, want ErrConflict", err)
	}
}

func testEditorQuery(t *testing.T, s EditorStore) {
	saveVersion(t, s, knowledge.Article{ID: "a1", Title: "Refunds", Body: "Money back within 30 days.", Lang: "en", Tags: []string{"billing"}, Status: knowledge.Published}, 0, "ann")
	saveVersion(t, s, knowledge.Article{ID: "a2", Title: "Återbetalning", Body: "Pengar tillbaka.", Lang: "sv", Tags: []string{"billing", "sv"}, Status: knowledge.Draft}, 0, "bo")
	saveVersion(t, s, knowledge.Article{ID: "a3", Title: "Shipping", Body: "Parcels", Lang: "en", Questions: []string{"Where is my MONEY order?"}, Tags: []string{"bill"}, Status: knowledge.Archived}, 0, "ann")
	saveVersion(t, s, knowledge.Article{ID: "a4", Title: "100% sure", Body: "x", Status: knowledge.Draft}, 0, "ann")
	ids := func(q store.ArticleQuery) []string {
		rs, err := s.ArticleRecords(t.Context(), q)
		if err != nil {
			t.Fatalf("ArticleRecords(%+v): %v", q, err)
		}
		out := []string{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	for name, tc := range map[string]struct {
		q    store.ArticleQuery
		want []string
	}{
		"all":              {store.ArticleQuery{}, []string{"a1", "a2", "a3", "a4"}},
		"text in question": {store.ArticleQuery{Text: "money"}, []string{"a1", "a3"}},
		"every word":       {store.ArticleQuery{Text: "money DAYS"}, []string{"a1"}},
		"percent literal":  {store.ArticleQuery{Text: "0%"}, []string{"a4"}},
		"lang":             {store.ArticleQuery{Lang: "sv"}, []string{"a2"}},
		"tag exact":        {store.ArticleQuery{Tag: "bill"}, []string{"a3"}},
		"tag shared":       {store.ArticleQuery{Tag: "billing"}, []string{"a1", "a2"}},
		"status":           {store.ArticleQuery{Status: knowledge.Archived}, []string{"a3"}},
		"owner":            {store.ArticleQuery{Owner: "ann", Lang: "en"}, []string{"a1", "a3"}},
		"page 1":           {store.ArticleQuery{Limit: 2}, []string{"a1", "a2"}},
		"page 2":           {store.ArticleQuery{Limit: 2, After: "a2"}, []string{"a3", "a4"}},
	} {
		if got := ids(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
}

func testEditorUses(t *testing.T, s EditorStore) {
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Second)
	old := now.Add(-40 * 24 * time.Hour)
	add := func(conv string, m store.Message) {
		t.Helper()
		if _, _, err := s.AppendMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	event := func(conv, kind, data string, at time.Time) {
		t.Helper()
		if err := s.AddEvent(ctx, store.Event{ConversationID: conv, Kind: kind, Data: json.RawMessage(data), At: at}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"c1", "c2", "c3"} {
		if err := s.CreateConversation(ctx, store.Conversation{ID: id, State: store.StateBot, CreatedAt: old, UpdatedAt: old}); err != nil {
			t.Fatal(err)
		}
	}
	src := func(ids ...string) []store.Source {
		var out []store.Source
		for _, id := range ids {
			out = append(out, store.Source{ArticleID: id, Title: id})
		}
		return out
	}
	// c1: refunds answers (seq 2), thumbs up; shipping answers (seq 4),
	// thumbs down, then the conversation escalates (waiting, then human:
	// one escalation, charged to shipping, the latest answer).
	add("c1", store.Message{ConversationID: "c1", From: store.FromVisitor, Text: "q", At: now})
	add("c1", store.Message{ConversationID: "c1", From: store.FromBot, Text: "a", Sources: src("refunds"), At: now.Add(time.Second)})
	add("c1", store.Message{ConversationID: "c1", From: store.FromVisitor, Text: "q", At: now.Add(2 * time.Second)})
	add("c1", store.Message{ConversationID: "c1", From: store.FromBot, Text: "a", Sources: src("shipping"), At: now.Add(3 * time.Second)})
	event("c1", "feedback", `{"seq":2,"helpful":true}`, now.Add(4*time.Second))
	event("c1", "feedback", `{"seq":4,"helpful":false}`, now.Add(5*time.Second))
	event("c1", "state", `{"state":"waiting","reason":"negative_feedback"}`, now.Add(5*time.Second))
	event("c1", "state", `{"state":"human"}`, now.Add(6*time.Second))
	// c2: one answer naming two articles, escalated after.
	add("c2", store.Message{ConversationID: "c2", From: store.FromBot, Text: "a", Sources: src("refunds", "shipping"), At: now})
	event("c2", "state", `{"state":"waiting"}`, now.Add(time.Second))
	// c3: an answer from before the window counts for nothing.
	add("c3", store.Message{ConversationID: "c3", From: store.FromBot, Text: "a", Sources: src("refunds"), At: old})
	event("c3", "feedback", `{"seq":1,"helpful":false}`, old)
	event("c3", "state", `{"state":"waiting"}`, old)

	got, err := s.ArticleUses(ctx, now.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]store.ArticleUse{
		"refunds":  {Answers: 2, Helpful: 1, Escalated: 1},
		"shipping": {Answers: 2, Unhelpful: 1, Escalated: 2},
	}
	if len(got) != len(want) || got["refunds"] != want["refunds"] || got["shipping"] != want["shipping"] {
		t.Fatalf("uses = %+v, want %+v", got, want)
	}
}

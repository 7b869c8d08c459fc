package console

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/internal/apierr"
	"github.com/andon-chat/andon/store"
)

type editedBody struct {
	Article editedArticleJSON `json:"article"`
}

type editedList struct {
	Articles   []editedArticleJSON `json:"articles"`
	NextCursor string              `json:"next_cursor"`
}

func TestEditorArticleLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ed := e.login(t, auth.RoleEditor)
	ctx := context.Background()

	var created editedBody
	ed.must(t, "POST", "/api/editor/articles", map[string]any{
		"id": "zebra-care", "title": "Caring for zebras", "body": "Feed the zebra **twice** a day.", "lang": "en",
		"tags": []string{"animals"}, "questions": []string{"how often do I feed my zebra"},
	}, http.StatusCreated, &created)
	if c := created.Article; c.Version != 1 || c.Status != "draft" || c.Owner == "" {
		t.Fatalf("created = %+v, want a draft at version 1 with an owner", c)
	}
	// A draft answers no visitor.
	if rs, _ := e.kb.Search(ctx, "how often do I feed my zebra", 3); len(rs) > 0 && rs[0].ArticleID == "zebra-care" {
		t.Fatal("a draft was found by search")
	}

	// Publish: the knowledge base answers from it as soon as the save returns.
	var pub editedBody
	ed.must(t, "PUT", "/api/editor/articles/zebra-care", map[string]any{
		"base_version": 1, "title": "Caring for zebras", "body": "Feed the zebra **twice** a day.", "lang": "en",
		"tags": []string{"animals"}, "questions": []string{"how often do I feed my zebra"}, "status": "published",
	}, http.StatusOK, &pub)
	if pub.Article.Version != 2 || pub.Article.Status != "published" {
		t.Fatalf("published = %+v", pub.Article)
	}
	rs, err := e.kb.Search(ctx, "how often do I feed my zebra", 3)
	if err != nil || len(rs) == 0 || rs[0].ArticleID != "zebra-care" {
		t.Fatalf("after publishing, search = %+v, %v; want zebra-care first", rs, err)
	}

	// Two editors from version 2: the second one gets a conflict with both texts.
	other := e.login(t, auth.RoleAdmin)
	save := func(c *client, body string) (int, []byte) {
		return c.do(t, "PUT", "/api/editor/articles/zebra-care", map[string]any{
			"base_version": 2, "title": "Caring for zebras", "body": body, "status": "published",
		})
	}
	if st, raw := save(other, "Feed it three times."); st != http.StatusOK {
		t.Fatalf("first save: %d %s", st, raw)
	}
	st, raw := save(ed, "Feed it once.")
	checkError(t, "second save", st, raw, http.StatusConflict, apierr.CodeConflict)
	var conflict struct {
		Current editedArticleJSON `json:"current"`
		Yours   editedArticleJSON `json:"yours"`
	}
	if err := json.Unmarshal(raw, &conflict); err != nil {
		t.Fatal(err)
	}
	if conflict.Current.Body != "Feed it three times." || conflict.Current.Version != 3 || conflict.Yours.Body != "Feed it once." {
		t.Fatalf("conflict = %+v, want current (three times, v3) and yours (once)", conflict)
	}
	var got editedBody
	ed.must(t, "GET", "/api/editor/articles/zebra-care", nil, http.StatusOK, &got)
	if got.Article.Body != "Feed it three times." {
		t.Fatalf("after the conflict the article is %q: overwritten", got.Article.Body)
	}

	// Archive: kept, but no longer answering.
	ed.must(t, "POST", "/api/editor/articles/zebra-care/archive", map[string]any{"base_version": 3}, http.StatusOK, &got)
	if got.Article.Status != "archived" || got.Article.Version != 4 {
		t.Fatalf("archived = %+v", got.Article)
	}
	if rs, _ := e.kb.Search(ctx, "how often do I feed my zebra", 3); len(rs) > 0 && rs[0].ArticleID == "zebra-care" {
		t.Fatal("an archived article is still found")
	}
	vs, err := e.st.ArticleVersions(ctx, "zebra-care", 0, 100)
	if err != nil || len(vs) != 4 {
		t.Fatalf("versions = %d, %v; want 4", len(vs), err)
	}

	// Agents may not edit.
	e.login(t, auth.RoleAgent).wantError(t, "GET", "/api/editor/articles", nil, http.StatusForbidden, apierr.CodeForbidden)
}

func TestEditorArticleListFiltersPagesAndFigures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ed := e.login(t, auth.RoleEditor)
	for _, a := range []map[string]any{
		{"id": "e1", "title": "Shipping times", "body": "Parcels arrive in two days.", "lang": "en", "tags": []string{"shipping"}, "status": "published"},
		{"id": "s1", "title": "Leveranstider", "body": "Paket kommer om två dagar.", "lang": "sv", "tags": []string{"shipping"}},
	} {
		ed.must(t, "POST", "/api/editor/articles", a, http.StatusCreated, nil)
	}
	var l editedList
	ed.must(t, "GET", "/api/editor/articles?q=parcels+DAYS", nil, http.StatusOK, &l)
	if len(l.Articles) != 1 || l.Articles[0].ID != "e1" {
		t.Fatalf("text search = %+v", l.Articles)
	}
	ed.must(t, "GET", "/api/editor/articles?tag=shipping&lang=sv&status=draft", nil, http.StatusOK, &l)
	if len(l.Articles) != 1 || l.Articles[0].ID != "s1" {
		t.Fatalf("filters = %+v", l.Articles)
	}
	// Pages of 2 over e1, password, refunds, s1.
	var ids []string
	cursor := ""
	for range 5 {
		ed.must(t, "GET", "/api/editor/articles?limit=2&cursor="+cursor, nil, http.StatusOK, &l)
		for _, a := range l.Articles {
			ids = append(ids, a.ID)
		}
		if cursor = l.NextCursor; cursor == "" {
			break
		}
	}
	if strings.Join(ids, ",") != "e1,password,refunds,s1" {
		t.Fatalf("paged = %v", ids)
	}

	// Figures: a bot answer from refunds, thumbs down, then an escalation.
	ctx := context.Background()
	now := time.Now().UTC()
	if err := e.st.CreateConversation(ctx, store.Conversation{ID: "c-fig", State: store.StateBot, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.st.AppendMessage(ctx, store.Message{ConversationID: "c-fig", From: store.FromBot, Text: "Refunds take five days.",
		Sources: []store.Source{{ArticleID: "refunds", Title: "Refunds"}}, At: now}); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []store.Event{
		{ConversationID: "c-fig", Kind: "feedback", Data: json.RawMessage(`{"seq":1,"helpful":false}`), At: now},
		{ConversationID: "c-fig", Kind: "state", Data: json.RawMessage(`{"state":"waiting","reason":"negative_feedback"}`), At: now},
	} {
		if err := e.st.AddEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	ed.must(t, "GET", "/api/editor/articles?q=refunds", nil, http.StatusOK, &l)
	if len(l.Articles) != 1 || l.Articles[0].Uses == nil || *l.Articles[0].Uses != (store.ArticleUse{Answers: 1, Unhelpful: 1, Escalated: 1}) {
		t.Fatalf("figures = %+v", l.Articles)
	}
}

func TestEditorArticleBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ed := e.login(t, auth.RoleEditor)
	bad := apierr.CodeBadRequest
	for name, tc := range map[string]struct {
		method, path string
		body         any
		status       int
		code         string
	}{
		"no title":        {"POST", "/api/editor/articles", map[string]any{"body": "x"}, 400, bad},
		"bad id":          {"POST", "/api/editor/articles", map[string]any{"id": "../x", "title": "t"}, 400, bad},
		"bad status":      {"POST", "/api/editor/articles", map[string]any{"title": "t", "status": "gone"}, 400, bad},
		"bad lang":        {"POST", "/api/editor/articles", map[string]any{"title": "t", "lang": "de"}, 400, bad},
		"bad url":         {"POST", "/api/editor/articles", map[string]any{"title": "t", "url": "javascript:alert(1)"}, 400, bad},
		"empty question":  {"POST", "/api/editor/articles", map[string]any{"title": "t", "questions": []string{" "}}, 400, bad},
		"twice a tag":     {"POST", "/api/editor/articles", map[string]any{"title": "t", "tags": []string{"a", "A"}}, 400, bad},
		"unknown field":   {"POST", "/api/editor/articles", map[string]any{"title": "t", "colour": "red"}, 400, bad},
		"base on create":  {"POST", "/api/editor/articles", map[string]any{"title": "t", "base_version": 1}, 400, bad},
		"id exists":       {"POST", "/api/editor/articles", map[string]any{"id": "refunds", "title": "t"}, 409, apierr.CodeConflict},
		"body too big":    {"POST", "/api/editor/articles", map[string]any{"title": "t", "body": strings.Repeat("x", 50<<10)}, 400, bad},
		"no base":         {"PUT", "/api/editor/articles/refunds", map[string]any{"title": "t", "status": "draft"}, 400, bad},
		"missing article": {"PUT", "/api/editor/articles/nope", map[string]any{"title": "t", "status": "draft", "base_version": 1}, 404, apierr.CodeNotFound},
		"get missing":     {"GET", "/api/editor/articles/nope", nil, 404, apierr.CodeNotFound},
		"bad cursor":      {"GET", "/api/editor/articles?cursor=!!!", nil, 400, bad},
		"bad limit":       {"GET", "/api/editor/articles?limit=1000", nil, 400, bad},
		"bad list status": {"GET", "/api/editor/articles?status=old", nil, 400, bad},
	} {
		t.Run(name, func(t *testing.T) {
			ed.wantError(t, tc.method, tc.path, tc.body, tc.status, tc.code)
		})
	}
}

func TestEditorVersionsDiffAndRestore(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	ed := e.login(t, auth.RoleEditor)
	ctx := context.Background()
	ed.must(t, "POST", "/api/editor/articles", map[string]any{"id": "llama", "title": "Llama care",
		"body": "Brush the llama.\nFeed it hay.\n", "status": "published", "questions": []string{"how do I groom a llama"}}, http.StatusCreated, nil)
	ed.must(t, "PUT", "/api/editor/articles/llama", map[string]any{"base_version": 1, "title": "Alpaca care",
		"body": "Brush the alpaca.\nFeed it hay.\n", "status": "published", "questions": []string{"how do I groom an alpaca"}}, http.StatusOK, nil)

	var hist struct {
		Versions []versionJSON `json:"versions"`
		HasMore  bool          `json:"has_more"`
	}
	ed.must(t, "GET", "/api/editor/articles/llama/versions?limit=1", nil, http.StatusOK, &hist)
	if len(hist.Versions) != 1 || hist.Versions[0].Version != 2 || !hist.HasMore || hist.Versions[0].Author != ed.user.ID {
		t.Fatalf("first page of history = %+v", hist)
	}
	ed.must(t, "GET", "/api/editor/articles/llama/versions?before=2", nil, http.StatusOK, &hist)
	if len(hist.Versions) != 1 || hist.Versions[0].Article.Title != "Llama care" || hist.HasMore {
		t.Fatalf("second page of history = %+v", hist)
	}

	var diff struct {
		Lines []struct{ Op, Text string } `json:"lines"`
	}
	ed.must(t, "GET", "/api/editor/articles/llama/diff?from=1&to=2", nil, http.StatusOK, &diff)
	var got []string
	for _, l := range diff.Lines {
		if l.Op != "=" {
			got = append(got, l.Op+l.Text)
		}
	}
	want := "-title: Llama care,+title: Alpaca care,-question: how do I groom a llama,+question: how do I groom an alpaca,-Brush the llama.,+Brush the alpaca."
	if strings.Join(got, ",") != want {
		t.Fatalf("diff = %v, want %s", got, want)
	}
	ed.wantError(t, "GET", "/api/editor/articles/llama/diff?from=1&to=9", nil, http.StatusNotFound, apierr.CodeNotFound)
	ed.wantError(t, "GET", "/api/editor/articles/llama/diff?to=2", nil, http.StatusBadRequest, apierr.CodeBadRequest)

	// Restore version 1 as version 3: its text answers visitors again.
	var restored editedBody
	ed.must(t, "POST", "/api/editor/articles/llama/restore", map[string]any{"version": 1, "base_version": 2}, http.StatusOK, &restored)
	if restored.Article.Version != 3 || restored.Article.Title != "Llama care" {
		t.Fatalf("restored = %+v", restored.Article)
	}
	if rs, err := e.kb.Search(ctx, "how do I groom a llama", 1); err != nil || len(rs) == 0 || rs[0].ArticleID != "llama" || rs[0].Title != "Llama care" {
		t.Fatalf("search after restore = %+v, %v", rs, err)
	}
	// A restore from a stale base is a conflict too.
	st, raw := ed.do(t, "POST", "/api/editor/articles/llama/restore", map[string]any{"version": 2, "base_version": 2})
	checkError(t, "stale restore", st, raw, http.StatusConflict, apierr.CodeConflict)
	ed.wantError(t, "POST", "/api/editor/articles/llama/restore", map[string]any{"version": 7, "base_version": 3}, http.StatusNotFound, apierr.CodeNotFound)
	ed.wantError(t, "GET", "/api/editor/articles/nope/versions", nil, http.StatusNotFound, apierr.CodeNotFound)
}

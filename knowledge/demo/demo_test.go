package demo

import (
	"strings"
	"testing"

	"github.com/andon-chat/andon/knowledge"
)

func TestArticles(t *testing.T) {
	t.Parallel()
	arts, err := Articles()
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) < 24 {
		t.Errorf("%d articles, want at least 24", len(arts))
	}
	ids := map[string]bool{}
	topics := map[string]map[string]bool{} // topic -> languages
	perLang := map[string]int{}
	for _, a := range arts {
		if ids[a.ID] {
			t.Errorf("duplicate id %s", a.ID)
		}
		ids[a.ID] = true
		perLang[a.Lang]++
		lang, topic, ok := strings.Cut(a.ID, "/")
		if !ok || lang != a.Lang {
			t.Errorf("%s: id should be LANG/TOPIC with LANG = %q", a.ID, a.Lang)
		}
		if topics[topic] == nil {
			topics[topic] = map[string]bool{}
		}
		topics[topic][a.Lang] = true

		if a.Title == "" || a.Status != knowledge.Published || a.Hash != a.ContentHash() {
			t.Errorf("%s: title %q, status %q, hash set %v", a.ID, a.Title, a.Status, a.Hash == a.ContentHash())
		}
		if n := len(a.Questions); n < 3 || n > 6 {
			t.Errorf("%s: %d example questions, want 3 to 6", a.ID, n)
		}
		if len(a.Tags) == 0 {
			t.Errorf("%s: no tags", a.ID)
		}
		wantURL := "https://andon.example/docs/"
		if a.Lang == "sv" {
			wantURL = "https://andon.example/sv/docs/"
		}
		if a.URL != wantURL+topic {
			t.Errorf("%s: url %q, want %q", a.ID, a.URL, wantURL+topic)
		}
		if !strings.Contains(a.Body, "\n## ") && !strings.HasPrefix(a.Body, "## ") {
			t.Errorf("%s: body has no ## heading", a.ID)
		}
		if strings.Count(a.Body, "\n\n") < 2 {
			t.Errorf("%s: body should have a few paragraphs", a.ID)
		}
		// A cheap guard against an English article filed as Swedish.
		if a.Lang == "sv" && !strings.ContainsAny(a.Body, "åäö") {
			t.Errorf("%s: Swedish body without å, ä or ö", a.ID)
		}
	}
	if perLang["en"] < 12 || perLang["sv"] < 12 || len(perLang) != 2 {
		t.Errorf("articles per language %v, want at least 12 in en and sv and nothing else", perLang)
	}
	for topic, langs := range topics {
		if !langs["en"] || !langs["sv"] {
			t.Errorf("topic %s exists only in %v; every topic should be in both languages", topic, langs)
		}
	}
}

// The snippet visitors copy must be exactly the one the widget documents.
func TestWidgetSnippet(t *testing.T) {
	t.Parallel()
	arts, err := Articles()
	if err != nil {
		t.Fatal(err)
	}
	const snippet = `<script src="https://HOST/widget.js" data-site="SITE" async></script>`
	found := 0
	for _, a := range arts {
		if strings.Contains(a.Body, snippet) {
			found++
		}
	}
	if found != 2 {
		t.Errorf("the widget snippet is in %d articles, want 2 (en and sv install-widget)", found)
	}
}

// Parsing is deterministic: the same embedded files give the same hashes,
// so a restart never re-embeds the demo.
func TestArticlesAreStable(t *testing.T) {
	t.Parallel()
	a, err := Articles()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Articles()
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Hash != b[i].Hash {
			t.Errorf("article %d: %s/%s then %s/%s", i, a[i].ID, a[i].Hash, b[i].ID, b[i].Hash)
		}
	}
}

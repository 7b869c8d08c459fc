package ingest

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andon-chat/andon/knowledge"
	"github.com/pelletier/go-toml/v2"
)

// sample covers what a format must carry: both languages, tags, several
// questions, a draft, Markdown with headings, commas, quotes and new lines.
func sample() []knowledge.Article {
	return withHash(
		knowledge.Article{
			ID: "reset-password", Title: "Reset your password",
			Body: "## Steps\n\nOpen *Settings*, then \"Security\", and click Reset.\n\n- one, two\n- three",
			Lang: "en", Tags: []string{"account", "login"}, URL: "https://andon.example/docs/reset",
			Questions: []string{"How do I reset my password?", "forgot pasword"},
		},
		knowledge.Article{
			ID: "sv/aterstall-losenord", Title: "Återställ lösenordet",
			Body: "Gå till **Inställningar** och välj \"Säkerhet\".", Lang: "sv",
			Tags: []string{"konto"}, Questions: []string{"Hur återställer jag lösenordet?"},
			Status: knowledge.Draft,
		},
		knowledge.Article{ID: "plain", Title: "Plain", Body: "Just text."},
	)
}

func TestRoundTripJSONL(t *testing.T) {
	t.Parallel()
	want := sample()
	var b strings.Builder
	for _, a := range want {
		line, err := json.Marshal(a) // andon's own export shape, hash included
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteString("\n\n") // blank lines are allowed
	}
	got, err := Load(writeFile(t, t.TempDir(), "kb.jsonl", b.String()))
	if err != nil {
		t.Fatal(err)
	}
	sameArticles(t, got, want)
}

func TestRoundTripJSONArray(t *testing.T) {
	t.Parallel()
	want := sample()
	data, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(writeFile(t, t.TempDir(), "kb.json", string(data)))
	if err != nil {
		t.Fatal(err)
	}
	sameArticles(t, got, want)
}

// markdownFile renders an article the way an editor writes one.
func markdownFile(t *testing.T, a knowledge.Article, delim string) string {
	t.Helper()
	fm, err := toml.Marshal(frontMatter{
		ID: a.ID, Title: a.Title, Lang: a.Lang, Tags: a.Tags, Questions: a.Questions,
		URL: a.URL, Status: string(a.Status),
	})
	if err != nil {
		t.Fatal(err)
	}
	return delim + "\n" + string(fm) + delim + "\n\n" + a.Body + "\n"
}

func TestRoundTripMarkdownFolder(t *testing.T) {
	t.Parallel()
	want := sample()
	dir := t.TempDir()
	// Named so that lexical order is the sample's order; ids come from the
	// front matter, not the names.
	writeFile(t, dir, "a.md", markdownFile(t, want[0], "+++"))
	writeFile(t, dir, "b/c.md", markdownFile(t, want[1], "---"))
	writeFile(t, dir, "b/d.markdown", markdownFile(t, want[2], "+++"))
	writeFile(t, dir, "notes.txt", "not an article")
	writeFile(t, dir, ".obsidian/x.md", "hidden folders are skipped")
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	sameArticles(t, got, want)
}

func TestRoundTripCSV(t *testing.T) {
	t.Parallel()
	var want []knowledge.Article
	for _, a := range sample() {
		a.Questions = a.Questions[:min(1, len(a.Questions))] // one question per row
		if len(a.Questions) == 0 {
			a.Questions = []string{a.Title}
		}
		want = append(want, withHash(a)...)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"id", "Question", "answer", "title", "url", "lang", "tags", "status"})
	for _, a := range want {
		w.Write([]string{a.ID, a.Questions[0], a.Body, a.Title, a.URL, a.Lang, strings.Join(a.Tags, "; "), string(a.Status)})
	}
	w.Flush()
	got, err := Load(writeFile(t, t.TempDir(), "faq.csv", b.String()))
	if err != nil {
		t.Fatal(err)
	}
	sameArticles(t, got, want)
}

func TestCSVDefaults(t *testing.T) {
	t.Parallel()
	got, err := Load(writeFile(t, t.TempDir(), "faq.csv",
		"question,answer,tags\nHow much does it cost?,Nothing: it is open source.,pricing|licence\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := withHash(knowledge.Article{
		ID: questionID("How much does it cost?"), Title: "How much does it cost?",
		Body: "Nothing: it is open source.", Tags: []string{"pricing", "licence"},
		Questions: []string{"How much does it cost?"},
	})
	sameArticles(t, got, want)
	if !strings.HasPrefix(got[0].ID, "how-much-does-it-cost-") {
		t.Errorf("derived id %q should start with the question's slug", got[0].ID)
	}
}

func TestLoadFS(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"kb/en/Reset Password.md": {Data: []byte("+++\nlang = \"en-GB\"\n+++\n# Reset your password\n\nClick reset.\n")},
		"kb/sv/Återställ.md":      {Data: []byte("# Återställ lösenordet ##\n\nKlicka.\n")},
	}
	got, err := LoadFS(fsys, "kb")
	if err != nil {
		t.Fatal(err)
	}
	want := withHash(
		knowledge.Article{ID: "en/reset-password", Title: "Reset your password", Body: "# Reset your password\n\nClick reset.", Lang: "en"},
		knowledge.Article{ID: "sv/aterstall", Title: "Återställ lösenordet", Body: "# Återställ lösenordet ##\n\nKlicka."},
	)
	sameArticles(t, got, want)

	one, err := LoadFS(fsys, "kb/sv/Återställ.md")
	if err != nil {
		t.Fatal(err)
	}
	if one[0].ID != "aterstall" {
		t.Errorf("single file id = %q, want aterstall", one[0].ID)
	}
}

func TestMarkdownTitleSkipsCodeFences(t *testing.T) {
	t.Parallel()
	body := "Intro.\n\n```sh\n# not a title\n```\n\n# The title\n\nText."
	got, err := Load(writeFile(t, t.TempDir(), "x.md", body))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Title != "The title" || got[0].Body != body || got[0].ID != "x" {
		t.Errorf("got %#v", got[0])
	}
}

func TestCSVWithSemicolons(t *testing.T) {
	t.Parallel()
	// As a Swedish spreadsheet program saves it: semicolons, BOM, CRLF.
	content := "\xef\xbb\xbfquestion;answer;tags\r\nVad kostar det?;\"Inget; det är öppen källkod.\";pris|licens\r\n"
	got, err := Load(writeFile(t, t.TempDir(), "faq.csv", content))
	if err != nil {
		t.Fatal(err)
	}
	want := withHash(knowledge.Article{
		ID: questionID("Vad kostar det?"), Title: "Vad kostar det?", Body: "Inget; det är öppen källkod.",
		Tags: []string{"pris", "licens"}, Questions: []string{"Vad kostar det?"},
	})
	sameArticles(t, got, want)
}

func TestDefaultID(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Reset Password.md":          "reset-password",
		"sv/Återställ lösenord.md":   "sv/aterstall-losenord",
		"a/b/c.markdown":             "a/b/c",
		"FAQ (2024)/Q&A #1.md":       "faq-2024/q-a-1",
		"Часто задаваемые/Вопрос.md": "",
	} {
		got := defaultID(in)
		if want == "" {
			// Scripts slugify drops still give a stable, distinct id.
			if !strings.HasPrefix(got, "x-") || got != defaultID(in) || got == defaultID("Другой/Вопрос.md") {
				t.Errorf("defaultID(%q) = %q", in, got)
			}
			continue
		}
		if got != want {
			t.Errorf("defaultID(%q) = %q, want %q", in, got, want)
		}
	}
}

package ingest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/andon-chat/andon/knowledge"
)

func TestLabelledExamplesBecomeOneArticlePerLabel(t *testing.T) {
	t.Parallel()
	csvFile := "text,label,domain\n" +
		"I am still waiting on my card?,card_arrival,cards\n" +
		"what's the weather on mars,oos,\n" +
		"How do I top up?,top_up,money\n" +
		"When will my card arrive?,card_arrival,cards\n" +
		"I am still waiting on my card?,card_arrival,cards\n" + // duplicate text: kept once
		"\"Hur fyller jag på mitt konto, och vad kostar det?\",påfyllning-sv,money\n" +
		"Varför har inte kortet kommit än?,påfyllning-sv,money\n"
	jsonlFile := `{"text":"I am still waiting on my card?","label":"card_arrival","extra":[1,2]}
{"text":"what's the weather on mars","label":"oos"}
{"text":"How do I top up?","label":"top_up"}
{"text":"When will my card arrive?","label":"card_arrival"}
{"text":"I am still waiting on my card?","label":"card_arrival"}
{"text":"Hur fyller jag på mitt konto, och vad kostar det?","label":"påfyllning-sv"}
{"text":"Varför har inte kortet kommit än?","label":"påfyllning-sv"}
`
	want := withHash(
		knowledge.Article{ID: "card_arrival", Title: "Card arrival", Body: "Card arrival.", Lang: "en",
			Questions: []string{"I am still waiting on my card?", "When will my card arrive?"}},
		knowledge.Article{ID: "top_up", Title: "Top up", Body: "Top up.", Lang: "en", Questions: []string{"How do I top up?"}},
		knowledge.Article{ID: "påfyllning-sv", Title: "Påfyllning sv", Body: "Påfyllning sv.", Lang: "sv",
			Questions: []string{"Hur fyller jag på mitt konto, och vad kostar det?", "Varför har inte kortet kommit än?"}},
	)
	for name, content := range map[string]string{"ex.csv": csvFile, "ex.jsonl": jsonlFile} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := writeFile(t, t.TempDir(), name, content)
			got, err := Load(p)
			if err != nil {
				t.Fatal(err)
			}
			sameArticles(t, got, want)

			ex, err := ReadExamples(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(ex) != 7 {
				t.Fatalf("ReadExamples: %d examples, want 7 (oos and duplicates included)", len(ex))
			}
			wantLine := 3
			if strings.HasSuffix(name, ".jsonl") {
				wantLine = 2
			}
			if ex[1] != (Example{Text: "what's the weather on mars", Label: OOS, Line: wantLine}) {
				t.Errorf("oos example = %#v", ex[1])
			}
		})
	}
}

func TestReadExamples(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	want := []Example{{"Hur återställer jag lösenordet?", "reset", 2}, {"is it free", "pricing", 3}}
	for _, p := range []string{
		writeFile(t, dir, "q.csv", "\xef\xbb\xbfText,Label\r\nHur återställer jag lösenordet?,reset\r\nis it free,pricing\r\n"),
		writeFile(t, dir, "q.jsonl", "\n{\"text\":\"Hur återställer jag lösenordet?\",\"label\":\"reset\"}\n{\"label\":\"pricing\",\"text\":\" is it free \",\"source\":\"chat\"}\n"),
		writeFile(t, dir, "q.json", "[\n{\"text\":\"Hur återställer jag lösenordet?\",\"label\":\"reset\"},\n{\"text\":\"is it free\",\"label\":\"pricing\"}]"),
	} {
		got, err := ReadExamples(p)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", p, got, want)
		}
	}

	bad := []struct{ file, content, want string }{
		{"a.csv", "question,answer\nq,a\n", "a.csv:1: text: required column is missing from the header"},
		{"a.jsonl", "{\"id\":\"a\",\"body\":\"b\"}\n", `a.jsonl:1: not labelled examples: each line needs "text" and "label"`},
		{"a.csv", "text,label\nq,\n", "a.csv:2: label: is empty"},
		{"a.md", "# x\n", "a.md: unknown format for labelled examples: use .csv (text,label) or .jsonl"},
		{"a.csv", "", "a.csv: file is empty"},
	}
	for _, tt := range bad {
		got, err := ReadExamples(writeFile(t, t.TempDir(), tt.file, tt.content))
		if err == nil || got != nil {
			t.Errorf("%q: got %v, %v; want an error", tt.content, got, err)
			continue
		}
		if p := problems(t, err); p[0] != tt.want {
			t.Errorf("%q: first problem %q, want %q", tt.content, p[0], tt.want)
		}
	}
}

func TestReadableLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"card_arrival":           "Card arrival",
		"reset-password":         "Reset password",
		"translate":              "Translate",
		"vg00_a09":               "Vg00 a09",
		"återställ__lösenord":    "Återställ lösenord",
		"Already Readable Title": "Already Readable Title",
	} {
		if got := readableLabel(in); got != want {
			t.Errorf("readableLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDetectLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		texts []string
		want  string
	}{
		{[]string{"How do I reset my password?"}, "en"},
		{[]string{"Hur återställer jag lösenordet?"}, "sv"},
		{[]string{"what is the weather"}, "en"},
		{[]string{"Kan barn samtycka till vaccinering?"}, "sv"},
		{[]string{"ok"}, ""},              // too little to tell
		{[]string{"password reset"}, ""},  // no function words
		{[]string{"is it", "är det"}, ""}, // mixed
		{[]string{"Vem får ordinera vaccin?"}, "sv"},
	}
	for _, tt := range tests {
		if got := detectLang(tt.texts); got != tt.want {
			t.Errorf("detectLang(%q) = %q, want %q", tt.texts, got, tt.want)
		}
	}
}

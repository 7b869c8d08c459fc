package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/andon-chat/andon/knowledge"
)

func TestPlainText(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"Open **Settings** and _then_ `Security`.", "Open Settings and then Security."},
		{"See [the guide](https://example.com/guide).", "See the guide (https://example.com/guide)."},
		{"Go to <https://example.com>.", "Go to https://example.com."},
		{"[https://x.se](https://x.se)", "https://x.se"},
		{"## Steps\n\n* one\n* two\n+ three", "Steps\n\n- one\n- two\n- three"},
		{"> quoted\ntext", "quoted\ntext"},
		{"intro\n\n> quoted", "intro\n\nquoted"},
		{"above\n\n---\n\nbelow", "above\n\nbelow"},
		{"![logo](logo.png) Welcome", "logo Welcome"},
		{"```\ncode here\n```", "code here"},
		{"a<br>b <b>bold</b>", "ab bold"},
		{"snake_case_name stays", "snake_case_name stays"},
		{"2 * 3 * 4", "2 * 3 * 4"},
		{"line\n\n\n\nnext", "line\n\nnext"},
		// hard-wrapped paragraphs and list items are joined; blocks are not
		{"Wait a few\nminutes and try again.", "Wait a few minutes and try again."},
		{"## Steps\nOpen the\nconsole.", "Steps\nOpen the console."},
		{"- one that\n  wraps\n- two", "- one that wraps\n- two"},
		{"1. first\n2. second", "1. first\n2. second"},
		{"```\nkeep\nlines\n```", "keep\nlines"},
		{"| a | b |\n| c | d |", "| a | b |\n| c | d |"},
	}
	for _, c := range cases {
		if got := plainText(c.in); got != c.want {
			t.Errorf("plainText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestBestPassage(t *testing.T) {
	t.Parallel()
	short := "Open Settings. Click Reset."
	if got := bestPassage(short, "reset", 600); got != short {
		t.Errorf("short text changed: %q", got)
	}
	var b strings.Builder
	for i := range 30 {
		if i == 17 {
			b.WriteString("Refunds are paid back to the original card within five working days. ")
			continue
		}
		b.WriteString("This sentence talks about something else entirely, like shipping. ")
	}
	got := bestPassage(b.String(), "when do I get my refund paid back", 600)
	if !strings.Contains(got, "Refunds are paid back") {
		t.Errorf("passage misses the relevant sentence: %q", got)
	}
	if n := utf8.RuneCountInString(got); n > 610 {
		t.Errorf("passage has %d characters", n)
	}
	if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") {
		t.Errorf("cut passage not marked: %q", got)
	}
}

func TestComposeAnswer(t *testing.T) {
	t.Parallel()
	r := knowledge.Result{Title: "Öppettider", Lang: "sv", Chunk: "Vi har **öppet** måndag till fredag."}
	reply, lang := composeAnswer("en", "opening hours?", r)
	if lang != "sv" || !strings.HasPrefix(reply, Say("sv", KeyAnswerLead)) || !strings.Contains(reply, "Vi har öppet måndag") {
		t.Errorf("composeAnswer = %q, %s", reply, lang)
	}
	// no body: the title is the answer, in the visitor's language
	reply, lang = composeAnswer("en", "card arrival", knowledge.Result{Title: "Card arrival"})
	if lang != "en" || !strings.HasSuffix(reply, "Card arrival") {
		t.Errorf("composeAnswer without chunk = %q, %s", reply, lang)
	}
	if got := composeClarify("sv", []string{"A", "B"}); got != Say("sv", KeyClarify)+"\n- A\n- B" {
		t.Errorf("composeClarify = %q", got)
	}
}

package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/andon-chat/andon/knowledge"
)

func TestAnswerMarkdown(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		// Markdown stays for the widget to render
		{"Open **Settings** and _then_ `Security`.", "Open **Settings** and _then_ `Security`."},
		{"See [the guide](https://example.com/guide).", "See [the guide](https://example.com/guide)."},
		{"## Steps\n\n* one\n* two", "## Steps\n\n* one\n* two"},
		{"![logo](logo.png) Welcome", "logo Welcome"},
		{"a<br>b <b>bold</b>", "ab bold"},
		{"line\n\n\n\nnext", "line\n\nnext"},
		// code keeps its HTML, its lines and its images, exactly
		{"just before the closing `</body>` tag:\n\n```html\n<script src=\"/widget.js\" async></script>\n```",
			"just before the closing `</body>` tag:\n\n```html\n<script src=\"/widget.js\" async></script>\n```"},
		{"``a `<b>` c`` and <i>x</i>", "``a `<b>` c`` and x"},
		{"~~~\n![x](y.png)\n\n\n<br>\n~~~", "~~~\n![x](y.png)\n\n\n<br>\n~~~"},
		{"an ` alone <b>x</b>", "an ` alone x"},
		// hard-wrapped paragraphs and list items are joined; blocks are not
		{"Wait a few\nminutes and try again.", "Wait a few minutes and try again."},
		{"## Steps\nOpen the\nconsole.", "## Steps\nOpen the console."},
		{"- one that\n  wraps\n- two", "- one that wraps\n- two"},
		{"```\nkeep\nlines\n```", "```\nkeep\nlines\n```"},
		{"| a | b |\n| c | d |", "| a | b |\n| c | d |"},
	}
	for _, c := range cases {
		if got := answerMarkdown(c.in); got != c.want {
			t.Errorf("answerMarkdown(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestLongAnswerKeepsCodeWhole: the passage around a long article's code
// block quotes the block whole, and a cut never leaves a fence or a code
// span open (the widget would show the rest of the answer as code).
func TestLongAnswerKeepsCodeWhole(t *testing.T) {
	t.Parallel()
	filler := strings.Repeat("Our widget works on every page of your site and loads quickly. ", 8)
	snippet := "```html\n<script src=\"https://chat.example.com/widget.js\" data-site=\"shop\" async></script>\n```"
	md := filler + "\n\nPaste the tag just before the closing `</body>` tag of your website to install the widget:\n\n" + snippet + "\n\n" + filler
	got := bestPassage(answerMarkdown(md), "How do I install the widget on my website?", 600)
	if !strings.Contains(got, "`</body>`") || !strings.Contains(got, snippet) {
		t.Fatalf("passage lost the code: %q", got)
	}
	if strings.Count(got, "```")%2 != 0 {
		t.Errorf("passage leaves a fence open: %q", got)
	}

	long := "```\n" + strings.Repeat("line of code that is long\n", 40) + "```"
	cut := cutMarkdown(long, 300)
	if !strings.HasSuffix(cut, "long\n```") || strings.Count(cut, "```") != 2 {
		t.Errorf("cut inside a code block: %q", cut)
	}
	if got := cutMarkdown("```\nab", 4); got != "" {
		t.Errorf("a cut right after the fence keeps an empty block: %q", got)
	}
	if got := cutMarkdown("Run `make install` now", 12); got != "Run" {
		t.Errorf("cut inside a code span = %q", got)
	}
	if got := cutMarkdown("Run `make` and then more", 14); got != "Run `make` and" {
		t.Errorf("cut after a closed span = %q", got)
	}
	if got := splitSentences("Type `a. B` here. Then go."); len(got) != 2 {
		t.Errorf("split inside a code span: %q", got)
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
	if lang != "sv" || reply != "Från ”Öppettider”:\n\nVi har **öppet** måndag till fredag." {
		t.Errorf("composeAnswer = %q, %s", reply, lang)
	}
	r = knowledge.Result{Title: "Installing the *widget*", Lang: "en", Chunk: "Paste `<script src=x>` there."}
	if reply, _ = composeAnswer("sv", "install", r); reply != "From “Installing the \\*widget\\*”:\n\nPaste `<script src=x>` there." {
		t.Errorf("composeAnswer = %q", reply)
	}
	// no body: the title is the answer, in the visitor's language
	reply, lang = composeAnswer("en", "card arrival", knowledge.Result{Title: "Card arrival"})
	if lang != "en" || !strings.HasSuffix(reply, "Card arrival") {
		t.Errorf("composeAnswer without chunk = %q, %s", reply, lang)
	}
	if got := composeClarify("sv", []string{"A", "B_c"}); got != Say("sv", KeyClarify)+"\n- A\n- B\\_c" {
		t.Errorf("composeClarify = %q", got)
	}
}

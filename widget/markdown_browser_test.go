package widget

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/knowledge"
)

// hostileArticle tries every way an article could smuggle script into the
// widget: raw tags, an onerror attribute, javascript: and data: links, a
// javascript: image and autolink. Each would set window.__pwned.
const hostileArticle = "Install it **now**: paste `<script>window.__pwned=1</script>` into _your_ page:\n\n" +
	"```html\n<script>window.__pwned=2</script>\n<img src=x onerror=\"window.__pwned=3\">\n```\n\n" +
	"- [the guide](https://example.com/guide)\n" +
	"- [a trap](javascript:window.__pwned=4) and [another](JaVaScRiPt:window.__pwned=5)\n" +
	"- [data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD02PC9zY3JpcHQ+) and <javascript:window.__pwned=7>\n" +
	"- <img src=x onerror=\"window.__pwned=8\"> ![pic](javascript:window.__pwned=9) [mail us](mailto:help@example.com)\n"

// articleRetriever finds one article for every question, surely.
type articleRetriever struct{ r knowledge.Result }

func (a articleRetriever) Search(context.Context, string, int) ([]knowledge.Result, error) {
	return []knowledge.Result{a.r}, nil
}

// TestBrowserHostileArticleRunsNothing: the real bot answers from a hostile
// article and the widget renders its Markdown: bold, italics, a list, code
// and the safe links appear, the script and HTML show as the literal text
// of the code, and nothing runs, links to javascript: or data: included.
func TestBrowserHostileArticleRunsNothing(t *testing.T) {
	t.Parallel()
	browserPath(t)
	b0, err := bot.New(bot.Options{Retriever: articleRetriever{knowledge.Result{
		ArticleID: "en/hostile", Title: "Installing the <b>widget</b>", Lang: "en", URL: "https://example.com/install",
		Chunk: hostileArticle, Score: 1, Lexical: 1, Vector: 1, Intent: 1,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, Options{}, b0)
	b := browser(t)
	if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the launcher", shadow+`.querySelector('.launcher')`)
	if err := chromedp.Do(b, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.launcher')`))); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the composer", `!`+shadow+`.querySelector('.panel').hidden`)
	if err := chromedp.Do(b, chromedp.SendKeys(chromedp.JSPath(shadow+`.querySelector('textarea')`), "How do I install the widget on my website?"),
		chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.snd')`))); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the answer", shadow+`.querySelector('.m.bot .b pre')`)
	until(b, t, "the answer read aloud without Markdown marks",
		`(t => t.includes('Install it now: paste <script>') && !t.includes('**'))(`+shadow+`.querySelector('[aria-live=polite]').textContent)`)
	// Click every link the answer has, in case one runs script on click.
	for _, sel := range []string{`.m.bot .b a[href^="https:"]`, `.m.bot .b a[href^="mailto:"]`} {
		eval[bool](b, t, shadow+`.querySelector('`+sel+`').addEventListener('click', e => e.preventDefault()) || true`)
		if err := chromedp.Do(b, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('`+sel+`')`))); err != nil {
			t.Fatal(err)
		}
	}
	type view struct {
		Pwned, Lead, Pre, Code, Strong, Em, Items string
		Links                                     []string
		Tags                                      string
		Attrs                                     string
	}
	got := eval[view](b, t, `(() => {
		const b = `+shadow+`.querySelector('.m.bot .b'), all = [...b.querySelectorAll('*')];
		return {Pwned: String(window.__pwned), Lead: b.querySelector('p').textContent,
			Pre: b.querySelector('pre').textContent, Code: b.querySelector('p code').textContent,
			Strong: b.querySelector('strong').textContent, Em: b.querySelector('em').textContent,
			Items: String(b.querySelectorAll('ul > li').length),
			Links: [...b.querySelectorAll('a')].map(a => a.getAttribute('href') + ' ' + a.target + ' ' + a.rel),
			Tags: [...new Set(all.map(e => e.tagName.toLowerCase()))].sort().join(' '),
			Attrs: [...new Set(all.flatMap(e => [...e.attributes].map(a => a.name)))].sort().join(' ')};
	})()`)
	keepScreenshot(b, t, "hostile-article")
	want := view{
		Pwned: "undefined", Lead: "From “Installing the <b>widget</b>”:",
		Pre:  "<script>window.__pwned=2</script>\n<img src=x onerror=\"window.__pwned=3\">",
		Code: "<script>window.__pwned=1</script>", Strong: "now", Em: "your", Items: "4",
		Links: []string{"https://example.com/guide _blank noopener noreferrer nofollow", "mailto:help@example.com _blank noopener noreferrer nofollow"},
		Tags:  "a code em li p pre strong ul", Attrs: "href rel target",
	}
	if strings.Join(got.Links, "|") != strings.Join(want.Links, "|") || got.Pwned != want.Pwned || got.Lead != want.Lead ||
		got.Pre != want.Pre || got.Code != want.Code || got.Strong != want.Strong || got.Em != want.Em ||
		got.Items != want.Items || got.Tags != want.Tags || got.Attrs != want.Attrs {
		t.Errorf("the widget shows\n%+v\nwant\n%+v", got, want)
	}
	if text := eval[string](b, t, shadow+`.querySelector('.m.bot .b').textContent`); !strings.Contains(text, "a trap and another") ||
		strings.Contains(text, "Here's what I found") {
		t.Errorf("answer text: %q", text)
	}
}

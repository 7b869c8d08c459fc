package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// question is asked of the bundled demo knowledge base; the bot answers it
// with at least one source.
const question = "How do I reset my password?"

// answered waits until the message list holds an acknowledged visitor
// message with text and, after it, a bot answer with a source link.
func answered(ctx context.Context, t *testing.T, text string) (visitor, bot message) {
	t.Helper()
	waitFor(ctx, t, "the acknowledged question and the bot's answer with a source",
		`(() => { const lis = Array.from(`+root+`.querySelectorAll('.msgs > li'));
			const i = lis.findIndex(li => li.classList.contains('visitor') && li.dataset.seq && li.querySelector('.b').textContent === `+jsString(text)+`);
			return i >= 0 && lis.slice(i + 1).some(li => li.classList.contains('bot') && li.dataset.seq && li.querySelector('.src a')); })()`)
	ms := messages(ctx, t)
	for i, m := range ms {
		if m.From == "visitor" && m.Text == text {
			visitor = m
			for _, b := range ms[i+1:] {
				if b.From == "bot" && len(b.Sources) > 0 {
					return visitor, b
				}
			}
		}
	}
	t.Fatalf("no answer to %q in %+v", text, ms)
	return
}

// sameHistory compares what a visitor sees: who said what, in which order,
// under which seq.
func sameHistory(t *testing.T, got, want []message) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("history has %d messages, want %d:\ngot  %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.From != w.From || g.Text != w.Text || g.Seq != w.Seq || g.Pending || len(g.Sources) != len(w.Sources) {
			t.Errorf("message %d = %+v, want %+v", i, g, w)
		}
	}
}

// The demo page embeds the widget as a customer site would: a visitor opens
// it, asks, gets the bot's answer with its source, rates it, reloads the page
// and finds the conversation again, first from localStorage and then, with
// localStorage emptied but the token kept, from the server's replay.
func TestDemoPageAnswersAndKeepsHistory(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	srv := startServer(t)
	do(ctx, t, chromedp.Navigate(srv.URL+"/"))

	waitFor(ctx, t, "the launcher", root+`.querySelector('.launcher')`)
	if got := js[string](ctx, t, root+`.querySelector('.launcher').getAttribute('aria-expanded')`); got != "false" {
		t.Errorf("launcher aria-expanded = %q before opening, want false", got)
	}
	openWidget(ctx, t)
	if got := js[string](ctx, t, root+`.querySelector('.launcher').getAttribute('aria-expanded')`); got != "true" {
		t.Errorf("launcher aria-expanded = %q after opening, want true", got)
	}
	greeting := js[string](ctx, t, root+`.querySelector('[data-key=greeting] .b').textContent`)
	if greeting == "" {
		t.Error("no greeting from the site's configuration")
	}

	ask(ctx, t, question)
	visitor, bot := answered(ctx, t, question)
	if visitor.Seq <= 0 || visitor.Pending || visitor.ClientID == "" {
		t.Errorf("question not acknowledged: %+v", visitor)
	}
	if bot.Seq <= visitor.Seq {
		t.Errorf("answer seq %d is not after question seq %d", bot.Seq, visitor.Seq)
	}
	for _, s := range bot.Sources {
		if s.Title == "" || !(strings.HasPrefix(s.Href, "http://") || strings.HasPrefix(s.Href, "https://")) {
			t.Errorf("source %+v: want a title and an http(s) link", s)
		}
	}
	if got := js[string](ctx, t, root+`.querySelector('textarea').value`); got != "" {
		t.Errorf("composer holds %q after sending, want it empty", got)
	}
	waitFor(ctx, t, "the answer announced in the live region",
		root+`.querySelector('[aria-live=polite]').textContent.length > 0`)

	// Thumbs up on the answer.
	upSel := `li[data-seq="` + itoa(bot.Seq) + `"] .fb[data-helpful=true]`
	do(ctx, t, chromedp.Click(inWidget(upSel)))
	waitFor(ctx, t, "the thumbs-up pressed", root+`.querySelector(`+jsString(upSel)+`).getAttribute('aria-pressed') === 'true'`)
	screenshot(ctx, t, "demo-answer")
	before := messages(ctx, t)

	// Reload: history comes back at once from localStorage.
	do(ctx, t, chromedp.Reload())
	waitFor(ctx, t, "the history after a reload",
		root+`.querySelectorAll('.msgs > li[data-seq]').length >= `+itoa(len(before)))
	sameHistory(t, messages(ctx, t), before)
	if got := js[string](ctx, t, root+`.querySelector(`+jsString(upSel)+`).getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("thumbs-up after reload: aria-pressed = %q, want true", got)
	}

	// Forget the local copy but keep the token: the server replays it all.
	js[bool](ctx, t, `(() => { for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i);
		if (k.startsWith('andon:v1:')) { const s = JSON.parse(localStorage.getItem(k)); if (!s.token) continue;
		s.msgs = []; s.last = 0; localStorage.setItem(k, JSON.stringify(s)); } } return true; })()`)
	do(ctx, t, chromedp.Reload())
	waitFor(ctx, t, "the history replayed by the server",
		root+`.querySelectorAll('.msgs > li[data-seq]').length >= `+itoa(len(before)))
	sameHistory(t, messages(ctx, t), before)
	if !js[bool](ctx, t, root+`.querySelector('.panel').hidden === false`) {
		t.Error("panel did not stay open across the reload")
	}
	screenshot(ctx, t, "demo-history")
}

// A host page whose CSS forces every element inline, 40 px, hidden buttons
// and so on must still get a launcher and a panel of the widget's own size
// that work; and the widget adds no style to the page.
func TestWidgetSurvivesHostileCSS(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	srv := startServer(t)
	do(ctx, t, chromedp.Navigate(srv.URL+"/hostile.html"))
	waitFor(ctx, t, "the launcher", root+`.querySelector('.launcher')`)

	vw, vh := js[float64](ctx, t, `innerWidth`), js[float64](ctx, t, `innerHeight`)
	l := boxOf(ctx, t, ".launcher")
	if !l.Visible || l.W != 60 || l.H != 60 || l.Display != "flex" {
		t.Errorf("launcher on the hostile page = %+v, want a visible 60x60 flex button", l)
	}
	if l.X < 0 || l.Y < 0 || l.X+l.W > vw || l.Y+l.H > vh {
		t.Errorf("launcher %+v is outside the %vx%v viewport", l, vw, vh)
	}
	openWidget(ctx, t)
	p := boxOf(ctx, t, ".panel")
	if !p.Visible || p.W != 380 || p.H < 400 || p.Display != "flex" {
		t.Errorf("panel on the hostile page = %+v, want a visible 380 px wide flex column", p)
	}
	for sel, size := range map[string]string{"textarea": "15px", ".hd h2": "17px", "[data-key=greeting] .b": "15px"} {
		b := boxOf(ctx, t, sel)
		if !b.Visible || b.FontSize != size {
			t.Errorf("%s on the hostile page = %+v, want visible with font-size %s", sel, b, size)
		}
	}
	if n := js[int](ctx, t, `document.styleSheets.length`); n != 1 {
		t.Errorf("page has %d style sheets, want only its own 1: the widget must keep its styles in the shadow root", n)
	}
	ask(ctx, t, question)
	answered(ctx, t, question)
	if b := boxOf(ctx, t, ".snd"); !b.Visible || b.W != 42 {
		t.Errorf("send button on the hostile page = %+v, want visible and 42 px wide", b)
	}
	screenshot(ctx, t, "hostile-css")
}

// Keyboard only: Tab reaches the launcher, Enter opens the panel with the
// focus in the composer, Shift+Enter makes a new line, Enter sends, Escape
// closes and gives the focus back to the launcher with a visible outline.
func TestWidgetKeyboard(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	srv := startServer(t)
	do(ctx, t, chromedp.Navigate(srv.URL+"/"))
	waitFor(ctx, t, "the launcher", root+`.querySelector('.launcher')`)

	onLauncher := root + `.activeElement === ` + root + `.querySelector('.launcher')`
	for i := 0; i < 30 && !js[bool](ctx, t, onLauncher); i++ {
		do(ctx, t, chromedp.KeyEvent(kb.Tab))
	}
	if !js[bool](ctx, t, onLauncher) {
		t.Fatal("Tab never reached the launcher")
	}
	if label := js[string](ctx, t, root+`.querySelector('.launcher').getAttribute('aria-label')`); label == "" {
		t.Error("launcher has no aria-label")
	}
	do(ctx, t, chromedp.KeyEvent(kb.Enter))
	waitFor(ctx, t, "the panel open with the focus in the composer",
		`!`+root+`.querySelector('.panel').hidden && `+root+`.activeElement === `+root+`.querySelector('textarea')`)

	do(ctx, t, chromedp.KeyEvent("first line"),
		chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierShift)),
		chromedp.KeyEvent("second line"))
	if got := js[string](ctx, t, root+`.querySelector('textarea').value`); got != "first line\nsecond line" {
		t.Errorf("after Shift+Enter the composer holds %q, want two lines", got)
	}
	if n := js[int](ctx, t, root+`.querySelectorAll('.msgs > li.visitor').length`); n != 0 {
		t.Errorf("Shift+Enter sent a message (%d visitor messages)", n)
	}
	do(ctx, t, enterKey())
	waitFor(ctx, t, "the two-line message acknowledged",
		`Array.from(`+root+`.querySelectorAll('.msgs > li.visitor[data-seq] .b')).some(b => b.textContent === 'first line\nsecond line')`)

	do(ctx, t, escapeKey())
	waitFor(ctx, t, "the panel closed and the focus on the launcher",
		root+`.querySelector('.panel').hidden && `+onLauncher+` && document.activeElement === document.querySelector('andon-widget')`)
	if got := js[string](ctx, t, root+`.querySelector('.launcher').getAttribute('aria-expanded')`); got != "false" {
		t.Errorf("aria-expanded = %q after Escape, want false", got)
	}
	if outline := js[string](ctx, t, `getComputedStyle(`+root+`.querySelector('.launcher')).outlineStyle`); outline == "none" {
		t.Error("the focused launcher shows no outline")
	}
	screenshot(ctx, t, "keyboard-focus")
}

// On a 360 px wide phone the panel fills the screen and nothing scrolls
// sideways.
func TestWidgetOnPhone(t *testing.T) {
	ctx := newBrowser(t, 360, 740)
	srv := startServer(t)
	do(ctx, t, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(srv.URL+"/"))
	waitFor(ctx, t, "the launcher", root+`.querySelector('.launcher')`)
	screenshot(ctx, t, "phone-360-closed")
	openWidget(ctx, t)
	p := boxOf(ctx, t, ".panel")
	if !p.Visible || p.X != 0 || p.Y != 0 || p.W != 360 || p.H != 740 {
		t.Errorf("panel on a 360x740 phone = %+v, want the full screen", p)
	}
	ask(ctx, t, question)
	answered(ctx, t, question)
	if js[bool](ctx, t, `(() => { const r = `+root+`; return Array.from(r.querySelectorAll('.panel, .msgs, .comp, .state')).some(e => e.scrollWidth > e.clientWidth + 1); })()`) {
		t.Error("something in the panel scrolls sideways on a 360 px screen")
	}
	screenshot(ctx, t, "phone-360")
	do(ctx, t, chromedp.Click(inWidget(".x")))
	waitFor(ctx, t, "the panel closed and the launcher back", root+`.querySelector('.panel').hidden`)
	if l := boxOf(ctx, t, ".launcher"); !l.Visible {
		t.Errorf("launcher after closing on the phone = %+v, want visible", l)
	}
}

// Text is text: markup typed by a visitor shows as characters and creates
// no element; a URL becomes a link that opens in a new tab without referrer.
func TestMessagesAreTextNotHTML(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	srv := startServer(t)
	do(ctx, t, chromedp.Navigate(srv.URL+"/"))
	openWidget(ctx, t)
	const evil = `<img src=x onerror="window.__pwned=1"><b>bold</b> see https://example.com/a?b=1.`
	ask(ctx, t, evil)
	waitFor(ctx, t, "the message acknowledged",
		`Array.from(`+root+`.querySelectorAll('.msgs > li.visitor[data-seq] .b')).some(b => b.textContent === `+jsString(evil)+`)`)
	if n := js[int](ctx, t, root+`.querySelectorAll('.msgs img, .msgs b').length`); n != 0 {
		t.Errorf("%d elements were made from the visitor's markup", n)
	}
	if js[bool](ctx, t, `window.__pwned === 1`) {
		t.Error("the visitor's onerror handler ran")
	}
	type anchor struct{ Href, Text, Rel, Target string }
	links := js[[]anchor](ctx, t, `Array.from(`+root+`.querySelectorAll('.msgs > li.visitor .b a')).map(a => ({Href: a.href, Text: a.textContent, Rel: a.rel, Target: a.target}))`)
	want := anchor{Href: "https://example.com/a?b=1", Text: "https://example.com/a?b=1", Rel: "noopener noreferrer nofollow", Target: "_blank"}
	if len(links) != 1 || links[0] != want {
		t.Errorf("links = %+v, want [%+v]", links, want)
	}
}

// The widget speaks Swedish on a Swedish page, and installs from a script
// element added by another script.
func TestWidgetSpeaksSwedish(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	srv := startServer(t)
	do(ctx, t, chromedp.Navigate(srv.URL+"/healthz"))
	js[bool](ctx, t, `(() => { document.documentElement.lang = 'sv'; const s = document.createElement('script');
		s.src = '/widget.js'; s.async = true; s.dataset.site = 'default'; document.body.appendChild(s); return true; })()`)
	waitFor(ctx, t, "the launcher", root+`.querySelector('.launcher')`)
	if got := js[string](ctx, t, root+`.querySelector('.launcher').getAttribute('aria-label')`); got != "Öppna chatten" {
		t.Errorf("launcher label = %q, want Öppna chatten", got)
	}
	openWidget(ctx, t)
	if got := js[string](ctx, t, root+`.querySelector('textarea').placeholder`); got != "Skriv ett meddelande…" {
		t.Errorf("placeholder = %q, want Swedish", got)
	}
	if got := js[string](ctx, t, root+`.querySelector('.acts button').textContent`); got != "Prata med en människa" {
		t.Errorf("human button = %q, want Swedish", got)
	}
	// A Swedish question is answered in Swedish from the Swedish article,
	// quoting its main section.
	const fraga = "Hur återställer jag lösenordet?"
	ask(ctx, t, fraga)
	_, bot := answered(ctx, t, fraga)
	if !strings.HasPrefix(bot.Text, "Från ”Återställa lösenordet till konsolen”:") || !strings.Contains(bot.Text, "administratör") {
		t.Errorf("answer = %q, want the Swedish article's main section", bot.Text)
	}
	if len(bot.Sources) == 0 || !strings.Contains(bot.Sources[0].Href, "/sv/") {
		t.Errorf("sources = %+v, want the Swedish article", bot.Sources)
	}
	screenshot(ctx, t, "swedish-answer")
}

// The answer to "how do I install the widget" is the article's own words
// with its code: the lead names the article, `</body>` and the script tag
// show as code, and no "Here's what I found:" stands before it.
func TestInstallAnswerKeepsTheSnippet(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	srv := startServer(t)
	do(ctx, t, chromedp.Navigate(srv.URL+"/"))
	openWidget(ctx, t)
	const q = "How do I install the widget on my website?"
	ask(ctx, t, q)
	_, bot := answered(ctx, t, q)
	type view struct{ Lead, Code, Pre string }
	got := js[view](ctx, t, `(() => { const b = [...`+root+`.querySelectorAll('.msgs > li.bot[data-seq="`+itoa(bot.Seq)+`"] .b')].pop();
		return {Lead: b.querySelector('p').textContent, Code: [...b.querySelectorAll('p code')].map(c => c.textContent).join(' '),
			Pre: (b.querySelector('pre code') || {}).textContent || ''}; })()`)
	if got.Lead != "From “Adding the chat widget to your website”:" || !strings.HasPrefix(got.Code, "</body>") ||
		got.Pre != `<script src="https://HOST/widget.js" data-site="SITE" async></script>` {
		t.Errorf("answer shows %+v, want the article named, </body> and the script tag as code", got)
	}
	if strings.Contains(bot.Text, "Here's what I found") || js[int](ctx, t, root+`.querySelectorAll('.msgs script').length`) != 0 {
		t.Errorf("answer = %q", bot.Text)
	}
	screenshot(ctx, t, "install-answer")
}

func itoa(n int) string { return strconv.Itoa(n) }

package console

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// TestBrowserBotMarkdownInTranscript: the console draws a bot message's
// Markdown with the widget's renderer (bold, code, safe links) and nothing
// in it runs; the visitor's text stays plain text.
func TestBrowserBotMarkdownInTranscript(t *testing.T) {
	e := newEnv(t, envOptions{})
	email := "anna@example.com"
	if _, _, err := e.auth.AddUser(context.Background(), auth.NewUser{Email: email, Name: "Anna Berg", Role: auth.RoleAdmin, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	conv, err := e.hub.Start(bg, conversation.Visit{Site: "default", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	const hostile = "**bold** `<img src=x onerror=window.__pwned=1>` [trap](javascript:window.__pwned=2) [ok](https://example.com/ok) <svg onload=window.__pwned=3>"
	updates := conversation.NewQueue(64)
	defer e.hub.Subscribe(conv.ID, updates)()
	if _, _, err := e.hub.PostVisitorMessage(bg, conv.ID, "m1", hostile); err != nil {
		t.Fatal(err)
	}
	waitUpdate(t, updates, func(u *conversation.Update) bool {
		return u.Kind == conversation.KindMessage && u.Message.From == store.FromBot
	})
	if _, _, err := e.hub.PostVisitorMessage(bg, conv.ID, "m2", "billing: a person please"); err != nil {
		t.Fatal(err)
	}
	e.waitQueued(t, conv.ID)

	ctx := browser(t, 1280, 800)
	logIn(ctx, t, e, email)
	until(ctx, t, "the queue item", `document.querySelector('#queue-waiting li[data-id="`+conv.ID+`"] a')`)
	run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+conv.ID+`"] a`)))
	until(ctx, t, "the bot's answer", `document.querySelector('#transcript .from-bot .bubble strong')`)
	type view struct{ Strong, Code, Links, Visitor, Pwned, Tags string }
	got := eval[view](ctx, t, `(() => { const b = document.querySelector('#transcript .from-bot .bubble');
		return {Strong: b.querySelector('strong').textContent, Code: b.querySelector('code').textContent,
			Links: [...b.querySelectorAll('a')].map(a => a.getAttribute('href')).join(' '),
			Visitor: document.querySelector('#transcript .from-visitor .bubble').textContent, Pwned: String(window.__pwned),
			Tags: [...new Set([...b.querySelectorAll('*')].map(e => e.tagName.toLowerCase()))].sort().join(' ')}; })()`)
	want := view{Strong: "bold", Code: "<img src=x onerror=window.__pwned=1>", Links: "https://example.com/ok",
		Visitor: hostile, Pwned: "undefined", Tags: "a code p strong"}
	if got != want {
		t.Errorf("transcript shows\n%+v\nwant\n%+v", got, want)
	}
	if text := eval[string](ctx, t, `document.querySelector('#transcript .from-bot .bubble').textContent`); !strings.Contains(text, "<svg onload=window.__pwned=3>") {
		t.Errorf("bot bubble = %q, want the raw tag as text", text)
	}
	shot(ctx, t, "markdown-transcript")
}

package console

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/conversation"
)

// TestBrowserVisitorPresence shows the agent live whether the visitor is on
// the page, away or gone, and, with no mail server, that a gone visitor
// cannot be e-mailed; a reply to them tells where it waits.
func TestBrowserVisitorPresence(t *testing.T) {
	e, email, id := browserEnv(t)
	ctx := browser(t, 1280, 800)
	logIn(ctx, t, e, email)
	until(ctx, t, "the queue item", `document.querySelector('#queue-waiting li[data-id="`+id+`"]')`)
	run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+id+`"] a`)))
	badge := func(want string) {
		t.Helper()
		until(ctx, t, "presence "+want, `(document.querySelector('#visitor-presence') || {}).textContent === `+"`"+want+"`")
	}
	badge("Left: can’t be e-mailed; replies wait in the chat")

	tab := conversation.NewQueue(64)
	stop := e.hub.Subscribe(id, tab)
	badge("On the page")
	e.hub.SetVisible(id, tab, false)
	badge("Away: the page is hidden")
	shot(ctx, t, "presence-away")
	stop()
	badge("Left: can’t be e-mailed; replies wait in the chat")

	run(ctx, t, chromedp.Click(q("#claim")))
	until(ctx, t, "the reply box", `document.querySelector('#mode-reply') && !document.querySelector('#mode-reply').disabled && document.querySelector('#reply')`)
	run(ctx, t, chromedp.Click(q("#reply")), chromedp.SendKeys(q("#reply"), "Your refund is on its way."), key("Enter", "Enter", 13))
	until(ctx, t, "the note that the reply waits", `[...document.querySelectorAll('#transcript .note')].some(n => n.textContent.includes('can\'t be e-mailed'))`)
	shot(ctx, t, "presence-left-no-mail")
	if text := eval[string](ctx, t, `document.querySelector('#conv-head').textContent`); !strings.Contains(text, "Left") {
		t.Errorf("header: %q", text)
	}
}

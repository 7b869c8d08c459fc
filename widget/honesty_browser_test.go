package widget

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/store"
)

// TestBrowserNoMailKeepsTheReplyHere escalates with nobody on duty and no
// mail server: the widget never asks for an e-mail address nor promises
// one, says the reply waits in the chat, acknowledges a later question,
// and takes the visitor back to the bot on request. After the agent
// resolves, the text box stays usable and writing again reaches the bot.
func TestBrowserNoMailKeepsTheReplyHere(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t, Options{}, echoBot{})
	b := browser(t)
	if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the launcher", shadow+`.querySelector('.launcher')`)
	if err := chromedp.Do(b, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.launcher')`))); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the composer", `!`+shadow+`.querySelector('.panel').hidden`)
	send := func(text string) {
		t.Helper()
		if err := chromedp.Do(b, chromedp.SendKeys(chromedp.JSPath(shadow+`.querySelector('textarea')`), text),
			chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.snd')`))); err != nil {
			t.Fatal(err)
		}
	}
	panelText := func() string { return eval[string](b, t, shadow+`.querySelector('.panel').innerText`) }
	send("a billing question")
	until(b, t, "the escalation notice", shadow+`.querySelector('.panel').innerText.includes('the reply will wait in this chat')`)
	until(b, t, "the back-to-bot button", `[...`+shadow+`.querySelectorAll('.acts button')].some(x => !x.hidden && x.textContent === 'Ask the assistant meanwhile')`)
	text := panelText()
	if strings.Contains(strings.ToLower(text), "e-mail") || !eval[bool](b, t, shadow+`.querySelector('.state form').hidden`) {
		t.Errorf("without a mail server the widget speaks of e-mail or shows the form:\n%s", text)
	}
	keepScreenshot(b, t, "no-mail-waiting")

	send("are you there?")
	until(b, t, "the acknowledgement", shadow+`.querySelector('.panel').innerText.includes('Added to your conversation; the team will see it.')`)

	if err := chromedp.Do(b, chromedp.Click(chromedp.JSPath(`[...`+shadow+`.querySelectorAll('.acts button')].find(x => x.textContent === 'Ask the assistant meanwhile')`))); err != nil {
		t.Fatal(err)
	}
	until(b, t, "back with the bot", shadow+`.querySelector('.panel').innerText.includes('You keep your place in the queue')`)
	until(b, t, "the human button again", `[...`+shadow+`.querySelectorAll('.acts button')].some(x => !x.hidden && x.textContent === 'Talk to a person')`)
	send("opening hours")
	until(b, t, "the bot's answer", shadow+`.querySelector('.panel').innerText.includes('answer: opening hours')`)
	keepScreenshot(b, t, "no-mail-back-to-bot")

	// The agent resolves: "write again any time" must hold.
	cid := eval[string](b, t, `(() => { const k = Object.keys(localStorage).find(k => k.startsWith('andon:v1:') && !k.endsWith(':open')); return JSON.parse(localStorage.getItem(k)).cid; })()`)
	if _, err := e.hub.PostSystemMessage(context.Background(), cid, "Anna closed this conversation. Write again any time if you need more help."); err != nil {
		t.Fatal(err)
	}
	if err := e.hub.SetState(context.Background(), cid, store.StateClosed, "resolved"); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the closed state", shadow+`.querySelector('.panel').innerText.includes('This conversation is closed. Write below to continue it')`)
	if eval[bool](b, t, shadow+`.querySelector('textarea').disabled`) {
		t.Fatal("the text box is disabled after resolve")
	}
	keepScreenshot(b, t, "resolved-write-again")
	send("one more thing")
	until(b, t, "the bot's answer after resolve", shadow+`.querySelector('.panel').innerText.includes('answer: one more thing')`)
	if !strings.Contains(panelText(), "a billing question") {
		t.Error("the history is gone after writing again")
	}
}

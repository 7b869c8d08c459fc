package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/config"
)

// "Talk to a person" with nobody on duty and no mail server (the default):
// the visitor is never asked for an e-mail address nor promised one, and
// is told the reply waits in the chat. They leave; Anna claims and replies,
// and her console says plainly that the visitor is gone and cannot be
// mailed. The visitor comes back in the same browser and finds the reply.
func TestTalkToAPersonWhenNobodyIsOnDuty(t *testing.T) {
	srv, a := startHandoffServer(t)
	visitor := newBrowser(t, 1280, 900)
	do(visitor, t, chromedp.Navigate(srv.URL+"/"))
	openWidget(visitor, t)
	do(visitor, t, chromedp.Click(inWidget(".acts button")))
	waitFor(visitor, t, "the escalation notice", `[...`+root+`.querySelectorAll('.m.system .b')].some(b => /wait in this chat/.test(b.textContent))`)
	if got := js[string](visitor, t, `[...`+root+`.querySelectorAll('.m.system .b')].pop().textContent`); !strings.Contains(got, "Nobody") || strings.Contains(got, "e-mail") {
		t.Errorf("escalation notice = %q, want that nobody is online and no e-mail promised", got)
	}
	if !js[bool](visitor, t, root+`.querySelector('.state form').hidden`) || strings.Contains(js[string](visitor, t, root+`.querySelector('.panel').innerText`), "e-mail") {
		t.Error("the widget asks for an e-mail address without a mail server")
	}
	if js[bool](visitor, t, `[...`+root+`.querySelectorAll('.acts button')].some(b => !b.hidden && b.textContent === 'Talk to a person')`) {
		t.Error("the talk-to-a-person button is still offered while waiting for one")
	}
	screenshot(visitor, t, "nobody-on-duty")
	do(visitor, t, chromedp.Navigate("about:blank")) // the visitor leaves

	anna := newBrowser(t, 1280, 800)
	firstAdminSetup(anna, t, srv.URL+"/console/#setup="+fragmentToken(t, a.SetupLink()))
	waitFor(anna, t, "the queue item", `document.querySelector('#queue-waiting li[data-id] a')`)
	do(anna, t, chromedp.Click(onPage(`#queue-waiting li[data-id] a`)))
	waitFor(anna, t, "the visitor gone", `(document.querySelector('#visitor-presence') || {}).textContent === 'Left: can’t be e-mailed; replies wait in the chat'`)
	do(anna, t, chromedp.Click(onPage(`#claim`)))
	waitFor(anna, t, "the reply box", `document.querySelector('#reply') && !document.querySelector('#reply').disabled`)
	waitFor(anna, t, "Anna joined", `/Anna joined/.test(document.querySelector('#transcript').textContent)`)
	do(anna, t, chromedp.SendKeys(onPage(`#reply`), "Your refund is on its way."), pressKey("Enter", "Enter", 13, 0))
	waitFor(anna, t, "the sent reply", `[...document.querySelectorAll('#transcript .from-agent .bubble')].some(b => /refund is on its way/.test(b.textContent))`)
	waitFor(anna, t, "the note that the reply waits", `[...document.querySelectorAll('#transcript .note')].some(n => /can't be e-mailed/.test(n.textContent))`)
	screenshot(anna, t, "reply-to-a-gone-visitor")

	do(visitor, t, chromedp.Navigate(srv.URL+"/")) // the widget remembers it was open
	waitFor(visitor, t, "Anna's reply on return", `[...`+root+`.querySelectorAll('.m.agent .b')].some(b => /refund is on its way/.test(b.textContent))`)
	waitFor(anna, t, "the visitor back", `(document.querySelector('#visitor-presence') || {}).textContent === 'On the page'`)
	screenshot(visitor, t, "reply-waited-in-the-chat")
}

// Limits never eat text: a message over the site's limit is refused before
// sending and stays in the composer; messages faster than the rate limit
// come back into the composer with a notice, and every message ends up
// either acknowledged or back in the composer, once. The server of its own
// refills its bucket of ten about once in eleven days, so however slowly it
// takes the messages in, exactly ten are stored and two come back.
func TestLimitsKeepTheText(t *testing.T) {
	const burst = 10
	srv := startOwnServer(t, func(c *config.Config) {
		c.Limits.MessagesPerSecond, c.Limits.MessageBurst = 1e-6, burst
	})
	ctx := newBrowser(t, 1280, 900)
	do(ctx, t, chromedp.Navigate(srv.URL+"/"))
	openWidget(ctx, t)

	long := strings.Repeat("ä", 3000) // 6000 bytes, over the default 4096
	js[bool](ctx, t, root+`.querySelector('textarea').value = `+jsString(long)+`, true`)
	do(ctx, t, chromedp.Focus(inWidget("textarea")), enterKey())
	waitFor(ctx, t, "the too-long notice", `!`+root+`.querySelector('.notice').hidden`)
	if got := js[string](ctx, t, root+`.querySelector('.notice').textContent`); got != "Message is too long." {
		t.Errorf("notice = %q", got)
	}
	if got := js[string](ctx, t, root+`.querySelector('textarea').value`); got != long {
		t.Errorf("composer lost the long text (now %d chars)", len(got))
	}
	if n := len(messages(ctx, t)); n != 0 {
		t.Errorf("%d messages after a refused one, want 0", n)
	}

	js[bool](ctx, t, root+`.querySelector('textarea').value = '', true`)
	// Twelve messages sent within one script run, two more than the bucket.
	var sent []string
	for i := 0; i < 12; i++ {
		sent = append(sent, "quick "+itoa(i))
	}
	js[bool](ctx, t, `(() => {
		const ta = `+root+`.querySelector('textarea');
		for (const text of `+jsStrings(sent)+`) {
			ta.value = text;
			ta.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
		}
		return true;
	})()`)
	waitFor(ctx, t, "the rate-limit notice", `/too fast/.test(`+root+`.querySelector('.notice').textContent)`)
	waitFor(ctx, t, "nothing pending", `!`+root+`.querySelector('.msgs > li.pending')`)
	screenshot(ctx, t, "rate-limited")
	// A refused message goes back into the composer above what is being
	// typed, so the next Enter may send several lines at once: count lines.
	composer := js[string](ctx, t, root+`.querySelector('textarea').value`)
	seen := map[string]int{}
	for _, line := range strings.Split(composer, "\n") {
		seen[line]++
	}
	back := len(strings.Fields(composer)) / 2
	acked := 0
	for _, m := range messages(ctx, t) {
		if m.From == "visitor" && m.Seq > 0 {
			acked++
			for _, line := range strings.Split(m.Text, "\n") {
				seen[line]++
			}
		}
	}
	for _, text := range sent {
		if seen[text] != 1 {
			t.Errorf("%q is %d times in the acknowledged messages and the composer, want once", text, seen[text])
		}
	}
	if t.Failed() {
		t.Logf("composer %q; messages %+v", composer, messages(ctx, t))
	}
	if acked != burst {
		t.Errorf("%d messages acknowledged, want %d", acked, burst)
	}
	if back != len(sent)-burst {
		t.Errorf("%d messages came back into the composer, want %d (the bucket holds %d)", back, len(sent)-burst, burst)
	}
}

// jsStrings is a JavaScript array literal of the strings.
func jsStrings(ss []string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = jsString(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// "Talk to a person" with nobody on duty: the state line says so honestly
// and asks for an e-mail address; after sending it the visitor is thanked,
// also after a reload.
func TestTalkToAPersonWhenNobodyIsOnDuty(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t, 1280, 900)
	do(ctx, t, chromedp.Navigate(srv.URL+"/"))
	openWidget(ctx, t)
	do(ctx, t, chromedp.Click(inWidget(".acts button")))
	waitFor(ctx, t, "the e-mail form", `!`+root+`.querySelector('.state').hidden && !`+root+`.querySelector('.state form').hidden`)
	if got := js[string](ctx, t, root+`.querySelector('.state > div').textContent`); !strings.Contains(got, "Nobody from our team is available") {
		t.Errorf("state line = %q, want that nobody is available", got)
	}
	if !js[bool](ctx, t, root+`.querySelector('.acts').hidden`) {
		t.Error("the talk-to-a-person button is still offered while waiting for one")
	}
	screenshot(ctx, t, "nobody-on-duty")
	do(ctx, t, chromedp.SendKeys(inWidget("#andon-email"), "visitor@example.com"), chromedp.Click(inWidget(".state form button")))
	waitFor(ctx, t, "the thanks", `/visitor@example\.com/.test(`+root+`.querySelector('.state').textContent) && `+root+`.querySelector('.state form').hidden`)
	do(ctx, t, chromedp.Reload())
	waitFor(ctx, t, "the waiting state after a reload", `/visitor@example\.com/.test(`+root+`.querySelector('.state').textContent)`)
}

// Limits never eat text: a message over the site's limit is refused before
// sending and stays in the composer; messages faster than the rate limit
// come back into the composer with a notice, and every message is either
// acknowledged or back in the composer.
func TestLimitsKeepTheText(t *testing.T) {
	srv := startServer(t)
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
	var sent []string
	for i := 0; i < 12; i++ {
		text := "quick " + itoa(i)
		sent = append(sent, text)
		ask(ctx, t, text)
	}
	waitFor(ctx, t, "the rate-limit notice", `/too fast/.test(`+root+`.querySelector('.notice').textContent)`)
	waitFor(ctx, t, "nothing pending", `!`+root+`.querySelector('.msgs > li.pending')`)
	screenshot(ctx, t, "rate-limited")
	composer := js[string](ctx, t, root+`.querySelector('textarea').value`)
	acked := map[string]bool{}
	for _, m := range messages(ctx, t) {
		if m.From == "visitor" && m.Seq > 0 {
			acked[m.Text] = true
		}
	}
	back := 0
	for _, text := range sent {
		inComposer := strings.Contains(composer+"\n", text+"\n")
		if inComposer {
			back++
		}
		if acked[text] == inComposer {
			t.Errorf("%q: acknowledged %v, in the composer %v; want exactly one", text, acked[text], inComposer)
		}
	}
	if back == 0 {
		t.Error("no message was rate limited; the test sent too slowly to check anything")
	}
}

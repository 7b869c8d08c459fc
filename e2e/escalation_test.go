package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/config"
)

// "Talk to a person" with nobody on duty: the state line says so honestly
// and asks for an e-mail address; after sending it the visitor is thanked,
// also after a reload.
func TestTalkToAPersonWhenNobodyIsOnDuty(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	srv := startServer(t)
	do(ctx, t, chromedp.Navigate(srv.URL+"/"))
	openWidget(ctx, t)
	do(ctx, t, chromedp.Click(inWidget(".acts button")))
	waitFor(ctx, t, "the e-mail form", `!`+root+`.querySelector('.state').hidden && !`+root+`.querySelector('.state form').hidden`)
	// The request for an address is made once: by the notice in the
	// transcript, while the state box shows only the form.
	if got := js[string](ctx, t, `[...`+root+`.querySelectorAll('.m.system .b')].pop().textContent`); !strings.Contains(got, "Nobody") || !strings.Contains(got, "e-mail") {
		t.Errorf("escalation notice = %q, want that nobody is online and a request for an e-mail address", got)
	}
	if got := js[string](ctx, t, root+`.querySelector('.state > div').hidden ? '' : `+root+`.querySelector('.state > div').textContent`); got != "" {
		t.Errorf("the state line repeats the request: %q", got)
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

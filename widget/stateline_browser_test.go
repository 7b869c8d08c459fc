package widget

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// onDuty has Anna on duty, three minutes away.
type onDuty struct{}

func (onDuty) Staffing(context.Context, string, string) conversation.Staffing {
	return conversation.Staffing{AgentsOnline: 1, ExpectedWait: 3 * time.Minute, Names: []string{"Anna"}, Open: true}
}

// TestBrowserStateLineSaysTheWaitOnce: with someone on duty, the
// escalation notice says who comes and when, and the state line beneath
// only that the visitor is waiting; after a transfer to a team, whose
// notice says no wait, the state line gives it. In English and Swedish.
func TestBrowserStateLineSaysTheWaitOnce(t *testing.T) {
	t.Parallel()
	browserPath(t)
	for _, tc := range []struct {
		locale, transfer, waiting, wait, unit string
	}{
		{"en", "Anna is passing you on to the billing team; they'll see this conversation.",
			"Waiting for a person…", "Waiting for a person · about 3 minutes", "minute"},
		{"sv", "Anna skickar dig vidare till faktureringsteamet; de ser hela samtalet.",
			"Väntar på en person…", "Väntar på en person · ungefär 3 minuter", "minut"},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{Sites: []Site{{Name: "default", Locale: tc.locale}}}, echoBot{})
			e.hub.SetAvailability(onDuty{})
			b := browser(t)
			if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+"/")); err != nil {
				t.Fatal(err)
			}
			until(b, t, "the launcher", shadow+`.querySelector('.launcher')`)
			if err := chromedp.Do(b, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.launcher')`))); err != nil {
				t.Fatal(err)
			}
			until(b, t, "the composer", `!`+shadow+`.querySelector('.panel').hidden`)
			if err := chromedp.Do(b, chromedp.SendKeys(chromedp.JSPath(shadow+`.querySelector('textarea')`), "a billing question"),
				chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.snd')`))); err != nil {
				t.Fatal(err)
			}
			line := `(() => { const l = ` + shadow + `.querySelector('.state > div'); return l.hidden || l.parentNode.hidden ? '' : l.textContent; })()`
			until(b, t, "the waiting state line", line+` === `+jsQuote(tc.waiting))
			notice := eval[string](b, t, `[...`+shadow+`.querySelectorAll('.m.system .b')].pop().textContent`)
			if !strings.Contains(notice, "Anna") || !strings.Contains(notice, "3 "+tc.unit) {
				t.Errorf("the notice %q does not say who comes and when", notice)
			}
			panel := eval[string](b, t, shadow+`.querySelector('.panel').innerText`)
			if n := strings.Count(panel, tc.unit); n != 1 {
				t.Errorf("the wait is said %d times, want once:\n%s", n, panel)
			}
			keepScreenshot(b, t, "wait-once-"+tc.locale)

			// A transfer to a team: its notice says no wait, the line does.
			id := eval[string](b, t, `(() => { const k = Object.keys(localStorage).find(k => k.startsWith('andon:v1:') && !k.endsWith(':open')); return JSON.parse(localStorage.getItem(k)).cid; })()`)
			ctx := context.Background()
			if _, err := e.hub.PostSystemMessage(ctx, id, tc.transfer); err != nil {
				t.Fatal(err)
			}
			if err := e.hub.SetState(ctx, id, store.StateWaiting, "transfer"); err != nil {
				t.Fatal(err)
			}
			until(b, t, "the wait in the state line", line+` === `+jsQuote(tc.wait))
			keepScreenshot(b, t, "wait-after-transfer-"+tc.locale)
		})
	}
}

// jsQuote is s as a JavaScript string literal.
func jsQuote(s string) string {
	return `'` + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + `'`
}

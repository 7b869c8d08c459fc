package console

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/internal/browsertest"
	"github.com/andon-chat/andon/store"
)

// The transcript in a real browser: it opens at the newest message, keeps
// a long conversation responsive and loads older messages on scroll, and
// shows what a visitor wrote so that it cannot pass for something else.

// seed appends n visitor messages "m0".."m(n-1)" to conversation id
// straight to the store, as a conversation grown over days would be.
func seed(t *testing.T, e *env, id string, n int) {
	t.Helper()
	for i := range n {
		if _, _, err := e.st.AppendMessage(context.Background(), store.Message{ConversationID: id, From: store.FromVisitor, Text: fmt.Sprint("m", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// lastSeq is the conversation's latest seq.
func lastSeq(t *testing.T, e *env, id string) int64 {
	t.Helper()
	c, err := e.hub.Conversation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.LastSeq
}

// atNewest is true when the transcript is scrolled to its end and its
// newest message is inside it.
func atNewest(seq int64) string {
	return fmt.Sprintf(`(() => { const tr = document.querySelector('#transcript');
		const li = tr && tr.querySelector('li[data-seq="%d"]');
		if (!li || !document.querySelector('#compose, #composer p')) return false;
		const r = tr.getBoundingClientRect(), m = li.getBoundingClientRect();
		return tr.scrollHeight - tr.scrollTop - tr.clientHeight < 2 && m.bottom <= r.bottom + 1 && m.top >= r.top; })()`, seq)
}

// renderedSeqs are the seqs of the messages in the transcript's DOM.
const renderedSeqs = `[...document.querySelectorAll('#transcript li[data-seq]')].map(li => +li.dataset.seq)`

func ascending(t *testing.T, seqs []float64) {
	t.Helper()
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("transcript seqs out of order or repeated at %d: %v … %v", i, seqs[i-1], seqs[i])
		}
	}
}

// Issue 8 item 8: opening a conversation shows its newest message, on a
// laptop and on a phone.
func TestBrowserOpensAtTheNewestMessage(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"desktop", 1280, 800}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			e, email, id := browserEnv(t)
			seed(t, e, id, 60)
			last := lastSeq(t, e, id)
			ctx := browser(t, size.w, size.h)
			logIn(ctx, t, e, email)
			until(ctx, t, "the queue item", `document.querySelector('#queue-waiting li[data-id="`+id+`"] a')`)
			run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+id+`"] a`)))
			until(ctx, t, "the newest message in view", atNewest(last))
			shot(ctx, t, size.name+"-opened-at-newest")
			// Claiming re-renders the composer; the end stays in view.
			run(ctx, t, chromedp.Click(q("#claim")))
			until(ctx, t, "the reply box", `document.querySelector('#reply')`)
			until(ctx, t, "the newest message still in view", atNewest(last))
			// A new message while at the end is scrolled to.
			if _, _, err := e.hub.PostVisitorMessage(context.Background(), id, "", "one more"); err != nil {
				t.Fatal(err)
			}
			until(ctx, t, "the new message in view", atNewest(last+1))
			if size.name == "phone" {
				// To the context pane and back: still at the newest.
				run(ctx, t, chromedp.Click(q("#show-context")))
				until(ctx, t, "the context pane", `document.body.dataset.pane === 'ctx'`)
				run(ctx, t, chromedp.Click(q("#ctx button.back")))
				until(ctx, t, "the newest message in view after the context pane", atNewest(last+1))
			}
		})
	}
}

// longTasks records the main thread's long tasks (over 50 ms) from now on;
// maxLongTask reads the longest since the last read, in milliseconds.
const longTasks = `(() => {
	if (!PerformanceObserver.supportedEntryTypes.includes('longtask')) return 'no longtask';
	window.__long = [];
	window.__obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push(e.duration); });
	window.__obs.observe({ type: 'longtask' });
	return 'ok'; })()`

const maxLongTask = `(() => { for (const e of window.__obs.takeRecords()) window.__long.push(e.duration);
	const m = Math.max(0, ...window.__long); window.__long = []; return m; })()`

// Issue 9 item 5: a conversation of 5,000 messages opens at once, and 500
// more arriving while it is open keep the page responsive: no main-thread
// task beyond the bound. Redrawing the whole transcript per message took
// seconds per message at that size.
func TestBrowserLongTranscriptStaysResponsive(t *testing.T) {
	// The longest task allowed, in ms. Redrawing the whole transcript took
	// 3.1 s to open 5,000 messages and did not show 100 live ones within
	// 15 s; windowed and batched, a frame's script takes about 25 ms. The
	// rest of the bound is for a shared machine under load (wall time
	// grows with it); what does not depend on the load is the number of
	// messages drawn, bounded below.
	const bound = 1000.0
	// The burst below is far over a conversation's growth cap, which has
	// its own tests: lift it here.
	cfg := config.Defaults()
	cfg.Limits.ConversationMessagesPerMinute = 1e6
	cfg.Limits.ConversationMessageBurst = 1e6
	e, email, id := browserEnvWith(t, envOptions{cfg: &cfg})
	seed(t, e, id, 5000)
	ctx := browsertest.New(t, browsertest.Options{Width: 1280, Height: 800, Timeout: 3 * time.Minute})
	logIn(ctx, t, e, email)
	until(ctx, t, "the queue item", `document.querySelector('#queue-waiting li[data-id="`+id+`"] a')`)
	if got := eval[string](ctx, t, longTasks); got != "ok" {
		t.Fatalf("this chromium cannot measure long tasks: %s", got)
	}
	run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+id+`"] a`)))
	last := lastSeq(t, e, id)
	shown := func(seq int64) string {
		return fmt.Sprintf(`document.querySelector('#transcript li[data-seq="%d"]')`, seq)
	}
	until(ctx, t, "the newest message", shown(last))
	openTask := eval[float64](ctx, t, maxLongTask)
	until(ctx, t, "the newest message in view", atNewest(last))

	// What redrawing the transcript once costs on this machine now: what
	// the console did for every new message before.
	redraw, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`import('/console/console.js').then(({ app }) => {
		const ms = [...app.desk.conv.messages.values()];
		const ol = document.createElement('ol');
		ol.className = 'transcript';
		ol.style.cssText = 'position: absolute; inset: 0; visibility: hidden';
		document.querySelector('#conv').appendChild(ol);
		const t0 = performance.now();
		for (let i = 0; i < 5000; i++) ol.appendChild(app.desk.messageEl(ms[i % ms.length]));
		ol.scrollTop = ol.scrollHeight;
		const ms0 = performance.now() - t0;
		ol.remove();
		return ms0; })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	eval[float64](ctx, t, maxLongTask) // the reference's own task

	// The agent is writing a note while the messages arrive.
	run(ctx, t, chromedp.SendKeys(q("#reply"), "half a thought"))

	// 500 more, as fast as the server takes them. Every message drawn is
	// counted: redrawing the transcript per message draws millions.
	eval[bool](ctx, t, `(() => { window.__drawn = 0; new MutationObserver((rs) => { for (const r of rs) for (const n of r.addedNodes) if (n.classList && n.classList.contains('msg')) window.__drawn++; })
		.observe(document.querySelector('#transcript'), { childList: true }); return true; })()`)
	bg := context.Background()
	for i := range 500 {
		if _, _, err := e.hub.PostVisitorMessage(bg, id, "", fmt.Sprint("burst ", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := browsertest.Poll(ctx, 2*time.Minute, shown(last+500)); err != nil {
		shot(ctx, t, "failed-long-transcript")
		t.Fatalf("the 500th message never showed: %v (longest task %.0f ms)", err, eval[float64](ctx, t, maxLongTask))
	}
	burstTask := eval[float64](ctx, t, maxLongTask)
	if drawn := eval[float64](ctx, t, `window.__drawn`); drawn > 2000 {
		t.Errorf("500 new messages drew %v messages: the transcript is drawn again, not appended to", drawn)
	} else {
		t.Logf("500 new messages drew %v message elements", drawn)
	}
	until(ctx, t, "the 500th message in view", atNewest(last+500))
	t.Logf("longest main-thread task: opening 5,000 messages %.0f ms, 500 live messages %.0f ms (0: none over 50 ms); drawing 5,000 once %.0f ms", openTask, burstTask, redraw)
	if openTask > bound || burstTask > bound {
		t.Errorf("longest main-thread task: opening %.0f ms, the burst %.0f ms; want at most %.0f ms", openTask, burstTask, bound)
	}
	if burstTask > redraw/3 {
		t.Errorf("the longest task of the burst, %.0f ms, is more than a third of drawing the transcript once (%.0f ms)", burstTask, redraw)
	}
	if got := eval[string](ctx, t, `document.querySelector('#reply').value`); got != "half a thought" {
		t.Errorf("the note being written reads %q after the burst", got)
	}
	seqs := eval[[]float64](ctx, t, renderedSeqs)
	ascending(t, seqs)
	if len(seqs) > 400 {
		t.Errorf("%d messages in the DOM: the transcript is not windowed", len(seqs))
	}
	shot(ctx, t, "desktop-long-transcript")

	// Scrolling up shows older messages, loaded from the server as needed,
	// in order and without moving what the agent was reading.
	first := seqs[0]
	for range 4 {
		top := eval[float64](ctx, t, renderedSeqs+`[0]`)
		eval[bool](ctx, t, `(() => { const tr = document.querySelector('#transcript'); window.__anchor = tr.querySelector('li[data-seq="`+fmt.Sprint(top)+`"]');
			tr.scrollTop = 0; tr.dispatchEvent(new Event('scroll')); window.__anchorTop = window.__anchor.getBoundingClientRect().top; return true; })()`)
		until(ctx, t, "older messages", renderedSeqs+`[0] < `+fmt.Sprint(top))
		if moved := eval[float64](ctx, t, `Math.abs(window.__anchor.getBoundingClientRect().top - window.__anchorTop)`); moved > 40 {
			t.Errorf("the message the agent was reading moved by %v px as older ones were added above", moved)
		}
	}
	seqs = eval[[]float64](ctx, t, renderedSeqs)
	ascending(t, seqs)
	if seqs[0] >= first || seqs[len(seqs)-1] != float64(last+500) {
		t.Errorf("after scrolling up the transcript shows %v … %v (it showed from %v)", seqs[0], seqs[len(seqs)-1], first)
	}
	// seq 1 is the escalated question, 2 the hand-over, 3 the first seeded.
	if got := eval[string](ctx, t, `document.querySelector('#transcript li[data-seq="`+fmt.Sprint(seqs[0])+`"] .bubble').textContent`); got != fmt.Sprint("m", seqs[0]-3) {
		t.Errorf("the oldest shown message, seq %v, reads %q", seqs[0], got)
	}
	shot(ctx, t, "desktop-long-transcript-older")
}

// Issue 8 items 10 and 12, issue 9 item 8: the queue says what each
// conversation is about, the context shows the device once, and names and
// text cannot be disguised by bidi controls or overflow with stacked marks.
func TestBrowserWhatTheVisitorWrote(t *testing.T) {
	const rlo = "\u202e"
	zalgo := "Z" + strings.Repeat("\u0336\u0301\u0316", 40) + "algo"
	for _, size := range []struct {
		name string
		w, h int
	}{{"desktop", 1280, 800}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			e, email, billing := browserEnv(t)
			bg := context.Background()
			// Two conversations that both end in "talk to a person".
			refund, err := e.hub.Start(bg, conversation.Visit{Site: "default", Locale: "en",
				Attributes: map[string]string{"name": rlo + "gnp.exe", "device": "Firefox on Linux"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{"Where is my refund?"} {
				if _, _, err := e.hub.PostVisitorMessage(bg, refund.ID, "", text); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.hub.AskForHuman(bg, refund.ID); err != nil {
				t.Fatal(err)
			}
			e.waitQueued(t, refund.ID)
			for _, id := range []string{billing, refund.ID} {
				if _, _, err := e.hub.PostVisitorMessage(bg, id, "", "talk to a person"); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := e.hub.PostVisitorMessage(bg, refund.ID, "", "see invoice "+rlo+"gnp.exe now "+zalgo); err != nil {
				t.Fatal(err)
			}

			ctx := browser(t, size.w, size.h)
			logIn(ctx, t, e, email)
			row := func(id string) string { return `document.querySelector('#queue-waiting li[data-id="` + id + `"]')` }
			until(ctx, t, "both rows with the latest message", row(billing)+`.querySelector('.latest') && `+row(refund.ID)+`.querySelector('.latest')`)
			for _, tc := range []struct{ id, question string }{{billing, "billing: I was charged twice"}, {refund.ID, "Where is my refund?"}} {
				if got := eval[string](ctx, t, row(tc.id)+`.querySelector('.question').textContent`); got != tc.question {
					t.Errorf("the row's question = %q, want %q", got, tc.question)
				}
			}
			if got := eval[string](ctx, t, row(billing)+`.querySelector('.latest').textContent`); !strings.HasSuffix(got, "talk to a person") {
				t.Errorf("the billing row's latest = %q", got)
			}
			if got := eval[string](ctx, t, row(refund.ID)+`.querySelector('.latest').textContent`); strings.Contains(got, rlo) || !strings.Contains(got, "[U+202E]gnp.exe") {
				t.Errorf("the refund row's latest hides a right-to-left override: %q", got)
			}
			// The name is shown without the override, isolated.
			if got := eval[string](ctx, t, row(refund.ID)+`.querySelector('.row3').textContent`); strings.Contains(got, rlo) || !strings.Contains(got, "gnp.exe") {
				t.Errorf("the refund row's name = %q", got)
			}
			shot(ctx, t, size.name+"-queue-questions")

			run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+refund.ID+`"] a`)))
			until(ctx, t, "the zalgo message", `[...document.querySelectorAll('#transcript .bubble')].some(b => b.textContent.includes('gnp.exe now'))`)
			bubble := `[...document.querySelectorAll('#transcript .bubble')].find(b => b.textContent.includes('gnp.exe now'))`
			// What is drawn reads gnp.exe, left to right: the g is left of the x.
			order := eval[float64](ctx, t, `(() => { const b = `+bubble+`; const n = b.firstChild; const i = n.data.indexOf('gnp.exe');
				const at = (k) => { const r = document.createRange(); r.setStart(n, k); r.setEnd(n, k + 1); return r.getBoundingClientRect().left; };
				return at(i + 5) - at(i); })()`)
			if order <= 0 {
				t.Errorf("the message's gnp.exe is drawn right to left (x of 'x' - x of 'g' = %v)", order)
			}
			// Stacked marks are capped and cannot reach other rows.
			marks := eval[float64](ctx, t, `Math.max(...[...document.querySelectorAll('#transcript, #list, #conv-head')].flatMap(el => (el.textContent.match(/\p{M}+/gu) || []).map(m => m.length)))`)
			if marks > 4 {
				t.Errorf("a run of %v combining marks is shown", marks)
			}
			if got := eval[string](ctx, t, `getComputedStyle(`+bubble+`).unicodeBidi + ' ' + `+bubble+`.dir`); got != "isolate auto" {
				t.Errorf("the bubble's bidi = %q, want isolate auto", got)
			}
			if got := eval[string](ctx, t, `document.querySelector('#conv-head strong').textContent`); got != "gnp.exe" {
				t.Errorf("the header names the visitor %q", got)
			}
			shot(ctx, t, size.name+"-bidi-zalgo")

			// Item 12: the device once.
			if size.name == "phone" {
				run(ctx, t, chromedp.Click(q("#show-context")))
			}
			until(ctx, t, "the context facts", `document.querySelector('#ctx .facts')`)
			if n := eval[float64](ctx, t, `[...document.querySelectorAll('#ctx .facts dd')].filter(d => d.textContent === 'Firefox on Linux').length`); n != 1 {
				t.Errorf("the device is shown %v times in the context panel", n)
			}
			if got := eval[string](ctx, t, `[...document.querySelectorAll('#ctx .facts dt')].map(d => d.textContent).join(',')`); strings.Contains(got, "device") || strings.Contains(got, ",name") {
				t.Errorf("the context facts repeat a field as an attribute: %s", got)
			}
			shot(ctx, t, size.name+"-context-device")
		})
	}
}

// Issue 8 item 11: without teams the transfer dialog says so and offers
// the colleagues.
func TestBrowserTransferWithoutTeams(t *testing.T) {
	cfg := config.Defaults()
	e := newEnv(t, envOptions{cfg: &cfg})
	bg := context.Background()
	for _, u := range []auth.NewUser{
		{Email: "anna@example.com", Name: "Anna Berg", Role: auth.RoleAgent, Password: testPassword},
		{Email: "bert@example.com", Name: "Bert Ek", Role: auth.RoleAgent, Password: testPassword},
	} {
		if _, _, err := e.auth.AddUser(bg, u); err != nil {
			t.Fatal(err)
		}
	}
	id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en"})
	ctx := browser(t, 390, 844)
	logIn(ctx, t, e, "anna@example.com")
	until(ctx, t, "the queue item", `document.querySelector('#queue-waiting li[data-id="`+id+`"] a')`)
	run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+id+`"] a`)))
	until(ctx, t, "the claim button", `document.querySelector('#claim')`)
	run(ctx, t, chromedp.Click(q("#claim")))
	until(ctx, t, "the owner's buttons", `document.querySelector('#handback') && document.querySelector('#transfer')`)
	run(ctx, t, chromedp.Click(q("#transfer")))
	until(ctx, t, "the dialog saying there are no teams", `document.querySelector('#transfer-dialog[open] #transfer-no-teams')`)
	if got := eval[string](ctx, t, `document.querySelector('#transfer-no-teams').textContent`); !strings.Contains(got, "No teams") {
		t.Errorf("the no-teams line = %q", got)
	}
	if n := eval[float64](ctx, t, `document.querySelectorAll('#transfer-team, #transfer-to-team').length`); n != 0 {
		t.Errorf("an empty team choice is still shown")
	}
	if got := eval[string](ctx, t, `[...document.querySelectorAll('#transfer-agent option')].map(o => o.textContent).join(',')`); !strings.Contains(got, "Bert Ek") {
		t.Errorf("the colleagues offered: %q", got)
	}
	shot(ctx, t, "phone-transfer-no-teams")
	run(ctx, t, chromedp.SendKeys(q("#transfer-note"), "Bert knows this customer"), chromedp.Click(q("#transfer-dialog-ok")))
	until(ctx, t, "the dialog closed", `!document.querySelector('#transfer-dialog')`)
	// The dialog closes once the server answered: the transfer is done.
	cx, err := e.desk.Context(bg, id)
	if err != nil {
		t.Fatal(err)
	}
	if cx.Item == nil || cx.Item.AssigneeName != "Bert Ek" {
		t.Fatalf("transferred to %+v", cx.Item)
	}
}

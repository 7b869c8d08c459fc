package widget

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/internal/browsertest"
	"github.com/andon-chat/andon/store"
)

// These tests run the real widget.js in headless chromium against a Handler:
// what a visitor sees of a person taking over, a link from an e-mail, and
// the e-mail request when nobody is on duty. The whole flow with the
// console is e2e's; these keep the widget's own side honest.

// browserPath finds chromium (internal/browsertest): without one the test
// skips, or fails when CI=true, where a silent skip would hide it.
func browserPath(t *testing.T) string {
	t.Helper()
	return browsertest.Chromium(t)
}

// browser starts a headless chromium with an empty profile and returns a
// tab bounded by 60 seconds and the test's deadline.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browsertest.New(t, browsertest.Options{Width: 1000, Height: 800, Timeout: 60 * time.Second})
}

const shadow = `document.querySelector('andon-widget').shadowRoot`

// until polls a JavaScript expression until it is truthy; on timeout it
// keeps a screenshot and fails with the widget's text.
func until(ctx context.Context, t *testing.T, what, expr string) {
	t.Helper()
	if err := browsertest.Poll(ctx, 15*time.Second, expr); err != nil {
		keepScreenshot(ctx, t, "failed-"+strings.ReplaceAll(t.Name(), "/", "-"))
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { try { return `+shadow+`.querySelector('.panel').innerText } catch (e) { return String(e) } })()`))
		t.Fatalf("timed out waiting for %s; widget text:\n%s", what, text)
	}
}

func eval[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	return browsertest.Eval[T](ctx, t, expr)
}

// keepScreenshot saves widget-NAME.png in $ANDON_ARTIFACTS (locally
// /tmp/andon-artifacts); one that cannot be taken is only logged.
func keepScreenshot(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	if err := browsertest.Screenshot(ctx, t, "widget-"+name); err != nil {
		t.Log(err)
	}
}

// TestBrowserPersonTakesOverByLink escalates a conversation, lets a person
// join, reply and type, then opens the e-mail link in a browser that has
// never seen the conversation: the widget opens on it with the transcript,
// "Anna joined" as a notice, Anna's reply under her name, "You're chatting
// with Anna", her typing, and the token gone from the address bar.
func TestBrowserPersonTakesOverByLink(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t, Options{}, echoBot{})
	ctx := context.Background()
	c := e.mustDial()
	c.send(map[string]any{"type": "hello", "locale": "en", "page": e.srv.URL + "/?from=mail"})
	w := c.expect("welcome")
	c.message("m1", "a billing question")
	c.ws.Close()
	waitFor(t, "the escalation", func() bool {
		conv, err := e.st.Conversation(ctx, w.ConversationID)
		return err == nil && conv.State == store.StateWaiting
	})
	if _, err := e.hub.PostSystemMessage(ctx, w.ConversationID, "Anna joined"); err != nil {
		t.Fatal(err)
	}
	if err := e.hub.SetState(ctx, w.ConversationID, store.StateHuman, "agent_joined"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.hub.PostAgentMessage(ctx, w.ConversationID, "Anna", "Hi, Anna here. Let me look at your invoice."); err != nil {
		t.Fatal(err)
	}
	conv, err := e.st.Conversation(ctx, w.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	link := e.h.ChatURL(conv, e.srv.URL)
	if !strings.HasPrefix(link, e.srv.URL+"/?from=mail#"+ResumeFragment) {
		t.Fatalf("ChatURL = %q", link)
	}

	b := browser(t)
	if err := chromedp.Do(b, chromedp.Navigate(link)); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the open widget with Anna's reply",
		`!`+shadow+`.querySelector('.panel').hidden && `+shadow+`.querySelector('.m.agent .b').textContent.includes('invoice')`)
	type view struct {
		Hash, Stored, Who, System, SystemWho, State, Visitor string
	}
	got := eval[view](b, t, `(() => {
		const r = `+shadow+`, q = s => r.querySelector(s);
		const key = Object.keys(localStorage).find(k => k.startsWith('andon:v1:') && !k.endsWith(':open'));
		return {Hash: location.hash, Stored: JSON.parse(localStorage.getItem(key)).cid,
			Who: q('.m.agent .who').textContent, System: [...r.querySelectorAll('.m.system .b')].pop().textContent,
			SystemWho: r.querySelector('.m.system .who') ? 'shown' : '', State: q('.state').hidden ? '(hidden)' : q('.state').innerText,
			Visitor: q('.m.visitor .b').textContent};
	})()`)
	want := view{Hash: "", Stored: w.ConversationID, Who: "Anna", System: "Anna joined", SystemWho: "",
		State: "You’re chatting with Anna.", Visitor: "a billing question"}
	if got != want {
		t.Errorf("widget shows\n%+v\nwant\n%+v", got, want)
	}
	e.hub.Typing(ctx, w.ConversationID, store.FromAgent, true)
	until(b, t, "Anna typing", `!`+shadow+`.querySelector('.typing').hidden && `+shadow+`.querySelector('.typing').textContent === 'Anna is typing…'`)
	keepScreenshot(b, t, "person-took-over")
}

// TestBrowserNobodyOnDutyAsksOnce escalates with nobody on duty: the
// server's notice asks for the e-mail address and the widget shows the form
// beneath it without asking again.
func TestBrowserNobodyOnDutyAsksOnce(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t, Options{EmailFollowUp: true}, echoBot{})
	e.hub.SetAvailability(mailOnly{})
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
	until(b, t, "the e-mail form", `!`+shadow+`.querySelector('.state form').hidden && !`+shadow+`.querySelector('.state').hidden`)
	text := eval[string](b, t, shadow+`.querySelector('.panel').innerText`)
	if n := strings.Count(strings.ToLower(text), "leave your e-mail"); n != 1 || !eval[bool](b, t, shadow+`.querySelector('.state > div').hidden`) {
		t.Errorf("the widget asks for the e-mail address %d times, want once (the server's notice) with the form beneath it:\n%s", n, text)
	}
	if !strings.Contains(eval[string](b, t, shadow+`.querySelector('.m.system .b').textContent`), "e-mail") {
		t.Error("the server's notice does not ask for the e-mail address")
	}
	keepScreenshot(b, t, "nobody-on-duty")

	// The address left: confirmed once, by the server's notice, not again
	// by the state line.
	if err := chromedp.Do(b, chromedp.SendKeys(chromedp.JSPath(shadow+`.querySelector('.state input')`), "vera@example.org"),
		chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.state form .btn')`))); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the confirmation", shadow+`.querySelector('.panel').innerText.includes('reply to vera@example.org')`)
	text = eval[string](b, t, shadow+`.querySelector('.panel').innerText`)
	if n := strings.Count(text, "vera@example.org"); n != 1 {
		t.Errorf("the address is confirmed %d times, want once:\n%s", n, text)
	}
	keepScreenshot(b, t, "e-mail-confirmed")
}

// mailOnly is nobody on duty with a mail server configured.
type mailOnly struct{}

func (mailOnly) Staffing(context.Context, string, string) conversation.Staffing {
	return conversation.Staffing{Open: true, Mail: true}
}

// TestBrowserIdentity embeds the widget as a shop would, with user_id and
// user_hash on the script tag: a correct hash is stored as verified; a
// forged one is refused and the widget chats on anonymously. Then a link
// to the first conversation, followed on the same page (only the fragment
// changes), switches the open widget to it.
func TestBrowserIdentity(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t, Options{Sites: []Site{{Name: "default", IdentitySecret: testIdentitySecret}}}, echoBot{})
	page := func(hash string) string {
		return `<!doctype html><html lang="en"><title>shop</title><body><p>shop</p>` +
			`<script src="/widget.js" data-attr-user_id="42" data-attr-user_hash="` + hash + `" data-attr-plan="pro" async></script>`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /good.html", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(page(IdentityHash(testIdentitySecret, "42"))))
	})
	mux.HandleFunc("GET /forged.html", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(page(IdentityHash("a guess", "42"))))
	})
	mux.Handle("/", e.h)
	shop := httptest.NewServer(mux)
	t.Cleanup(shop.Close)

	b := browser(t)
	cidOf := func() string {
		return `(() => { const k = Object.keys(localStorage).find(k => k.startsWith('andon:v1:') && !k.endsWith(':open')); return k && JSON.parse(localStorage.getItem(k)).cid; })()`
	}
	visit := func(path string) string {
		t.Helper()
		if err := chromedp.Do(b, chromedp.Navigate(shop.URL+path)); err != nil {
			t.Fatal(err)
		}
		until(b, t, "the launcher", shadow+`.querySelector('.launcher')`)
		if err := chromedp.Do(b, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.launcher')`))); err != nil {
			t.Fatal(err)
		}
		until(b, t, "a conversation", cidOf())
		// The conversation is stored with the visitor's first message.
		if err := chromedp.Do(b, chromedp.SendKeys(chromedp.JSPath(shadow+`.querySelector('textarea')`), "hello"),
			chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.snd')`))); err != nil {
			t.Fatal(err)
		}
		// Acknowledged (not pending) only once committed, so stored.
		until(b, t, "the message acknowledged", shadow+`.querySelector('.m.visitor:not(.pending)')`)
		return eval[string](b, t, cidOf())
	}
	good := visit("/good.html")
	if got, want := withoutZone(e.attributes(good)), map[string]string{"user_id": "42", "plan": "pro", "identity_verified": "true", "device": "Chrome on Linux, desktop"}; !maps.Equal(got, want) {
		t.Errorf("verified visitor stored as %v, want %v", got, want)
	}
	if err := chromedp.Do(b, chromedp.Evaluate[chromedp.Void](`localStorage.clear(); sessionStorage.clear()`)); err != nil {
		t.Fatal(err)
	}
	forged := visit("/forged.html")
	if forged == good {
		t.Fatal("the forged page resumed the verified conversation")
	}
	if got, want := withoutZone(e.attributes(forged)), map[string]string{"plan": "pro", "device": "Chrome on Linux, desktop"}; !maps.Equal(got, want) {
		t.Errorf("forged visitor stored as %v, want %v", got, want)
	}

	conv, err := e.st.Conversation(context.Background(), good)
	if err != nil {
		t.Fatal(err)
	}
	_, token, _ := strings.Cut(e.h.ChatURL(conv, shop.URL), "#")
	if err := chromedp.Do(b, chromedp.Evaluate[chromedp.Void](`location.hash = `+strconv.Quote(token))); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the linked conversation", cidOf()+` === `+strconv.Quote(good)+` && location.hash === ''`)
}

// withoutZone drops the time_zone attribute the browser reports, which
// depends on the machine.
func withoutZone(attrs map[string]string) map[string]string {
	delete(attrs, conversation.AttrTimeZone)
	return attrs
}

// TestBrowserLongPageURLKeepsTheChat opens the widget on a page whose URL is
// far longer than the server keeps: the widget shortens the page it reports,
// so the hello is not refused and the visitor's question is answered.
func TestBrowserLongPageURLKeepsTheChat(t *testing.T) {
	t.Parallel()
	browserPath(t)
	e := newEnv(t, Options{}, echoBot{})
	b := browser(t)
	long := e.srv.URL + "/?q=" + strings.Repeat("a", 3*maxPageBytes)
	if err := chromedp.Do(b, chromedp.Navigate(long)); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the launcher", shadow+`.querySelector('.launcher')`)
	if err := chromedp.Do(b, chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.launcher')`))); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the composer", `!`+shadow+`.querySelector('.panel').hidden`)
	if err := chromedp.Do(b, chromedp.SendKeys(chromedp.JSPath(shadow+`.querySelector('textarea')`), "opening hours?"),
		chromedp.Click(chromedp.JSPath(shadow+`.querySelector('.snd')`))); err != nil {
		t.Fatal(err)
	}
	until(b, t, "the bot's answer", shadow+`.querySelector('.panel').innerText.includes('answer: opening hours?')`)
}

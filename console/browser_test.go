package console

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/internal/browsertest"
	"github.com/andon-chat/andon/store"
)

// The console in a real browser, at a laptop's and a phone's size: log in,
// see the escalation in the queue with its reason, open it, claim, reply
// with a canned reply, write an internal note, and resolve. Screenshots go
// to $ANDON_ARTIFACTS (locally /tmp/andon-artifacts).
// The end-to-end story with the widget is e2e's; this checks the console's
// own pages.

// browser starts a headless chromium at w x h (internal/browsertest: skips
// without one, fails when CI=true) and returns a tab bounded by 90 seconds.
func browser(t *testing.T, w, h int) context.Context {
	t.Helper()
	return browsertest.New(t, browsertest.Options{Width: w, Height: h})
}

func q(css string) chromedp.JSPath {
	b, _ := json.Marshal(css)
	return chromedp.JSPath("document.querySelector(" + string(b) + ")")
}

func run(ctx context.Context, t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		shot(ctx, t, "failed-"+strings.ReplaceAll(t.Name(), "/", "-"))
		t.Fatal(err)
	}
}

func until(ctx context.Context, t *testing.T, what, expr string) {
	t.Helper()
	if err := browsertest.Poll(ctx, 15*time.Second, expr); err != nil {
		shot(ctx, t, "failed-"+strings.ReplaceAll(t.Name(), "/", "-"))
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("timed out waiting for %s: %v; page:\n%s", what, err, text)
	}
}

func eval[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	return browsertest.Eval[T](ctx, t, expr)
}

// shot keeps a screenshot as console-NAME.png; one that cannot be taken
// is only logged, as it is often taken while a test is already failing.
func shot(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	if err := browsertest.Screenshot(ctx, t, "console-"+name); err != nil {
		t.Log(err)
	}
}

// key sends a non-printing key (keydown and keyup, no char event).
func key(name, code string, vk int64) chromedp.Action[chromedp.Void] {
	return browsertest.Key(name, code, vk, 0)
}

// browserEnv is a server with one escalated conversation and an agent
// with a known e-mail.
func browserEnv(t *testing.T) (*env, string, string) {
	return browserEnvWith(t, envOptions{})
}

// browserEnvWith is browserEnv on an env built from o.
func browserEnvWith(t *testing.T, o envOptions) (*env, string, string) {
	e := newEnv(t, o)
	email := "anna@example.com"
	if _, _, err := e.auth.AddUser(context.Background(), auth.NewUser{Email: email, Name: "Anna Berg", Role: auth.RoleAdmin, Teams: []string{"billing"}, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en-GB", Page: "https://shop.example.com/checkout",
		Attributes: map[string]string{"name": "Vera", "plan": "pro", "order": "1001"}})
	return e, email, id
}

func logIn(ctx context.Context, t *testing.T, e *env, email string) {
	t.Helper()
	run(ctx, t, chromedp.Navigate(e.srv.URL+"/console/"))
	until(ctx, t, "the login form", `document.querySelector('#login input[type=email]')`)
	run(ctx, t,
		chromedp.SendKeys(q("#login input[type=email]"), email),
		chromedp.SendKeys(q("#login input[type=password]"), testPassword),
		chromedp.Click(q("#login button[type=submit]")))
}

func TestBrowserDesktop(t *testing.T) {
	e, email, id := browserEnv(t)
	ctx := browser(t, 1280, 800)
	logIn(ctx, t, e, email)

	// The queue shows the escalation with its reason in words and a clock.
	until(ctx, t, "the queue item", `document.querySelector('#queue-waiting li[data-id="`+id+`"] .badge.p0')`)
	until(ctx, t, "the SLA countdown", `document.querySelector('#queue-waiting .sla').textContent.includes('SLA')`)
	if got := eval[string](ctx, t, `document.querySelector('#queue-waiting .badge').textContent`); !strings.Contains(strings.ToLower(got), "billing") {
		t.Errorf("reason badge = %q", got)
	}
	shot(ctx, t, "desktop-queue")

	// Open, see the context, claim.
	run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+id+`"] a`)))
	until(ctx, t, "the transcript", `document.querySelector('#transcript .from-visitor')`)
	until(ctx, t, "the context panel", `document.querySelector('#ctx .cands li') && document.querySelector('#ctx .facts')`)
	ctxText := eval[string](ctx, t, `document.querySelector('#ctx').textContent`)
	for _, want := range []string{"Refunds", "0.41", "shop.example.com/checkout", "en-GB", "plan", "pro"} { // no user_id: no identity badge (browser_identity_test.go)
		if !strings.Contains(ctxText, want) {
			t.Errorf("context panel lacks %q:\n%s", want, ctxText)
		}
	}
	run(ctx, t, chromedp.Click(q("#claim")))
	until(ctx, t, "the reply box", `document.querySelector('#mode-reply') && !document.querySelector('#mode-reply').disabled && document.querySelector('#reply')`)

	// A canned reply through "/", with its variables filled.
	run(ctx, t, chromedp.Click(q("#reply")), chromedp.SendKeys(q("#reply"), "/hel"))
	until(ctx, t, "the canned list", `!document.querySelector('#canned').hidden`)
	shot(ctx, t, "desktop-canned")
	run(ctx, t, key("Enter", "Enter", 13))
	until(ctx, t, "the filled reply", `document.querySelector('#reply').value === 'Hi Vera, I am Anna from Support.'`)
	run(ctx, t, key("Enter", "Enter", 13))
	until(ctx, t, "the sent reply", `[...document.querySelectorAll('#transcript .from-agent .bubble')].some(b => b.textContent === 'Hi Vera, I am Anna from Support.')`)
	msgs, _ := e.hub.Messages(context.Background(), id, 0)
	if last := msgs[len(msgs)-1]; last.From != store.FromAgent || last.Text != "Hi Vera, I am Anna from Support." {
		t.Fatalf("last stored message = %+v", last)
	}

	// The visitor writes; it appears live.
	if _, _, err := e.hub.PostVisitorMessage(context.Background(), id, "v9", "Thanks! Order 1001."); err != nil {
		t.Fatal(err)
	}
	until(ctx, t, "the live visitor message", `[...document.querySelectorAll('#transcript .from-visitor .bubble')].some(b => b.textContent === 'Thanks! Order 1001.')`)

	// An internal note looks different and never reaches the visitor.
	run(ctx, t, chromedp.Click(q("#mode-note")))
	until(ctx, t, "note mode", `document.querySelector('#compose.note-mode')`)
	run(ctx, t, chromedp.SendKeys(q("#reply"), "Reseller, check the contract"), key("Enter", "Enter", 13))
	until(ctx, t, "the note", `document.querySelector('#transcript .msg.note')`)
	shot(ctx, t, "desktop-conversation")

	// The transfer dialog lists teams and wants a note.
	run(ctx, t, chromedp.Click(q("#transfer")))
	until(ctx, t, "the transfer dialog", `document.querySelector('#transfer-dialog[open]') && document.querySelector('#transfer-team option')`)
	shot(ctx, t, "desktop-transfer")
	run(ctx, t, chromedp.Click(q("#transfer-dialog button[type=button]")))

	// Resolve with a category.
	run(ctx, t, chromedp.Click(q("#resolve")))
	until(ctx, t, "the resolve dialog", `document.querySelector('#resolve-category option[value=billing]')`)
	run(ctx, t, chromedp.SetValue(q("#resolve-category"), "billing"), chromedp.SendKeys(q("#resolve-summary"), "Refunded the double charge"),
		chromedp.Click(q("#learn-example")))
	// The visitor's question is searched for at once; the agent searches
	// for the article they mean and picks it.
	until(ctx, t, "the first article picks", `document.querySelector('#article-picks input')`)
	eval[string](ctx, t, `document.querySelector('#article-search').value = ''`)
	run(ctx, t, chromedp.SendKeys(q("#article-search"), "refunds"))
	until(ctx, t, "the refunds article", `document.querySelector('#article-picks li:first-child input[value=refunds]')`)
	run(ctx, t, chromedp.Click(q("#article-picks input[value=refunds]")))
	shot(ctx, t, "desktop-resolve")
	run(ctx, t, chromedp.Click(q("#resolve-dialog-ok")))
	until(ctx, t, "back at the queue", `location.hash === '#queue' && !document.querySelector('#queue-waiting li[data-id="`+id+`"]')`)
	conv, _ := e.hub.Conversation(context.Background(), id)
	if conv.State != store.StateClosed {
		t.Fatalf("state after resolve = %s", conv.State)
	}
	if a, _ := e.kb.Article("refunds"); !slices.Contains(a.Questions, "billing: I was charged twice") {
		t.Fatalf("the visitor's question was not added to the article: %v", a.Questions)
	}

	// The admin pages.
	run(ctx, t, chromedp.Navigate(e.srv.URL+"/console/#users"))
	until(ctx, t, "the users table", `document.querySelector('#users tr')`)
	run(ctx, t, chromedp.SendKeys(q("#invite-email"), "bob@example.com"), chromedp.SendKeys(q("#invite-teams"), "billing"),
		chromedp.Click(q("#invite button[type=submit]")))
	until(ctx, t, "the invite link", `document.querySelector('#link-box .link-url').value.includes('#setup=')`)
	shot(ctx, t, "desktop-users")
	if got := eval[string](ctx, t, `[...document.querySelectorAll('#users tr')].find(r => r.textContent.includes('bob@example.com')).textContent`); !strings.Contains(got, "invited") {
		t.Errorf("the invited user's row does not say so: %q", got)
	}
	eval[string](ctx, t, `location.hash = '#deliveries'`)
	until(ctx, t, "the delivery log", `document.querySelector('#deliveries tr')`)
	shot(ctx, t, "desktop-deliveries")

	// The history shows the resolved conversation with its category.
	eval[string](ctx, t, `location.hash = '#history'`)
	until(ctx, t, "the history item", `document.querySelector('#list .item .row3') && document.querySelector('#list .item .row3').textContent.includes('billing')`)
	if got := eval[string](ctx, t, `document.querySelector('#list .item .preview').textContent`); got != "Refunded the double charge" {
		t.Errorf("the history item shows %q, not the summary", got)
	}
	// Opened from the history, the conversation is read-only and the
	// history stays beside it.
	run(ctx, t, chromedp.Click(q("#history-items li a")))
	until(ctx, t, "the closed conversation", `document.querySelector('#composer') && document.querySelector('#composer').textContent === 'This conversation is closed.' && document.querySelector('#history-items li.active')`)
	until(ctx, t, "how it ended", `document.querySelector('#outcome') && document.querySelector('#outcome').textContent.includes('Refunded the double charge')`)
	shot(ctx, t, "desktop-history")
}

func TestBrowserPhone(t *testing.T) {
	e, email, id := browserEnv(t)
	ctx := browser(t, 390, 844)
	// In Swedish, chosen on the login page and kept.
	run(ctx, t, chromedp.Navigate(e.srv.URL+"/console/"))
	until(ctx, t, "the language switch", `document.querySelector('#login .lang')`)
	run(ctx, t, chromedp.Click(q("#login .lang")))
	until(ctx, t, "the Swedish login", `document.querySelector('#login h1').textContent === 'Logga in i konsolen'`)
	logIn(ctx, t, e, email)
	until(ctx, t, "the Swedish queue", `document.querySelector('#list h2') && document.querySelector('#list h2').textContent.startsWith('Väntar')`)
	until(ctx, t, "the queue item", `document.querySelector('#queue-waiting li[data-id="`+id+`"]')`)
	// The server sends one English reason_text to every agent; the console
	// says the reason code in the agent's language.
	if got := eval[string](ctx, t, `document.querySelector('#queue-waiting .badge').textContent`); got != "Känsligt ämne: fakturering" {
		t.Errorf("Swedish reason badge = %q", got)
	}
	width := eval[float64](ctx, t, `document.documentElement.scrollWidth`)
	if width > 390 {
		t.Errorf("the queue is %v px wide on a 390 px phone", width)
	}
	shot(ctx, t, "phone-queue")
	run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+id+`"] a`)))
	until(ctx, t, "the conversation", `document.body.dataset.pane === 'conv' && document.querySelector('#claim')`)
	run(ctx, t, chromedp.Click(q("#claim")))
	until(ctx, t, "the reply box", `document.querySelector('#mode-reply') && !document.querySelector('#mode-reply').disabled`)
	if w := eval[float64](ctx, t, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the conversation is %v px wide on a 390 px phone", w)
	}
	shot(ctx, t, "phone-conversation")
	// The transfer dialog fits the phone.
	run(ctx, t, chromedp.Click(q("#transfer")))
	until(ctx, t, "the transfer dialog", `document.querySelector('#transfer-dialog[open]') && document.querySelector('#transfer-team option')`)
	if r := eval[float64](ctx, t, `document.querySelector('#transfer-dialog-ok').getBoundingClientRect().right`); r > 390 {
		t.Errorf("the transfer button ends at %v px on a 390 px phone", r)
	}
	shot(ctx, t, "phone-transfer")
	run(ctx, t, chromedp.Click(q("#transfer-dialog button[type=button]")))
	run(ctx, t, chromedp.Click(q("#show-context")))
	until(ctx, t, "the context pane", `document.body.dataset.pane === 'ctx' && document.querySelector('#ctx .facts')`)
	if got := eval[string](ctx, t, `document.querySelector('#reason-text').textContent`); got != "Känsligt ämne: fakturering" {
		t.Errorf("Swedish reason in the context pane = %q", got)
	}
	shot(ctx, t, "phone-context")

	// The admin pages are in the menu on a phone, not off the edge of the bar.
	if r := eval[float64](ctx, t, `Math.max(...[...document.querySelectorAll('#top nav a, #top .me')].filter(e => e.offsetParent).map(e => e.getBoundingClientRect().right))`); r > 390 {
		t.Errorf("the top bar reaches %v px on a 390 px phone", r)
	}
	run(ctx, t, chromedp.Click(q("#top .menu summary")))
	until(ctx, t, "the users link in the menu", `document.querySelector('.menu-body a.menu-admin[href="#users"]').offsetParent`)
	shot(ctx, t, "phone-menu")
	run(ctx, t, chromedp.Click(q(`.menu-body a.menu-admin[href="#users"]`)))
	until(ctx, t, "the users page", `document.querySelector('#users tr') && !document.querySelector('details.menu').open`)
	shot(ctx, t, "phone-users")
	// Roles are named in the console's language, as the rest of the page.
	if got := eval[string](ctx, t, `[...document.querySelectorAll('#users select option')].map(o => o.textContent).join(',')`); !strings.Contains(got, "Administratör") || strings.Contains(got, "admin,") {
		t.Errorf("role names on the Swedish users page: %q", got)
	}
	eval[string](ctx, t, `location.hash = '#history'`)
	until(ctx, t, "the history", `document.querySelector('#list h2') && document.querySelector('#list h2').textContent === 'Historik' && !document.querySelector('#list').textContent.includes('Laddar')`)
	if w := eval[float64](ctx, t, `document.querySelector('#list').getBoundingClientRect().width`); w < 380 {
		t.Errorf("the history list is %v px wide on a 390 px phone", w)
	}
	shot(ctx, t, "phone-history")

	// Setup from an invite link, as a new colleague would open it.
	var inv struct {
		InviteURL string `json:"invite_url"`
	}
	admin := e.login(t, auth.RoleAdmin)
	admin.must(t, "POST", "/api/users", map[string]any{"email": "new@example.com", "name": "Nils", "role": "agent", "teams": []string{}}, http.StatusCreated, &inv)
	_, frag, _ := strings.Cut(inv.InviteURL, "#")
	ctx2 := browser(t, 390, 844)
	run(ctx2, t, chromedp.Navigate(e.srv.URL+"/console/#"+frag))
	until(ctx2, t, "the setup form", `document.querySelector('#setup input[type=password]')`)
	shot(ctx2, t, "phone-setup")
	run(ctx2, t, chromedp.SendKeys(q("#setup input[type=password]"), testPassword), chromedp.Click(q("#setup button[type=submit]")))
	until(ctx2, t, "the desk after setup", `document.querySelector('#list h2') && !location.hash.includes('setup')`)
}

// dropConsoles cuts every agent socket from the server's side, as a lost
// network would.
func (e *env) dropConsoles() {
	e.con.reg.mu.RLock()
	conns := make([]*agentConn, 0, len(e.con.reg.conns))
	for c := range e.con.reg.conns {
		conns = append(conns, c)
	}
	e.con.reg.mu.RUnlock()
	for _, c := range conns {
		c.close()
	}
}

// TestBrowserReconnect: the console's socket drops while the visitor
// writes; the console shows that it is reconnecting, comes back by itself
// and shows every message, once, in order.
func TestBrowserReconnect(t *testing.T) {
	e, email, id := browserEnv(t)
	ctx := browser(t, 1280, 800)
	logIn(ctx, t, e, email)
	until(ctx, t, "the queue item", `document.querySelector('#queue-waiting li[data-id="`+id+`"] a')`)
	run(ctx, t, chromedp.Click(q(`#queue-waiting li[data-id="`+id+`"] a`)))
	until(ctx, t, "the claim button", `document.querySelector('#claim')`)
	run(ctx, t, chromedp.Click(q("#claim")))
	until(ctx, t, "the reply box", `document.querySelector('#mode-reply') && !document.querySelector('#mode-reply').disabled`)

	e.dropConsoles()
	until(ctx, t, "the reconnecting banner", `!document.querySelector('#banner').hidden`)
	shot(ctx, t, "desktop-reconnecting")
	bg := context.Background()
	for _, text := range []string{"are you there?", "hello??"} {
		if _, _, err := e.hub.PostVisitorMessage(bg, id, text, text); err != nil {
			t.Fatal(err)
		}
	}
	until(ctx, t, "the reconnect", `document.querySelector('#banner').hidden`)
	if _, _, err := e.hub.PostVisitorMessage(bg, id, "live", "ok, after"); err != nil {
		t.Fatal(err)
	}
	want := `["billing: I was charged twice","are you there?","hello??","ok, after"]`
	until(ctx, t, "every visitor message once", `JSON.stringify([...document.querySelectorAll('#transcript .from-visitor .bubble')].map(b => b.textContent)) === `+"`"+want+"`")
	seqs := eval[[]float64](ctx, t, `[...document.querySelectorAll('#transcript li[data-seq]')].map(li => +li.dataset.seq)`)
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("transcript seqs out of order or repeated: %v", seqs)
		}
	}

	// The open conversation's messages are read as they arrive: no unread
	// badge on its row. Once the agent has left it, a new message is one
	// unread, not every message since the last reply.
	until(ctx, t, "the item with its unread count", `document.querySelector('#queue-mine li[data-id="`+id+`"]')`)
	if n := eval[int](ctx, t, `document.querySelectorAll('#queue-mine .unread').length`); n != 0 {
		t.Errorf("the open conversation shows an unread badge: %s", eval[string](ctx, t, `document.querySelector('#queue-mine .unread').textContent`))
	}
	eval[string](ctx, t, `location.hash = '#queue'`)
	until(ctx, t, "the queue without an open conversation", `document.body.dataset.pane === 'list' && !document.querySelector('#transcript')`)
	if _, _, err := e.hub.PostVisitorMessage(bg, id, "later", "one more thing"); err != nil {
		t.Fatal(err)
	}
	until(ctx, t, "one unread message", `document.querySelector('#queue-mine li[data-id="`+id+`"] .unread') && document.querySelector('#queue-mine li[data-id="`+id+`"] .unread').textContent === '1'`)
	shot(ctx, t, "desktop-unread")
}

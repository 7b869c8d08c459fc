package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
)

const agentPassword = "correct horse battery"

// The whole story of a pulled cord, in three browsers: a visitor asks
// something sensitive in the widget; Anna, logged into the console, sees it
// in the queue with its reason, claims it and replies; the visitor sees
// "Anna joined" and the reply live; Anna transfers to Bob with a note; Bob
// sees the note first, replies, and resolves with a category.
func TestHandoffFromWidgetToConsole(t *testing.T) {
	srv, a := startHandoffServer(t)
	anna := newBrowser(t, 1280, 800)
	bob := newBrowser(t, 1280, 800)
	visitor := newBrowser(t, 1280, 900)
	// The printed link names the configured address; the test server
	// listens elsewhere, so the token is taken to it.
	firstAdminSetup(anna, t, srv.URL+"/console/#setup="+fragmentToken(t, a.SetupLink()))
	inviteBob(t, srv.URL)
	consoleLogIn(bob, t, srv.URL, "bob@example.com")
	waitFor(anna, t, "Anna's empty queue", `document.querySelector('#main') && !document.querySelector('#login')`)

	// The visitor asks about a double charge: the bot pulls the cord.
	do(visitor, t, chromedp.Navigate(srv.URL+"/"))
	openWidget(visitor, t)
	ask(visitor, t, "I was charged twice for my subscription this month")
	waitFor(visitor, t, "the escalation notice", `[...`+root+`.querySelectorAll('.m.system .b')].some(b => /billing/i.test(b.textContent))`)
	notice := js[string](visitor, t, `[...`+root+`.querySelectorAll('.m.system .b')].pop().textContent`)
	if !strings.Contains(notice, "minute") {
		t.Errorf("escalation notice %q does not say when someone comes", notice)
	}
	// Anna joined billing after she had logged in: the visitor still hears
	// of both of them.
	if !strings.Contains(notice, "Anna or Bob from the billing team") {
		t.Errorf("escalation notice %q does not name Anna and Bob of the billing team", notice)
	}
	// The state line below says it is waiting, without saying the wait again.
	waitFor(visitor, t, "the waiting state line", stateLine+` !== ''`)
	if line := js[string](visitor, t, stateLine); strings.Contains(line, "minute") || !strings.Contains(line, "Waiting for a person") {
		t.Errorf("the state line under the notice %q reads %q, want a short waiting line without the wait", notice, line)
	}
	screenshot(visitor, t, "handoff-1-visitor-waiting")

	// Anna sees it in the queue, with the reason in words.
	waitFor(anna, t, "the queue item", `document.querySelector('#queue-waiting li[data-id] .badge')`)
	if got := js[string](anna, t, `document.querySelector('#queue-waiting li[data-id] .badge').textContent`); !strings.Contains(strings.ToLower(got), "billing") {
		t.Errorf("reason badge = %q, want the billing topic", got)
	}
	screenshot(anna, t, "handoff-2-anna-queue")
	do(anna, t, chromedp.Click(onPage(`#queue-waiting li[data-id] a`)))
	waitFor(anna, t, "the transcript", `[...document.querySelectorAll('#transcript .from-visitor .bubble')].some(b => /charged twice/.test(b.textContent))`)
	waitFor(anna, t, "the context panel with the reason", `/billing/i.test(document.querySelector('#ctx').textContent)`)
	panel := js[string](anna, t, `document.querySelector('#ctx').textContent`)
	for _, want := range []string{"charged twice", srv.URL + "/", "Chrome on Linux, desktop"} {
		if !strings.Contains(panel, want) {
			t.Errorf("Anna's context panel lacks %q:\n%s", want, panel)
		}
	}
	do(anna, t, chromedp.Click(onPage(`#claim`)))
	waitFor(anna, t, "the reply box", `document.querySelector('#reply') && !document.querySelector('#reply').disabled`)

	// The visitor hears who joined, and is told by name who is there and
	// typing before Anna has written a word; then the reply, live.
	waitFor(visitor, t, "Anna joined", `[...`+root+`.querySelectorAll('.m.system .b')].some(b => /Anna/.test(b.textContent))`)
	waitFor(visitor, t, "the state line naming Anna", stateLine+` === 'You’re chatting with Anna.'`)
	do(anna, t, chromedp.SendKeys(onPage(`#reply`), "Hi, I'm Anna."))
	waitFor(visitor, t, "Anna typing", `!`+root+`.querySelector('.typing').hidden && `+root+`.querySelector('.typing').textContent === 'Anna is typing…'`)
	if n := js[int](visitor, t, root+`.querySelectorAll('.m.agent').length`); n != 0 {
		t.Errorf("the visitor has %d agent messages before Anna sent hers", n)
	}
	screenshot(visitor, t, "handoff-3a-visitor-anna-typing")
	do(anna, t, chromedp.SendKeys(onPage(`#reply`), " I can see the two charges and will sort it out."), pressKey("Enter", "Enter", 13, 0))
	waitFor(visitor, t, "Anna's reply", `[...`+root+`.querySelectorAll('.m.agent .b')].some(b => /I can see the two charges/.test(b.textContent))`)
	screenshot(visitor, t, "handoff-3-visitor-sees-anna")

	// Anna passes the baton to Bob with a note.
	do(anna, t, chromedp.Click(onPage(`#transfer`)))
	waitFor(anna, t, "the transfer dialog with Bob", `[...document.querySelectorAll('#transfer-agent option')].some(o => /Bob/.test(o.textContent))`)
	js[bool](anna, t, `(() => { const s = document.querySelector('#transfer-agent'); s.value = [...s.options].find(o => /Bob/.test(o.textContent)).value; return true; })()`)
	do(anna, t, chromedp.SendKeys(onPage(`#transfer-note`), "Double charge confirmed in the log; please refund the second one."))
	screenshot(anna, t, "handoff-4-anna-transfers")
	do(anna, t, chromedp.Click(onPage(`#transfer-dialog-ok`)))
	waitFor(anna, t, "the dialog closed", `!document.querySelector('#transfer-dialog')`)

	// Bob sees the conversation with the note first, takes it and replies.
	waitFor(bob, t, "Bob's item", `[...document.querySelectorAll('#main li[data-id]')].some(li => /Double charge confirmed/.test(li.textContent))`)
	screenshot(bob, t, "handoff-5-bob-queue")
	do(bob, t, chromedp.Click(onPage(`#main li[data-id] a`)))
	waitFor(bob, t, "the handoff note", `document.querySelector('#handoff-note')`)
	firstSection := js[string](bob, t, `document.querySelector('#ctx section').id`)
	if firstSection != "handoff-note" {
		t.Errorf("the first section of Bob's context panel is %q, want the handoff note", firstSection)
	}
	screenshot(bob, t, "handoff-6-bob-sees-note")
	if js[bool](bob, t, `!!document.querySelector('#claim')`) {
		do(bob, t, chromedp.Click(onPage(`#claim`)))
	}
	waitFor(bob, t, "Bob's reply box", `document.querySelector('#reply') && !document.querySelector('#reply').disabled`)
	// Bob has it: the visitor is told so before he writes, Anna's name is gone.
	waitFor(visitor, t, "the state line naming Bob", stateLine+` === 'You’re chatting with Bob.'`)
	do(bob, t, chromedp.SendKeys(onPage(`#reply`), "Bob here:"))
	waitFor(visitor, t, "Bob typing", `!`+root+`.querySelector('.typing').hidden && `+root+`.querySelector('.typing').textContent === 'Bob is typing…'`)
	screenshot(visitor, t, "handoff-6a-visitor-bob-typing")
	do(bob, t, chromedp.SendKeys(onPage(`#reply`), " the refund is on its way."), pressKey("Enter", "Enter", 13, 0))
	waitFor(visitor, t, "Bob's reply", `[...`+root+`.querySelectorAll('.m.agent .b')].some(b => /refund is on its way/.test(b.textContent))`)
	screenshot(visitor, t, "handoff-7-visitor-sees-bob")

	// Bob resolves with a category.
	do(bob, t, chromedp.Click(onPage(`#resolve`)))
	waitFor(bob, t, "the resolve dialog", `document.querySelector('#resolve-category option[value=billing]')`)
	do(bob, t, chromedp.SetValue(onPage(`#resolve-category`), "billing"),
		chromedp.SendKeys(onPage(`#resolve-summary`), "Refunded the double charge"))
	screenshot(bob, t, "handoff-8-bob-resolves")
	do(bob, t, chromedp.Click(onPage(`#resolve-dialog-ok`)))
	waitFor(bob, t, "back at the queue", `location.hash === '#queue'`)
	waitFor(visitor, t, "the closed conversation", `/closed|resolved|ended/i.test(`+root+`.textContent)`)
	screenshot(visitor, t, "handoff-9-visitor-closed")
}

// stateLine is the text of the widget's state line under the transcript,
// empty when it is hidden.
const stateLine = `(() => { const l = ` + root + `.querySelector('.state > div'); return l.hidden || l.parentNode.hidden ? '' : l.textContent; })()`

// startHandoffServer starts an andon of its own (agents online would
// change what the shared server's visitors are told) with a billing team.
func startHandoffServer(t *testing.T) (server, *app.App) {
	t.Helper()
	dir := t.TempDir()
	var out io.Writer = io.Discard
	if os.Getenv("ANDON_E2E_LOG") != "" {
		out = os.Stderr
	}
	logger := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := config.Defaults()
	cfg.Server.DataDir = dir
	cfg.Teams = []config.Team{
		{Name: "billing", Title: "the billing team", Reasons: []string{"sensitive:billing"}},
		{Name: "support", Title: "the support team"},
	}
	cfg.Handoff.DefaultTeam = "support"
	a, err := app.New(context.Background(), cfg, logger)
	if err != nil {
		t.Fatalf("couldn't build andon: %v", err)
	}
	hs := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		a.CloseConnections()
		hs.Close()
		a.Close()
	})
	return server{URL: hs.URL}, a
}

// firstAdminSetup opens the one-time link the server printed at its first
// start, as the first admin does, and sets her e-mail, name and password.
func firstAdminSetup(ctx context.Context, t *testing.T, link string) {
	t.Helper()
	if link == "" {
		t.Fatal("a server without users printed no setup link")
	}
	do(ctx, t, chromedp.Navigate(link))
	waitFor(ctx, t, "the setup form", `document.querySelector('#setup input[type=email]')`)
	do(ctx, t,
		chromedp.SendKeys(onPage(`#setup input[type=email]`), "anna@example.com"),
		chromedp.SendKeys(onPage(`#setup input[name=name]`), "Anna"),
		chromedp.SendKeys(onPage(`#setup input[type=password]`), agentPassword))
	screenshot(ctx, t, "handoff-0-first-admin-setup")
	do(ctx, t, chromedp.Click(onPage(`#setup button[type=submit]`)))
	waitFor(ctx, t, "Anna signed in", `!document.querySelector('#setup') && document.querySelector('#top') && !document.querySelector('#top').hidden`)
	if got := js[string](ctx, t, `location.hash`); strings.Contains(got, "setup=") {
		t.Errorf("the setup token stayed in the address bar: %q", got)
	}
}

// inviteBob has Anna, over the API the console uses, join the billing
// team and invite Bob, who accepts the invitation.
func inviteBob(t *testing.T, base string) {
	t.Helper()
	anna := apiClient(t, base)
	var me struct {
		CSRFToken string `json:"csrf_token"`
	}
	anna.call(t, "POST", "/api/login", map[string]any{"email": "anna@example.com", "password": agentPassword}, &me)
	anna.csrf = me.CSRFToken
	anna.call(t, "PATCH", "/api/users/"+anna.userID(t), map[string]any{"teams": []string{"billing"}}, nil)
	var invite struct {
		InviteURL string `json:"invite_url"`
	}
	anna.call(t, "POST", "/api/users", map[string]any{
		"email": "bob@example.com", "name": "Bob", "role": "agent", "teams": []string{"billing"},
	}, &invite)
	bob := apiClient(t, base)
	bob.call(t, "POST", "/api/setup", map[string]any{
		"token": fragmentToken(t, invite.InviteURL), "name": "Bob", "password": agentPassword,
	}, nil)
}

func fragmentToken(t *testing.T, link string) string {
	t.Helper()
	_, token, ok := strings.Cut(link, "#setup=")
	if !ok || token == "" {
		t.Fatalf("link %q carries no setup token", link)
	}
	return token
}

// client is a console user speaking the JSON API with a cookie jar.
type client struct {
	base string
	http *http.Client
	csrf string
}

func apiClient(t *testing.T, base string) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{base: base, http: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (c *client) call(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", c.base)
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %s: %s", method, path, res.Status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: couldn't decode %s: %v", method, path, raw, err)
		}
	}
}

func (c *client) userID(t *testing.T) string {
	t.Helper()
	var me struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	c.call(t, "GET", "/api/me", nil, &me)
	if me.User.ID == "" {
		t.Fatal("GET /api/me returned no user id")
	}
	return url.PathEscape(me.User.ID)
}

// onPage finds an element of the page (not of the widget) by CSS selector.
func onPage(css string) chromedp.JSPath {
	return chromedp.JSPath("document.querySelector(" + jsString(css) + ")")
}

// consoleLogIn logs into the console with the login form.
func consoleLogIn(ctx context.Context, t *testing.T, base, email string) {
	t.Helper()
	do(ctx, t, chromedp.Navigate(base+"/console/"))
	waitFor(ctx, t, "the login form", `document.querySelector('#login input[type=email]')`)
	do(ctx, t,
		chromedp.SendKeys(onPage(`#login input[type=email]`), email),
		chromedp.SendKeys(onPage(`#login input[type=password]`), agentPassword),
		chromedp.Click(onPage(`#login button[type=submit]`)))
	waitFor(ctx, t, fmt.Sprintf("%s logged in", email), `!document.querySelector('#login') && document.querySelector('#top') && !document.querySelector('#top').hidden`)
}

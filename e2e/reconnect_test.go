package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A message is never lost to a bad network. First the link goes quiet
// towards the server: the message stays on screen as pending and in the
// outbox; the connection drops, the widget says it is reconnecting, and
// once the server is back it resends the message with the same client_id.
// Then the server's acknowledgement is what gets lost: the server stored the
// message, the widget resends it after reconnecting, and the server's
// idempotent retry and replay leave it in the conversation exactly once.
func TestWidgetResendsAfterReconnect(t *testing.T) {
	ctx := newBrowser(t, 1280, 900)
	srv := startServer(t)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	px := newProxy(t, u.Host)
	do(ctx, t, chromedp.Navigate(px.URL()+"/"))
	openWidget(ctx, t)
	ask(ctx, t, question)
	answered(ctx, t, question)

	px.SwallowFromBrowser()
	const lost = "Is this message lost?"
	id := sendWhileBroken(ctx, t, lost)
	if !js[bool](ctx, t, `Object.keys(localStorage).some(k => k.startsWith('andon:v1:') && JSON.parse(localStorage.getItem(k)).out.some(o => o.client_id === `+jsString(id)+`))`) {
		t.Error("the pending message is not in the outbox in localStorage")
	}
	px.Cut()
	waitFor(ctx, t, "the status line saying it reconnects",
		`!`+root+`.querySelector('.status').hidden && /Reconnecting/.test(`+root+`.querySelector('.status').textContent)`)
	if got := js[string](ctx, t, root+`.querySelector('.msgs > li.pending .meta').textContent`); !strings.Contains(got, "Not sent yet") {
		t.Errorf("pending message says %q while disconnected, want that it is not sent yet", got)
	}
	screenshot(ctx, t, "reconnecting")
	px.Restore()
	acknowledgedOnce(ctx, t, lost, id)

	px.SwallowFromServer()
	const unacked = "Did you get this one?"
	id = sendWhileBroken(ctx, t, unacked)
	px.Cut()
	waitFor(ctx, t, "the status line saying it reconnects", `!`+root+`.querySelector('.status').hidden`)
	px.Restore()
	acknowledgedOnce(ctx, t, unacked, id)

	// The server's own log has each once too: with the local copy gone,
	// the replay from the server shows them once.
	js[bool](ctx, t, `(() => { for (const k of Object.keys(localStorage)) if (k.startsWith('andon:v1:')) {
		const s = JSON.parse(localStorage.getItem(k)); s.msgs = []; s.last = 0; localStorage.setItem(k, JSON.stringify(s)); } return true; })()`)
	do(ctx, t, chromedp.Reload())
	waitFor(ctx, t, "the replayed history", `Array.from(`+root+`.querySelectorAll('.msgs > li[data-seq] .b')).some(b => b.textContent === `+jsString(unacked)+`)`)
	for _, text := range []string{lost, unacked} {
		if n := count(messages(ctx, t), text); n != 1 {
			t.Errorf("after replay %q appears %d times, want once", text, n)
		}
	}
}

// sendWhileBroken sends text and checks that it stays pending with a
// client_id, which it returns.
func sendWhileBroken(ctx context.Context, t *testing.T, text string) string {
	t.Helper()
	ask(ctx, t, text)
	waitFor(ctx, t, "the message shown as pending", root+`.querySelector('.msgs > li.pending')`)
	ms := messages(ctx, t)
	last := ms[len(ms)-1]
	if !last.Pending || last.Text != text || last.ClientID == "" {
		t.Fatalf("last message = %+v, want %q pending with a client_id", last, text)
	}
	return last.ClientID
}

// acknowledgedOnce waits until the message with this client_id has a seq
// and nothing is pending, and checks that it is shown once.
func acknowledgedOnce(ctx context.Context, t *testing.T, text, clientID string) {
	t.Helper()
	waitFor(ctx, t, "the resent message acknowledged",
		root+`.querySelector('.msgs > li.visitor[data-seq][data-cid="`+clientID+`"]') && !`+root+`.querySelector('.msgs > li.pending')`)
	waitFor(ctx, t, "the status line gone", root+`.querySelector('.status').hidden`)
	ms := messages(ctx, t)
	if n := count(ms, text); n != 1 {
		t.Errorf("%q shown %d times, want once: %+v", text, n, ms)
	}
	for _, m := range ms {
		if m.Text == text && (m.ClientID != clientID || m.Seq == 0) {
			t.Errorf("resent message = %+v, want client_id %s and a seq", m, clientID)
		}
	}
}

func count(ms []message, text string) int {
	n := 0
	for _, m := range ms {
		if m.Text == text {
			n++
		}
	}
	return n
}

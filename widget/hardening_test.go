package widget

import (
	"context"
	"fmt"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// TestReplayToNonReadingClientsIsBounded: a conversation of 3,000 messages
// of 4 KiB (12 MB of text) resumed from seq 0 by 10 clients that read the
// welcome and the first message and then nothing. Loading the whole log per
// resume held it 10 times over (over 120 MB) until the write deadline;
// replaying in pages holds one page per connection.
func TestReplayToNonReadingClientsIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 12 MB of messages")
	}
	const (
		messages = 3000
		clients  = 10
		bound    = 32 << 20 // heap growth allowed; one page each is about 3 MB
	)
	// A long write deadline: the stalled writes must still be pending when
	// the heap is measured.
	e := newEnv(t, Options{Limits: Limits{WriteTimeout: time.Minute}}, nil)
	first := e.mustDial()
	w := first.hello("", 0)
	e.create(w)
	first.ws.Close()
	text := strings.Repeat("x", 4096)
	for i := range messages {
		if _, _, err := e.st.AppendMessage(context.Background(), store.Message{
			ConversationID: w.ConversationID, From: store.FromAgent, Author: "Anna", Text: text}); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	before := heapAfterGC()

	for i := range clients {
		ws, _, err := slowDialer.Dial(e.wsURL(""), http.Header{"Origin": {e.srv.URL}})
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		c := &client{t: t, ws: ws}
		c.hello(w.Token, 0)
		if f := c.expect("message"); f.Seq != 1 {
			t.Fatalf("client %d: the replay starts at seq %d", i, f.Seq)
		}
		// and reads no more
	}
	after := heapAfterGC()
	grew := int64(after) - int64(before)
	t.Logf("heap %d MiB before the resumes, %d MiB with %d stalled replays", before>>20, after>>20, clients)
	if grew > bound {
		t.Fatalf("the heap grew by %d MiB with %d non-reading resumes; the bound is %d MiB", grew>>20, clients, bound>>20)
	}
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestReplayPagesCoverTheLog: a resume from any last_seq sees every later
// message once and in order across page boundaries (pages of one message
// here, with the smallest byte budget).
func TestReplayPagesCoverTheLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Limits: Limits{ReplayPageBytes: 1}}, nil)
	c := e.mustDial()
	w := c.hello("", 0)
	for i := range 5 {
		c.message(fmt.Sprint("m", i), fmt.Sprint("text ", i))
		c.expect("message")
	}
	for _, last := range []int64{0, 2, 4, 5, 9} {
		r := e.mustDial()
		r.hello(w.Token, last)
		for want := last + 1; want <= 5; want++ {
			if f := r.expect("message"); f.Seq != want || f.Text != fmt.Sprint("text ", want-1) {
				t.Fatalf("resume after %d: got seq %d %q, want seq %d", last, f.Seq, f.Text, want)
			}
		}
		r.message("probe", "text 0") // the retry of a stored client_id: answered alone
		if f := r.expect("message"); f.ClientID != "probe" {
			t.Fatalf("resume after %d: after the replay came %+v", last, f)
		}
		r.ws.Close()
	}
}

// TestHelloFloodCreatesNoRows: hellos alone store nothing, not even with
// the largest attributes; the conversation is written with the visitor's
// first message, under the id and token the welcome gave.
func TestHelloFloodCreatesNoRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	attrs := map[string]string{}
	for i := range 7 {
		attrs[fmt.Sprint("k", i)] = strings.Repeat("v", 512)
	}
	var last frame
	for range 200 {
		c := e.mustDial()
		c.send(map[string]any{"type": "hello", "page": "https://example.com/" + strings.Repeat("p", 1000), "attributes": attrs})
		last = c.expect("welcome")
		c.ws.Close()
	}
	if n := e.conversations(); n != 0 {
		t.Fatalf("%d conversations stored by 200 hellos, want 0", n)
	}
	// The token of a conversation never written resumes it, empty; the
	// attributes stored are those of the hello before the first message.
	c := e.mustDial()
	c.send(map[string]any{"type": "hello", "token": last.Token, "last_seq": 0, "attributes": map[string]string{"plan": "pro"}})
	w := c.expect("welcome")
	if w.ConversationID != last.ConversationID || w.State != store.StateBot {
		t.Fatalf("resumed %+v, want the empty conversation %s", w, last.ConversationID)
	}
	c.message("m1", "hi")
	if f := c.expect("message"); f.Seq != 1 {
		t.Fatalf("%+v", f)
	}
	if n := e.conversations(); n != 1 {
		t.Fatalf("%d conversations stored after the first message, want 1", n)
	}
	if got := e.attributes(w.ConversationID); got["plan"] != "pro" {
		t.Errorf("the first message stored attributes %v, want the hello's", got)
	}
}

// TestAskingForAPersonStoresTheConversation: a visitor who asks for a
// person before writing anything gets a stored, escalated conversation.
func TestAskingForAPersonStoresTheConversation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	c := e.mustDial()
	w := c.hello("", 0)
	c.send(map[string]any{"type": "human"})
	for f := c.read(); f.Type != "state" || f.State != store.StateWaiting; f = c.read() {
		if f.Type != "message" {
			t.Fatalf("%+v", f)
		}
	}
	conv, err := e.st.Conversation(context.Background(), w.ConversationID)
	if err != nil || conv.State != store.StateWaiting {
		t.Fatalf("stored %+v, %v", conv, err)
	}
	// Feedback on a conversation never written is refused, not an error.
	d := e.mustDial()
	d.hello("", 0)
	d.send(map[string]any{"type": "feedback", "seq": 1, "helpful": false})
	d.expectError(apierr.CodeBadRequest, "seq")
}

// TestEmptyConversationCleanedUpWhileConnected: a conversation stored
// without a message (as older versions did at hello) and expired while its
// visitor is connected is stored again when the visitor resends.
func TestEmptyConversationCleanedUpWhileConnected(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	c := e.mustDial()
	w := c.hello("", 0)
	e.create(w)
	c.ws.Close()
	c = e.mustDial()
	c.hello(w.Token, 0)
	if n, err := e.hub.ExpireEmpty(context.Background(), time.Now().Add(48*time.Hour)); err != nil || n != 1 {
		t.Fatalf("ExpireEmpty = %d, %v", n, err)
	}
	c.message("m1", "hi")
	if f := c.expectError(apierr.CodeInternalError, ""); f.ClientID != "m1" {
		t.Fatalf("%+v", f)
	}
	c.message("m1", "hi")
	if f := c.expect("message"); f.ClientID != "m1" || f.Seq != 1 {
		t.Fatalf("%+v", f)
	}
}

func TestNewConversationRateLimit(t *testing.T) {
	t.Parallel()
	t.Run("per IP", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{Limits: Limits{IPNewConversationsPerMinute: 0.001, IPNewConversationBurst: 2}}, nil)
		for range 2 {
			c := e.mustDial()
			c.hello("", 0)
			c.message("m1", "hi")
			c.expect("message")
			c.ws.Close()
		}
		c := e.mustDial()
		c.hello("", 0)
		c.message("m1", "hi")
		if f := c.expectError(apierr.CodeRateLimited, ""); f.ClientID != "m1" {
			t.Fatalf("%+v", f)
		}
		if n := e.conversations(); n != 2 {
			t.Fatalf("%d conversations stored, want 2", n)
		}
		// The connection stays open, and a stored conversation is not held
		// back by the limit on new ones.
		c.send(map[string]any{"type": "nope"})
		c.expectError(apierr.CodeBadRequest, "type")
	})
	t.Run("per site", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, Options{
			Sites:  []Site{{Name: "default"}, {Name: "other", AllowedOrigins: []string{"*"}}},
			Limits: Limits{SiteNewConversationsPerMinute: 0.001, SiteNewConversationBurst: 1},
		}, nil)
		a := e.mustDial()
		a.hello("", 0)
		a.message("m1", "hi")
		a.expect("message")
		b := e.mustDial()
		b.hello("", 0)
		b.message("m1", "hi")
		b.expectError(apierr.CodeRateLimited, "")
		o, _, err := e.dial("?site=other", "https://other.example.com")
		if err != nil {
			t.Fatal(err)
		}
		o.hello("", 0)
		o.message("m1", "hi")
		o.expect("message") // another site has its own budget
	})
}

func TestOversizeHelloIsTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	many := map[string]string{}
	for i := range maxAttributes + 1 {
		many[fmt.Sprint("k", i)] = "v"
	}
	heavy := map[string]string{}
	for i := range 9 {
		heavy[fmt.Sprint("k", i)] = strings.Repeat("v", 500)
	}
	tests := []struct {
		name, field string
		hello       map[string]any
	}{
		{"page", "page", map[string]any{"page": "https://example.com/" + strings.Repeat("p", maxPageBytes)}},
		{"one value", "attributes", map[string]any{"attributes": map[string]string{"a": strings.Repeat("v", maxAttrValBytes+1)}}},
		{"too many", "attributes", map[string]any{"attributes": many}},
		{"all together", "attributes", map[string]any{"attributes": heavy}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.mustDial()
			c.t = t
			tt.hello["type"] = "hello"
			c.send(tt.hello)
			c.expectError(apierr.CodeTooLarge, tt.field)
			c.send(map[string]any{"type": "hello"}) // the connection stays open
			c.expect("welcome")
		})
	}
}

// TestRateLimitedBurstKeepsTheSocketOpen: a client that sends a burst of
// frames far over its rate gets a rate_limited error for each and keeps
// its connection. The answers used to be queued without waiting, so a
// burst filled the send queue and the client was dropped as a slow reader.
func TestRateLimitedBurstKeepsTheSocketOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Limits: Limits{MessagesPerSecond: 0.001, MessageBurst: 1, SendQueue: 2}}, nil)
	c := e.mustDial()
	c.hello("", 0)
	const burst = 300
	var b strings.Builder
	sent := make(chan error, 1)
	go func() {
		for i := range burst {
			b.Reset()
			fmt.Fprintf(&b, `{"type":"message","client_id":"c%d","text":"hi"}`, i)
			if err := c.ws.WriteMessage(websocket.TextMessage, []byte(b.String())); err != nil {
				sent <- err
				return
			}
		}
		sent <- nil
	}()
	acks, limited := 0, 0
	for acks+limited < burst {
		f := c.read()
		switch {
		case f.Type == "message" && f.From == store.FromVisitor:
			acks++
		case f.Type == "error" && f.Code == apierr.CodeRateLimited:
			limited++
		case f.Type == "message": // the bot's answer, if any
		default:
			t.Fatalf("after %d acks and %d refusals: %+v", acks, limited, f)
		}
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if acks != 1 || limited != burst-1 {
		t.Fatalf("%d acks and %d rate_limited, want 1 and %d", acks, limited, burst-1)
	}
	c.send(map[string]any{"type": "nope"})
	c.expectError(apierr.CodeBadRequest, "type")
	if n := e.h.Connections(); n != 1 {
		t.Fatalf("%d connections open, want 1", n)
	}
}

// TestConversationGrowthIsRateLimited: the hub's cap on a conversation's
// growth, over all its tabs, reaches the visitor as rate_limited with the
// message's client_id; nothing is stored and the connection stays open.
func TestConversationGrowthIsRateLimited(t *testing.T) {
	t.Parallel()
	e := openEnv(t, t, Options{}, conversation.Options{MessagesPerMinute: 0.001, MessageBurst: 2}, "normal")
	a, b := e.mustDial(), e.mustDial()
	w := a.hello("", 0)
	b.hello(w.Token, 0)
	a.message("a1", "one")
	a.expect("message")
	b.expect("message")
	b.message("b1", "two")
	b.expect("message")
	a.expect("message")
	a.message("a2", "three")
	if f := a.expectError(apierr.CodeRateLimited, ""); f.ClientID != "a2" {
		t.Fatalf("%+v", f)
	}
	if ms, _ := e.st.Messages(context.Background(), w.ConversationID, 0); len(ms) != 2 {
		t.Fatalf("%d messages stored, want 2", len(ms))
	}
	a.send(map[string]any{"type": "nope"})
	a.expectError(apierr.CodeBadRequest, "type")
}

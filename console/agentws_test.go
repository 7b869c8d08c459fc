package console

import (
	"context"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

func isItem(id string) func(frame) bool {
	return func(f frame) bool { return f.Type == "item" && f.Item != nil && f.Item.ConversationID == id }
}

func isMessage(id, text string) func(frame) bool {
	return func(f frame) bool {
		return f.Type == "message" && f.ConversationID == id && f.Message != nil && f.Message.Text == text
	}
}

func TestAgentHelloIsASnapshot(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	id := e.escalate(t, conversation.Visit{Site: "default"})
	anna := e.login(t, auth.RoleAgent, "billing")
	ws := anna.dial(t)
	f := ws.read()
	if f.Type != "hello" || f.Agent == nil || f.Agent.ID != anna.user.ID || f.Agent.Teams[0] != "billing" {
		t.Fatalf("first frame = %s", f.Raw)
	}
	if _, ok := findItem(f.Queue, id); !ok {
		t.Fatalf("hello queue misses %s: %s", id, f.Raw)
	}
	if !strings.Contains(string(f.Raw), `"presence":[`) || !strings.Contains(string(f.Raw), anna.user.ID) {
		t.Fatalf("hello presence: %s", f.Raw)
	}
}

// TestEscalationReachesEveryAgent: a new escalation is on every connected
// console at once, and when one agent claims it, it leaves the others'
// queues live.
func TestEscalationReachesEveryAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	agents := []*client{e.login(t, auth.RoleAgent), e.login(t, auth.RoleAgent), e.login(t, auth.RoleAdmin)}
	var socks []*agentWS
	for _, a := range agents {
		ws := a.dial(t)
		if f := ws.read(); f.Type != "hello" {
			t.Fatalf("first frame %s", f.Raw)
		}
		socks = append(socks, ws)
	}
	id := e.escalate(t, conversation.Visit{Site: "default"})
	for i, ws := range socks {
		f := ws.until("item", isItem(id))
		if f.Item.Reason != "sensitive:billing" || f.Item.ReasonText == "" || f.Item.AssigneeID != "" {
			t.Fatalf("agent %d got %s", i, f.Raw)
		}
	}
	agents[1].must(t, "POST", "/api/conversations/"+id+"/claim", nil, http.StatusOK, nil)
	socks[1].until("own item", func(f frame) bool { return isItem(id)(f) && f.Item.AssigneeID == agents[1].user.ID })
	for _, i := range []int{0, 2} {
		socks[i].until("item_removed", func(f frame) bool { return f.Type == "item_removed" && f.ConversationID == id })
	}
}

// TestWatchIsLive: a watched conversation's messages and typing arrive
// live both ways, and notes reach every console.
func TestWatchIsLive(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	ws := anna.dial(t)
	ws.read() // hello
	ws.send(map[string]any{"type": "watch", "conversation_id": id})

	// The visitor's side of the conversation, as the widget subscribes.
	visitor := conversation.NewQueue(64)
	defer e.hub.Subscribe(id, visitor)()

	ctx := context.Background()
	w := ws.until("watching", func(f frame) bool { return f.Type == "watching" })
	if w.ConversationID != id || w.LastSeq == 0 || w.State != store.StateHuman {
		t.Fatalf("watching frame %s", w.Raw)
	}
	if _, _, err := e.hub.PostVisitorMessage(ctx, id, "v2", "hello?"); err != nil {
		t.Fatal(err)
	}
	f := ws.until("message", isMessage(id, "hello?"))
	if f.Message.From != store.FromVisitor || f.Message.Seq == 0 {
		t.Fatalf("message frame %s", f.Raw)
	}
	e.hub.Typing(ctx, id, store.FromVisitor, true)
	ws.until("visitor typing", func(f frame) bool { return f.Type == "typing" && f.From == store.FromVisitor && f.On })

	// The agent types: the visitor sees it.
	ws.send(map[string]any{"type": "typing", "conversation_id": id, "on": true})
	waitUpdate(t, visitor, func(u *conversation.Update) bool {
		return u.Kind == conversation.KindTyping && u.From == store.FromAgent && u.On
	})
	// The reply reaches the visitor and the console.
	anna.must(t, "POST", "/api/conversations/"+id+"/messages", map[string]string{"text": "Yes, here."}, http.StatusOK, nil)
	ws.until("own reply", isMessage(id, "Yes, here."))
	waitUpdate(t, visitor, func(u *conversation.Update) bool {
		return u.Kind == conversation.KindMessage && u.Message.Text == "Yes, here." && u.Message.From == store.FromAgent
	})
	// A note is on the console, never at the visitor's.
	anna.must(t, "POST", "/api/conversations/"+id+"/notes", map[string]string{"text": "VIP"}, http.StatusOK, nil)
	ws.until("note", func(f frame) bool { return f.Type == "note" && f.Note != nil && f.Note.Text == "VIP" })
	select {
	case u := <-visitor.Updates():
		if u.Message != nil && strings.Contains(u.Message.Text, "VIP") {
			t.Fatalf("note reached the visitor: %+v", u)
		}
	default:
	}

	// Unwatched: no more messages of it.
	ws.send(map[string]any{"type": "unwatch", "conversation_id": id})
	ws.send(map[string]any{"type": "watch", "conversation_id": "nope"})
	ws.until("not_found error", func(f frame) bool { return f.Type == "error" && f.Code == apierr.CodeNotFound })
	if _, _, err := e.hub.PostVisitorMessage(ctx, id, "v3", "after unwatch"); err != nil {
		t.Fatal(err)
	}
	ws.send(map[string]any{"type": "bogus", "conversation_id": id})
	f = ws.until("error", func(f frame) bool { return f.Type == "error" || f.Type == "message" })
	if f.Type != "error" || f.Code != apierr.CodeBadRequest {
		t.Fatalf("after unwatch got %s", f.Raw)
	}
}

func waitUpdate(t *testing.T, q *conversation.Queue, ok func(*conversation.Update) bool) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case u := <-q.Updates():
			if ok(u) {
				return
			}
		case <-timeout:
			t.Fatal("update never reached the visitor")
		}
	}
}

func TestBadFramesGetErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	ws := anna.dial(t)
	ws.read()
	for _, tc := range []struct{ frame, code string }{
		{`{"type":"watch"}`, apierr.CodeBadRequest},
		{`{"type":"watch","conversation_id":"x","extra":1}`, apierr.CodeBadRequest},
		{`{"type":"typing","conversation_id":"x"}`, apierr.CodeBadRequest},
		{`{"type":"typing","conversation_id":"x","on":"yes"}`, apierr.CodeBadRequest},
		{`not json`, apierr.CodeBadRequest},
		{`{"type":"shout","conversation_id":"x"}`, apierr.CodeBadRequest},
	} {
		if err := ws.ws.WriteMessage(websocket.TextMessage, []byte(tc.frame)); err != nil {
			t.Fatal(err)
		}
		f := ws.until("error", func(f frame) bool { return f.Type == "error" })
		if f.Code != tc.code || !strings.Contains(string(f.Raw), `"message":"`) {
			t.Fatalf("%s → %s", tc.frame, f.Raw)
		}
	}
	// Still connected after all that.
	ws.send(map[string]any{"type": "watch", "conversation_id": "nope"})
	ws.until("not_found", func(f frame) bool { return f.Type == "error" && f.Code == apierr.CodeNotFound })
}

// TestReconnectResyncsWithoutLoss: an agent's console drops mid
// conversation, the visitor goes on writing, the console reconnects within
// the grace period: it still owns the conversation, its hello has it, and
// watch + messages after its last seq + live frames give every message
// exactly once.
func TestReconnectResyncsWithoutLoss(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	ctx := context.Background()

	ws := anna.dial(t)
	ws.read()
	var c contextJSON
	anna.must(t, "GET", "/api/conversations/"+id, nil, http.StatusOK, &c)
	seen := map[int64]bool{}
	last := int64(0)
	for _, m := range c.Messages {
		seen[m.Seq] = true
		last = max(last, m.Seq)
	}
	ws.ws.Close() // the network drops

	for i := range 3 {
		if _, _, err := e.hub.PostVisitorMessage(ctx, id, "gap"+itoa(int64(i)), "while away "+itoa(int64(i))); err != nil {
			t.Fatal(err)
		}
	}

	ws = anna.dial(t)
	hello := ws.read()
	it, ok := findItem(hello.Queue, id)
	if hello.Type != "hello" || !ok || it.AssigneeID != anna.user.ID {
		t.Fatalf("hello after reconnect: %s", hello.Raw)
	}
	ws.send(map[string]any{"type": "watch", "conversation_id": id})
	// Messages committed from now on arrive live; a message committed
	// between the watch and the read below comes both ways and is kept once.
	go func() {
		time.Sleep(20 * time.Millisecond)
		e.hub.PostVisitorMessage(ctx, id, "live", "after reconnect")
	}()
	var gap struct {
		Messages []store.Message `json:"messages"`
	}
	anna.must(t, "GET", "/api/conversations/"+id+"/messages?after="+itoa(last), nil, http.StatusOK, &gap)
	for _, m := range gap.Messages {
		seen[m.Seq] = true
	}
	if !seen[last+1] || !seen[last+3] {
		t.Fatalf("gap messages after %d: %+v", last, gap.Messages)
	}
	if _, ok := findSeq(gap.Messages, "after reconnect"); !ok {
		f := ws.until("live message", isMessage(id, "after reconnect"))
		seen[f.Message.Seq] = true
	}
	all, _ := e.hub.Messages(ctx, id, 0)
	for _, m := range all {
		if !seen[m.Seq] {
			t.Fatalf("message %d (%q) lost across the reconnect", m.Seq, m.Text)
		}
	}
}

func findSeq(ms []store.Message, text string) (int64, bool) {
	for _, m := range ms {
		if m.Text == text {
			return m.Seq, true
		}
	}
	return 0, false
}

// TestGraceReturnIsLive: when an owner's console stays away beyond the
// grace period, the conversation returns to the queue with a note, and the
// other agents see it live.
func TestGraceReturnIsLive(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.Handoff.GracePeriod = config.Duration(time.Millisecond)
	e := newEnv(t, envOptions{cfg: &cfg})
	anna := e.login(t, auth.RoleAgent)
	bob := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	aws := anna.dial(t)
	aws.read()
	bws := bob.dial(t)
	bws.read()
	aws.ws.Close()
	// Wait until the desk has seen Anna go, then let the grace run out.
	deadline := time.Now().Add(5 * time.Second)
	for {
		gone := true
		for _, p := range e.desk.Presence() {
			if p.ID == anna.user.ID && p.Connections > 0 {
				gone = false
			}
		}
		if gone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("anna's console never went away")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(5 * time.Millisecond)
	e.desk.Tick(context.Background())
	f := bws.until("returned item", func(f frame) bool { return isItem(id)(f) && f.Item.AssigneeID == "" })
	if f.Item.Note == "" {
		t.Fatalf("returned without a note: %s", f.Raw)
	}
}

// TestSlowConsoleIsEvicted: a console that does not read is disconnected
// once its queue is full, and the others are not held up.
func TestSlowConsoleIsEvicted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{limits: Limits{SendQueue: 4}})
	anna := e.login(t, auth.RoleAgent)
	slow := anna.dial(t)
	slow.read()
	big := strings.Repeat("x", 256<<10)
	deadline := time.Now().Add(10 * time.Second)
	for e.connected() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("a console that reads nothing was never evicted")
		}
		e.con.onDeskEvent(handoff.Event{Type: handoff.EventNote, ConversationID: "c", Note: &handoff.Note{ID: "n", Text: big}})
	}
}

func (e *env) connected() int {
	e.con.reg.mu.RLock()
	defer e.con.reg.mu.RUnlock()
	return len(e.con.reg.conns)
}

// TestSilentConsoleIsDropped: a console that answers no ping is closed
// after the pong timeout; one that does stays: it is still pinged a whole
// pong timeout after the silent one went.
func TestSilentConsoleIsDropped(t *testing.T) {
	t.Parallel()
	const pongTimeout = 300 * time.Millisecond
	e := newEnv(t, envOptions{limits: Limits{PingInterval: 20 * time.Millisecond, PongTimeout: pongTimeout}})
	anna := e.login(t, auth.RoleAgent)
	alive := anna.dial(t)
	alive.read()
	pinged := make(chan time.Time, 64)
	alive.ws.SetPingHandler(func(data string) error {
		select {
		case pinged <- time.Now():
		default:
		}
		return alive.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	done := make(chan struct{})
	var readErr error
	go func() {
		defer close(done)
		for {
			if _, _, readErr = alive.ws.ReadMessage(); readErr != nil { // answers pings meanwhile
				return
			}
		}
	}()
	silent := anna.dial(t)
	silent.read() // registered, and never reads again after this: no pongs
	if n := e.connected(); n != 2 {
		t.Fatalf("%d consoles connected, want 2", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.connected() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d consoles connected, want the silent one dropped", e.connected())
		}
		time.Sleep(10 * time.Millisecond)
	}
	dropped := time.Now()
	for at := dropped; at.Sub(dropped) <= pongTimeout; {
		select {
		case at = <-pinged:
		case <-done:
			t.Fatalf("the console that answers pings was dropped: %v", readErr)
		case <-time.After(5 * time.Second):
			t.Fatal("the console that answers pings is no longer pinged")
		}
	}
	if n := e.connected(); n != 1 {
		t.Fatalf("%d consoles connected a pong timeout after the silent one went, want the one that answers", n)
	}
	alive.ws.Close()
	<-done
}

// TestCloseEndsSockets: Close says "restarting" to every console (they
// reconnect elsewhere) and refuses new ones.
func TestCloseEndsSockets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	ws := anna.dial(t)
	ws.read()
	e.con.Close()
	_ = ws.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	var err error
	for err == nil {
		_, _, err = ws.ws.ReadMessage() // frames queued before the close
	}
	if !websocket.IsCloseError(err, websocket.CloseServiceRestart) {
		t.Fatalf("after Close: %v, want close 1012", err)
	}
	u := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws/agent"
	h := http.Header{}
	for _, ck := range anna.hc.Jar.Cookies(mustURL(e.srv.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	_, res, err := websocket.DefaultDialer.Dial(u, h)
	if err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after Close: %v %v", err, res)
	}
}

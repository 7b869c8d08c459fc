package widget

import (
	"context"
	"fmt"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

func TestResumeReplaysAfterLastSeq(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, echoBot{})
	c := e.mustDial()
	w := c.hello("", 0)
	if w.ConversationID == "" || w.Token == "" || w.State != store.StateBot {
		t.Fatalf("welcome: %+v", w)
	}
	c.message("c1", "how do I pay")
	ack := c.expect("message")
	if ack.Seq != 1 || ack.ClientID != "c1" || ack.From != store.FromVisitor || ack.Text != "how do I pay" || ack.At.IsZero() {
		t.Fatalf("ack: %+v", ack)
	}
	reply := c.expect("message")
	if reply.Seq != 2 || reply.From != store.FromBot || reply.Text != "answer: how do I pay" ||
		len(reply.Sources) != 1 || reply.Sources[0].URL != "https://example.com/a1" || reply.Meta != nil {
		t.Fatalf("reply: %+v", reply)
	}
	c.ws.Close()

	// Reconnect having seen seq 1: only the bot's reply is replayed.
	c2 := e.mustDial()
	w2 := c2.hello(w.Token, 1)
	if w2.ConversationID != w.ConversationID || w2.Token == "" {
		t.Fatalf("resumed into %+v", w2)
	}
	if f := c2.expect("message"); f.Seq != 2 || f.From != store.FromBot {
		t.Fatalf("replay: %+v", f)
	}
	// A new message continues the seq without a gap.
	c2.message("c2", "and by card?")
	if f := c2.expect("message"); f.Seq != 3 || f.ClientID != "c2" {
		t.Fatalf("ack after resume: %+v", f)
	}
	c2.expect("message") // reply, seq 4
	c2.ws.Close()

	// From the start: everything, in order.
	c3 := e.mustDial()
	c3.hello(w2.Token, 0)
	for seq := int64(1); seq <= 4; seq++ {
		if f := c3.expect("message"); f.Seq != seq {
			t.Fatalf("replay seq %d, want %d", f.Seq, seq)
		}
	}
}

func TestRetryWithSameClientIDStoresOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	c := e.mustDial()
	w := c.hello("", 0)
	c.message("same", "hello")
	first := c.expect("message")
	c.message("same", "hello")
	again := c.expect("message")
	if again.Seq != first.Seq || again.ClientID != "same" {
		t.Fatalf("retry acked as %+v, first %+v", again, first)
	}
	ms, err := e.st.Messages(context.Background(), w.ConversationID, 0)
	if err != nil || len(ms) != 1 {
		t.Fatalf("stored %d messages (%v), want 1", len(ms), err)
	}
	// The retry after a reconnect (ack lost) too.
	c.ws.Close()
	c2 := e.mustDial()
	c2.hello(w.Token, 0)
	c2.expect("message") // replay of seq 1
	c2.message("same", "hello")
	if f := c2.expect("message"); f.Seq != 1 {
		t.Fatalf("retry after reconnect: %+v", f)
	}
}

func TestBadInputGetsAnErrorAndTheConnectionSurvives(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Limits: Limits{MaxMessageBytes: 100,
		MessagesPerSecond: 1000, MessageBurst: 1000, IPMessagesPerSecond: 1000, IPMessageBurst: 1000}}, nil)
	tests := []struct {
		name, raw   string
		binary      bool
		code, field string
	}{
		{"malformed JSON", `{"type":"message",`, false, apierr.CodeBadRequest, ""},
		{"not an object", `[1,2]`, false, apierr.CodeBadRequest, ""},
		{"missing type", `{"text":"hi"}`, false, apierr.CodeBadRequest, "type"},
		{"unknown type", `{"type":"shout"}`, false, apierr.CodeBadRequest, "type"},
		{"missing client_id", `{"type":"message","text":"hi"}`, false, apierr.CodeBadRequest, "client_id"},
		{"missing text", `{"type":"message","client_id":"a"}`, false, apierr.CodeBadRequest, "text"},
		{"empty text", `{"type":"message","client_id":"a","text":"  "}`, false, apierr.CodeBadRequest, "text"},
		{"wrong type of text", `{"type":"message","client_id":"a","text":5}`, false, apierr.CodeBadRequest, "text"},
		{"text too large", `{"type":"message","client_id":"a","text":"` + strings.Repeat("x", 101) + `"}`, false, apierr.CodeTooLarge, "text"},
		{"invalid UTF-8", "{\"type\":\"message\",\"client_id\":\"a\",\"text\":\"\xff\xfe\"}", false, apierr.CodeBadRequest, ""},
		{"binary frame", `{"type":"human"}`, true, apierr.CodeBadRequest, ""},
		{"typing without on", `{"type":"typing"}`, false, apierr.CodeBadRequest, "on"},
		{"feedback without seq", `{"type":"feedback","helpful":true}`, false, apierr.CodeBadRequest, "seq"},
		{"feedback without helpful", `{"type":"feedback","seq":1}`, false, apierr.CodeBadRequest, "helpful"},
		{"feedback on a visitor message", `{"type":"feedback","seq":1,"helpful":false}`, false, apierr.CodeBadRequest, "seq"},
		{"contact without email", `{"type":"contact"}`, false, apierr.CodeBadRequest, "email"},
		{"contact with a bad email", `{"type":"contact","email":"not an address"}`, false, apierr.CodeBadRequest, "email"},
		{"second hello", `{"type":"hello"}`, false, apierr.CodeBadRequest, "type"},
	}
	c := e.mustDial()
	c.hello("", 0)
	c.message("first", "a visitor message at seq 1")
	c.expect("message")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			typ := websocket.TextMessage
			if tt.binary {
				typ = websocket.BinaryMessage
			}
			if err := c.ws.WriteMessage(typ, []byte(tt.raw)); err != nil {
				t.Fatal(err)
			}
			f := c.expectError(tt.code, tt.field)
			if f.Message == "" {
				t.Error("error frame without a message")
			}
			// Still alive: a good message is acknowledged.
			id := "ok" + string(rune('a'+i))
			c.message(id, "still here")
			if f := c.expect("message"); f.ClientID != id {
				t.Fatalf("after %s: %+v", tt.name, f)
			}
		})
	}
	t.Run("too large keeps the client id", func(t *testing.T) {
		c.t = t
		c.message("big", strings.Repeat("é", 60))
		if f := c.expectError(apierr.CodeTooLarge, "text"); f.ClientID != "big" {
			t.Fatalf("%+v", f)
		}
	})
}

func TestFirstFrameMustBeHello(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	c := e.mustDial()
	c.message("a", "hi")
	c.expectError(apierr.CodeBadRequest, "type")
	c.sendRaw("nonsense")
	c.expectError(apierr.CodeBadRequest, "")
	c.hello("", 0)
}

func TestFrameOverTheLimitClosesTheConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Limits: Limits{MaxFrameBytes: 1024}}, nil)
	c := e.mustDial()
	c.hello("", 0)
	c.sendRaw(`{"type":"message","client_id":"a","text":"` + strings.Repeat("x", 2000) + `"}`)
	c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.ws.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Fatalf("want close 1009, got %v", err)
	}
	waitFor(t, "the connection to be released", func() bool { return e.h.Connections() == 0 })
}

func TestBadTokensStartANewConversation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Sites: []Site{{Name: "default"}, {Name: "other", AllowedOrigins: []string{"*"}}}}, nil)
	c := e.mustDial()
	w := c.hello("", 0)
	c.message("a", "hi")
	c.expect("message")

	expired := tokens{secret: []byte("test secret"), ttl: -time.Minute}.issue("default", w.ConversationID, time.Now())
	forged := tokens{secret: []byte("another secret"), ttl: time.Hour}.issue("default", w.ConversationID, time.Now())
	otherSite := e.h.tokens.issue("other", w.ConversationID, time.Now())
	tests := []struct{ name, token, code string }{
		{"forged", forged, apierr.CodeBadToken},
		{"garbage", "not.a.token", apierr.CodeBadToken},
		{"another site's", otherSite, apierr.CodeBadToken},
		{"expired", expired, apierr.CodeTokenExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.mustDial()
			c.t = t
			c.send(map[string]any{"type": "hello", "token": tt.token, "last_seq": 0})
			c.expectError(tt.code, "token")
			w2 := c.expect("welcome")
			if w2.ConversationID == w.ConversationID || w2.ConversationID == "" || w2.State != store.StateBot {
				t.Fatalf("welcome after a refused token: %+v", w2)
			}
			// Nothing of the old conversation leaks into the new one.
			c.message("b", "new")
			if f := c.expect("message"); f.Seq != 1 || f.ClientID != "b" {
				t.Fatalf("%+v", f)
			}
		})
	}
}

func TestTwoTabsReceiveEveryMessage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, echoBot{})
	a := e.mustDial()
	w := a.hello("", 0)
	b := e.mustDial()
	b.hello(w.Token, 0)

	a.message("from-a", "question from tab a")
	b.message("from-b", "question from tab b")
	// Both tabs see the same four messages in the same order.
	var seqA, seqB []int64
	var textsA, textsB []string
	for range 4 {
		fa, fb := a.expect("message"), b.expect("message")
		seqA, seqB = append(seqA, fa.Seq), append(seqB, fb.Seq)
		textsA, textsB = append(textsA, fa.Text), append(textsB, fb.Text)
	}
	for i := range 4 {
		if seqA[i] != int64(i+1) || seqB[i] != seqA[i] || textsA[i] != textsB[i] {
			t.Fatalf("tab a %v %q, tab b %v %q", seqA, textsA, seqB, textsB)
		}
	}
	// The visitor's own typing is not echoed to the other tab; the bot's is.
	a.send(map[string]any{"type": "typing", "on": true})
	b.message("ping", "billing question")
	var sawBotTyping bool
	for {
		b.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		var f frame
		if err := b.ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		if f.Type == "typing" {
			if f.From == store.FromVisitor {
				t.Fatal("the visitor's typing was echoed to another tab")
			}
			sawBotTyping = sawBotTyping || f.From == store.FromBot
		}
		if f.Type == "state" {
			if f.State != store.StateWaiting || f.Reason != "sensitive:billing" || f.ETASeconds != nil {
				t.Fatalf("state %+v", f)
			}
			break
		}
	}
	if !sawBotTyping {
		t.Error("no typing frame from the bot")
	}
}

func TestHumanFeedbackContact(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, echoBot{})
	c := e.mustDial()
	w := c.hello("", 0)
	c.message("q", "where is my parcel")
	c.expect("message")
	reply := c.expect("message")
	c.send(map[string]any{"type": "feedback", "seq": reply.Seq, "helpful": false})
	if f := c.expect("message"); f.From != store.FromSystem || f.Seq != 3 {
		t.Fatalf("%+v", f)
	}
	if f := c.expect("state"); f.State != store.StateWaiting || f.Reason != "negative_feedback" || f.ETASeconds != nil {
		t.Fatalf("%+v", f)
	}
	// Asking for a person while waiting repeats the state.
	c.send(map[string]any{"type": "human"})
	if f := c.expect("state"); f.State != store.StateWaiting {
		t.Fatalf("%+v", f)
	}
	c.send(map[string]any{"type": "contact", "email": "anna@example.com"})
	if f := c.expect("message"); f.From != store.FromSystem || !strings.Contains(f.Text, "anna@example.com") {
		t.Fatalf("%+v", f)
	}
	conv, err := e.st.Conversation(context.Background(), w.ConversationID)
	if err != nil || conv.Email != "anna@example.com" {
		t.Fatalf("%+v %v", conv, err)
	}
	// A resumed tab is told the state right after welcome.
	c2 := e.mustDial()
	if w2 := c2.hello(w.Token, 4); w2.State != store.StateWaiting {
		t.Fatalf("%+v", w2)
	}
	if f := c2.expect("state"); f.State != store.StateWaiting || f.Reason != "negative_feedback" {
		t.Fatalf("%+v", f)
	}
}

func TestAskForHumanNeverReachesTheBot(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, echoBot{})
	c := e.mustDial()
	c.hello("", 0)
	c.send(map[string]any{"type": "human"})
	if f := c.expect("message"); f.From != store.FromSystem {
		t.Fatalf("%+v", f)
	}
	if f := c.expect("state"); f.State != store.StateWaiting || f.Reason != "asked_for_human" {
		t.Fatalf("%+v", f)
	}
	c.message("after", "hello?")
	if f := c.expect("message"); f.ClientID != "after" {
		t.Fatalf("%+v", f)
	}
	c.ws.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	for {
		var f frame
		if err := c.ws.ReadJSON(&f); err != nil {
			break // nothing more: the bot stayed quiet
		}
		if f.Type == "message" && f.From != store.FromSystem { // the hub's acknowledgement is system
			t.Fatalf("the bot answered while waiting: %+v", f)
		}
	}
}

// The bot frame takes a waiting visitor back to the bot, which answers
// again; in any other state it is refused with not_waiting.
func TestBackToBotFrame(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, echoBot{})
	c := e.mustDial()
	c.hello("", 0)
	c.send(map[string]any{"type": "bot"})
	if f := c.expect("error"); f.Code != apierr.CodeNotWaiting {
		t.Fatalf("bot frame in state bot: %+v", f)
	}
	c.send(map[string]any{"type": "human"})
	c.expect("message")
	c.expect("state")
	c.send(map[string]any{"type": "bot"})
	if f := c.expect("message"); f.From != store.FromSystem || !strings.Contains(f.Text, "keep your place in the queue") {
		t.Fatalf("%+v", f)
	}
	if f := c.expect("state"); f.State != store.StateBot || f.Reason != "back_to_bot" {
		t.Fatalf("%+v", f)
	}
	c.message("q", "opening hours?")
	c.expect("message") // the ack
	for {
		f := c.read()
		if f.Type == "message" {
			if f.From != store.FromBot {
				t.Fatalf("want the bot's answer, got %+v", f)
			}
			break
		}
	}
}

// A hello's time_zone is kept as the conversation's time_zone attribute
// when it is an IANA zone; an unknown one is dropped, an overlong one
// refused.
func TestHelloTimeZone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	for zone, want := range map[string]string{"Europe/Stockholm": "Europe/Stockholm", "Mars/Olympus": "", "Local": ""} {
		c := e.mustDial()
		c.send(map[string]any{"type": "hello", "time_zone": zone})
		w := c.expect("welcome")
		c.message("tz", "hello") // the conversation is written at its first message
		c.expect("message")
		conv, err := e.hub.Conversation(t.Context(), w.ConversationID)
		if err != nil || conv.Attributes["time_zone"] != want {
			t.Fatalf("%s: attributes %v, %v", zone, conv.Attributes, err)
		}
	}
	c := e.mustDial()
	c.send(map[string]any{"type": "hello", "time_zone": strings.Repeat("x", 65)})
	c.expectError(apierr.CodeBadRequest, "time_zone")
}

func TestCloseSaysServerShuttingDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	c := e.mustDial()
	c.hello("", 0)
	e.h.Close()
	c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.ws.ReadMessage()
	var ce *websocket.CloseError
	if !errorsAs(err, &ce) || ce.Code != websocket.CloseServiceRestart || ce.Text != "server shutting down" {
		t.Fatalf("want close 1012 server shutting down, got %v", err)
	}
	_, resp, err := e.dial("", e.srv.URL)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("dial after Close: %v %v", resp, err)
	}
}

// TestSilentClientIsDroppedAfterPongTimeout: a client that answers no ping
// is dropped after the pong timeout; one that answers stays, for as long as
// it answers: it reads until the test ends it, and the test sees it pinged
// for a whole pong timeout after the silent one went.
func TestSilentClientIsDroppedAfterPongTimeout(t *testing.T) {
	t.Parallel()
	const pongTimeout = 300 * time.Millisecond
	e := newEnv(t, Options{Limits: Limits{PingInterval: 20 * time.Millisecond, PongTimeout: pongTimeout}}, nil)
	alive := e.mustDial()
	alive.hello("", 0)
	pinged := make(chan time.Time, 64)
	alive.ws.SetPingHandler(func(data string) error {
		select {
		case pinged <- time.Now():
		default:
		}
		return alive.ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	silent := e.mustDial()
	silent.hello("", 0) // and then never reads, so never answers a ping
	if n := e.h.Connections(); n != 2 {
		t.Fatalf("%d connections, want 2", n)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := alive.ws.ReadMessage(); err != nil { // answers pings meanwhile
				return
			}
		}
	}()
	waitFor(t, "the silent client to be dropped", func() bool { return e.h.Connections() == 1 })
	dropped := time.Now()
	for at := dropped; at.Sub(dropped) <= pongTimeout; {
		select {
		case at = <-pinged:
		case <-done:
			t.Fatal("the client that answers pings was dropped")
		case <-time.After(5 * time.Second):
			t.Fatal("the client that answers pings is no longer pinged")
		}
	}
	if n := e.h.Connections(); n != 1 {
		t.Fatalf("%d connections a pong timeout after the silent one went, want the one that answers", n)
	}
	alive.ws.Close()
	<-done
}

// TestJoinWhileMessagesFlow: tabs that join while messages keep arriving see
// every seq after their last_seq exactly once and in order: the replay and
// the live fan-out meet without a gap or a duplicate, and the handshake's
// writes never overlap the live ones.
func TestJoinWhileMessagesFlow(t *testing.T) {
	t.Parallel()
	// A queue deep enough for all 150 messages: on a loaded machine a tab
	// still in its replay would otherwise be evicted as a slow client,
	// which is right, but not what this test is about.
	e := newEnv(t, Options{Limits: Limits{SendQueue: 256}}, nil)
	first := e.mustDial()
	w := first.hello("", 0)
	e.create(w)
	const total = 150
	posted := make(chan error, 1)
	go func() {
		for i := range total {
			if _, err := e.hub.PostAgentMessage(context.Background(), w.ConversationID, "Anna", fmt.Sprint("m", i)); err != nil {
				posted <- err
				return
			}
		}
		posted <- nil
	}()
	for tab := range 6 {
		c := e.mustDial()
		last := int64(tab * 7)
		c.hello(w.Token, last)
		want := last + 1
		for {
			f := c.read()
			if f.Type == "state" {
				continue
			}
			if f.Type != "message" || f.Seq != want {
				t.Fatalf("tab %d: got %s seq %d, want seq %d", tab, f.Type, f.Seq, want)
			}
			if want == total {
				break
			}
			want++
		}
		c.ws.Close()
	}
	if err := <-posted; err != nil {
		t.Fatal(err)
	}
}

// The presence frame tells the hub whether the visitor's page is visible;
// a closed connection is a visitor who left.
func TestPresenceFrame(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, nil)
	c := e.mustDial()
	w := c.hello("", 0)
	if p := e.hub.Presence(w.ConversationID); p != conversation.PresenceHere {
		t.Fatalf("presence after hello: %s", p)
	}
	c.send(map[string]any{"type": "presence"})
	c.expectError(apierr.CodeBadRequest, "visible")
	c.send(map[string]any{"type": "presence", "visible": false})
	agent := conversation.NewQueue(8)
	defer e.hub.Watch(w.ConversationID, agent)()
	waitPresence := func(want string) {
		t.Helper()
		for p := e.hub.Presence(w.ConversationID); p != want; p = e.hub.Presence(w.ConversationID) {
			select {
			case <-agent.Updates():
			case <-time.After(5 * time.Second):
				t.Fatalf("presence %s, want %s", p, want)
			}
		}
	}
	waitPresence(conversation.PresenceAway)
	c.ws.Close()
	waitPresence(conversation.PresenceLeft)
}

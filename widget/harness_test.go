package widget

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/internal/browsertest"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(browsertest.Reporting(m)) }

// echoBot answers every question with its text and one source, and hands
// anything about billing to a person. Deterministic, instant.
type echoBot struct{}

func (echoBot) Decide(_ context.Context, t bot.Turn) bot.Decision {
	if strings.Contains(t.Text, "billing") {
		return bot.Decision{Action: bot.Escalate, Reason: "sensitive:billing", Reply: "A person will help with billing."}
	}
	return bot.Decision{Action: bot.Answer, Reply: "answer: " + t.Text,
		Sources: []store.Source{{ArticleID: "a1", Title: "Article", URL: "https://example.com/a1"}}}
}

type env struct {
	t   *testing.T
	srv *httptest.Server
	h   *Handler
	hub *conversation.Hub
	st  store.Store
}

// newEnv serves a Handler over a real SQLite store in t.TempDir(); opts.Hub
// is filled in. Cleanup closes everything in order.
func newEnv(t *testing.T, opts Options, responder conversation.Responder) *env {
	t.Helper()
	return openEnv(t, t, opts, liftedGrowth(responder), "normal")
}

// liftedGrowth are hub options without the cap on a conversation's growth,
// which the hub's tests and TestConversationGrowthIsRateLimited cover,
// for tests that post many messages.
func liftedGrowth(responder conversation.Responder) conversation.Options {
	return conversation.Options{Responder: responder, MessagesPerMinute: 1e9, MessageBurst: 1 << 30}
}

// newBenchEnv is newEnv for benchmarks: limits lifted, commits fsynced as
// in production.
func newBenchEnv(b *testing.B) *env {
	lifted := Limits{MessagesPerSecond: 1e9, MessageBurst: 1e9, IPMessagesPerSecond: 1e9, IPMessageBurst: 1e9,
		MaxConnectionsPerIP: 1 << 20, MaxConnections: 1 << 20}
	return openEnv(b, nil, Options{Limits: lifted}, liftedGrowth(nil), "full")
}

func openEnv(tb testing.TB, t *testing.T, opts Options, hubOpts conversation.Options, sync string) *env {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "andon.db"), sqlite.Options{Synchronous: sync})
	if err != nil {
		tb.Fatal(err)
	}
	hubOpts.Store = st
	hub := conversation.NewHub(hubOpts)
	opts.Hub = hub
	if opts.Secret == nil {
		opts.Secret = []byte("test secret")
	}
	h := NewHandler(opts)
	srv := httptest.NewServer(h)
	tb.Cleanup(func() {
		h.Close()
		srv.Close()
		hub.Close()
		st.Close()
	})
	return &env{t: t, srv: srv, h: h, hub: hub, st: st}
}

// create writes the conversation of welcome w to the store, as a visitor's
// first message would, for tests that post to it from the hub.
func (e *env) create(w frame) {
	e.t.Helper()
	if _, err := e.hub.Create(context.Background(), w.ConversationID, conversation.Visit{Site: defaultSite}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) wsURL(query string) string {
	return "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/ws/visitor" + query
}

// frame is any server frame, for reading in tests.
type frame struct {
	Type           string         `json:"type"`
	ConversationID string         `json:"conversation_id"`
	Token          string         `json:"token"`
	State          string         `json:"state"`
	Reason         string         `json:"reason"`
	ETASeconds     *int           `json:"eta_seconds"`
	Seq            int64          `json:"seq"`
	ClientID       string         `json:"client_id"`
	From           string         `json:"from"`
	Author         string         `json:"author"`
	Text           string         `json:"text"`
	Sources        []store.Source `json:"sources"`
	At             time.Time      `json:"at"`
	On             bool           `json:"on"`
	Code           string         `json:"code"`
	Message        string         `json:"message"`
	Field          string         `json:"field"`
	Meta           any            `json:"meta"`
}

type client struct {
	t  *testing.T
	ws *websocket.Conn
}

var testDialer = websocket.Dialer{HandshakeTimeout: 5 * time.Second}

// slowDialer's sockets take little before TCP pushes back: a client that
// stops reading stalls the server's writes at once.
var slowDialer = websocket.Dialer{HandshakeTimeout: 5 * time.Second, NetDial: func(network, addr string) (net.Conn, error) {
	c, err := net.Dial(network, addr)
	if err == nil {
		c.(*net.TCPConn).SetReadBuffer(4096)
	}
	return c, err
}}

// dial opens a visitor WebSocket with the given Origin ("" for none).
func (e *env) dial(query, origin string) (*client, *http.Response, error) {
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	ws, resp, err := testDialer.Dial(e.wsURL(query), hdr)
	if err != nil {
		return nil, resp, err
	}
	c := &client{t: e.t, ws: ws}
	e.t.Cleanup(func() { ws.Close() })
	return c, resp, nil
}

func (e *env) mustDial() *client {
	e.t.Helper()
	c, _, err := e.dial("", e.srv.URL)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (c *client) send(v any) {
	c.t.Helper()
	if err := c.ws.WriteJSON(v); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) sendRaw(s string) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next frame, skipping typing frames.
func (c *client) read() frame {
	c.t.Helper()
	for {
		c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			c.t.Fatalf("read: %v", err)
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			c.t.Fatalf("bad frame %s: %v", data, err)
		}
		if f.Type != "typing" {
			return f
		}
	}
}

// expect reads the next frame and checks its type.
func (c *client) expect(typ string) frame {
	c.t.Helper()
	f := c.read()
	if f.Type != typ {
		c.t.Fatalf("got %+v, want a %s frame", f, typ)
	}
	return f
}

// expectError reads an error frame with code (and field, when not empty).
func (c *client) expectError(code, field string) frame {
	c.t.Helper()
	f := c.expect("error")
	if f.Code != code || (field != "" && f.Field != field) {
		c.t.Fatalf("error %+v, want code %s field %s", f, code, field)
	}
	return f
}

// hello says hello (resuming when token is set) and returns the welcome.
func (c *client) hello(token string, lastSeq int64) frame {
	c.t.Helper()
	h := map[string]any{"type": "hello", "locale": "en"}
	if token != "" {
		h["token"] = token
		h["last_seq"] = lastSeq
	}
	c.send(h)
	return c.expect("welcome")
}

func (c *client) message(clientID, text string) {
	c.t.Helper()
	c.send(map[string]any{"type": "message", "client_id": clientID, "text": text})
}

// waitFor polls cond for up to 5s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

package console

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/internal/browsertest"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(browsertest.Reporting(m)) }

// sensitiveBot escalates "billing ..." as a sensitive topic with retrieved
// candidates, and answers anything else: enough of a bot for the desk to
// have a decision to show.
type sensitiveBot struct{}

func (sensitiveBot) Decide(_ context.Context, t bot.Turn) bot.Decision {
	if strings.HasPrefix(t.Text, "billing") {
		return bot.Decision{Action: bot.Escalate, Reason: "sensitive:billing", Rule: "billing", Lang: "en",
			Reply: "A person from billing will look at this.", Confidence: 0.2,
			Candidates: []bot.Candidate{{ArticleID: "refunds", Title: "Refunds", Score: 0.41, Lexical: 0.3, Vector: 0.5}}}
	}
	return bot.Decision{Action: bot.Answer, Reply: "answer to " + t.Text, Lang: "en", Confidence: 0.9, ArticleID: "a1"}
}

// env is a whole console over real parts: SQLite in a temp dir, the hub,
// the desk, auth, and an httptest server with auth's and the console's
// routes, as the app mounts them.
type env struct {
	t    *testing.T
	st   *sqlite.Store
	kb   *knowledge.Base
	hub  *conversation.Hub
	desk *handoff.Desk
	auth *auth.Service
	con  *Server
	srv  *httptest.Server
	mux  *http.ServeMux
	n    atomic.Int64
}

type envOptions struct {
	cfg         *config.Config
	limits      Limits
	synchronous string // SQLite's; "normal" unless set
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	if o.synchronous == "" {
		o.synchronous = "normal"
	}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "andon.db"), sqlite.Options{Synchronous: o.synchronous})
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.Teams = []config.Team{{Name: "billing", Title: "the billing team"}, {Name: "technical", Title: "the technical team"}}
	cfg.Canned = []config.Canned{
		{Name: "hello", Lang: "en", Text: "Hi {{visitor.name}}, I am {{agent.first_name}} from {{site}}."},
		{Name: "hej", Lang: "sv", Text: "Hej {{visitor.name}}!"},
		{Name: "plan", Text: "Your plan is {{attributes.plan}}."},
	}
	if o.cfg != nil {
		cfg = *o.cfg
	}
	kb, err := knowledge.Open(ctx, knowledge.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kb.Import(ctx, []knowledge.Article{
		{ID: "refunds", Title: "Refunds", Body: "Refunds reach your card within five days.", Lang: "en", Status: knowledge.Published, Questions: []string{"how do refunds work"}},
		{ID: "password", Title: "Reset your password", Body: "Use the link on the login page.", Lang: "en", Status: knowledge.Published},
	}); err != nil {
		t.Fatal(err)
	}
	hub := conversation.NewHub(conversation.Options{Store: st, Responder: sensitiveBot{},
		MessagesPerMinute: cfg.Limits.ConversationMessagesPerMinute, MessageBurst: cfg.Limits.ConversationMessageBurst})
	desk, err := handoff.New(handoff.Options{Hub: hub, Store: st, Settings: settings.MustHandoff(cfg), Learner: kb, TickInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := desk.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var con *Server
	au, err := auth.New(auth.Options{
		// As app wires it: an admin's change to a user reaches the desk
		// and the user's open consoles at once.
		OnUserChange: func(u store.User) {
			desk.UpdateAgent(handoff.AgentFromUser(u))
			if con != nil {
				con.UserChanged(u)
			}
		},
		Store:      st,
		Secret:     []byte("0123456789abcdef0123456789abcdef"),
		Params:     auth.Params{Memory: 64, Time: 1, Threads: 1},
		PerIP:      auth.Rate{Every: time.Millisecond, Burst: 10000},
		PerAccount: auth.Rate{Every: time.Millisecond, Burst: 10000},
	})
	if err != nil {
		t.Fatal(err)
	}
	con, err = New(Options{Desk: desk, Auth: au, Hub: hub, Settings: consoleSettings(t, cfg), Knowledge: kb, Imports: kb, Articles: st, Index: kb, Incidents: st, Limits: o.limits})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	au.Routes(mux)
	con.Routes(mux)
	srv := httptest.NewServer(mux)
	e := &env{st: st, kb: kb, hub: hub, desk: desk, auth: au, con: con, srv: srv, mux: mux}
	if tt, ok := t.(*testing.T); ok {
		e.t = tt
	}
	t.Cleanup(func() {
		srv.CloseClientConnections()
		con.Close()
		srv.Close()
		desk.Close()
		hub.Close()
		kb.Close()
		st.Close()
	})
	return e
}

const testPassword = "correct horse battery staple"

// client is a logged-in browser: a cookie jar and the CSRF token.
type client struct {
	e    *env
	hc   *http.Client
	csrf string
	user store.User
}

// login creates a user with role and teams and logs them in through
// POST /api/login.
func (e *env) login(t testing.TB, role string, teams ...string) *client {
	t.Helper()
	n := e.n.Add(1)
	name := map[string]string{auth.RoleAdmin: "Ada Admin", auth.RoleAgent: "Anna Agent", auth.RoleEditor: "Ed Editor"}[role]
	email := strings.ToLower(strings.Fields(name)[0]) + "-" + itoa(n) + "@example.com"
	if _, _, err := e.auth.AddUser(context.Background(), auth.NewUser{Email: email, Name: name + " " + itoa(n), Role: role, Teams: teams, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &client{e: e, hc: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
	var res struct {
		User      store.User `json:"user"`
		CSRFToken string     `json:"csrf_token"`
	}
	c.must(t, "POST", "/api/login", map[string]string{"email": email, "password": testPassword}, http.StatusOK, &res)
	c.csrf, c.user = res.CSRFToken, res.User
	return c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// do sends a request with the CSRF token (unless noCSRF) and returns the
// status and body. body may be a string (sent as is) or a value (JSON).
func (c *client) do(t testing.TB, method, path string, body any) (int, []byte) {
	return c.send(t, method, path, body, true)
}

func (c *client) send(t testing.TB, method, path string, body any, withCSRF bool) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if withCSRF && c.csrf != "" {
		req.Header.Set(auth.CSRFHeader, c.csrf)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

// must sends and checks the status, decoding the answer into out.
func (c *client) must(t testing.TB, method, path string, body any, want int, out any) {
	t.Helper()
	status, raw := c.do(t, method, path, body)
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}

// wantError checks an error answer's status and code.
func (c *client) wantError(t testing.TB, method, path string, body any, status int, code string) {
	t.Helper()
	got, raw := c.do(t, method, path, body)
	checkError(t, method+" "+path, got, raw, status, code)
}

func checkError(t testing.TB, what string, got int, raw []byte, status int, code string) {
	t.Helper()
	var eb struct {
		Error struct{ Code, Message string }
	}
	_ = json.Unmarshal(raw, &eb)
	if got != status || eb.Error.Code != code {
		t.Fatalf("%s: %d %q, want %d %q: %s", what, got, eb.Error.Code, status, code, raw)
	}
	if eb.Error.Message == "" {
		t.Fatalf("%s: error without a message: %s", what, raw)
	}
}

// escalate starts a visitor conversation that the bot escalates as
// sensitive:billing and waits until the desk has it in the queue.
func (e *env) escalate(t testing.TB, visit conversation.Visit) string {
	t.Helper()
	ctx := context.Background()
	conv, err := e.hub.Start(ctx, visit)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.hub.PostVisitorMessage(ctx, conv.ID, "q1", "billing: I was charged twice"); err != nil {
		t.Fatal(err)
	}
	e.waitQueued(t, conv.ID)
	return conv.ID
}

// waitQueued waits until the desk has an open handoff for conversation id.
func (e *env) waitQueued(t testing.TB, id string) handoff.Item {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		items, err := e.desk.Queue(context.Background(), handoff.Agent{ID: "nobody", Role: auth.RoleAdmin})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.ConversationID == id {
				return it
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("conversation %s never reached the queue", id)
	return handoff.Item{}
}

// agentWS is a console's WebSocket in a test.
type agentWS struct {
	t  testing.TB
	ws *websocket.Conn
}

// dial opens the agent WebSocket with the client's cookie.
func (c *client) dial(t testing.TB) *agentWS {
	t.Helper()
	u := "ws" + strings.TrimPrefix(c.e.srv.URL, "http") + "/ws/agent"
	h := http.Header{}
	for _, ck := range c.hc.Jar.Cookies(mustURL(c.e.srv.URL)) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	h.Set("Origin", c.e.srv.URL)
	ws, res, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial agent ws: %v (status %d)", err, status)
	}
	a := &agentWS{t: t, ws: ws}
	t.Cleanup(func() { ws.Close() })
	return a
}

// frame is any server frame, decoded loosely for assertions.
type frame struct {
	Type           string          `json:"type"`
	ConversationID string          `json:"conversation_id"`
	Item           *itemJSON       `json:"item"`
	Queue          []itemJSON      `json:"queue"`
	Agent          *userJSON       `json:"agent"`
	Message        *store.Message  `json:"-"` // decoded from message frames only
	MessageRaw     json.RawMessage `json:"message"`
	Note           *noteJSON       `json:"note"`
	State          string          `json:"state"`
	From           string          `json:"from"`
	On             bool            `json:"on"`
	Code           string          `json:"code"`
	Agents         []presenceJSON  `json:"agents"`
	LastSeq        int64           `json:"last_seq"`
	Raw            json.RawMessage `json:"-"`
}

func (a *agentWS) read() frame {
	a.t.Helper()
	_ = a.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, raw, err := a.ws.ReadMessage()
	if err != nil {
		a.t.Fatalf("read agent frame: %v", err)
	}
	var f frame
	if err := json.Unmarshal(raw, &f); err != nil {
		a.t.Fatalf("bad frame %s: %v", raw, err)
	}
	f.Raw = raw
	if f.Type == "message" {
		f.Message = new(store.Message)
		if err := json.Unmarshal(f.MessageRaw, f.Message); err != nil {
			a.t.Fatalf("bad message frame %s: %v", raw, err)
		}
	}
	return f
}

// until reads frames until one satisfies ok, and returns it.
func (a *agentWS) until(what string, ok func(frame) bool) frame {
	a.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		f := a.read()
		if ok(f) {
			return f
		}
	}
	a.t.Fatalf("no %s frame", what)
	return frame{}
}

func (a *agentWS) send(v any) {
	a.t.Helper()
	if err := a.ws.WriteJSON(v); err != nil {
		a.t.Fatal(err)
	}
}

// consoleSettings are the console's settings from cfg, as app maps them
// (app.ConsoleSettings, which these tests cannot import: app imports the
// console).
func consoleSettings(t testing.TB, cfg config.Config) Settings {
	t.Helper()
	s := Settings{Teams: settings.MustHandoff(cfg).Teams, Categories: cfg.Handoff.Categories, SiteTitles: map[string]string{}}
	for _, c := range cfg.Canned {
		s.Canned = append(s.Canned, Canned{Name: c.Name, Lang: c.Lang, Text: c.Text})
	}
	for _, site := range cfg.Sites {
		if _, seen := s.SiteTitles[site.Name]; !seen {
			s.SiteTitles[site.Name] = site.Title
		}
	}
	s.SiteTitles[""] = s.SiteTitles[config.DefaultSite]
	return s
}

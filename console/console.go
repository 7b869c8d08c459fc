// Package console is what agents see and call: the JSON API under /api/
// for the desk (queue, claim, reply, transfer, resolve, ...), the agent
// WebSocket at /ws/agent for live events, and the embedded web UI at
// /console/, which uses exactly that API (docs/api.md).
package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

// requestTimeout bounds one request's work with the desk and the store.
const requestTimeout = 10 * time.Second

// ArticleSearch finds articles for "add the question to an article" on
// resolve. *knowledge.Base implements it.
type ArticleSearch interface {
	Search(ctx context.Context, query string, k int) ([]knowledge.Result, error)
}

// DeliveryLog is the notification delivery log admins read.
// *notify.Dispatcher implements it.
type DeliveryLog interface {
	Deliveries(ctx context.Context, limit int) ([]store.Delivery, error)
}

// Limits bound the agent WebSocket. Zero fields take the defaults.
type Limits struct {
	// SendQueue is how many frames wait for a slow console before it is
	// disconnected (default 256).
	SendQueue int
	// MaxFrameBytes is the read limit of one frame (default 16 KiB).
	MaxFrameBytes int64
	// MaxWatches is how many conversations one socket may watch (default 20).
	MaxWatches int
	// PingInterval, PongTimeout and WriteTimeout: keep-alive and a dead
	// client's detection (defaults 25s, 60s, 10s).
	PingInterval time.Duration
	PongTimeout  time.Duration
	WriteTimeout time.Duration
	// SessionCheck is how often at most a frame from the console re-checks
	// its session before it is acted on (default 5s). The session is also
	// re-checked on every keep-alive ping.
	SessionCheck time.Duration
}

func (l Limits) withDefaults() Limits {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if l.SendQueue <= 0 {
		l.SendQueue = 256
	}
	if l.MaxFrameBytes <= 0 {
		l.MaxFrameBytes = 16 << 10
	}
	if l.MaxWatches <= 0 {
		l.MaxWatches = 20
	}
	def(&l.PingInterval, 25*time.Second)
	def(&l.PongTimeout, 60*time.Second)
	def(&l.WriteTimeout, 10*time.Second)
	def(&l.SessionCheck, 5*time.Second)
	return l
}

// Options are the console's dependencies. Desk, Auth and Hub are required;
// Knowledge and Notify may be nil (article search answers an empty list,
// the delivery log an empty log).
type Options struct {
	Desk      *handoff.Desk
	Auth      *auth.Service
	Hub       *conversation.Hub
	Settings  Settings
	Knowledge ArticleSearch
	// Imports is the knowledge base for POST /api/import and GET
	// /api/export (both answer unavailable without it).
	Imports ArticleImporter
	Notify  DeliveryLog
	// Incidents keeps the incidents; nil lists none.
	Incidents store.Incidents
	// Articles and Index are the editors' store and the knowledge base
	// their saves reach; without both the editors' routes answer 503.
	Articles store.ArticleEditor
	Index    ArticleIndex
	Logger   *slog.Logger
	Limits   Limits
	// Now is the clock for business hours (default time.Now).
	Now func() time.Time
}

// Server serves the console's API, WebSocket and UI.
type Server struct {
	desk    *handoff.Desk
	auth    *auth.Service
	hub     *conversation.Hub
	cfg     Settings
	kb      ArticleSearch
	imports ArticleImporter
	// importing holds a token while an import runs: one at a time.
	importing chan struct{}
	notify    DeliveryLog
	articles  store.ArticleEditor
	index     ArticleIndex
	incidents store.Incidents
	log       *slog.Logger
	limits    Limits
	now       func() time.Time
	assets    map[string]*asset
	upgrader  websocket.Upgrader

	reg       registry
	unsubDesk func()

	// conns counts live agent sockets so Close can wait for them.
	connMu sync.Mutex
	closed bool
	conns  sync.WaitGroup
}

// New builds the console and subscribes it to the desk's events. Call
// Close when done.
func New(opts Options) (*Server, error) {
	if opts.Desk == nil || opts.Auth == nil || opts.Hub == nil {
		return nil, errors.New("couldn't build the console: a desk, an auth service and a hub are required")
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Server{
		desk: opts.Desk, auth: opts.Auth, hub: opts.Hub, cfg: opts.Settings,
		kb: opts.Knowledge, imports: opts.Imports, importing: make(chan struct{}, 1), notify: opts.Notify, incidents: opts.Incidents, articles: opts.Articles, index: opts.Index, log: opts.Logger,
		limits: opts.Limits.withDefaults(), now: opts.Now, assets: assets,
		reg: registry{conns: make(map[*agentConn]struct{})},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.upgrader = websocket.Upgrader{
		ReadBufferSize:  4 << 10,
		WriteBufferSize: 8 << 10,
		// auth.Authenticate has checked the Origin against the console's
		// own before the upgrade.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	s.unsubDesk = s.desk.Subscribe(s.onDeskEvent)
	return s, nil
}

// track counts a new socket unless the console is closing.
func (s *Server) track() bool {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.closed {
		return false
	}
	s.conns.Add(1)
	return true
}

// Close ends every agent socket with a close frame (consoles reconnect,
// elsewhere or after the restart), stops listening to the desk and waits
// for the sockets' goroutines. http.Server.Shutdown does not close
// hijacked connections, so the caller must call this.
func (s *Server) Close() {
	s.connMu.Lock()
	s.closed = true
	s.connMu.Unlock()
	s.unsubDesk()
	s.reg.mu.Lock()
	s.reg.closed = true
	conns := make([]*agentConn, 0, len(s.reg.conns))
	for c := range s.reg.conns {
		conns = append(conns, c)
	}
	s.reg.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseServiceRestart, "server restarting"), time.Now().Add(time.Second))
		c.close()
	}
	s.conns.Wait()
}

// allowsAgent reports whether role may work conversations.
func allowsAgent(role string) bool { return auth.Allows(role, auth.RoleAgent) }

package widget

import (
	"crypto/rand"
	"github.com/andon-chat/andon/internal/apierr"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/andon-chat/andon/conversation"
)

const defaultSite = "default"

// siteEntry is a Site prepared for requests.
type siteEntry struct {
	Site
	origins []originPattern
	config  publicConfig
	newConv *rate.Limiter // new conversations of this site, from every IP
}

// Handler serves the visitor side: the visitor WebSocket, the widget's
// script and config, and the demo page. Mount it at "/"; it answers
// GET /ws/visitor, GET /widget/config.json, GET / and the static files,
// and 404 to anything else.
type Handler struct {
	hub      *conversation.Hub
	sites    map[string]*siteEntry
	limits   Limits
	tokens   tokens
	trusted  []netip.Prefix
	log      *slog.Logger
	assets   map[string]*asset
	ips      *ipTable
	upgrader websocket.Upgrader
	mux      *http.ServeMux
	nextID   atomic.Uint64

	mu     sync.Mutex
	conns  map[*conn]struct{}
	closed bool
	wg     sync.WaitGroup // running connections
}

// NewHandler prepares the visitor side. It does not fail: a bad allowed
// origin is logged and skipped (config validation, with ValidateOrigin,
// is the place to refuse it), a missing secret is replaced by a random one.
func NewHandler(opts Options) *Handler {
	h := &Handler{
		hub:     opts.Hub,
		limits:  opts.Limits.withDefaults(),
		trusted: opts.TrustedProxies,
		log:     opts.Logger,
		sites:   make(map[string]*siteEntry),
		conns:   make(map[*conn]struct{}),
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	secret := opts.Secret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		rand.Read(secret)
		h.log.Warn("no secret configured: resume tokens will not survive a restart")
	}
	h.tokens = tokens{secret: secret, ttl: h.limits.TokenTTL}
	sites := opts.Sites
	if len(sites) == 0 {
		sites = []Site{{Name: defaultSite}}
	}
	for _, s := range sites {
		e := &siteEntry{Site: s, newConv: rate.NewLimiter(
			rate.Limit(h.limits.SiteNewConversationsPerMinute/60), h.limits.SiteNewConversationBurst)}
		for _, p := range s.AllowedOrigins {
			op, err := parseOriginPattern(p)
			if err != nil {
				h.log.Error("allowed origin ignored", "site", s.Name, "err", err)
				continue
			}
			e.origins = append(e.origins, op)
		}
		e.config = publicConfig{Site: s.Name, Title: s.Title, Color: s.Color, Position: s.Position,
			Greeting: s.Greeting, Locale: s.Locale, MaxMessageBytes: h.limits.MaxMessageBytes, EmailFollowUp: opts.EmailFollowUp}
		h.sites[s.Name] = e
	}
	assets, err := loadAssets()
	if err != nil {
		h.log.Error("widget assets unavailable", "err", err)
	}
	h.assets = assets
	h.ips = newIPTable(h.limits)
	h.upgrader = websocket.Upgrader{
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
		WriteBufferPool:  &sync.Pool{},
		HandshakeTimeout: h.limits.WriteTimeout,
		// The origin was checked, with the site's rules, before Upgrade.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	h.mux = http.NewServeMux()
	h.mux.HandleFunc("GET /ws/visitor", h.serveVisitor)
	h.mux.HandleFunc("GET /widget/config.json", h.serveConfig)
	h.mux.HandleFunc("GET /{$}", h.serveDemo)
	h.mux.HandleFunc("GET /", h.serveAsset)
	return h
}

// ServeHTTP routes a request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func siteName(r *http.Request) string {
	if s := r.URL.Query().Get("site"); s != "" {
		return s
	}
	return defaultSite
}

func (h *Handler) site(r *http.Request) *siteEntry { return h.sites[siteName(r)] }

func (h *Handler) serveDemo(w http.ResponseWriter, r *http.Request) {
	if a := h.assets["/demo.html"]; a != nil {
		a.serve(w, r)
		return
	}
	writeError(w, http.StatusNotFound, apierr.CodeNotFound, "no demo page in this build")
}

func (h *Handler) serveAsset(w http.ResponseWriter, r *http.Request) {
	if a := h.assets[r.URL.Path]; a != nil {
		a.serve(w, r)
		return
	}
	writeError(w, http.StatusNotFound, apierr.CodeNotFound, "not found")
}

// Connections reports the open visitor connections.
func (h *Handler) Connections() int { return h.ips.connections() }

// Close ends every visitor connection with a close frame (1012, "server
// shutting down") so that widgets reconnect, refuses new ones, and waits
// until their goroutines are gone. http.Server.Shutdown does not do this:
// it does not track hijacked connections.
func (h *Handler) Close() {
	h.mu.Lock()
	h.closed = true
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	msg := websocket.FormatCloseMessage(websocket.CloseServiceRestart, "server shutting down")
	deadline := time.Now().Add(time.Second) // shared: a stuck client cannot make Close slow
	for _, c := range conns {
		_ = c.ws.WriteControl(websocket.CloseMessage, msg, deadline)
		c.close()
	}
	h.wg.Wait()
}

// register adds c to the open connections unless the handler is closed.
func (h *Handler) register(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	h.wg.Add(1)
	return true
}

func (h *Handler) unregister(c *conn) {
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
	h.wg.Done()
}

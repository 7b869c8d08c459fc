// Package app is the composition root: it turns a config.Config into a
// running andon (store, knowledge base, bot, conversation hub, HTTP
// routes) and closes it again. cmd/andon and the end-to-end tests both
// build the server through New, so they test the same wiring.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/console"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/conversation/pgbus"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/incident"
	"github.com/andon-chat/andon/internal/clientip"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/knowledge/demo"
	"github.com/andon-chat/andon/mailin"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/postgres"
	"github.com/andon-chat/andon/store/sqlite"
	"github.com/andon-chat/andon/widget"
)

// Storage is what the relational store provides: conversations, articles,
// console users, handoffs and the notification delivery log.
type Storage interface {
	store.Store
	store.Users
	store.Handoffs
	store.Deliveries
	store.Incidents
	knowledge.ArticleStore
	store.ArticleEditor
	knowledge.Generations
}

// App is one running andon instance.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	store   Storage
	kb      *knowledge.Base
	hub     *conversation.Hub
	bus     *pgbus.Bus // nil on SQLite
	visitor *widget.Handler
	notify  *notify.Dispatcher
	auth    *auth.Service
	desk    *handoff.Desk
	// incidents listens for bursts of one question; nil when [incidents]
	// is off.
	incidents *incident.Listener
	detector  *incident.Detector
	console   *console.Server
	mailin    *mailin.Server // nil unless [mail_in] is configured
	handler   http.Handler
	ready     atomic.Bool
	probe     *writeProbe // the store's and the data directory's writes, for /readyz
	// embedDegraded is why the configured Ollama embedder is not in use
	// (nil when it is, or when none is configured), for /readyz.
	embedDegraded error
	embedder      knowledge.Embedder // nil: the built-in one
	embedSwitch   *embedderSwitch    // a re-embedding for a changed model, or nil

	// trusted are server.trusted_proxies, parsed once for the widget and
	// auth, which believe X-Forwarded-For and -Proto only from them.
	trusted []netip.Prefix

	setupLink string
	lock      *os.File // the data directory's lock, see lockDataDir

	// stopFollow ends the knowledge base's reloading from the store;
	// followDone closes when it has.
	stopFollow context.CancelFunc
	followDone chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// New opens the data directory and builds every part. On error everything
// opened so far is closed again.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger) (_ *App, err error) {
	a := &App{cfg: cfg, log: logger}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if err := os.MkdirAll(cfg.Server.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("couldn't create data directory: %w", err)
	}
	if a.lock, err = lockDataDir(cfg.Server.DataDir); err != nil {
		return nil, err
	}
	secret, err := loadSecret(cfg.Server.Secret, cfg.Server.DataDir)
	if err != nil {
		return nil, err
	}
	a.trusted, err = clientip.ParsePrefixes(cfg.Server.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("couldn't read server.trusted_proxies: %w", err)
	}
	st, err := OpenStore(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	a.store = st
	a.probe = newWriteProbe(func(ctx context.Context) error {
		if err := st.Ping(ctx); err != nil {
			return err
		}
		return probeDataDir(cfg.Server.DataDir)
	})
	a.embedder, a.embedDegraded = OpenEmbedder(ctx, cfg, logger)
	openWith, sw := planSwitch(ctx, cfg, a.embedder, logger)
	a.kb, err = OpenKnowledgeWith(ctx, cfg, st, openWith, logger)
	if err == nil {
		a.followStore(st, time.Duration(cfg.Knowledge.ReloadInterval))
	}
	if err != nil {
		return nil, err
	}
	if sw != nil {
		a.embedSwitch = sw
		sw.start(a.kb, logger)
	}
	b, err := NewBot(cfg, a.kb, logger)
	if err != nil {
		return nil, err
	}
	var hub atomic.Pointer[conversation.Hub]
	if a.bus, err = openBus(ctx, cfg, &hub, logger); err != nil {
		return nil, err
	}
	var bus conversation.Bus // a nil *pgbus.Bus must stay a nil Bus
	if a.bus != nil {
		bus = a.bus
	}
	responder, err := a.incidentResponder(b)
	if err != nil {
		return nil, err
	}
	a.hub = conversation.NewHub(conversation.Options{
		Bus:                  bus,
		Store:                st,
		Responder:            responder,
		Logger:               logger,
		MessagesPerMinute:    cfg.Limits.ConversationMessagesPerMinute,
		MessageBurst:         cfg.Limits.ConversationMessageBurst,
		EmptyConversationTTL: cfg.Limits.EmptyConversationTTL.Duration(),
		CleanupInterval:      time.Hour,
		ReopenWithPerson:     cfg.Handoff.Reopen == config.ReopenPerson,
	})
	hub.Store(a.hub)
	a.visitor = widget.NewHandler(widgetOptions(cfg, a.hub, secret, a.trusted, logger))
	if err := a.openDesk(ctx, secret); err != nil {
		return nil, err
	}
	if err := a.openMailIn(secret); err != nil {
		return nil, err
	}
	if err := a.openIncidents(); err != nil {
		return nil, err
	}
	a.handler = withConnLimits(withRequestID(logger, a.routes()))
	a.ready.Store(true)
	return a, nil
}

// openDesk builds the people's side: notifications, console users, the
// handoff desk (which becomes the hub's Availability) and the console.
func (a *App) openDesk(ctx context.Context, secret []byte) error {
	cfg, logger := a.cfg, a.log
	var err error
	a.notify, err = notify.New(notify.Options{Settings: settings.Notify(cfg), Store: a.store, Logger: logger, ReplyTo: replyTo(cfg, secret)})
	if err != nil {
		return err
	}
	a.notify.Start(ctx)
	// Security alerts go out only through a configured [smtp]: without
	// one, nothing is mailed and nothing says it was.
	var alerts auth.Mailer
	if cfg.SMTP.Host != "" {
		alerts = a.notify
	}
	a.auth, err = auth.New(auth.Options{
		Alerts:    alerts,
		Store:     a.store,
		Secret:    secret,
		PublicURL: cfg.Server.PublicURL,
		LocalURL:  auth.LocalURL(cfg.Server.Addr),
		Teams:     teamNames(cfg),
		// The desk and the console are built below, before any request.
		OnUserChange: func(u store.User) {
			if a.desk != nil {
				a.desk.UpdateAgent(handoff.AgentFromUser(u))
			}
			if a.console != nil {
				a.console.UserChanged(u)
			}
		},
		TrustedProxies: a.trusted,
		Logger:         logger,
	})
	if err != nil {
		return err
	}
	deskSettings, err := settings.Handoff(cfg)
	if err != nil {
		return fmt.Errorf("couldn't build the handoff desk: %w", err)
	}
	a.desk, err = handoff.New(handoff.Options{
		Hub:      a.hub,
		Store:    a.store,
		Settings: deskSettings,
		Notifier: a.notify,
		Mailer:   a.notify,
		Learner:  a.kb,
		Logger:   logger,
		ChatURL: func(c store.Conversation) string {
			return a.visitor.ChatURL(c, cfg.Server.PublicURL)
		},
		ConsoleURL: func(id string) string {
			return strings.TrimRight(publicOrLocal(cfg), "/") + "/console/#c/" + id
		},
	})
	if err != nil {
		return fmt.Errorf("couldn't build the handoff desk: %w", err)
	}
	if err := a.desk.Start(ctx); err != nil {
		return err
	}
	consoleSettings, err := ConsoleSettings(cfg)
	if err != nil {
		return err
	}
	a.console, err = console.New(console.Options{
		Desk: a.desk, Auth: a.auth, Hub: a.hub, Settings: consoleSettings,
		Knowledge: a.kb, Imports: a.kb, Notify: a.notify, Incidents: a.store, Logger: logger,
		Articles: a.store, Index: a.kb,
	})
	if err != nil {
		return err
	}
	link, err := a.auth.EnsureSetup(ctx)
	if err != nil {
		return fmt.Errorf("couldn't prepare the first admin's setup link: %w", err)
	}
	if link != "" {
		logger.Warn("no console users yet: open this one-time link to create the first admin", "url", link)
	}
	a.setupLink = link
	return nil
}

// SetupLink is the one-time link for the first admin that New printed, or
// "" when users existed already.
func (a *App) SetupLink() string { return a.setupLink }

func publicOrLocal(cfg config.Config) string {
	if cfg.Server.PublicURL != "" {
		return cfg.Server.PublicURL
	}
	return auth.LocalURL(cfg.Server.Addr)
}

// OpenStore opens the configured relational store.
func OpenStore(ctx context.Context, cfg config.Config, logger *slog.Logger) (Storage, error) {
	switch cfg.Store.Driver {
	case "", "sqlite":
		path := filepath.Join(cfg.Server.DataDir, "andon.db")
		st, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: cfg.Store.Synchronous, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("couldn't open %s: %w", path, err)
		}
		return st, nil
	case "postgres":
		st, err := postgres.Open(ctx, cfg.Store.DSN, postgres.Options{Logger: logger})
		if err != nil {
			// The error names host and database, never the DSN's password.
			return nil, fmt.Errorf("couldn't open the PostgreSQL store: %w", err)
		}
		return st, nil
	default:
		return nil, fmt.Errorf("store driver %q is not available in this build", cfg.Store.Driver)
	}
}

// OpenKnowledge opens the knowledge base over the store's articles and loads
// the bundled demo articles when it is empty and the config asks for them.
func OpenKnowledge(ctx context.Context, cfg config.Config, articles knowledge.ArticleStore, logger *slog.Logger) (*knowledge.Base, error) {
	emb, _ := OpenEmbedder(ctx, cfg, logger)
	return OpenKnowledgeWith(ctx, cfg, articles, emb, logger)
}

// OpenKnowledgeWith is OpenKnowledge with an embedder from OpenEmbedder.
func OpenKnowledgeWith(ctx context.Context, cfg config.Config, articles knowledge.ArticleStore, emb knowledge.Embedder, logger *slog.Logger) (*knowledge.Base, error) {
	kb, err := knowledge.Open(ctx, knowledge.Options{
		Dir:           filepath.Join(cfg.Server.DataDir, "index"),
		Store:         articles,
		Embedder:      emb,
		ChunkMaxChars: cfg.Knowledge.ChunkMaxChars,
		Logger:        logger,
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't open knowledge base: %w", err)
	}
	if kb.Len() == 0 && cfg.Knowledge.LoadDemo {
		arts, err := demo.Articles()
		if err != nil {
			kb.Close()
			return nil, fmt.Errorf("couldn't read demo articles: %w", err)
		}
		rep, err := kb.Import(ctx, arts)
		if err != nil {
			kb.Close()
			return nil, fmt.Errorf("couldn't load demo articles: %w", err)
		}
		logger.Info("loaded demo knowledge base", "articles", len(rep.Added))
	}
	return kb, nil
}

// NewBot builds the decision from the config's rules and thresholds.
func NewBot(cfg config.Config, kb bot.Retriever, logger *slog.Logger) (*bot.Bot, error) {
	rc := bot.RulesConfig{Disabled: cfg.Bot.DisabledRules}
	for _, t := range cfg.Bot.Sensitive {
		rc.Sensitive = append(rc.Sensitive, bot.Topic{Name: t.Name, Patterns: t.Patterns, Team: t.Team})
	}
	rules, err := bot.NewRules(rc)
	if err != nil {
		return nil, fmt.Errorf("couldn't build bot rules: %w", err)
	}
	return bot.New(bot.Options{
		Retriever:        kb,
		Rules:            rules,
		AnswerThreshold:  cfg.Bot.AnswerThreshold,
		ClarifyThreshold: cfg.Bot.ClarifyThreshold,
		ClarifyMargin:    cfg.Bot.ClarifyMargin,
		Languages:        cfg.Bot.Languages,
		Logger:           logger,
	})
}

func widgetOptions(cfg config.Config, hub *conversation.Hub, secret []byte, trusted []netip.Prefix, logger *slog.Logger) widget.Options {
	l := cfg.Limits
	o := widget.Options{
		Hub:    hub,
		Secret: secret,
		Limits: widget.Limits{
			MaxMessageBytes:     l.MaxMessageBytes,
			MaxFrameBytes:       int64(l.MaxFrameBytes),
			MessagesPerSecond:   l.MessagesPerSecond,
			MessageBurst:        l.MessageBurst,
			IPMessagesPerSecond: l.IPMessagesPerSecond,
			IPMessageBurst:      l.IPMessageBurst,
			MaxConnectionsPerIP: l.MaxConnectionsPerIP,
			MaxConnections:      l.MaxConnections,
			SendQueue:           l.SendQueue,
			PingInterval:        l.PingInterval.Duration(),
			PongTimeout:         l.PongTimeout.Duration(),
			WriteTimeout:        l.WriteTimeout.Duration(),
			TokenTTL:            l.TokenTTL.Duration(),
			ReplayPageBytes:     l.ReplayPageBytes,

			IPNewConversationsPerMinute:   l.IPNewConversationsPerMinute,
			IPNewConversationBurst:        l.IPNewConversationBurst,
			SiteNewConversationsPerMinute: l.SiteNewConversationsPerMinute,
			SiteNewConversationBurst:      l.SiteNewConversationBurst,
		},
		TrustedProxies: trusted,
		Logger:         logger,
		EmailFollowUp:  notify.CanMail(settings.Notify(cfg).SMTP),
	}
	for _, s := range cfg.Sites {
		o.Sites = append(o.Sites, widget.Site{
			Name: s.Name, AllowedOrigins: s.AllowedOrigins, Title: s.Title, Color: s.Color,
			Position: s.Position, Greeting: s.Greeting, Locale: s.Locale, IdentitySecret: s.IdentitySecret,
		})
	}
	return o
}

func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	a.auth.Routes(mux)
	a.console.Routes(mux)
	mux.Handle("/", a.visitor)
	return mux
}

// readyz answers 200 only when the store and its directory take a write
// (within writeProbe's timeout: a frozen disk makes it 503, not hang) and
// the index is loaded, so a load balancer sends no visitor to an instance
// that cannot serve them.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	checks := map[string]string{}
	ok := a.ready.Load()
	if err := a.probe.check(r.Context()); err != nil {
		checks["store"] = err.Error()
		ok = false
	} else {
		checks["store"] = "ok"
	}
	checks["knowledge"] = fmt.Sprintf("ok, %d articles", a.kb.Len())
	checks["embedder"] = a.kb.EmbedderID()
	if a.embedDegraded != nil {
		// Still ready: the built-in embedder answers, only less well.
		checks["embedder"] = "degraded: built-in embedder in use, Ollama unavailable at start-up: " + a.embedDegraded.Error()
	}
	if h, ok := a.embedder.(interface{ Health() error }); ok {
		if err := h.Health(); err != nil {
			// Still ready: questions are escalated, none hangs.
			checks["embedder"] = "degraded: Ollama failing, questions are escalated: " + err.Error()
		}
	}
	if a.embedSwitch != nil {
		if st := a.embedSwitch.status(); st != "" {
			checks["embedder"] = st
		}
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]any{"ready": ok, "checks": checks})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Handler is the HTTP handler with every route.
func (a *App) Handler() http.Handler { return a.handler }

// CloseConnections ends every live WebSocket with a close frame, so clients
// reconnect elsewhere; http.Server.Shutdown does not touch hijacked ones.
func (a *App) CloseConnections() {
	a.ready.Store(false)
	if a.visitor != nil {
		a.visitor.Close()
	}
	if a.console != nil {
		a.console.Close()
	}
}

// Close releases everything New opened, in reverse order. It may be called
// more than once.
func (a *App) Close() error {
	a.closeOnce.Do(func() { a.closeErr = a.close() })
	return a.closeErr
}

func (a *App) close() error {
	a.CloseConnections()
	var errs []error
	if a.mailin != nil {
		// First: it posts to the hub.
		errs = append(errs, a.mailin.Close())
	}
	if a.incidents != nil {
		a.incidents.Close()
	}
	if a.desk != nil {
		a.desk.Close()
	}
	if a.bus != nil {
		// Before the hub: nothing from other instances reaches a closed hub.
		errs = append(errs, a.bus.Close())
	}
	if a.hub != nil {
		a.hub.Close()
	}
	if a.notify != nil {
		a.notify.Close()
	}
	if a.embedSwitch != nil {
		a.embedSwitch.stop()
	}
	if a.stopFollow != nil {
		a.stopFollow()
		<-a.followDone
	}
	if a.kb != nil {
		errs = append(errs, a.kb.Close())
	}
	if a.store != nil {
		errs = append(errs, a.store.Close())
	}
	if a.lock != nil {
		// Last: closing the descriptor releases the lock.
		errs = append(errs, a.lock.Close())
	}
	return errors.Join(errs...)
}

// followStore reloads the knowledge base whenever another process (andon
// ingest against this data directory) changed the articles in the store,
// looking every interval, until Close.
func (a *App) followStore(gen knowledge.Generations, every time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	a.stopFollow, a.followDone = cancel, make(chan struct{})
	ticker := time.NewTicker(every)
	go func() {
		defer close(a.followDone)
		defer ticker.Stop()
		a.kb.Follow(ctx, gen, ticker.C, func(err error) {
			a.log.Warn("couldn't reload the knowledge base from the store", "err", err)
		})
	}()
}

package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

// agentConn is one agent console's WebSocket. One goroutine reads (the
// handler's), one writes (writeLoop), fed by the bounded send queue; a
// client that does not take its frames fast enough is disconnected, never
// waited for. It receives the desk's events (the queue, notes, presence)
// through the Server's fan-out and, for each watched conversation, the
// hub's updates as a conversation.Subscriber. It lives only as long as
// the session it was opened with: see checkSession.
type agentConn struct {
	s     *Server
	ws    *websocket.Conn
	user  store.User
	agent handoff.Agent
	// token is the session cookie of the upgrade request, to re-check the
	// session; checked is when that was last done (unix nanoseconds).
	token   string
	checked atomic.Int64

	send      chan outFrame
	done      chan struct{}
	closeOnce sync.Once
	typing    *rate.Limiter

	mu      sync.Mutex
	watches map[string]func() // conversation id → unwatch
}

// outFrame is a frame encoded once for every agent (raw) or a hub update
// (shared by all subscribers, read-only), encoded by the writer.
type outFrame struct {
	raw    []byte
	update *conversation.Update
}

// Deliver is the hub's fan-out into this console: never blocking, false
// when the queue is full (the hub then evicts us).
func (c *agentConn) Deliver(u *conversation.Update) bool {
	if u.Kind == conversation.KindDelta {
		return true // streamed pieces: the committed message follows
	}
	return c.push(outFrame{update: u})
}

// Evict disconnects a console too slow to take its frames; it reconnects
// and re-syncs from its hello.
func (c *agentConn) Evict() {
	c.s.log.Info("agent console disconnected: send queue full", "agent", c.user.ID)
	c.close()
}

// push queues f without blocking; false when the queue is full.
func (c *agentConn) push(f outFrame) bool {
	select {
	case c.send <- f:
		return true
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *agentConn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.ws.Close()
	})
}

// handleAgentWS upgrades GET /ws/agent for a logged-in user whose role
// allows agent work, from the console's own origin.
func (s *Server) handleAgentWS(w http.ResponseWriter, r *http.Request) {
	user, err := s.auth.Authenticate(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !allowsAgent(user.Role) {
		s.fail(w, r, apiErr(http.StatusForbidden, "forbidden", "The agent WebSocket needs the agent role; you are %s.", user.Role))
		return
	}
	if !s.track() {
		s.fail(w, r, apiErr(http.StatusServiceUnavailable, apierr.CodeUnavailable, "The server is shutting down; reconnect in a moment."))
		return
	}
	defer s.conns.Done()
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := &agentConn{
		s: s, ws: ws, user: user, agent: agentOf(user),
		token:   auth.SessionToken(r),
		send:    make(chan outFrame, s.limits.SendQueue),
		done:    make(chan struct{}),
		typing:  rate.NewLimiter(5, 10),
		watches: make(map[string]func()),
	}
	c.checked.Store(time.Now().UnixNano())
	c.serve()
}

// serve runs the connection until it ends.
func (c *agentConn) serve() {
	s := c.s
	// Register before the snapshot: whatever changes from now on is also
	// queued behind the hello, and every item frame carries the whole item,
	// so replaying one the snapshot already shows changes nothing.
	if !s.register(c) {
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseServiceRestart, "server restarting"), time.Now().Add(time.Second))
		c.ws.Close()
		return
	}
	disconnect := s.desk.Connect(c.agent)
	defer func() {
		c.close()
		s.unregister(c)
		c.unwatchAll()
		disconnect()
	}()
	c.ws.SetReadLimit(s.limits.MaxFrameBytes)
	c.extendRead()
	c.ws.SetPongHandler(func(string) error { c.extendRead(); return nil })
	if err := c.hello(); err != nil {
		s.log.Warn("agent hello failed", "agent", c.user.ID, "err", err)
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.writeLoop()
	}()
	c.readLoop()
	c.close()
	wg.Wait()
}

func (c *agentConn) extendRead() {
	_ = c.ws.SetReadDeadline(time.Now().Add(c.s.limits.PongTimeout))
}

// helloFrame is the first frame: who is signed in and the whole queue, so
// a reconnecting console replaces what it had.
type helloFrame struct {
	Type     string         `json:"type"`
	Agent    userJSON       `json:"agent"`
	Queue    []itemJSON     `json:"queue"`
	Presence []presenceJSON `json:"presence"`
}

func (c *agentConn) hello() error {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	q, err := c.s.desk.Queue(ctx, c.agent)
	if err != nil {
		return err
	}
	f := helloFrame{Type: "hello", Agent: toUser(c.user), Queue: toItems(q), Presence: toPresence(c.s.desk.Presence())}
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.s.limits.WriteTimeout))
	return c.ws.WriteJSON(f)
}

// agentFrame is what a console sends.
type agentFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	On             *bool  `json:"on"`
}

func (c *agentConn) readLoop() {
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) &&
				!errors.Is(err, websocket.ErrReadLimit) {
				c.s.log.Debug("agent connection ended", "agent", c.user.ID, "err", err)
			}
			return
		}
		c.extendRead()
		if time.Since(time.Unix(0, c.checked.Load())) >= c.s.limits.SessionCheck && !c.checkSession() {
			return
		}
		if mt != websocket.TextMessage {
			c.sendError(badRequest("Frames must be JSON text."))
			continue
		}
		if e := c.handle(data); e != nil {
			c.sendError(e)
		}
	}
}

// handle carries out one frame; a refusal is answered with an error frame
// and the connection goes on.
func (c *agentConn) handle(data []byte) *apierr.Error {
	var f agentFrame
	if e := decodeFrame(data, &f); e != nil {
		return e
	}
	if f.Type != "watch" && f.Type != "unwatch" && f.Type != "typing" {
		return badRequest("Unknown frame type %q: want watch, unwatch or typing.", f.Type)
	}
	if f.ConversationID == "" {
		return badRequest("Field \"conversation_id\" is required.")
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	switch f.Type {
	case "watch":
		return c.watch(ctx, f.ConversationID)
	case "unwatch":
		c.unwatch(f.ConversationID)
	case "typing":
		if f.On == nil {
			return badRequest("Field \"on\" is required: true or false.")
		}
		if !c.typing.Allow() {
			return apiErr(http.StatusTooManyRequests, "rate_limited", "Too many typing frames.")
		}
		c.s.desk.Typing(ctx, f.ConversationID, c.agent, *f.On)
	}
	return nil
}

func decodeFrame(data []byte, v any) *apierr.Error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("%s", describeJSONError(err))
	}
	if dec.More() {
		return badRequest("One JSON object per frame.")
	}
	return nil
}

// watchingFrame confirms a watch: from here on every update of the
// conversation is sent, and LastSeq (read after subscribing) tells the
// console whether it must fetch messages it has not got.
type watchingFrame struct {
	Type           string `json:"type"`
	ConversationID string `json:"conversation_id"`
	State          string `json:"state"`
	LastSeq        int64  `json:"last_seq"`
	// Presence is the visitor's presence now (here, away, left); presence
	// frames follow its changes.
	Presence string `json:"presence"`
	// Mail is whether a reply can reach this visitor by e-mail when they
	// are gone (a mail server is configured and they left an address).
	Mail bool `json:"mail"`
}

// watch subscribes the console to a conversation's live updates and
// confirms with a watching frame. Watching again only confirms again.
func (c *agentConn) watch(ctx context.Context, id string) *apierr.Error {
	c.mu.Lock()
	_, already := c.watches[id]
	n := len(c.watches)
	c.mu.Unlock()
	if !already && n >= c.s.limits.MaxWatches {
		return badRequest("At most %d conversations can be watched at once; unwatch one first.", c.s.limits.MaxWatches)
	}
	if _, err := c.s.hub.Conversation(ctx, id); err != nil {
		return c.watchFailed(id, err)
	}
	if !already {
		cancel := c.s.desk.Watch(id, c)
		c.mu.Lock()
		_, dup := c.watches[id]
		select {
		case <-c.done:
			dup = true
		default:
		}
		if !dup {
			c.watches[id] = cancel
		}
		c.mu.Unlock()
		if dup {
			cancel()
		}
	}
	// Read after subscribing: whatever is committed later is queued too.
	conv, err := c.s.hub.Conversation(ctx, id)
	if err != nil {
		return c.watchFailed(id, err)
	}
	raw, _ := json.Marshal(watchingFrame{Type: "watching", ConversationID: id, State: conv.State, LastSeq: conv.LastSeq,
		Presence: c.s.hub.Presence(id), Mail: c.s.desk.MailsVisitors() && conv.Email != ""})
	if !c.push(outFrame{raw: raw}) {
		c.Evict()
	}
	return nil
}

func (c *agentConn) watchFailed(id string, err error) *apierr.Error {
	if e := classify(err); e != nil && e.Code == apierr.CodeNotFound {
		return e
	}
	c.s.log.Warn("couldn't read conversation to watch", "conversation", id, "err", err)
	return apiErr(http.StatusInternalServerError, apierr.CodeInternal, "Couldn't watch the conversation; try again.")
}

func (c *agentConn) unwatch(id string) {
	c.mu.Lock()
	cancel := c.watches[id]
	delete(c.watches, id)
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (c *agentConn) unwatchAll() {
	c.mu.Lock()
	ws := c.watches
	c.watches = map[string]func(){}
	c.mu.Unlock()
	for _, cancel := range ws {
		cancel()
	}
}

// UserChanged re-checks at once the sessions of u's open consoles, so an
// agent an admin has just disabled or made an editor stops receiving the
// queue now rather than at the next keep-alive. It does not block.
func (s *Server) UserChanged(u store.User) {
	s.reg.mu.RLock()
	var mine []*agentConn
	for c := range s.reg.conns {
		if c.user.ID == u.ID {
			mine = append(mine, c)
		}
	}
	s.reg.mu.RUnlock()
	for _, c := range mine {
		go c.checkSession()
	}
}

// checkSession re-checks the session the socket was opened with: it must
// still exist (no logout, logout-all or expiry), its user must not be
// disabled, and the role must still allow agent work. When it fails, the
// console gets a close frame 1008 "session ended" and the socket is
// closed; the desk's presence then drops it on the normal disconnect path.
// A store error is logged and the socket goes on: the next check tries
// again, and a store that cannot be read would refuse the reconnect too.
func (c *agentConn) checkSession() bool {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	u, err := c.s.auth.Check(ctx, c.token)
	c.checked.Store(time.Now().UnixNano())
	var ae *auth.Error
	switch {
	case err == nil && allowsAgent(u.Role):
		return true
	case err == nil:
		c.s.log.Info("agent console closed: the role no longer allows agent work", "agent", c.user.ID, "role", u.Role)
	case errors.As(err, &ae):
		c.s.log.Info("agent console closed: the session ended", "agent", c.user.ID, "code", ae.Code)
	default:
		c.s.log.Warn("couldn't re-check an agent console's session", "agent", c.user.ID, "err", err)
		return true
	}
	_ = c.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "session ended"), time.Now().Add(c.s.limits.WriteTimeout))
	c.close()
	return false
}

func (c *agentConn) sendError(e *apierr.Error) {
	raw, _ := json.Marshal(apierr.Frame(e))
	if !c.push(outFrame{raw: raw}) {
		c.Evict()
	}
}

// agentOf is the desk's view of a user.
func agentOf(u store.User) handoff.Agent { return handoff.AgentFromUser(u) }

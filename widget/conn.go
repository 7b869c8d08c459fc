package widget

import (
	"context"
	"errors"
	"github.com/andon-chat/andon/internal/apierr"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// storeTimeout bounds one request to the hub (a commit, a load).
const storeTimeout = 10 * time.Second

// conn is one visitor WebSocket: one goroutine reads; data frames are
// written by one writer at a time, fed by the bounded send queue (see
// writer.go). Kept small: an idle visitor is one goroutine blocked in a
// read, a 1 KiB read buffer and a timer for the pings.
type conn struct {
	h      *Handler
	ws     *websocket.Conn
	id     uint64
	site   *siteEntry
	ip     netip.Addr
	device string // from the User-Agent, for the agent's context panel
	ipe    *ipEntry
	lim    *rate.Limiter // this connection's messages
	typing *rate.Limiter // this connection's typing frames

	send chan *outFrame
	// replies bounds the reader's own frames (errors, acks) in send to
	// half of it, so that a burst of bad or rate-limited frames makes the
	// reader wait for the writer (and the client for the reader) instead
	// of filling the queue and getting the connection dropped, and the
	// hub's updates keep their room.
	replies   chan struct{}
	done      chan struct{} // closed by close
	closeOnce sync.Once
	pinger    *time.Timer

	wmu     sync.Mutex
	writing bool           // the handshake or a drain goroutine owns the write side
	ended   bool           // no drain may start any more
	writers sync.WaitGroup // drain goroutines

	convID      string
	unsubscribe func()
	// pending is the visit of a conversation not yet written to the store
	// (nil once it is); visit is the hello's, kept in case a conversation
	// without messages is cleaned up while connected. Reader only.
	pending, visit *conversation.Visit
	// lastSeq is the highest message seq written to the client: set by the
	// handshake while it replays, then by whichever drain owns the write
	// side, which skips updates at or below it (a message both replayed and
	// delivered live).
	lastSeq int64
}

// outFrame is one queued frame: a hub update (shared by all subscribers,
// read-only) or a frame for this connection only.
type outFrame struct {
	update *conversation.Update
	frame  any
	reply  bool // holds a place in conn.replies until written
}

func deadline(d time.Duration) time.Time { return time.Now().Add(d) }

func (c *conn) logger(level slog.Level, msg string, args ...any) {
	c.h.log.Log(context.Background(), level, msg, append([]any{"conn", c.id, "site", c.site.Name, "conversation", c.convID}, args...)...)
}

// Deliver is the hub's fan-out into this connection: never blocking, false
// when the queue is full (the hub then evicts us).
func (c *conn) Deliver(u *conversation.Update) bool {
	if u.Kind == conversation.KindTyping && u.From == store.FromVisitor {
		return true // the visitor's own typing, from another tab: not shown
	}
	select {
	case c.send <- &outFrame{update: u}:
		c.kick()
		return true
	case <-c.done:
		return true
	default:
		return false
	}
}

// Evict disconnects a client too slow to take its frames.
func (c *conn) Evict() {
	c.logger(slog.LevelInfo, "slow client disconnected: send queue full")
	c.close()
}

// enqueue queues the reader's answer to a frame: it waits while half the
// queue holds such answers (back-pressure on a client that sends faster
// than it reads), and a queue full all the same (the hub's updates) means a
// client that does not read, which is disconnected.
func (c *conn) enqueue(v any) {
	select {
	case c.replies <- struct{}{}:
	case <-c.done:
		return
	}
	select {
	case c.send <- &outFrame{frame: v, reply: true}:
		c.kick()
	case <-c.done:
	default:
		c.Evict()
	}
}

// close ends the connection once; the reader and writer notice and return.
func (c *conn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		c.ws.Close()
	})
}

func (c *conn) extendRead() {
	_ = c.ws.SetReadDeadline(deadline(c.h.limits.PongTimeout))
}

// serve runs the connection: the handshake on this goroutine, then the
// reading on a fresh one, and this one ends. The hello (JSON decoding, the
// store) grows a goroutine's stack to tens of KiB, and the runtime shrinks
// an idle goroutine's stack only slowly, over several garbage collections;
// a new goroutine blocked in a read needs a few KiB, which is most of what
// an idle visitor costs.
func (c *conn) serve() {
	c.ws.SetReadLimit(c.h.limits.MaxFrameBytes)
	c.extendRead() // also the time allowed to say hello
	c.ws.SetPongHandler(func(string) error { c.extendRead(); return nil })
	if !c.handshake() {
		c.end()
		return
	}
	c.startPings()
	c.releaseWriter()
	go func() {
		c.readLoop()
		c.end()
	}()
}

// end closes the connection, waits for the writers, leaves the conversation
// and gives back the connection's place.
func (c *conn) end() {
	c.finish()
	c.h.ips.release(c.ip, c.ipe)
	c.h.unregister(c)
}

func (c *conn) finish() {
	c.close()
	c.stopWriters()
	if c.unsubscribe != nil {
		c.unsubscribe()
	}
}

// read returns the next frame, or a protocol error to answer, or the
// connection's end.
func (c *conn) read() (clientFrame, *protoError, error) {
	mt, data, err := c.ws.ReadMessage()
	if err != nil {
		return clientFrame{}, nil, err
	}
	if mt != websocket.TextMessage {
		return clientFrame{}, badRequest("", "frames must be JSON text"), nil
	}
	f, perr := decodeFrame(data, c.h.limits.MaxMessageBytes)
	return f, perr, nil
}

func (c *conn) logEnd(err error) {
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
		c.logger(slog.LevelDebug, "visitor left")
		return
	}
	select {
	case <-c.done:
		return // we closed it and said why
	default:
	}
	if errors.Is(err, websocket.ErrReadLimit) {
		c.logger(slog.LevelInfo, "visitor disconnected: frame over the limit", "limit", c.h.limits.MaxFrameBytes)
		return
	}
	c.logger(slog.LevelDebug, "visitor connection ended", "err", err)
}

// writeNow writes during the handshake, which owns the write side until
// releaseWriter, with the write deadline.
func (c *conn) writeNow(v any) error {
	_ = c.ws.SetWriteDeadline(deadline(c.h.limits.WriteTimeout))
	return c.ws.WriteJSON(v)
}

// handshake reads frames until a valid hello and answers it with welcome,
// the state when it is not bot, and the replay. Frames before it are
// answered with bad_request; they do not extend the time allowed to say
// hello. It reports whether the connection goes on.
func (c *conn) handshake() bool {
	for {
		f, perr, err := c.read()
		if err != nil {
			c.logEnd(err)
			return false
		}
		if perr == nil && f.Type != "hello" {
			perr = badRequest("type", "the first frame must be hello, not %s", f.Type)
		}
		if perr != nil {
			if c.writeNow(toErrorFrame(perr)) != nil {
				return false
			}
			continue
		}
		refused, err := c.hello(f)
		if err != nil {
			c.logger(slog.LevelError, "hello failed", "err", err)
			_ = c.writeNow(toErrorFrame(&protoError{Code: apierr.CodeInternalError, Message: "couldn't open the conversation; reconnect"}))
			return false
		}
		if refused != nil {
			c.logger(slog.LevelInfo, "hello refused", "code", refused.Code)
			if c.writeNow(toErrorFrame(refused)) != nil {
				return false
			}
			continue
		}
		c.extendRead()
		return true
	}
}

// hello resumes the token's conversation or starts one. A token that is
// forged, of another site or expired gets an error frame (bad_token /
// token_expired) and the visitor a fresh conversation on the same
// connection: the welcome that follows has a new conversation_id and token.
// An identity that does not verify is refused before anything is stored or
// resumed: the hello may be sent again.
func (c *conn) hello(f clientFrame) (refused *protoError, err error) {
	attrs, perr := verifyIdentity(c.site.IdentitySecret, f.Attributes)
	if perr != nil {
		return perr, nil
	}
	return nil, c.open(f, attrs)
}

// open is hello once the identity is settled. A new conversation is only
// an id and a signed token until the visitor says something (see
// ensureStored): a hello writes nothing, so a flood of hellos costs no
// rows. A valid token of a conversation that was never written (or, having
// had no message, was cleaned up) is that empty conversation again.
func (c *conn) open(f clientFrame, attrs map[string]string) error {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	hub := c.h.hub
	visit := conversation.Visit{Site: c.site.Name, Locale: f.Locale, Page: f.Page, Attributes: withTimeZone(withDevice(attrs, c.device), f.TimeZone)}
	c.visit = &visit
	var id string
	var after int64
	if f.Token != "" {
		tid, err := c.h.tokens.verify(c.site.Name, f.Token, time.Now())
		var perr *protoError
		switch {
		case errors.Is(err, errTokenExpired):
			perr = &protoError{Code: apierr.CodeTokenExpired, Field: "token", Message: "the resume token has expired; a new conversation starts"}
		case err != nil:
			perr = &protoError{Code: apierr.CodeBadToken, Field: "token", Message: "the resume token is not valid; a new conversation starts"}
		default:
			id = tid
			if _, err := hub.Resume(ctx, id, visit); err != nil && !errors.Is(err, conversation.ErrNotFound) {
				return err
			}
			if f.LastSeq != nil {
				after = *f.LastSeq
			}
		}
		if perr != nil {
			c.logger(slog.LevelInfo, "resume refused", "code", perr.Code)
			if err := c.writeNow(toErrorFrame(perr)); err != nil {
				return err
			}
		}
	}
	fresh := id == ""
	if fresh {
		id = store.NewID()
	}
	c.convID = id
	c.unsubscribe = hub.Subscribe(id, c)
	// Read state and log after subscribing: whatever is committed from now
	// on is also queued, and the writer skips what the replay covered.
	conv := store.Conversation{ID: id, State: store.StateBot}
	stored := false
	if !fresh {
		got, err := hub.Conversation(ctx, id)
		switch {
		case errors.Is(err, conversation.ErrNotFound):
		case err != nil:
			return err
		default:
			conv, stored = got, true
		}
	}
	if !stored {
		c.pending = &visit
	}
	token := c.h.tokens.issue(c.site.Name, id, time.Now())
	if err := c.writeNow(welcomeFrame{Type: "welcome", ConversationID: id, Token: token, State: conv.State}); err != nil {
		return err
	}
	if conv.State != store.StateBot {
		if err := c.writeNow(updateFrame(hub.StateUpdate(ctx, conv))); err != nil {
			return err
		}
	}
	replayed, err := c.replay(min(after, conv.LastSeq), conv.LastSeq)
	c.logger(slog.LevelDebug, "visitor joined", "replayed", replayed, "stored", c.pending == nil)
	return err
}

// replayPageMessages bounds one replay page by count, beside the byte
// budget (Limits.ReplayPageBytes).
const replayPageMessages = 100

// replay writes the messages after seq after up to seq last, one page at a
// time: the next page is read only once the previous one is written, so a
// client that reads slowly (or not at all) holds at most one page in the
// server, however long the log, until the write deadline ends it.
func (c *conn) replay(after, last int64) (int, error) {
	c.lastSeq = after
	n := 0
	for c.lastSeq < last {
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		page, err := c.h.hub.MessagesAfter(ctx, c.convID, c.lastSeq, replayPageMessages, c.h.limits.ReplayPageBytes)
		cancel()
		if err != nil {
			return n, err
		}
		if len(page) == 0 {
			break
		}
		for i := range page {
			if err := c.writeNow(toMessageFrame(&page[i])); err != nil {
				return n, err
			}
			c.lastSeq = page[i].Seq
			n++
		}
	}
	return n, nil
}

// ensureStored writes the conversation of a hello that had none stored,
// before the visitor's first message, request for a person or contact.
// New conversations are rate-limited per IP and per site; another tab of
// the same conversation may have written it first, which is fine.
func (c *conn) ensureStored(ctx context.Context, clientID string) *protoError {
	if c.pending == nil {
		return nil
	}
	if !c.ipe.newConv.Allow() || !c.site.newConv.Allow() {
		return &protoError{Code: apierr.CodeRateLimited, ClientID: clientID,
			Message: "too many new conversations from here just now; wait a minute and send it again"}
	}
	if _, err := c.h.hub.Create(ctx, c.convID, *c.pending); err != nil && !errors.Is(err, store.ErrExists) {
		c.logger(slog.LevelError, "couldn't create conversation", "err", err)
		return &protoError{Code: apierr.CodeInternalError, ClientID: clientID,
			Message: "couldn't do that just now; send it again (nothing was lost)"}
	}
	c.pending = nil
	return nil
}

// readLoop handles frames after the hello until the connection ends. A bad
// frame gets an error frame and the connection goes on.
func (c *conn) readLoop() {
	for {
		f, perr, err := c.read()
		if err != nil {
			c.logEnd(err)
			return
		}
		c.extendRead()
		if perr == nil {
			perr = c.handle(f)
		}
		if perr != nil {
			c.enqueue(toErrorFrame(perr))
		}
	}
}

// allow takes one token from this connection's and this IP's message
// limits; a refusal costs the IP nothing.
func (c *conn) allow() bool {
	return c.lim.Allow() && c.ipe.lim.Allow()
}

func rateLimited(clientID string) *protoError {
	return &protoError{Code: apierr.CodeRateLimited, ClientID: clientID,
		Message: "too many messages; wait a moment and send it again"}
}

// handle carries out one valid frame.
func (c *conn) handle(f clientFrame) *protoError {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	hub := c.h.hub
	switch f.Type {
	case "hello":
		return badRequest("type", "hello was already received")
	case "typing":
		if !c.typing.Allow() {
			return rateLimited("")
		}
		hub.Typing(ctx, c.convID, store.FromVisitor, *f.On)
		return nil
	case "presence":
		if !c.typing.Allow() {
			return rateLimited("")
		}
		hub.SetVisible(c.convID, c, *f.Visible)
		return nil
	}
	clientID := f.ClientID
	if f.Type != "message" {
		clientID = ""
	}
	if !c.allow() {
		return rateLimited(clientID)
	}
	if f.Type == "feedback" && c.pending != nil {
		return badRequest("seq", "seq %d is not a bot message of this conversation", *f.Seq)
	}
	if perr := c.ensureStored(ctx, clientID); perr != nil {
		return perr
	}
	var err error
	switch f.Type {
	case "message":
		var m store.Message
		var dup bool
		m, dup, err = hub.PostVisitorMessage(ctx, c.convID, f.ClientID, *f.Text)
		if err == nil && dup {
			c.enqueue(toMessageFrame(&m)) // the retry's ack; the others had it
		}
	case "feedback":
		err = hub.Feedback(ctx, c.convID, *f.Seq, *f.Helpful)
		if errors.Is(err, conversation.ErrNotBotMessage) {
			return badRequest("seq", "seq %d is not a bot message of this conversation", *f.Seq)
		}
	case "human":
		err = hub.AskForHuman(ctx, c.convID)
	case "bot":
		err = hub.BackToBot(ctx, c.convID)
		if errors.Is(err, conversation.ErrNotWaiting) {
			return &protoError{Code: apierr.CodeNotWaiting, Message: "only a conversation waiting for a person can go back to the bot"}
		}
	case "contact":
		err = hub.SetContact(ctx, c.convID, *f.Email)
		if errors.Is(err, conversation.ErrInvalidEmail) {
			return badRequest("email", "not a valid e-mail address")
		}
	}
	if err != nil {
		if errors.Is(err, conversation.ErrEmptyText) {
			return withClient(badRequest("text", "text is empty"), clientID)
		}
		if errors.Is(err, conversation.ErrNotFound) {
			// Stored without a message and cleaned up since: the resend
			// stores it again.
			c.pending = c.visit
		}
		if errors.Is(err, conversation.ErrTooManyMessages) {
			return &protoError{Code: apierr.CodeRateLimited, ClientID: clientID,
				Message: "this conversation has had too many messages just now; wait a minute and send it again"}
		}
		c.logger(slog.LevelError, "couldn't handle frame", "type", f.Type, "err", err)
		return &protoError{Code: apierr.CodeInternalError, ClientID: clientID,
			Message: "couldn't do that just now; send it again (nothing was lost)"}
	}
	return nil
}

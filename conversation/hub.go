// Package conversation is the centre of andon: it owns each conversation's
// state (bot, waiting, human, closed), its message log with seq (through
// store.Store) and the fan-out to everyone connected to it. The visitor
// endpoint and the agents' console (through the handoff desk) talk to the
// Hub and never to each other; the bot is one participant, called through
// Responder.
//
// Every change to one conversation runs under that conversation's lock, in
// order, so subscribers see messages in seq order and state changes where
// they happened. Fan-out never waits: each subscriber has a bounded queue,
// and one whose queue is full is evicted instead of stalling the others.
// The bot's decision, which may be slow, runs outside every lock in one
// worker per conversation, so replies keep the order of the questions and a
// visitor's acknowledgement never waits for the bot.
package conversation

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andon-chat/andon/store"
)

// Store is what the hub keeps conversations in: the store, and the open
// handoff of a conversation, whose owner names the person a visitor who
// comes back is with. *sqlite.Store implements it.
type Store interface {
	store.Store
	OpenHandoff(ctx context.Context, conversationID string) (store.Handoff, error)
}

// Options are the hub's dependencies and limits; Store is required.
type Options struct {
	Store Store
	// Responder decides about visitor messages while the conversation is in
	// state bot. Nil means no bot: messages wait for a person.
	Responder Responder
	// Availability says who is on duty; nil means NobodyOnDuty.
	Availability Availability
	// Bus carries updates to other instances; nil for a single instance.
	Bus Bus
	// Logger receives the hub's log lines; nil discards them.
	Logger *slog.Logger
	// BotTimeout bounds one decision (default 30s). A decision that runs
	// out of time is the Responder's to turn into an escalation.
	BotTimeout time.Duration
	// MaxPendingTurns is how many visitor messages may wait for the bot in
	// one conversation (default 32); beyond it the oldest are dropped.
	MaxPendingTurns int
	// HistoryTurns is how many earlier visitor messages the bot sees
	// (default 10).
	HistoryTurns int
	// MessagesPerMinute and MessageBurst cap how fast one conversation's
	// log grows from visitors and agents, over every tab, mail and console
	// (defaults DefaultMessagesPerMinute, DefaultMessageBurst); beyond it
	// a message is refused with ErrTooManyMessages.
	MessagesPerMinute float64
	MessageBurst      int
	// EmptyConversationTTL is the age after which ExpireEmpty deletes a
	// conversation without messages (default 24h).
	EmptyConversationTTL time.Duration
	// CleanupInterval, when above 0, runs ExpireEmpty that often until
	// Close.
	CleanupInterval time.Duration
	// ReopenWithPerson sends a visitor who writes to a closed conversation
	// back to the queue instead of to the bot.
	ReopenWithPerson bool
}

// Hub is the conversation centre of one instance. Its methods are safe for
// concurrent use.
type Hub struct {
	store          Store
	responder      Responder
	avail          atomic.Pointer[Availability]
	bus            Bus
	log            *slog.Logger
	botTimeout     time.Duration
	maxPending     int
	history        int
	growth         *growth
	emptyTTL       time.Duration
	reopenToPerson bool

	// ctx bounds bot work and is cancelled by Close.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	rooms  map[string]*room
	all    []Subscriber // SubscribeAll subscribers, copy-on-write
	closed bool
}

// room is the in-memory side of a conversation that someone is connected
// to or working on. It lives while refs > 0.
type room struct {
	id   string
	refs int // guarded by Hub.mu

	// order serialises every change of the conversation together with its
	// fan-out, so that updates leave in the order they were committed.
	order sync.Mutex

	mu       sync.Mutex
	subs     []Subscriber // copy-on-write: a snapshot is read without copying
	visitors int          // how many of subs are visitors (Subscribe, not Watch)
	guests   []Subscriber // the visitors among subs, copy-on-write
	hidden   []Subscriber // the visitors whose page is hidden (SetVisible)
	presence string       // the presence last published, "" before any
	turns    []turn       // visitor messages waiting for the bot
	botBusy  bool         // a worker goroutine is draining turns
}

// NewHub returns a hub over opts.Store. Call Close when done.
func NewHub(opts Options) *Hub {
	h := &Hub{
		store:          opts.Store,
		responder:      opts.Responder,
		bus:            opts.Bus,
		log:            opts.Logger,
		botTimeout:     opts.BotTimeout,
		maxPending:     opts.MaxPendingTurns,
		history:        opts.HistoryTurns,
		growth:         newGrowth(opts.MessagesPerMinute, opts.MessageBurst),
		emptyTTL:       opts.EmptyConversationTTL,
		reopenToPerson: opts.ReopenWithPerson,
		rooms:          make(map[string]*room),
	}
	h.SetAvailability(opts.Availability)
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.botTimeout <= 0 {
		h.botTimeout = 30 * time.Second
	}
	if h.maxPending <= 0 {
		h.maxPending = 32
	}
	if h.history <= 0 {
		h.history = 10
	}
	if h.emptyTTL <= 0 {
		h.emptyTTL = 24 * time.Hour
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	if opts.CleanupInterval > 0 {
		h.wg.Add(1)
		go h.runCleanup(opts.CleanupInterval)
	}
	return h
}

// Close stops the bot workers (cancelling decisions in flight) and waits for
// them. It does not close the store or the subscribers: their owners do.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
}

// SetAvailability replaces who the hub asks about staffing (nil:
// NobodyOnDuty). The handoff desk, which needs the hub to exist first,
// registers itself this way when it starts.
func (h *Hub) SetAvailability(a Availability) {
	if a == nil {
		a = NobodyOnDuty{}
	}
	h.avail.Store(&a)
}

func (h *Hub) availability() Availability { return *h.avail.Load() }

// acquire returns the room of conversation id, creating it, and holds it
// until release.
func (h *Hub) acquire(id string) *room {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[id]
	if r == nil {
		r = &room{id: id}
		h.rooms[id] = r
	}
	r.refs++
	return r
}

func (h *Hub) release(r *room) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r.refs--
	if r.refs == 0 {
		delete(h.rooms, r.id)
	}
}

// lookup returns the room of id if someone holds it, without creating one.
func (h *Hub) lookup(id string) *room {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rooms[id]
}

// Rooms reports how many conversations are held in memory (connected to or
// being worked on); for metrics and tests.
func (h *Hub) Rooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.rooms)
}

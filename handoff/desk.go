package handoff

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// Options are the desk's dependencies. Hub and Store are required;
// Notifier, Mailer and Learner may be nil (nothing is sent, learning is
// refused).
type Options struct {
	Hub      *conversation.Hub
	Store    HandoffStore
	Settings Settings
	Notifier Notifier
	Mailer   VisitorMailer
	Learner  Learner
	Logger   *slog.Logger
	// Now is the clock (default time.Now); tests move it by hand.
	Now func() time.Time
	// TickInterval is how often SLA deadlines and grace periods are checked
	// (default 1s). Negative: never by itself; the caller runs Tick, which
	// makes tests deterministic.
	TickInterval time.Duration
	// ChatURL is the link back to the chat that a mailed reply carries
	// (the widget's resume link); nil mails no link.
	ChatURL func(store.Conversation) string
	// ConsoleURL links a notification to the conversation in the console;
	// nil sends none.
	ConsoleURL func(conversationID string) string
	// Workers is how many goroutines turn hub updates into handoffs
	// (default 4); updates of one conversation always go to the same one.
	Workers int
	// InboxSize bounds the updates waiting for one worker (default
	// DefaultInboxSize); beyond it the worker resynchronises from the
	// store instead of holding more.
	InboxSize int
}

// Desk is the handoff desk of one instance. Its methods are safe for
// concurrent use.
type Desk struct {
	hub      *conversation.Hub
	st       HandoffStore
	cfg      Settings
	notifier Notifier
	mailer   VisitorMailer
	learner  Learner
	log      *slog.Logger
	now      func() time.Time
	tick     time.Duration
	chatURL  func(store.Conversation) string
	console  func(string) string

	seed  maphash.Seed
	locks [64]sync.Mutex // per-conversation serialisation, striped

	resyncMu sync.Mutex // one resynchronisation (reconcile after an overflow) at a time

	mu       sync.Mutex
	entries  map[string]*entry // open handoffs by conversation ID
	agents   map[string]*presence
	claims   []time.Duration // recent times to claim, newest last
	subs     []*subscriber   // copy-on-write
	started  bool
	closed   bool
	shards   []*inbox
	unsubHub func()

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// entry is an open handoff with what the queue shows about it.
type entry struct {
	h       store.Handoff
	conv    store.Conversation
	preview string
	// question is what the visitor asked that escalated (visitorTexts).
	question string
	unread   int
}

type subscriber struct{ fn func(Event) }

// maxClaims is how many recent claim times the wait estimate uses.
const maxClaims = 50

// New returns a desk; call Start to bring it up and Close when done.
func New(opts Options) (*Desk, error) {
	if opts.Hub == nil || opts.Store == nil {
		return nil, errors.New("couldn't start the handoff desk: a hub and a store are required")
	}
	d := &Desk{
		hub: opts.Hub, st: opts.Store, cfg: opts.Settings,
		notifier: opts.Notifier, mailer: opts.Mailer, learner: opts.Learner,
		log: opts.Logger, now: opts.Now, tick: opts.TickInterval,
		chatURL: opts.ChatURL, console: opts.ConsoleURL,
		seed:    maphash.MakeSeed(),
		entries: make(map[string]*entry),
		agents:  make(map[string]*presence),
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.tick == 0 {
		d.tick = time.Second
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = 4
	}
	inboxSize := opts.InboxSize
	if inboxSize <= 0 {
		inboxSize = DefaultInboxSize
	}
	for range workers {
		d.shards = append(d.shards, newInbox(inboxSize))
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d, nil
}

// Start subscribes to the hub, becomes the hub's Availability (so an
// escalated visitor hears who comes and when), loads the open handoffs, reconciles them with
// the conversations (waiting ones without a handoff enter the queue; human
// ones whose owner is gone return to it), and starts the SLA and grace
// timers.
func (d *Desk) Start(ctx context.Context) error {
	d.mu.Lock()
	if d.started || d.closed {
		d.mu.Unlock()
		return errors.New("couldn't start the handoff desk: started or closed already")
	}
	d.started = true
	d.mu.Unlock()
	for _, in := range d.shards {
		d.wg.Add(1)
		go d.work(in)
	}
	// Subscribe first: an escalation during the reconcile is then seen by
	// one or both, and ensureHandoff makes that one handoff.
	d.unsubHub = d.hub.SubscribeAll(listener{d})
	d.hub.SetAvailability(d)
	if err := d.reconcile(ctx); err != nil {
		return fmt.Errorf("couldn't reconcile handoffs: %w", err)
	}
	if d.tick > 0 {
		d.wg.Add(1)
		go d.runTicker()
	}
	return nil
}

// Close stops the timers and the hub subscription and waits for work in
// flight. The store and the hub stay open: their owners close them.
func (d *Desk) Close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	unsub := d.unsubHub
	d.mu.Unlock()
	if unsub != nil {
		unsub()
		d.hub.SetAvailability(nil)
	}
	d.cancel()
	for _, in := range d.shards {
		in.close()
	}
	d.wg.Wait()
}

func (d *Desk) runTicker() {
	defer d.wg.Done()
	t := time.NewTicker(d.tick)
	defer t.Stop()
	for {
		select {
		case <-d.ctx.Done():
			return
		case <-t.C:
			d.Tick(d.ctx)
		}
	}
}

// lock serialises the desk's changes of one conversation.
func (d *Desk) lock(convID string) func() {
	m := &d.locks[maphash.String(d.seed, convID)%uint64(len(d.locks))]
	m.Lock()
	return m.Unlock
}

// Subscribe registers fn for desk events (what agents' consoles show live).
// fn is called synchronously after each change and must not block: queue
// the event and return. Call cancel when done; it is idempotent.
func (d *Desk) Subscribe(fn func(Event)) (cancel func()) {
	s := &subscriber{fn: fn}
	d.mu.Lock()
	d.subs = append(slices.Clip(d.subs), s)
	d.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			d.mu.Lock()
			i := slices.Index(d.subs, s)
			if i >= 0 {
				d.subs = append(slices.Clip(d.subs[:i]), d.subs[i+1:]...)
			}
			d.mu.Unlock()
		})
	}
}

// publish hands e to every subscriber. Called without d.mu held.
func (d *Desk) publish(e Event) {
	d.mu.Lock()
	subs := d.subs
	d.mu.Unlock()
	for _, s := range subs {
		s.fn(e)
	}
}

// Watch connects an agent's console to a conversation's live updates
// (messages, typing, state) without counting as the visitor being there.
func (d *Desk) Watch(convID string, s conversation.Subscriber) (cancel func()) {
	return d.hub.Watch(convID, s)
}

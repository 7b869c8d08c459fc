package conversation

import (
	"context"
	"slices"
	"sync"
)

// Subscriber is anyone connected to a conversation: a visitor's tab, an
// agent's console watching it, the desk. Deliver must not block: it enqueues u on the
// subscriber's own bounded queue and reports false when that queue is full.
// The hub then drops the subscriber and calls Evict, so one slow client is
// disconnected instead of stalling everyone else. Evict is called at most
// once per subscription, outside the hub's locks, and must not block or call
// back into the hub synchronously.
type Subscriber interface {
	Deliver(u *Update) bool
	Evict()
}

// Subscribe connects visitor s to conversation id; s receives every update
// that is committed after Subscribe returns. To catch up without a gap, read
// Messages after subscribing and skip updates whose message seq was already
// read. Call cancel when s goes away (also after an eviction); it is
// idempotent. While a visitor is subscribed, VisitorConnected is true: an
// agent's reply reaches them live instead of by e-mail.
func (h *Hub) Subscribe(id string, s Subscriber) (cancel func()) {
	return h.subscribe(id, s, true)
}

// Watch connects s, someone who is not the visitor (an agent's console), to
// conversation id, like Subscribe but without counting as the visitor
// being there.
func (h *Hub) Watch(id string, s Subscriber) (cancel func()) {
	return h.subscribe(id, s, false)
}

func (h *Hub) subscribe(id string, s Subscriber, visitor bool) (cancel func()) {
	r := h.acquire(id)
	r.mu.Lock()
	r.subs = append(slices.Clip(r.subs), s)
	if visitor {
		r.visitors++
		r.guests = append(slices.Clip(r.guests), s)
	}
	r.mu.Unlock()
	if visitor {
		h.presenceChanged(r)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			if slices.Contains(r.subs, s) {
				r.subs = without(r.subs, s)
			}
			if visitor {
				r.visitors--
				r.hidden = without(r.hidden, s)
				r.guests = without(r.guests, s)
			}
			r.mu.Unlock()
			if visitor {
				h.presenceChanged(r)
			}
			h.release(r)
		})
	}
}

// SetVisible records whether visitor subscriber s of conversation id sees
// its page (the widget reports the page's visibility), so that agents see
// the visitor here, away or gone. A subscriber counts as visible until it
// says otherwise.
func (h *Hub) SetVisible(id string, s Subscriber, visible bool) {
	r := h.lookup(id)
	if r == nil {
		return
	}
	r.mu.Lock()
	r.hidden = without(r.hidden, s)
	if !visible && slices.Contains(r.guests, s) {
		r.hidden = append(slices.Clip(r.hidden), s)
	}
	r.mu.Unlock()
	h.presenceChanged(r)
}

// Presence is the visitor's presence in conversation id on this instance:
// PresenceHere, PresenceAway or PresenceLeft.
func (h *Hub) Presence(id string) string {
	r := h.lookup(id)
	if r == nil {
		return PresenceLeft
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.presenceLocked()
}

func (r *room) presenceLocked() string {
	switch {
	case r.visitors <= 0:
		return PresenceLeft
	case len(r.hidden) >= r.visitors:
		return PresenceAway
	}
	return PresenceHere
}

// presenceChanged publishes the visitor's presence when it differs from
// what was published last. Under the room's order lock, so that two
// changes cannot publish out of order.
func (h *Hub) presenceChanged(r *room) {
	r.order.Lock()
	r.mu.Lock()
	p := r.presenceLocked()
	changed := p != r.presence
	r.presence = p
	r.mu.Unlock()
	var victims []Subscriber
	if changed {
		victims = h.publish(h.ctx, r, &Update{ConversationID: r.id, Kind: KindPresence, Presence: p})
	}
	r.order.Unlock()
	h.evict(victims)
}

// VisitorConnected reports whether a visitor of conversation id is
// connected to this instance now (a tab of theirs is subscribed). A visitor
// connected to another instance of a cluster is not seen.
func (h *Hub) VisitorConnected(id string) bool {
	r := h.lookup(id)
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.visitors > 0
}

// SubscribeAll connects s to every conversation of this instance (and, with
// a Bus, of the others): what an agents' queue view needs. Cancel as with
// Subscribe.
func (h *Hub) SubscribeAll(s Subscriber) (cancel func()) {
	h.mu.Lock()
	h.all = append(slices.Clip(h.all), s)
	h.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			h.all = without(h.all, s)
			h.mu.Unlock()
		})
	}
}

// without returns a new slice without s, leaving subs (which readers may
// hold as a snapshot) untouched.
func without(subs []Subscriber, s Subscriber) []Subscriber {
	i := slices.Index(subs, s)
	if i < 0 {
		return subs
	}
	out := make([]Subscriber, 0, len(subs)-1)
	out = append(out, subs[:i]...)
	return append(out, subs[i+1:]...)
}

// deliverLocal hands u to this instance's subscribers of r (nil: none) and
// the SubscribeAll ones, and returns those whose queue was full, already
// removed. It never blocks.
func (h *Hub) deliverLocal(r *room, u *Update) (victims []Subscriber) {
	if r != nil {
		r.mu.Lock()
		subs, guests := r.subs, r.guests
		r.mu.Unlock()
		for _, s := range subs {
			if u.Kind == KindPresence && slices.Contains(guests, s) {
				continue // the visitor is not told about themselves
			}
			if !s.Deliver(u) {
				victims = append(victims, s)
			}
		}
		if len(victims) > 0 {
			r.mu.Lock()
			for _, s := range victims {
				r.subs = without(r.subs, s)
			}
			r.mu.Unlock()
		}
	}
	h.mu.Lock()
	all := h.all
	h.mu.Unlock()
	var allVictims []Subscriber
	for _, s := range all {
		if !s.Deliver(u) {
			allVictims = append(allVictims, s)
		}
	}
	if len(allVictims) > 0 {
		h.mu.Lock()
		for _, s := range allVictims {
			h.all = without(h.all, s)
		}
		h.mu.Unlock()
		victims = append(victims, allVictims...)
	}
	return victims
}

// publish delivers u locally and to the bus; victims are returned for the
// caller to evict once it holds no lock.
func (h *Hub) publish(ctx context.Context, r *room, u *Update) []Subscriber {
	victims := h.deliverLocal(r, u)
	if h.bus != nil {
		if err := h.bus.Publish(ctx, u); err != nil {
			h.log.Warn("couldn't publish update to other instances",
				"conversation", u.ConversationID, "kind", u.Kind, "err", err)
		}
	}
	return victims
}

func (h *Hub) evict(victims []Subscriber) {
	for _, s := range victims {
		h.log.Info("subscriber evicted: queue full")
		s.Evict()
	}
}

// Deliver hands an update that another instance published to this
// instance's subscribers; it is what a Bus's receiving side calls.
func (h *Hub) Deliver(u *Update) {
	h.evict(h.deliverLocal(h.lookup(u.ConversationID), u))
}

// Queue is a ready-made Subscriber with a bounded channel, for consumers
// that read updates in their own goroutine (an agent console, tests).
type Queue struct {
	c       chan *Update
	evicted chan struct{}
	once    sync.Once
}

// NewQueue returns a Queue that holds up to size updates.
func NewQueue(size int) *Queue {
	return &Queue{c: make(chan *Update, size), evicted: make(chan struct{})}
}

// Deliver enqueues u without blocking.
func (q *Queue) Deliver(u *Update) bool {
	select {
	case q.c <- u:
		return true
	default:
		return false
	}
}

// Evict marks the queue as dropped by the hub.
func (q *Queue) Evict() { q.once.Do(func() { close(q.evicted) }) }

// Updates is the channel to read updates from.
func (q *Queue) Updates() <-chan *Update { return q.c }

// Evicted is closed when the hub dropped the queue because it was full.
func (q *Queue) Evicted() <-chan struct{} { return q.evicted }

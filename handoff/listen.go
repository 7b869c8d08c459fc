package handoff

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// listener is the desk's subscription to every conversation of the hub.
// Deliver never refuses an update, so the hub never evicts the desk: an
// update that finds its worker's inbox full is dropped and the worker
// resynchronises from the store (reconcile) once it has caught up, so that
// no escalation is lost while the desk's memory stays bounded.
type listener struct{ d *Desk }

func (l listener) Deliver(u *conversation.Update) bool {
	switch u.Kind {
	case conversation.KindState, conversation.KindMessage:
	default:
		return true // typing and deltas are for the watchers
	}
	d := l.d
	d.shards[maphash.String(d.seed, u.ConversationID)%uint64(len(d.shards))].push(u)
	return true
}

func (l listener) Evict() { // not expected: Deliver never refuses
	l.d.log.Error("the handoff desk was dropped by the hub; escalations are picked up again at the next start")
}

// rescue is the safety net under a visitor's message on a conversation
// the desk has no open handoff for: when the conversation is with a
// person all the same (a resolve or hand back cut short, a state changed
// outside the desk), nobody would read the message, so it returns to the
// queue. A handoff another instance opened is only cached. Called with
// convID's lock held.
func (d *Desk) rescue(ctx context.Context, convID string) {
	conv, err := d.st.Conversation(ctx, convID)
	if err != nil || conv.State != store.StateHuman {
		return // the bot's, waiting (the state update queues it) or closed
	}
	h, err := d.st.OpenHandoff(ctx, convID)
	if err == nil {
		d.remember(ctx, h, conv)
		return
	}
	if !errors.Is(err, store.ErrNotFound) {
		d.log.Error("couldn't read the handoff of a visitor's message", "conversation", convID, "err", err)
		return
	}
	d.log.Warn("a visitor wrote in a conversation with a person but no open handoff: back in the queue", "conversation", convID)
	if err := d.adoptLocked(ctx, convID, true); err != nil && !errors.Is(err, context.Canceled) {
		d.log.Error("couldn't return an orphaned conversation to the queue", "conversation", convID, "err", err)
	}
}

// DefaultInboxSize is how many hub updates may wait for one desk worker
// before further ones are dropped for a resynchronisation.
const DefaultInboxSize = 4096

// inbox is a bounded FIFO of updates for one worker. An update that finds
// it full is dropped and overflowed is set: the worker then reconciles.
type inbox struct {
	mu         sync.Mutex
	items      []*conversation.Update
	max        int
	overflowed bool
	wake       chan struct{}
	closed     bool
}

func newInbox(max int) *inbox { return &inbox{wake: make(chan struct{}, 1), max: max} }

func (in *inbox) push(u *conversation.Update) {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return
	}
	if len(in.items) >= in.max {
		in.overflowed = true
	} else {
		in.items = append(in.items, u)
	}
	in.mu.Unlock()
	select {
	case in.wake <- struct{}{}:
	default:
	}
}

func (in *inbox) close() {
	in.mu.Lock()
	in.closed = true
	in.mu.Unlock()
	select {
	case in.wake <- struct{}{}:
	default:
	}
}

// take waits for updates and returns them all, with whether some were
// dropped since the last take; ok is false once closed.
func (in *inbox) take() (us []*conversation.Update, overflowed, ok bool) {
	for {
		in.mu.Lock()
		if in.closed {
			in.mu.Unlock()
			return nil, false, false
		}
		if len(in.items) > 0 || in.overflowed {
			us, overflowed = in.items, in.overflowed
			in.items, in.overflowed = nil, false
			in.mu.Unlock()
			return us, overflowed, true
		}
		in.mu.Unlock()
		<-in.wake
	}
}

func (d *Desk) work(in *inbox) {
	defer d.wg.Done()
	for {
		us, overflowed, ok := in.take()
		if !ok {
			return
		}
		d.process(d.ctx, us, overflowed)
	}
}

// process handles updates taken from an inbox; when some were dropped it
// then reads the store for what they would have said (reconcile: waiting
// conversations without a handoff get one, human ones nobody owns return
// to the queue). Previews of the dropped messages are refreshed by the
// next message.
func (d *Desk) process(ctx context.Context, us []*conversation.Update, overflowed bool) {
	for _, u := range us {
		d.handle(ctx, u)
	}
	if !overflowed {
		return
	}
	d.resyncMu.Lock()
	defer d.resyncMu.Unlock()
	d.log.Warn("the desk fell behind the hub's updates: resynchronising from the store")
	if err := d.reconcile(ctx); err != nil && !errors.Is(err, context.Canceled) {
		d.log.Error("couldn't resynchronise the desk", "err", err)
	}
}

// handle turns one hub update into desk state: an escalation becomes a
// handoff; a visitor's message refreshes the item's preview.
func (d *Desk) handle(ctx context.Context, u *conversation.Update) {
	switch u.Kind {
	case conversation.KindState:
		if u.State != store.StateWaiting {
			return
		}
		unlock := d.lock(u.ConversationID)
		defer unlock()
		conv, err := d.st.Conversation(ctx, u.ConversationID)
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				d.log.Error("couldn't read an escalated conversation", "conversation", u.ConversationID, "err", err)
			}
			return
		}
		if conv.State != store.StateWaiting {
			return // claimed or handed back meanwhile
		}
		if _, err := d.ensureHandoff(ctx, conv); err != nil && !errors.Is(err, context.Canceled) {
			d.log.Error("couldn't queue an escalation", "conversation", conv.ID, "err", err)
		}
	case conversation.KindMessage:
		m := u.Message
		if m == nil {
			return
		}
		// Under the conversation's lock like every desk change, so this
		// item cannot overtake a newer one (a claim) on its way out.
		unlock := d.lock(u.ConversationID)
		defer unlock()
		var it *Item
		d.mu.Lock()
		e := d.entries[u.ConversationID]
		if e == nil && m.From == store.FromVisitor {
			d.mu.Unlock()
			// The update says the state: a message to the bot (the
			// common case) needs no read of the store.
			if u.State == "" || u.State == store.StateHuman {
				d.rescue(ctx, u.ConversationID)
			}
			return
		}
		if e != nil {
			switch m.From {
			case store.FromVisitor:
				e.preview = m.Text
				if e.h.AssigneeID != "" {
					e.unread++
				}
				it = d.itemLocked(e)
			case store.FromAgent:
				if e.unread > 0 {
					e.unread = 0
					it = d.itemLocked(e)
				}
			}
		}
		d.mu.Unlock()
		if it != nil {
			d.publish(Event{Type: EventItem, Item: it})
		}
	}
}

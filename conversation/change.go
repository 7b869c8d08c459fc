package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/andon-chat/andon/store"
)

// change is one locked modification of a conversation: what it read, and
// the subscribers that must be evicted once the lock is released. In an
// Act its updates wait in held until the store has committed.
type change struct {
	h       *Hub
	r       *room
	ctx     context.Context
	conv    store.Conversation
	victims []Subscriber
	grouped bool
	held    []func() *Update
}

// update runs fn on conversation id under the room's order lock, with the
// conversation freshly read from the store.
func (h *Hub) update(ctx context.Context, id string, fn func(c *change) error) error {
	r := h.acquire(id)
	defer h.release(r)
	r.order.Lock()
	c := &change{h: h, r: r, ctx: ctx}
	err := h.runChange(c, id, fn)
	r.order.Unlock()
	h.evict(c.victims)
	return err
}

func (h *Hub) runChange(c *change, id string, fn func(c *change) error) error {
	conv, err := h.store.Conversation(c.ctx, id)
	if err != nil {
		return fmt.Errorf("couldn't load conversation %s: %w", id, err)
	}
	c.conv = conv
	return fn(c)
}

func (c *change) publish(u *Update) { c.publishLater(func() *Update { return u }) }

// publishLater publishes the update made by mk: at once, or in an Act once
// its writes have committed (mk runs then, so that what it reads, the
// expected wait or the agent's name, is what was committed).
func (c *change) publishLater(mk func() *Update) {
	if c.grouped {
		c.held = append(c.held, mk)
		return
	}
	u := mk()
	u.ConversationID = c.conv.ID
	c.victims = append(c.victims, c.h.publish(c.ctx, c.r, u)...)
}

// Action is a group of changes of one conversation made in Hub.Act.
type Action struct{ c *change }

// Conversation is the conversation as read when the action began, with
// the changes made so far.
func (a *Action) Conversation() store.Conversation { return a.c.conv }

// PostSystemMessage is Hub.PostSystemMessage within the action.
func (a *Action) PostSystemMessage(text string) (store.Message, error) {
	if strings.TrimSpace(text) == "" {
		return store.Message{}, ErrEmptyText
	}
	m, _, err := a.c.appendMessage(store.Message{From: store.FromSystem, Text: text})
	return m, err
}

// SetStateBy is Hub.SetStateBy within the action.
func (a *Action) SetStateBy(state, reason, author string) error {
	return a.c.setStateIfChanged(state, reason, author)
}

// Act runs fn on conversation id under its order lock, in one store
// transaction (store.Grouper): the system messages and state changes made
// through a, and every write fn makes through the store with ctx, commit
// together or not at all, and subscribers are told only once they have
// committed. fn must only write: it runs while the store's other writes
// wait (see store.Grouper). It is how the desk makes an action (a claim,
// a transfer, a resolution) one transaction.
func (h *Hub) Act(ctx context.Context, id string, fn func(ctx context.Context, a *Action) error) error {
	return h.update(ctx, id, func(c *change) error {
		outer := c.ctx
		err := h.store.Atomically(ctx, func(ctx context.Context) error {
			c.ctx, c.grouped = ctx, true
			return fn(ctx, &Action{c})
		})
		c.ctx, c.grouped = outer, false
		held := c.held
		c.held = nil
		if err != nil {
			return err
		}
		for _, mk := range held {
			c.publishLater(mk)
		}
		return nil
	})
}

// appendMessage commits m and fans it out; a duplicate (retried client_id)
// is returned as first stored and not fanned out again.
func (c *change) appendMessage(m store.Message) (store.Message, bool, error) {
	m.ConversationID = c.conv.ID
	if (m.From == store.FromVisitor || m.From == store.FromAgent) && !c.h.growth.allow(m.ConversationID, time.Now()) {
		return store.Message{}, false, fmt.Errorf("conversation %s: %w", m.ConversationID, ErrTooManyMessages)
	}
	if m.At.IsZero() {
		m.At = time.Now().UTC()
	}
	stored, dup, err := c.h.store.AppendMessage(c.ctx, m)
	if err != nil {
		return store.Message{}, false, fmt.Errorf("couldn't store message: %w", err)
	}
	if dup {
		return stored, true, nil
	}
	c.conv.LastSeq = stored.Seq
	c.publish(&Update{Kind: KindMessage, Message: &stored, State: c.conv.State})
	return stored, false, nil
}

// setState moves the conversation to state with reason, records an event
// and tells every subscriber, with the expected wait when it is waiting.
func (c *change) setState(state, reason string) error { return c.setStateBy(state, reason, "") }

// setStateBy is setState with the person who takes the conversation (state
// human), named in the event and the update.
func (c *change) setStateBy(state, reason, author string) error {
	from := c.conv.State
	c.conv.State, c.conv.Reason = state, reason
	c.conv.UpdatedAt = time.Now().UTC()
	if err := c.h.store.UpdateConversation(c.ctx, c.conv); err != nil {
		return fmt.Errorf("couldn't change state to %s: %w", state, err)
	}
	data, _ := json.Marshal(struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason,omitempty"`
		Author string `json:"author,omitempty"`
	}{from, state, reason, author})
	if err := c.h.store.AddEvent(c.ctx, store.Event{
		ConversationID: c.conv.ID, Kind: "state", Data: data, At: c.conv.UpdatedAt,
	}); err != nil {
		return fmt.Errorf("couldn't record state change: %w", err)
	}
	conv := c.conv
	c.publishLater(func() *Update { return c.h.stateUpdate(c.ctx, conv, author) })
	return nil
}

// setStateIfChanged is what SetStateBy does under the lock: a known state,
// author only for state human, and nothing when nothing changes.
func (c *change) setStateIfChanged(state, reason, author string) error {
	if err := checkState(state); err != nil {
		return err
	}
	if state != store.StateHuman {
		author = ""
	}
	if c.conv.State == state && c.conv.Reason == reason && author == "" {
		return nil
	}
	return c.setStateBy(state, reason, author)
}

// stateUpdate is the current state as an update.
func (c *change) stateUpdate() *Update { return c.h.StateUpdate(c.ctx, c.conv) }

// StateUpdate is conversation c's state as an update, with eta_seconds when
// it waits for a person and someone is on duty, and the agent's name when
// it is with a person: what a subscriber that has just joined (a resumed
// visitor) is told besides the messages.
func (h *Hub) StateUpdate(ctx context.Context, c store.Conversation) *Update {
	return h.stateUpdate(ctx, c, "")
}

// stateUpdate is StateUpdate with the author known ("" to look it up).
func (h *Hub) stateUpdate(ctx context.Context, c store.Conversation, author string) *Update {
	u := &Update{ConversationID: c.ID, Kind: KindState, State: c.State, Reason: c.Reason}
	switch c.State {
	case store.StateWaiting:
		u.ETASeconds = etaSeconds(h.availability().Staffing(ctx, c.Site, c.Reason))
	case store.StateHuman:
		if author == "" {
			author = h.assignee(ctx, c.ID)
		}
		u.Author = author
	}
	return u
}

// assignee is the name of the person conversation id is with: the owner of
// its open handoff, who is right from the claim on and after every
// transfer, before they write a word (the latest agent message would name
// nobody, or the previous owner). "" when nobody owns it.
func (h *Hub) assignee(ctx context.Context, id string) string {
	ho, err := h.store.OpenHandoff(ctx, id)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			h.log.Warn("couldn't read the open handoff to name the agent", "conversation", id, "err", err)
		}
		return ""
	}
	return ho.AssigneeName
}

// escalate hands the conversation to people: a system message with text
// (what the bot or the hub says to the visitor), meta (the decision a person
// will read), then state waiting with reason.
func (c *change) escalate(reason, lang, text string, meta json.RawMessage) error {
	text = c.h.escalationText(c.ctx, c.conv, reason, lang, text)
	if _, _, err := c.appendMessage(store.Message{From: store.FromSystem, Text: text, Meta: meta}); err != nil {
		return err
	}
	return c.setState(store.StateWaiting, reason)
}

// addEvent records an event of kind with data marshalled to JSON.
func (c *change) addEvent(kind string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("couldn't encode %s event: %w", kind, err)
	}
	if err := c.h.store.AddEvent(c.ctx, store.Event{
		ConversationID: c.conv.ID, Kind: kind, Data: raw, At: time.Now().UTC(),
	}); err != nil {
		return fmt.Errorf("couldn't record %s event: %w", kind, err)
	}
	return nil
}

// checkState fails unless state is one of the protocol's states.
func checkState(state string) error {
	switch state {
	case store.StateBot, store.StateWaiting, store.StateHuman, store.StateClosed:
		return nil
	}
	return fmt.Errorf("%q: %w", state, ErrInvalidState)
}

package handoff

import (
	"context"
	"errors"
	"fmt"
	"github.com/andon-chat/andon/internal/locale"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// Tick does what is due at the desk's clock: it pages the next decision
// maker of the chain for every queued handoff past its SLA, and returns to
// the queue the conversations of agents whose grace period has run out.
// A background loop calls it every TickInterval; tests call it after moving
// the clock.
func (d *Desk) Tick(ctx context.Context) {
	now := d.now()
	var due []string
	var gone []Agent
	d.mu.Lock()
	for id, e := range d.entries {
		if awaitingAck(e.h) && !e.h.NextPageAt.IsZero() && !now.Before(e.h.NextPageAt) {
			due = append(due, id)
		}
	}
	for _, p := range d.agents {
		if !p.graceUntil.IsZero() && !now.Before(p.graceUntil) && !p.available() {
			p.graceUntil = time.Time{}
			gone = append(gone, p.agent)
		}
	}
	d.mu.Unlock()
	for _, id := range due {
		if err := d.page(ctx, id); err != nil && !errors.Is(err, context.Canceled) {
			d.log.Error("couldn't page the escalation chain", "conversation", id, "err", err)
		}
	}
	for _, a := range gone {
		d.returnOwned(ctx, a, true, fmt.Sprintf("%s's console closed and did not come back within %s: back in the queue.", a.Name, d.grace()))
	}
}

// page escalates one step up the team's chain: the next address is paged
// (notify handoff.sla_missed with Paged), consoles get a page event, and
// the visitor hears honestly, once, that it is taking longer and may leave
// an e-mail address. The next step follows after another SLA period, until
// the chain is exhausted.
func (d *Desk) page(ctx context.Context, convID string) error {
	defer d.lock(convID)()
	h, conv, err := d.current(ctx, convID)
	if err != nil {
		return err
	}
	now := d.now()
	if !awaitingAck(h) || h.NextPageAt.IsZero() || now.Before(h.NextPageAt) {
		return nil // taken or paged meanwhile
	}
	tm, _ := d.team(h.Team)
	chain := tm.Chain
	if h.Team == "" || len(chain) == 0 {
		if def, ok := d.team(d.cfg.DefaultTeam); ok && len(chain) == 0 {
			chain = def.Chain
		}
	}
	h.Level++
	var paged []string
	if h.Level <= len(chain) {
		paged = []string{chain[h.Level-1]}
	}
	if h.Level < len(chain) {
		h.NextPageAt = now.UTC().Add(d.slaFor(h.Reason))
	} else {
		h.NextPageAt = time.Time{} // nobody left to page
	}
	var text string
	if h.Level == 1 {
		text = slaMissedText(conv.Locale, len(paged) > 0, d.mailsVisitors(), visitorEmail(conv))
	}
	err = d.act(ctx, h, conv, func(ctx context.Context, act *conversation.Action) error {
		var err error
		if h, err = d.stage(ctx, h); err != nil {
			return err
		}
		if err := d.record(ctx, convID, "handoff", map[string]any{"action": "sla_missed", "handoff_id": h.ID, "level": h.Level, "paged": paged}); err != nil {
			return err
		}
		if text != "" {
			_, err = act.PostSystemMessage(text)
		}
		return err
	})
	if err != nil {
		if errors.Is(err, ErrClaimed) {
			return nil
		}
		return err
	}
	it := d.cache(h, conv)
	// The version in the event ID tells this page from an earlier round's
	// page of the same level (a transfer or a return to the queue starts
	// the chain again), which the dispatcher would otherwise drop as a
	// repeat.
	d.notify(ctx, notify.EventHandoffSLAMissed, it, h.Level, paged, fmt.Sprintf("%d-v%d", h.Level, h.Version))
	d.publish(Event{Type: EventPage, Item: it, ConversationID: convID, Level: h.Level, Paged: paged})
	return nil
}

// returnOwned puts every conversation agent a owns back in the queue with
// a note (their console closed, or their account is gone): nothing stays
// with someone who is not there. With onlyIfAbsent, an agent who came back
// meanwhile keeps them.
func (d *Desk) returnOwned(ctx context.Context, a Agent, onlyIfAbsent bool, noteText string) {
	d.mu.Lock()
	var ids []string
	for id, e := range d.entries {
		if e.h.AssigneeID == a.ID {
			ids = append(ids, id)
		}
	}
	d.mu.Unlock()
	for _, id := range ids {
		if err := d.requeue(ctx, id, a, onlyIfAbsent, noteText); err != nil && !errors.Is(err, context.Canceled) {
			d.log.Error("couldn't return a conversation to the queue", "conversation", id, "agent", a.ID, "err", err)
		}
	}
}

// requeue returns one conversation of agent a to the queue with a note,
// and tells the visitor. With onlyIfAbsent it first checks, under the
// conversation's lock, that a is still not there: Tick picks the agents
// whose grace ran out before it takes the locks, and one may reconnect in
// between.
func (d *Desk) requeue(ctx context.Context, convID string, a Agent, onlyIfAbsent bool, noteText string) error {
	defer d.lock(convID)()
	h, conv, err := d.current(ctx, convID)
	if err != nil {
		return err
	}
	if h.AssigneeID != a.ID {
		return nil // transferred or reclaimed meanwhile
	}
	if onlyIfAbsent && d.availableNow(a.ID) {
		return nil // back in time
	}
	now := d.now().UTC()
	note := Note{ID: store.NewID(), ConversationID: convID, Kind: NoteReturn, Text: noteText, At: now}
	d.rearm(&h, now)
	h.AssigneeID, h.AssigneeName, h.ClaimedAt, h.Note = "", "", time.Time{}, noteText
	err = d.act(ctx, h, conv, func(ctx context.Context, act *conversation.Action) error {
		if err := d.stageNoted(ctx, &h, note, map[string]any{"action": "returned", "handoff_id": h.ID, "agent_id": a.ID}); err != nil {
			return err
		}
		if _, err := act.PostSystemMessage(locale.Text(conv.Locale, "desk.agent_left", firstName(a.Name))); err != nil {
			return err
		}
		return act.SetStateBy(store.StateWaiting, ReasonAgentLeft, "")
	})
	if err != nil {
		return err
	}
	d.cache(h, conv)
	it := d.refresh(ctx, h, conv)
	d.publish(Event{Type: EventNote, ConversationID: convID, Note: &note})
	d.publish(Event{Type: EventItem, Item: &it})
	return nil
}

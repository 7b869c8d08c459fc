package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// itemLocked is e as a queue row. Called with d.mu held.
func (d *Desk) itemLocked(e *entry) *Item {
	it := d.makeItem(e.h, e.conv, e.preview, e.unread)
	it.Question = e.question
	return it
}

func (d *Desk) makeItem(h store.Handoff, c store.Conversation, preview string, unread int) *Item {
	it := &Item{
		ConversationID: c.ID, HandoffID: h.ID, Site: c.Site, State: c.State,
		Reason: h.Reason, ReasonText: ReasonText(h.Reason, "en"), Team: h.Team, Priority: h.Priority,
		AssigneeID: h.AssigneeID, AssigneeName: h.AssigneeName,
		EscalatedAt: h.CreatedAt, AckedAt: h.AckedAt, Level: h.Level,
		Preview: preview, VisitorName: visitorName(c), VisitorEmail: visitorEmail(c),
		Locale: c.Locale, Page: c.Page, Note: h.Note, Unread: unread,
		Outcome: h.Outcome, Category: h.Category, Summary: h.Summary, ClosedAt: h.ClosedAt,
	}
	if h.State == store.HandoffOpen && awaitingAck(h) {
		it.DueAt = h.DueAt
	}
	return it
}

// awaitingAck reports whether open handoff h waits for someone to take it:
// it is in the queue, or it was transferred to an agent who has not
// accepted it yet (claimed it or replied; ClaimedAt is zero until then).
// Its SLA runs and the chain is paged until then.
func awaitingAck(h store.Handoff) bool { return h.AssigneeID == "" || h.ClaimedAt.IsZero() }

// rearm gives h, about to leave its owner, an acknowledgement deadline: a
// new SLA window when someone had accepted it; when it still waits for a
// taker, the deadline and level it had, so that passing it around does not
// hold off the pages. Call before changing the assignee.
func (d *Desk) rearm(h *store.Handoff, now time.Time) {
	if awaitingAck(*h) {
		return
	}
	sla := d.slaFor(h.Reason)
	h.DueAt, h.NextPageAt, h.Level = now.Add(sla), now.Add(sla), 0
}

func visitorName(c store.Conversation) string {
	for _, k := range []string{"name", "user_name", "full_name"} {
		if v := c.Attributes[k]; v != "" {
			return v
		}
	}
	return ""
}

func visitorEmail(c store.Conversation) string {
	if c.Email != "" {
		return c.Email
	}
	return c.Attributes["email"]
}

// ensureHandoff returns the open handoff of conv, creating it when there is
// none: routed by reason, with its priority and SLA deadline. A new one is
// told to the consoles and to the notification channels. Called with conv's
// lock held.
func (d *Desk) ensureHandoff(ctx context.Context, conv store.Conversation) (store.Handoff, error) {
	d.mu.Lock()
	if e := d.entries[conv.ID]; e != nil {
		h := e.h
		d.mu.Unlock()
		return h, nil
	}
	d.mu.Unlock()
	h, err := d.st.OpenHandoff(ctx, conv.ID)
	if err == nil { // made by another instance or before a restart
		d.remember(ctx, h, conv)
		return h, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Handoff{}, err
	}
	now := d.now().UTC()
	reason := conv.Reason
	if reason == "" {
		reason = "asked_for_human"
	}
	sla := d.slaFor(reason)
	h = store.Handoff{
		ID: store.NewID(), ConversationID: conv.ID, Site: conv.Site, Reason: reason,
		Team: d.teamFor(reason), Priority: priorityOf(reason), State: store.HandoffOpen,
		DueAt: now.Add(sla), NextPageAt: now.Add(sla), CreatedAt: now, UpdatedAt: now,
	}
	if err := d.st.CreateHandoff(ctx, h); err != nil {
		if errors.Is(err, store.ErrExists) {
			if h, err = d.st.OpenHandoff(ctx, conv.ID); err == nil {
				d.remember(ctx, h, conv)
				return h, nil
			}
		}
		return store.Handoff{}, fmt.Errorf("couldn't create handoff: %w", err)
	}
	it := d.remember(ctx, h, conv)
	d.publish(Event{Type: EventItem, Item: it}) // first: the consoles are waiting
	d.addEvent(ctx, conv.ID, "handoff", map[string]any{"action": "created", "handoff_id": h.ID, "reason": reason, "team": h.Team})
	d.notify(ctx, notify.EventHandoffCreated, it, 0, nil, 0)
	return h, nil
}

// remember caches an open handoff with its preview and returns its item.
func (d *Desk) remember(ctx context.Context, h store.Handoff, conv store.Conversation) *Item {
	question, preview := d.visitorTexts(ctx, conv)
	d.mu.Lock()
	defer d.mu.Unlock()
	e := &entry{h: h, conv: conv, preview: preview, question: question}
	d.entries[conv.ID] = e
	return d.itemLocked(e)
}

// visitorTexts are what a queue row shows of the visitor among their last
// messages: question, what they asked that escalated, and latest, their
// newest message. The question is the visitor's message before the
// escalation; when that message only asked for a person ("talk to a
// person"), the one before it, which says what it is about. Without an
// escalation among them (the widget's "talk to a person" button records
// no decision) it is the newest: remember runs as the conversation
// escalates.
func (d *Desk) visitorTexts(ctx context.Context, conv store.Conversation) (question, latest string) {
	ms, err := d.st.MessagesBefore(ctx, conv.ID, 0, 50)
	if err != nil {
		return "", ""
	}
	if i := lastVisitor(ms); i >= 0 {
		latest = ms[i].Text
	}
	question = latest
	for i := len(ms) - 1; i >= 0; i-- {
		dec := lastEscalation(ms[i : i+1])
		if dec == nil {
			continue
		}
		j := lastVisitor(ms[:i])
		if k := lastVisitor(ms[:max(j, 0)]); k >= 0 && dec.Reason == bot.ReasonAskedForHuman {
			j = k
		}
		if j >= 0 {
			question = ms[j].Text
		}
		break
	}
	return question, latest
}

// lastVisitor is the index of the visitor's latest message in ms, or -1.
func lastVisitor(ms []store.Message) int {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].From == store.FromVisitor {
			return i
		}
	}
	return -1
}

// addEvent records an audit event on the conversation; a failure is
// logged, not returned: the change it describes has happened.
func (d *Desk) addEvent(ctx context.Context, convID, kind string, data any) {
	if err := d.record(ctx, convID, kind, data); err != nil {
		d.log.Warn("couldn't record a desk event", "conversation", convID, "kind", kind, "err", err)
	}
}

// record is addEvent for a write that belongs to an action: its error
// fails the action.
func (d *Desk) record(ctx context.Context, convID, kind string, data any) error {
	raw, err := json.Marshal(data)
	if err == nil {
		err = d.st.AddEvent(ctx, store.Event{ConversationID: convID, Kind: kind, Data: raw, At: d.now().UTC()})
	}
	if err != nil {
		return fmt.Errorf("couldn't record a %s event: %w", kind, err)
	}
	return nil
}

// notify tells the notification channels, when there are any.
// key tells apart events of one type about one handoff (the level of a
// page, the version of a transfer), so each is delivered once.
func (d *Desk) notify(ctx context.Context, typ string, it *Item, level int, paged []string, key any) {
	if d.notifier == nil || it == nil {
		return
	}
	e := notify.Event{
		ID:   fmt.Sprintf("%s.%s.%v", it.HandoffID, typ, key),
		Type: typ, ConversationID: it.ConversationID, Site: it.Site, Reason: it.Reason,
		ReasonText: it.ReasonText, Team: it.Team, Level: level, Paged: paged, Preview: it.Preview,
		EscalatedAt: it.EscalatedAt, At: d.now().UTC(),
	}
	if d.console != nil {
		e.ConsoleURL = d.console(it.ConversationID)
	}
	d.notifier.Notify(ctx, e)
}

// entryItem returns the current item of an open handoff, or nil.
func (d *Desk) entryItem(convID string) *Item {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e := d.entries[convID]; e != nil {
		return d.itemLocked(e)
	}
	return nil
}

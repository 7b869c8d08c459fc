package handoff

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// reconcile brings the desk in line with the store at start, so that no
// escalation is orphaned by a crash or a restart:
//   - open handoffs are loaded; one whose conversation went back to the bot
//     or closed is closed as dropped; one nobody has taken yet is notified
//     as created again (deduplicated by event ID), in case a crash lost
//     that notification;
//   - an owned one whose owner is disabled or deleted returns to the queue;
//     the other owners get a grace period to reconnect;
//   - a waiting conversation without an open handoff gets one;
//   - a human conversation without one (an agent replied outside the desk)
//     returns to the queue.
func (d *Desk) reconcile(ctx context.Context) error {
	open, err := d.st.OpenHandoffs(ctx)
	if err != nil {
		return err
	}
	now := d.now()
	var gone []Agent
	seenGone := map[string]bool{}
	for _, h := range open {
		conv, err := d.st.Conversation(ctx, h.ConversationID)
		if err != nil {
			return fmt.Errorf("couldn't read conversation %s: %w", h.ConversationID, err)
		}
		if conv.State != store.StateWaiting && conv.State != store.StateHuman {
			h.State, h.ClosedAt, h.Outcome, h.NextPageAt = store.HandoffClosed, now.UTC(), store.OutcomeDropped, time.Time{}
			if _, _, err := d.save(ctx, h, conv); err != nil {
				d.log.Warn("couldn't close a stale handoff", "handoff", h.ID, "err", err)
			}
			continue
		}
		it := d.remember(ctx, h, conv)
		if h.AckedAt.IsZero() {
			// The handoff.created notification may have been lost in a
			// crash right after the handoff was stored. Its event ID is
			// the same every time, so the dispatcher drops a repeat.
			d.notify(ctx, notify.EventHandoffCreated, it, 0, nil, 0)
		}
		if h.AssigneeID == "" {
			continue
		}
		u, err := d.st.User(ctx, h.AssigneeID)
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled):
			if !seenGone[h.AssigneeID] {
				seenGone[h.AssigneeID] = true
				gone = append(gone, Agent{ID: h.AssigneeID, Name: h.AssigneeName})
			}
		case err != nil:
			return fmt.Errorf("couldn't read user %s: %w", h.AssigneeID, err)
		default:
			d.mu.Lock()
			p := d.presenceLocked(AgentFromUser(u))
			if !p.available() && p.graceUntil.IsZero() {
				p.graceUntil = now.Add(d.grace())
			}
			d.mu.Unlock()
		}
	}
	for _, a := range gone {
		d.returnOwned(ctx, a, false, fmt.Sprintf("%s is no longer an active user: back in the queue.", a.Name))
	}

	waiting, err := d.st.ConversationsByState(ctx, store.StateWaiting, 0)
	if err != nil {
		return err
	}
	for _, c := range waiting {
		if err := d.adopt(ctx, c.ID, false); err != nil {
			return err
		}
	}
	human, err := d.st.ConversationsByState(ctx, store.StateHuman, 0)
	if err != nil {
		return err
	}
	for _, c := range human {
		if err := d.adopt(ctx, c.ID, true); err != nil {
			return err
		}
	}
	return nil
}

// adopt gives a conversation found without an open handoff one; a human
// one goes back to waiting, since nobody at the desk owns it.
func (d *Desk) adopt(ctx context.Context, convID string, requeue bool) error {
	defer d.lock(convID)()
	return d.adoptLocked(ctx, convID, requeue)
}

// adoptLocked is adopt with convID's lock held.
func (d *Desk) adoptLocked(ctx context.Context, convID string, requeue bool) error {
	d.mu.Lock()
	_, known := d.entries[convID]
	d.mu.Unlock()
	if known {
		return nil
	}
	conv, err := d.st.Conversation(ctx, convID)
	if err != nil {
		return err
	}
	if conv.State != store.StateWaiting && conv.State != store.StateHuman {
		return nil
	}
	if requeue {
		if err := d.hub.SetState(ctx, convID, store.StateWaiting, ReasonOrphaned); err != nil {
			return err
		}
		if conv, err = d.st.Conversation(ctx, convID); err != nil {
			return err
		}
	}
	if _, err := d.ensureHandoff(ctx, conv); err != nil {
		return fmt.Errorf("couldn't queue conversation %s: %w", convID, err)
	}
	if requeue {
		n := Note{ID: store.NewID(), ConversationID: convID, Kind: NoteReturn, Text: "Found with nobody at the desk owning it; back in the queue.", At: d.now().UTC()}
		if err := d.saveNote(ctx, n); err == nil {
			d.publish(Event{Type: EventNote, ConversationID: convID, Note: &n})
		}
	}
	return nil
}

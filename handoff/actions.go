package handoff

import (
	"context"
	"errors"
	"fmt"
	"github.com/andon-chat/andon/internal/locale"
	"slices"
	"strings"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// current returns conversation convID and its open handoff, creating the
// handoff when the conversation waits for a person and the desk has not
// seen the escalation yet (a claim racing the hub's update). Called with
// convID's lock held. A conversation without an open handoff is
// ErrNotFound.
func (d *Desk) current(ctx context.Context, convID string) (store.Handoff, store.Conversation, error) {
	if err := d.ctx.Err(); err != nil {
		return store.Handoff{}, store.Conversation{}, ErrClosed
	}
	conv, err := d.st.Conversation(ctx, convID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Handoff{}, store.Conversation{}, fmt.Errorf("conversation %s: %w", convID, ErrNotFound)
	}
	if err != nil {
		return store.Handoff{}, store.Conversation{}, err
	}
	d.mu.Lock()
	e := d.entries[convID]
	var h store.Handoff
	if e != nil {
		e.conv = conv
		h = e.h
	}
	d.mu.Unlock()
	if e != nil {
		return h, conv, nil
	}
	if conv.State == store.StateWaiting {
		h, err := d.ensureHandoff(ctx, conv)
		return h, conv, err
	}
	h, err = d.st.OpenHandoff(ctx, convID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Handoff{}, conv, fmt.Errorf("conversation %s is not with the desk: %w", convID, ErrNotFound)
	}
	if err != nil {
		return store.Handoff{}, conv, err
	}
	d.remember(ctx, h, conv)
	return h, conv, nil
}

// save stores h (a conditional update on its version) and refreshes the
// cache: a closed handoff leaves it. A conflict means another instance
// changed it: the cache takes the stored one and the caller gets
// ErrClaimed.
func (d *Desk) save(ctx context.Context, h store.Handoff, conv store.Conversation) (store.Handoff, *Item, error) {
	h.UpdatedAt = d.now().UTC()
	saved, err := d.st.UpdateHandoff(ctx, h)
	if errors.Is(err, store.ErrConflict) {
		if fresh, ferr := d.st.Handoff(ctx, h.ID); ferr == nil {
			d.cache(fresh, conv)
		}
		return store.Handoff{}, nil, fmt.Errorf("handoff %s: %w", h.ID, ErrClaimed)
	}
	if err != nil {
		return store.Handoff{}, nil, err
	}
	return saved, d.cache(saved, conv), nil
}

// stage is the conditional update of h inside an action's transaction
// (see act): the cache takes it only once the action has committed.
func (d *Desk) stage(ctx context.Context, h store.Handoff) (store.Handoff, error) {
	h.UpdatedAt = d.now().UTC()
	saved, err := d.st.UpdateHandoff(ctx, h)
	if errors.Is(err, store.ErrConflict) {
		return store.Handoff{}, fmt.Errorf("handoff %s: %w", h.ID, ErrClaimed)
	}
	return saved, err
}

// act makes one desk action on conversation conv one transaction: fn's
// writes (the handoff through stage, events, participants, and the
// system messages and state changes through the hub's Action) commit
// together or not at all, so that a crash or a failing write in the middle
// leaves nothing half done, and nothing is published before the commit.
// When another instance changed the handoff meanwhile the cache takes the
// stored one.
func (d *Desk) act(ctx context.Context, h store.Handoff, conv store.Conversation, fn func(ctx context.Context, act *conversation.Action) error) error {
	err := d.hub.Act(ctx, conv.ID, fn)
	if errors.Is(err, ErrClaimed) {
		if fresh, ferr := d.st.Handoff(ctx, h.ID); ferr == nil {
			d.cache(fresh, conv)
		}
	}
	return err
}

// stageNoted is stage with the note n and a handoff event of data: the
// writes of a transfer or a return to the queue.
func (d *Desk) stageNoted(ctx context.Context, h *store.Handoff, n Note, data map[string]any) error {
	var err error
	if *h, err = d.stage(ctx, *h); err != nil {
		return err
	}
	if err := d.saveNote(ctx, n); err != nil {
		return err
	}
	return d.record(ctx, h.ConversationID, "handoff", data)
}

// leave is how a hand back or a resolution begins inside its action: the
// visitor is told text, the conversation moves to state for reason, and
// the handoff h (closed by the caller) is staged.
func (d *Desk) leave(ctx context.Context, act *conversation.Action, h *store.Handoff, text, state, reason string) error {
	if _, err := act.PostSystemMessage(text); err != nil {
		return err
	}
	if err := act.SetStateBy(state, reason, ""); err != nil {
		return err
	}
	var err error
	*h, err = d.stage(ctx, *h)
	return err
}

// cache keeps an open handoff (or forgets a closed one) and returns its
// item.
func (d *Desk) cache(h store.Handoff, conv store.Conversation) *Item {
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.entries[conv.ID]
	if h.State != store.HandoffOpen {
		delete(d.entries, conv.ID)
		if e != nil {
			it := d.makeItem(h, conv, e.preview, 0)
			it.Question = e.question
			return it
		}
		return d.makeItem(h, conv, "", 0)
	}
	if e == nil {
		e = &entry{}
		d.entries[conv.ID] = e
	}
	e.h, e.conv = h, conv
	return d.itemLocked(e)
}

// requireOwner fails unless a owns h.
func requireOwner(h store.Handoff, a Agent) error {
	if h.AssigneeID != a.ID {
		return fmt.Errorf("conversation %s is owned by %q: %w", h.ConversationID, h.AssigneeName, ErrNotOwner)
	}
	return nil
}

// Claim makes agent a the owner of a conversation in the queue. Of
// concurrent claims exactly one wins (serialised here, and a conditional
// update in the store across instances); the others get ErrClaimed. The
// visitor is told "NAME joined" and the conversation moves to state human,
// where the bot stays quiet. Claiming one's own conversation again returns
// it unchanged.
func (d *Desk) Claim(ctx context.Context, convID string, a Agent) (Item, error) {
	defer d.lock(convID)()
	h, conv, err := d.current(ctx, convID)
	if err != nil {
		return Item{}, err
	}
	if h.AssigneeID == a.ID {
		if h.ClaimedAt.IsZero() { // transferred to a: accepting it
			return d.accept(ctx, h, conv, a)
		}
		return d.refresh(ctx, h, conv), nil
	}
	if h.AssigneeID != "" {
		return Item{}, fmt.Errorf("conversation %s is owned by %q: %w", convID, h.AssigneeName, ErrClaimed)
	}
	now := d.now().UTC()
	h.AssigneeID, h.AssigneeName, h.ClaimedAt, h.NextPageAt = a.ID, a.Name, now, time.Time{}
	firstAck := h.AckedAt.IsZero()
	if firstAck {
		h.AckedAt = now
	}
	err = d.act(ctx, h, conv, func(ctx context.Context, act *conversation.Action) error {
		var err error
		if h, err = d.stage(ctx, h); err != nil {
			return err
		}
		if err := d.record(ctx, convID, "handoff", map[string]any{"action": "claimed", "handoff_id": h.ID, "agent_id": a.ID, "agent": a.Name}); err != nil {
			return err
		}
		if err := d.st.AddParticipant(ctx, store.Participant{ConversationID: convID, Kind: "agent", Name: a.Name}); err != nil {
			return fmt.Errorf("couldn't record the agent as participant: %w", err)
		}
		return d.join(act, conv, a)
	})
	if err != nil {
		return Item{}, err
	}
	d.cache(h, conv)
	if firstAck {
		d.recordClaim(h.AckedAt.Sub(h.CreatedAt))
	}
	d.graceIfAbsent(a)
	it := d.refresh(ctx, h, conv)
	d.publish(Event{Type: EventItem, Item: &it})
	return it, nil
}

// accept acknowledges a transfer to agent a, who owns h: the SLA stops and
// the chain is no longer paged. Called with the conversation's lock held.
func (d *Desk) accept(ctx context.Context, h store.Handoff, conv store.Conversation, a Agent) (Item, error) {
	now := d.now().UTC()
	h.ClaimedAt, h.NextPageAt = now, time.Time{}
	firstAck := h.AckedAt.IsZero()
	if firstAck {
		h.AckedAt = now
	}
	err := d.act(ctx, h, conv, func(ctx context.Context, _ *conversation.Action) error {
		var err error
		if h, err = d.stage(ctx, h); err != nil {
			return err
		}
		return d.record(ctx, conv.ID, "handoff", map[string]any{"action": "accepted", "handoff_id": h.ID, "agent_id": a.ID, "agent": a.Name})
	})
	if err != nil {
		return Item{}, err
	}
	it := *d.cache(h, conv)
	if firstAck {
		d.recordClaim(h.AckedAt.Sub(h.CreatedAt))
	}
	d.graceIfAbsent(a)
	d.publish(Event{Type: EventItem, Item: &it})
	return it, nil
}

// join tells the visitor that a joined and moves the conversation to
// state human, naming a (as a's replies will) so the visitor's widget says
// who is there before a writes; after a transfer, the new owner.
func (d *Desk) join(act *conversation.Action, conv store.Conversation, a Agent) error {
	if _, err := act.PostSystemMessage(locale.Text(conv.Locale, "desk.joined", firstName(a.Name))); err != nil {
		return fmt.Errorf("couldn't tell the visitor: %w", err)
	}
	if err := act.SetStateBy(store.StateHuman, conversation.ReasonAgentJoined, a.Name); err != nil {
		return fmt.Errorf("couldn't hand the conversation to %s: %w", a.Name, err)
	}
	return nil
}

// refresh re-reads the conversation into the cached entry (its state
// changed) and returns the item: from the entry, or from h and conv when
// the handoff has left the cache meanwhile.
func (d *Desk) refresh(ctx context.Context, h store.Handoff, conv store.Conversation) Item {
	fresh, err := d.st.Conversation(ctx, conv.ID)
	if err == nil {
		conv = fresh
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	e := d.entries[conv.ID]
	if e == nil {
		return *d.makeItem(h, conv, "", 0)
	}
	e.conv = conv
	return *d.itemLocked(e)
}

// Reply posts agent a's message to the visitor. Only the owner may reply
// (ErrNotOwner). A retried clientID stores one message. When the visitor
// is not connected and left an e-mail address, the reply is mailed with a
// link back to the chat.
func (d *Desk) Reply(ctx context.Context, convID string, a Agent, text, clientID string) (store.Message, error) {
	if strings.TrimSpace(text) == "" {
		return store.Message{}, fmt.Errorf("empty reply: %w", ErrBadRequest)
	}
	unlock := d.lock(convID)
	h, conv, err := d.current(ctx, convID)
	if err != nil {
		unlock()
		return store.Message{}, err
	}
	if err := requireOwner(h, a); err != nil {
		unlock()
		return store.Message{}, err
	}
	if h.ClaimedAt.IsZero() { // replying to a transferred conversation accepts it
		if _, err := d.accept(ctx, h, conv, a); err != nil {
			unlock()
			return store.Message{}, err
		}
	}
	if clientID != "" {
		clientID = "agent:" + clientID
	}
	m, dup, err := d.hub.PostAgentReply(ctx, convID, a.Name, clientID, text)
	unlock()
	if err != nil {
		return store.Message{}, fmt.Errorf("couldn't post the reply: %w", err)
	}
	if !dup {
		d.mailIfAway(conv, a, m)
	}
	return m, nil
}

// mailIfAway mails reply m when the visitor is not in the chat and left an
// address; in the background, so the agent's send is not held up by SMTP.
func (d *Desk) mailIfAway(conv store.Conversation, a Agent, m store.Message) {
	to := visitorEmail(conv)
	if d.hub.VisitorConnected(conv.ID) {
		return
	}
	if !d.mailsVisitors() || to == "" {
		d.unreachable(conv.ID, d.mailsVisitors())
		return
	}
	vm := notify.VisitorMail{To: to, Locale: conv.Locale, AgentName: firstName(a.Name), Text: m.Text, ConversationID: conv.ID}
	if d.chatURL != nil {
		vm.ChatURL = d.chatURL(conv)
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		d.log.Warn("reply not mailed: the desk is closing", "conversation", conv.ID, "seq", m.Seq)
		return
	}
	d.wg.Add(1)
	d.mu.Unlock()
	go func() {
		defer d.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(d.ctx), time.Minute)
		defer cancel()
		if err := d.mailer.MailReply(ctx, vm); err != nil {
			d.log.Error("couldn't mail a reply to the visitor", "conversation", conv.ID, "seq", m.Seq, "err", err)
			d.addEvent(ctx, conv.ID, "mail", map[string]any{"seq": m.Seq, "error": err.Error()})
			d.mailFailed(ctx, conv.ID, to, err)
			return
		}
		d.addEvent(ctx, conv.ID, "mail", map[string]any{"seq": m.Seq, "to": to})
	}()
}

// unreachable tells the agents that the visitor has left and the reply
// cannot be mailed (no SMTP server, or no address): a note, so that the
// console says plainly where the reply is instead of the log alone.
func (d *Desk) unreachable(convID string, mail bool) {
	text := "The visitor has left and can't be e-mailed (no SMTP server is configured): the reply waits in the conversation and they see it when they come back in the same browser."
	if mail {
		text = "The visitor has left and left no e-mail address: the reply waits in the conversation and they see it when they come back in the same browser."
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(d.ctx), 10*time.Second)
	defer cancel()
	n := Note{ID: store.NewID(), ConversationID: convID, Kind: NoteInternal, At: d.now().UTC(), Text: text}
	if err := d.saveNote(ctx, n); err != nil {
		d.log.Warn("couldn't note the unreachable visitor", "conversation", convID, "err", err)
	}
	d.publish(Event{Type: EventNote, ConversationID: convID, Note: &n})
}

// mailFailed tells the agents that a reply did not reach the visitor by
// e-mail: an internal note on the conversation, published like any note.
// The reply itself is in the conversation, where the visitor sees it when
// they return.
func (d *Desk) mailFailed(ctx context.Context, convID, to string, err error) {
	n := Note{ID: store.NewID(), ConversationID: convID, Kind: NoteInternal, At: d.now().UTC(),
		Text: fmt.Sprintf("Couldn't e-mail the reply to %s: %v; the visitor will see it when they return.", to, err)}
	if err := d.saveNote(ctx, n); err != nil {
		d.log.Warn("couldn't note the failed mail", "conversation", convID, "err", err)
	}
	d.publish(Event{Type: EventNote, ConversationID: convID, Note: &n})
}

// Note adds an internal note to a conversation: every agent sees it, the
// visitor never does (it is a store event, not a message, and is not
// published to the conversation's subscribers).
func (d *Desk) Note(ctx context.Context, convID string, a Agent, text string) (Note, error) {
	if strings.TrimSpace(text) == "" {
		return Note{}, fmt.Errorf("empty note: %w", ErrBadRequest)
	}
	if _, err := d.st.Conversation(ctx, convID); errors.Is(err, store.ErrNotFound) {
		return Note{}, fmt.Errorf("conversation %s: %w", convID, ErrNotFound)
	} else if err != nil {
		return Note{}, err
	}
	n := d.newNote(convID, NoteInternal, a, text)
	if err := d.saveNote(ctx, n); err != nil {
		return Note{}, err
	}
	d.publish(Event{Type: EventNote, ConversationID: convID, Note: &n})
	return n, nil
}

func (d *Desk) newNote(convID, kind string, a Agent, text string) Note {
	return Note{ID: store.NewID(), ConversationID: convID, Kind: kind, AuthorID: a.ID, AuthorName: a.Name,
		Text: strings.TrimSpace(text), At: d.now().UTC()}
}

func (d *Desk) saveNote(ctx context.Context, n Note) error {
	raw, err := jsonMarshal(n)
	if err != nil {
		return err
	}
	if err := d.st.AddEvent(ctx, store.Event{ConversationID: n.ConversationID, Kind: "note", Data: raw, At: n.At}); err != nil {
		return fmt.Errorf("couldn't save the note: %w", err)
	}
	return nil
}

// Transfer passes a conversation to another agent (who owns it at once),
// to a team's queue, or to an agent of a team, with a handoff note the next
// person sees first. The owner may transfer; a conversation still in the
// queue may be routed by any agent.
func (d *Desk) Transfer(ctx context.Context, convID string, a Agent, t Transfer) (Item, error) {
	if strings.TrimSpace(t.Note) == "" {
		return Item{}, ErrNoteRequired
	}
	if t.ToAgentID == "" && t.ToTeam == "" {
		return Item{}, ErrNoTarget
	}
	var target Agent
	if t.ToAgentID != "" {
		u, err := d.st.User(ctx, t.ToAgentID)
		if err != nil || u.Disabled || (u.Role != "agent" && u.Role != "admin") {
			return Item{}, fmt.Errorf("agent %q: %w", t.ToAgentID, ErrNoTarget)
		}
		target = AgentFromUser(u)
	}
	var teamTitle string
	if t.ToTeam != "" {
		tm, ok := d.team(t.ToTeam)
		if !ok {
			return Item{}, fmt.Errorf("team %q: %w", t.ToTeam, ErrNoTarget)
		}
		teamTitle = tm.Title
		if teamTitle == "" {
			teamTitle = tm.Name
		}
	}
	defer d.lock(convID)()
	h, conv, err := d.current(ctx, convID)
	if err != nil {
		return Item{}, err
	}
	if h.AssigneeID != "" {
		if err := requireOwner(h, a); err != nil {
			return Item{}, err
		}
	}
	now := d.now().UTC()
	note := d.newNote(convID, NoteTransfer, a, t.Note)
	h.Note = note.Text
	if t.ToTeam != "" {
		h.Team = t.ToTeam
	}
	// Nobody has taken it until the target claims it (or, for an agent,
	// replies): the SLA runs on, from the deadline it had when nobody had
	// taken it yet, so that passing it around does not hold off the pages.
	d.rearm(&h, now)
	h.AssigneeID, h.AssigneeName, h.ClaimedAt = target.ID, target.Name, time.Time{}
	err = d.act(ctx, h, conv, func(ctx context.Context, act *conversation.Action) error {
		if err := d.stageNoted(ctx, &h, note, map[string]any{"action": "transferred", "handoff_id": h.ID, "from": a.ID, "to_agent": target.ID, "to_team": t.ToTeam}); err != nil {
			return err
		}
		if target.ID != "" {
			if err := d.st.AddParticipant(ctx, store.Participant{ConversationID: convID, Kind: "agent", Name: target.Name}); err != nil {
				return fmt.Errorf("couldn't record the agent as participant: %w", err)
			}
			if _, err := act.PostSystemMessage(locale.Text(conv.Locale, "desk.transfer_to", firstName(a.Name), firstName(target.Name))); err != nil {
				return err
			}
			return d.join(act, conv, target)
		}
		to := teamTitle
		if to == "" {
			to = locale.Text(conv.Locale, "desk.colleague")
		}
		if _, err := act.PostSystemMessage(locale.Text(conv.Locale, "desk.transfer", firstName(a.Name), to)); err != nil {
			return err
		}
		return act.SetStateBy(store.StateWaiting, ReasonTransfer, "")
	})
	if err != nil {
		return Item{}, err
	}
	d.cache(h, conv)
	if target.ID != "" {
		d.graceIfAbsent(target)
	}
	it := d.refresh(ctx, h, conv)
	d.publish(Event{Type: EventNote, ConversationID: convID, Note: &note})
	d.publish(Event{Type: EventItem, Item: &it})
	d.notify(ctx, notify.EventHandoffTransferred, &it, h.Level, nil, h.Version)
	return it, nil
}

// HandBack gives the conversation back to the bot: the owner closes the
// handoff (with an optional note for the record), the visitor is told, and
// the bot answers again. Only a person who took the conversation can do
// this, so a visitor's request for a person never loops back to the bot
// unseen.
func (d *Desk) HandBack(ctx context.Context, convID string, a Agent, note string) error {
	defer d.lock(convID)()
	h, conv, err := d.current(ctx, convID)
	if err != nil {
		return err
	}
	if err := requireOwner(h, a); err != nil {
		return err
	}
	ctx, cancel := finishing(ctx)
	defer cancel()
	now := d.now().UTC()
	h.State, h.ClosedAt, h.Outcome, h.ClosedBy, h.NextPageAt = store.HandoffClosed, now, store.OutcomeHandedBack, a.ID, time.Time{}
	var n *Note
	if strings.TrimSpace(note) != "" {
		nn := d.newNote(convID, NoteHandBack, a, note)
		n = &nn
	}
	err = d.act(ctx, h, conv, func(ctx context.Context, act *conversation.Action) error {
		if err := d.leave(ctx, act, &h, locale.Text(conv.Locale, "desk.handback", firstName(a.Name)), store.StateBot, ReasonHandedBack); err != nil {
			return err
		}
		if n != nil {
			if err := d.saveNote(ctx, *n); err != nil {
				return err
			}
		}
		return d.record(ctx, convID, "handoff", map[string]any{"action": "handed_back", "handoff_id": h.ID, "agent_id": a.ID})
	})
	if err != nil {
		return err
	}
	d.cache(h, conv)
	if n != nil {
		d.publish(Event{Type: EventNote, ConversationID: convID, Note: n})
	}
	d.publish(Event{Type: EventItemRemoved, ConversationID: convID})
	return nil
}

// finishTimeout bounds the steps of a resolve or hand back once begun.
const finishTimeout = 30 * time.Second

// finishing is the context of the steps that change a conversation's state
// and close its handoff: once begun they finish even when the agent's
// request ends (a closed tab, a dropped connection), so that the two never
// disagree; a timeout still bounds them.
func finishing(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
}

// Resolve closes the conversation with a category from the configuration
// (ErrBadCategory otherwise), an optional summary, and optionally teaches
// the knowledge base: the visitor's question as a new example question of
// an article, or a reply saved as a draft article. Only the owner
// resolves. The learning is done first, so a failure leaves the
// conversation open to try again.
func (d *Desk) Resolve(ctx context.Context, convID string, a Agent, r Resolution) error {
	if !slices.Contains(d.cfg.Categories, r.Category) {
		return fmt.Errorf("category %q: %w", r.Category, ErrBadCategory)
	}
	if r.Learn != nil {
		switch r.Learn.Kind {
		case LearnExample, LearnDraft:
		default:
			return fmt.Errorf("learning kind %q: %w", r.Learn.Kind, ErrBadRequest)
		}
		if d.learner == nil {
			return fmt.Errorf("no knowledge base to learn into: %w", ErrBadRequest)
		}
	}
	defer d.lock(convID)()
	h, conv, err := d.current(ctx, convID)
	if err != nil {
		return err
	}
	if err := requireOwner(h, a); err != nil {
		return err
	}
	if r.Learn != nil {
		if err := d.learn(ctx, conv, r.Learn); err != nil {
			return err
		}
	}
	ctx, cancel := finishing(ctx)
	defer cancel()
	now := d.now().UTC()
	h.State, h.ClosedAt, h.Outcome, h.ClosedBy, h.NextPageAt = store.HandoffClosed, now, store.OutcomeResolved, a.ID, time.Time{}
	h.Category, h.Summary = r.Category, strings.TrimSpace(r.Summary)
	data := map[string]any{"action": "resolved", "handoff_id": h.ID, "agent_id": a.ID, "category": h.Category, "summary": h.Summary}
	if r.Learn != nil {
		data["learn"] = r.Learn
	}
	err = d.act(ctx, h, conv, func(ctx context.Context, act *conversation.Action) error {
		if err := d.leave(ctx, act, &h, locale.Text(conv.Locale, "desk.resolved", firstName(a.Name)), store.StateClosed, ReasonResolved); err != nil {
			return err
		}
		return d.record(ctx, convID, "handoff", data)
	})
	if err != nil {
		return err
	}
	it := d.cache(h, conv)
	d.publish(Event{Type: EventItemRemoved, ConversationID: convID})
	d.notify(ctx, notify.EventHandoffResolved, it, h.Level, nil, 0)
	return nil
}

// learn applies a resolution's learning, filling in the visitor's question
// and the agent's last reply where the agent left them out.
func (d *Desk) learn(ctx context.Context, conv store.Conversation, l *Learning) error {
	ms, err := d.st.Messages(ctx, conv.ID, 0)
	if err != nil {
		return fmt.Errorf("couldn't read the conversation: %w", err)
	}
	question := strings.TrimSpace(l.Question)
	if question == "" {
		question = questionBefore(ms)
	}
	switch l.Kind {
	case LearnExample:
		if l.ArticleID == "" || question == "" {
			return fmt.Errorf("an example question needs an article and a question: %w", ErrBadRequest)
		}
		if err := d.learner.AddQuestion(ctx, l.ArticleID, question); err != nil {
			return fmt.Errorf("couldn't add the example question: %w", err)
		}
		l.Question = question
	case LearnDraft:
		text := strings.TrimSpace(l.Text)
		if text == "" {
			for i := len(ms) - 1; i >= 0; i-- {
				if ms[i].From == store.FromAgent {
					text = ms[i].Text
					break
				}
			}
		}
		title := strings.TrimSpace(l.Title)
		if title == "" {
			title = question
		}
		if text == "" || title == "" {
			return fmt.Errorf("a draft needs a title and a text: %w", ErrBadRequest)
		}
		id, err := d.learner.SaveDraft(ctx, title, text, locale.Lang(conv.Locale))
		if err != nil {
			return fmt.Errorf("couldn't save the draft: %w", err)
		}
		l.Title, l.Text, l.DraftID = title, text, id
	}
	return nil
}

// questionBefore is the visitor's question the bot could not answer: their
// last message before a person first replied, or their last message.
func questionBefore(ms []store.Message) string {
	var last string
	for _, m := range ms {
		if m.From == store.FromAgent && last != "" {
			break
		}
		if m.From == store.FromVisitor {
			last = m.Text
		}
	}
	return last
}

// Typing relays that the owner is typing to the visitor, with the owner's
// name ("Anna is typing…", also before Anna's first reply).
func (d *Desk) Typing(ctx context.Context, convID string, a Agent, on bool) {
	d.mu.Lock()
	e := d.entries[convID]
	owner := e != nil && e.h.AssigneeID == a.ID
	d.mu.Unlock()
	if owner {
		d.hub.TypingAs(ctx, convID, store.FromAgent, a.Name, on)
	}
}

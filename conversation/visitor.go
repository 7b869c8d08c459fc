package conversation

import (
	"context"
	"errors"
	"fmt"
	"github.com/andon-chat/andon/internal/locale"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/store"
)

// Visit is what a visitor's hello tells about them.
type Visit struct {
	Site       string
	Locale     string
	Page       string
	Attributes map[string]string
}

// Reasons the hub itself gives when a conversation leaves the bot.
const (
	ReasonAskedForHuman    = "asked_for_human"
	ReasonNegativeFeedback = "negative_feedback"
	ReasonReopened         = "reopened"
	ReasonAgentJoined      = "agent_joined"
	ReasonBotError         = "bot_error"
	// ReasonBackToBot: a waiting visitor chose to ask the bot meanwhile.
	ReasonBackToBot = "back_to_bot"
)

// Create stores conversation id, in state bot, for a visitor whose hello
// allocated the id without writing it (the row is written when the visitor
// first says something). A conversation already stored (another tab wrote
// it first) is store.ErrExists.
func (h *Hub) Create(ctx context.Context, id string, v Visit) (store.Conversation, error) {
	now := time.Now().UTC()
	c := store.Conversation{
		ID: id, Site: v.Site, State: store.StateBot,
		Locale: v.Locale, Page: v.Page, Attributes: v.Attributes,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := h.store.CreateConversation(ctx, c); err != nil {
		return store.Conversation{}, fmt.Errorf("couldn't create conversation: %w", err)
	}
	return c, nil
}

// Start creates a new conversation in state bot for a visitor.
func (h *Hub) Start(ctx context.Context, v Visit) (store.Conversation, error) {
	now := time.Now().UTC()
	for range 3 {
		c := store.Conversation{
			ID: store.NewID(), Site: v.Site, State: store.StateBot,
			Locale: v.Locale, Page: v.Page, Attributes: v.Attributes,
			CreatedAt: now, UpdatedAt: now,
		}
		err := h.store.CreateConversation(ctx, c)
		if errors.Is(err, store.ErrExists) {
			continue
		}
		if err != nil {
			return store.Conversation{}, fmt.Errorf("couldn't create conversation: %w", err)
		}
		return c, nil
	}
	return store.Conversation{}, fmt.Errorf("couldn't create conversation: %w", store.ErrExists)
}

// Resume returns conversation id for a returning visitor, recording the
// locale, page and attributes of this visit when they changed (empty values
// keep the stored ones).
func (h *Hub) Resume(ctx context.Context, id string, v Visit) (store.Conversation, error) {
	var out store.Conversation
	err := h.update(ctx, id, func(c *change) error {
		changed := false
		if v.Locale != "" && v.Locale != c.conv.Locale {
			c.conv.Locale, changed = v.Locale, true
		}
		if v.Page != "" && v.Page != c.conv.Page {
			c.conv.Page, changed = v.Page, true
		}
		if len(v.Attributes) > 0 && !maps.Equal(v.Attributes, c.conv.Attributes) {
			c.conv.Attributes, changed = v.Attributes, true
		}
		if changed {
			c.conv.UpdatedAt = time.Now().UTC()
			if err := h.store.UpdateConversation(ctx, c.conv); err != nil {
				return fmt.Errorf("couldn't update conversation: %w", err)
			}
		}
		out = c.conv
		return nil
	})
	return out, err
}

// Conversation returns the stored conversation id.
func (h *Hub) Conversation(ctx context.Context, id string) (store.Conversation, error) {
	c, err := h.store.Conversation(ctx, id)
	if err != nil {
		return store.Conversation{}, fmt.Errorf("couldn't load conversation %s: %w", id, err)
	}
	return c, nil
}

// Messages returns the messages of conversation id with seq > afterSeq.
func (h *Hub) Messages(ctx context.Context, id string, afterSeq int64) ([]store.Message, error) {
	ms, err := h.store.Messages(ctx, id, afterSeq)
	if err != nil {
		return nil, fmt.Errorf("couldn't load messages of %s: %w", id, err)
	}
	return ms, nil
}

// MessagesAfter returns one page of the messages of conversation id with
// seq > afterSeq: at most limit, and none after the one that brings the
// page's text to maxBytes (see store.Store.MessagesAfter).
func (h *Hub) MessagesAfter(ctx context.Context, id string, afterSeq int64, limit, maxBytes int) ([]store.Message, error) {
	ms, err := h.store.MessagesAfter(ctx, id, afterSeq, limit, maxBytes)
	if err != nil {
		return nil, fmt.Errorf("couldn't load messages of %s: %w", id, err)
	}
	return ms, nil
}

// PostVisitorMessage commits a visitor's message and fans it out (the
// visitor's own tabs take it as the acknowledgement); only then, and only in
// state bot, is the bot asked, in the background. A retried clientID stores
// nothing, is not fanned out again and returns the original with
// duplicate = true. A message to a closed conversation reopens it with the
// bot, or, with Options.ReopenWithPerson, puts it back in the queue.
func (h *Hub) PostVisitorMessage(ctx context.Context, id, clientID, text string) (m store.Message, duplicate bool, err error) {
	if strings.TrimSpace(text) == "" {
		return store.Message{}, false, ErrEmptyText
	}
	err = h.update(ctx, id, func(c *change) error {
		m, duplicate, err = c.appendMessage(store.Message{From: store.FromVisitor, ClientID: clientID, Text: text})
		if err != nil || duplicate {
			return err
		}
		if c.conv.State == store.StateClosed && h.reopenToPerson {
			return c.escalate(ReasonReopened, "", bot.Say(locale.Lang(c.conv.Locale), bot.KeyEscalate), nil)
		}
		if c.conv.State == store.StateClosed {
			if err := c.setState(store.StateBot, ReasonReopened); err != nil {
				return err
			}
		}
		if c.conv.State == store.StateBot && h.responder != nil {
			h.enqueueTurn(c.r, turn{seq: m.Seq, text: text, locale: c.conv.Locale})
		}
		if c.conv.State == store.StateWaiting {
			return c.acknowledgeWaiting(m)
		}
		return nil
	})
	return m, duplicate, err
}

// acknowledgeWaiting answers the first of a run of messages from a visitor
// who waits for a person, so that nothing they write meets silence: it is
// in the conversation, where they stand (the wait, or that nobody is there
// and when the team is back and what happens to the reply), and, with a
// bot, that they may go back to it meanwhile. Later messages of the same
// run are not answered again.
func (c *change) acknowledgeWaiting(m store.Message) error {
	// One read serves both questions: is m the first of a run, and was
	// the same said lately.
	before, err := c.h.store.MessagesBefore(c.ctx, c.conv.ID, m.Seq, ackLookback)
	if err != nil {
		return fmt.Errorf("couldn't load the messages before %d: %w", m.Seq, err)
	}
	if len(before) > 0 && before[len(before)-1].From == store.FromVisitor {
		return nil
	}
	lang := locale.Lang(c.conv.Locale)
	s := c.h.staffing(c.ctx, c.conv, c.conv.Reason)
	text := locale.Text(lang, "wait.ack_eta", waitText(lang, s.ExpectedWait))
	if q, ok := c.h.availability().(Positions); ok && s.staffed() {
		if n := q.QueuePosition(c.ctx, c.conv.ID); n > 0 {
			text = locale.Text(lang, "wait.ack_position", n, waitText(lang, s.ExpectedWait))
		}
	}
	if !s.staffed() {
		text = locale.Text(lang, "wait.ack") + " " + nobodyText(lang, s) + " " + followUpText(lang, s.Mail, c.conv.Email)
		if c.h.responder != nil {
			text += " " + locale.Text(lang, "wait.back_to_bot")
		}
	}
	if saidIn(before, text) {
		// Where they stand was said already and has not changed: confirm
		// the message without repeating the whole explanation.
		text = locale.Text(lang, "wait.ack")
	}
	_, _, err = c.appendMessage(store.Message{From: store.FromSystem, Text: text})
	return err
}

// ackLookback is how many messages before a visitor's message are searched
// for an acknowledgement that already said the same.
const ackLookback = 50

// saidIn reports whether a system message in ms has text.
func saidIn(ms []store.Message, text string) bool {
	return slices.ContainsFunc(ms, func(m store.Message) bool { return m.From == store.FromSystem && m.Text == text })
}

// BackToBot returns a visitor who waits for a person to the bot, for
// routine questions until someone claims: the conversation moves to state
// bot with reason back_to_bot and keeps its place in the queue (the desk's
// handoff stays open, and a claim takes the conversation from the bot).
// Only a waiting conversation with a bot may go back: anything else is
// ErrNotWaiting.
func (h *Hub) BackToBot(ctx context.Context, id string) error {
	return h.update(ctx, id, func(c *change) error {
		if c.conv.State != store.StateWaiting || h.responder == nil {
			return fmt.Errorf("back to the bot in state %s: %w", c.conv.State, ErrNotWaiting)
		}
		if _, _, err := c.appendMessage(store.Message{From: store.FromSystem, Text: locale.Text(locale.Lang(c.conv.Locale), "wait.bot_back")}); err != nil {
			return err
		}
		return c.setState(store.StateBot, ReasonBackToBot)
	})
}

// AskForHuman escalates with reason asked_for_human, without asking the bot.
// When a person is already coming (waiting or human), it repeats the current
// state to every subscriber instead, so the asking tab hears where things are.
func (h *Hub) AskForHuman(ctx context.Context, id string) error {
	return h.update(ctx, id, func(c *change) error {
		if c.conv.State == store.StateWaiting || c.conv.State == store.StateHuman {
			c.publish(c.stateUpdate())
			return nil
		}
		return c.escalate(ReasonAskedForHuman, "", "", nil)
	})
}

// Feedback records a visitor's verdict on the bot's message seq. Unhelpful
// feedback while the bot is in charge escalates with reason
// negative_feedback. Feedback on anything but a bot message is
// ErrNotBotMessage.
func (h *Hub) Feedback(ctx context.Context, id string, seq int64, helpful bool) error {
	return h.update(ctx, id, func(c *change) error {
		if seq < 1 || seq > c.conv.LastSeq {
			return fmt.Errorf("feedback on seq %d: %w", seq, ErrNotBotMessage)
		}
		ms, err := h.store.MessagesAfter(ctx, id, seq-1, 1, 0)
		if err != nil {
			return fmt.Errorf("couldn't load message %d: %w", seq, err)
		}
		if len(ms) == 0 || ms[0].Seq != seq || ms[0].From != store.FromBot {
			return fmt.Errorf("feedback on seq %d: %w", seq, ErrNotBotMessage)
		}
		if err := c.addEvent("feedback", struct {
			Seq     int64 `json:"seq"`
			Helpful bool  `json:"helpful"`
		}{seq, helpful}); err != nil {
			return err
		}
		if helpful || c.conv.State != store.StateBot {
			return nil
		}
		d := bot.NegativeFeedback(locale.Lang(c.conv.Locale))
		reason := d.Reason
		if reason == "" {
			reason = ReasonNegativeFeedback
		}
		return c.escalate(reason, d.Lang, d.Reply, decisionMeta(d))
	})
}

// SetContact stores the visitor's e-mail address for an offline follow-up,
// records it as an event and confirms it with a system message.
func (h *Hub) SetContact(ctx context.Context, id, email string) error {
	addr, err := ParseEmail(email)
	if err != nil {
		return err
	}
	return h.update(ctx, id, func(c *change) error {
		c.conv.Email = addr
		c.conv.UpdatedAt = time.Now().UTC()
		if err := h.store.UpdateConversation(ctx, c.conv); err != nil {
			return fmt.Errorf("couldn't store contact: %w", err)
		}
		if err := c.addEvent("contact", struct {
			Email string `json:"email"`
		}{addr}); err != nil {
			return err
		}
		_, _, err := c.appendMessage(store.Message{
			From: store.FromSystem,
			Text: contactSavedText(c.conv.Locale, addr, c.h.staffing(ctx, c.conv, c.conv.Reason).Mail),
		})
		return err
	})
}

// ParseEmail returns the bare address of s, or ErrInvalidEmail. A display
// name ("Anna <anna@example.com>") is accepted and dropped.
func ParseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 {
		return "", fmt.Errorf("%q: %w", s, ErrInvalidEmail)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("%q: %w", s, ErrInvalidEmail)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 1 || at == len(a.Address)-1 {
		return "", fmt.Errorf("%q: %w", s, ErrInvalidEmail)
	}
	return a.Address, nil
}

// Typing relays that from ("visitor", "agent", "bot") started or stopped
// typing in conversation id to everyone connected to it. Nothing is stored.
func (h *Hub) Typing(ctx context.Context, id, from string, on bool) {
	h.TypingAs(ctx, id, from, "", on)
}

// TypingAs is Typing with the typist's display name (an agent's, as their
// messages carry it), so that the visitor reads "Anna is typing…" before
// Anna's first message.
func (h *Hub) TypingAs(ctx context.Context, id, from, author string, on bool) {
	r := h.lookup(id)
	u := &Update{ConversationID: id, Kind: KindTyping, From: from, Author: author, On: on}
	h.evict(h.publish(ctx, r, u))
}

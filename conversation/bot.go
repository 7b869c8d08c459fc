package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/store"
)

// Responder is the bot as the hub sees it: one decision per visitor message.
// Decide may be slow (an LLM); it runs outside every lock and is bounded by
// ctx. It should always return a decision: on its own failure, an Escalate.
type Responder interface {
	Decide(ctx context.Context, t bot.Turn) bot.Decision
}

// turn is a visitor message waiting for the bot.
type turn struct {
	seq    int64
	text   string
	locale string
}

// enqueueTurn queues t for the conversation's bot worker, starting the
// worker if none runs. Called with r.order held.
func (h *Hub) enqueueTurn(r *room, t turn) {
	r.mu.Lock()
	if len(r.turns) >= h.maxPending {
		h.log.Warn("bot queue full: dropping the oldest question", "conversation", r.id, "seq", r.turns[0].seq)
		r.turns = r.turns[1:]
	}
	r.turns = append(r.turns, t)
	start := !r.botBusy
	r.botBusy = true
	r.mu.Unlock()
	if !start {
		return
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		r.mu.Lock()
		r.botBusy, r.turns = false, nil
		r.mu.Unlock()
		return
	}
	r.refs++ // the worker holds the room
	h.wg.Add(1)
	h.mu.Unlock()
	go h.runBot(r)
}

// runBot answers the room's queued turns one at a time, so that replies keep
// the order of the questions, and exits when the queue is empty.
func (h *Hub) runBot(r *room) {
	defer h.wg.Done()
	defer h.release(r)
	for {
		r.mu.Lock()
		if len(r.turns) == 0 || h.ctx.Err() != nil {
			r.botBusy, r.turns = false, nil
			r.mu.Unlock()
			return
		}
		t := r.turns[0]
		r.turns = r.turns[1:]
		r.mu.Unlock()
		h.answer(r, t)
	}
}

// answer asks the Responder about one turn and posts its decision, unless
// the conversation left the bot in the meantime.
func (h *Hub) answer(r *room, t turn) {
	ctx := h.ctx
	h.Typing(ctx, r.id, store.FromBot, true)
	history, err := h.visitorHistory(ctx, r.id, t.seq)
	if err != nil {
		h.log.Warn("couldn't load history for the bot", "conversation", r.id, "err", err)
	}
	dctx, cancel := context.WithTimeout(ctx, h.botTimeout)
	d, err := h.decide(dctx, bot.Turn{Text: t.text, Locale: t.locale, History: history})
	cancel()
	h.Typing(ctx, r.id, store.FromBot, false)
	if ctx.Err() != nil {
		return // shutting down: the question stays unanswered in the log
	}
	if err != nil {
		h.log.Error("bot failed", "conversation", r.id, "seq", t.seq, "err", err)
		d = bot.Decision{Action: bot.Escalate, Reason: ReasonBotError, Rule: err.Error()}
	}
	err = h.update(ctx, r.id, func(c *change) error {
		if c.conv.State != store.StateBot {
			h.log.Info("bot reply dropped: a person took over", "conversation", r.id, "seq", t.seq, "state", c.conv.State)
			return nil
		}
		return c.applyDecision(d)
	})
	if err != nil {
		h.log.Error("couldn't post the bot's decision", "conversation", r.id, "seq", t.seq, "err", err)
	}
}

// decide calls the Responder and turns a panic into an error, so that a bug
// in the bot escalates one conversation instead of ending the server.
func (h *Hub) decide(ctx context.Context, t bot.Turn) (d bot.Decision, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("responder panicked: %v", p)
		}
	}()
	return h.responder.Decide(ctx, t), nil
}

// visitorHistory returns up to h.history visitor messages before seq, oldest
// first, looking back over at most 4*h.history messages (a visitor's turn
// and the bot's answer, with room for notices): each turn reads one short
// page, never the whole log, however long the conversation.
func (h *Hub) visitorHistory(ctx context.Context, id string, seq int64) ([]string, error) {
	window := 4 * h.history
	ms, err := h.store.MessagesAfter(ctx, id, max(0, seq-1-int64(window)), window, 0)
	if err != nil {
		return nil, fmt.Errorf("couldn't load messages: %w", err)
	}
	var out []string
	for _, m := range ms {
		if m.Seq >= seq {
			break
		}
		if m.From == store.FromVisitor {
			out = append(out, m.Text)
		}
	}
	if len(out) > h.history {
		out = out[len(out)-h.history:]
	}
	return out, nil
}

// applyDecision posts the bot's decision: its reply as a bot message, or on
// Escalate (or an empty reply) a system message and state waiting. The
// decision itself goes into Meta for the person who takes over.
func (c *change) applyDecision(d bot.Decision) error {
	meta := decisionMeta(d)
	if d.Action == bot.Escalate || strings.TrimSpace(d.Reply) == "" {
		reason := d.Reason
		if reason == "" {
			reason = "low_confidence"
		}
		return c.escalate(reason, d.Lang, d.Reply, meta)
	}
	_, _, err := c.appendMessage(store.Message{
		From: store.FromBot, Text: d.Reply, Sources: d.Sources, Meta: meta,
	})
	return err
}

func decisionMeta(d bot.Decision) json.RawMessage {
	raw, err := json.Marshal(d)
	if err != nil {
		return nil
	}
	return raw
}

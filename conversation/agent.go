package conversation

import (
	"context"
	"strings"

	"github.com/andon-chat/andon/store"
)

// PostAgentMessage commits a person's reply and fans it out. A conversation
// that was not yet with a person moves to state human (reason
// agent_joined): once an agent speaks, the bot stays quiet.
func (h *Hub) PostAgentMessage(ctx context.Context, id, author, text string) (store.Message, error) {
	m, _, err := h.PostAgentReply(ctx, id, author, "", text)
	return m, err
}

// PostAgentReply is PostAgentMessage with the console's clientID, which
// makes a retried send idempotent as for visitors: the same clientID twice
// stores one message and returns it with duplicate = true.
func (h *Hub) PostAgentReply(ctx context.Context, id, author, clientID, text string) (m store.Message, duplicate bool, err error) {
	if strings.TrimSpace(text) == "" {
		return store.Message{}, false, ErrEmptyText
	}
	err = h.update(ctx, id, func(c *change) error {
		m, duplicate, err = c.appendMessage(store.Message{From: store.FromAgent, Author: author, ClientID: clientID, Text: text})
		if err != nil || duplicate {
			return err
		}
		if c.conv.State != store.StateHuman {
			return c.setStateBy(store.StateHuman, ReasonAgentJoined, author)
		}
		return nil
	})
	return m, duplicate, err
}

// PostSystemMessage commits a notice to the conversation ("Anna joined")
// and fans it out.
func (h *Hub) PostSystemMessage(ctx context.Context, id, text string) (store.Message, error) {
	if strings.TrimSpace(text) == "" {
		return store.Message{}, ErrEmptyText
	}
	var m store.Message
	err := h.update(ctx, id, func(c *change) error {
		var err error
		m, err = (&Action{c}).PostSystemMessage(text)
		return err
	})
	return m, err
}

// SetState moves conversation id to state (bot, waiting, human, closed)
// with reason, recording an event and telling every subscriber. Handing
// back to the bot is SetState(ctx, id, store.StateBot, reason).
func (h *Hub) SetState(ctx context.Context, id, state, reason string) error {
	return h.SetStateBy(ctx, id, state, reason, "")
}

// SetStateBy is SetState for a person taking the conversation (state
// human): author is their display name, as their messages will carry it,
// and the state update names them, so the visitor knows who is there
// before they write. A conversation already with a person changes hands
// (a transfer from Anna to Bob): the update is sent again with the new
// name. For other states author is ignored.
func (h *Hub) SetStateBy(ctx context.Context, id, state, reason, author string) error {
	if err := checkState(state); err != nil {
		return err
	}
	return h.update(ctx, id, func(c *change) error { return c.setStateIfChanged(state, reason, author) })
}

// Delta relays a streamed piece of the message that will be committed as
// seq (an LLM answer being written). Nothing is stored: the final message
// frame replaces the pieces. The hub does not reserve seqs yet: a streaming
// bot must learn the seq its message will get from the hub (to come with
// streaming answers), since a visitor message may be committed meanwhile.
func (h *Hub) Delta(ctx context.Context, id string, seq int64, text string) {
	u := &Update{ConversationID: id, Kind: KindDelta, Seq: seq, Text: text}
	h.evict(h.publish(ctx, h.lookup(id), u))
}

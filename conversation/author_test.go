package conversation_test

import (
	"context"
	"testing"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// TestUpdatesNameTheAgent: a state update to human and an agent's typing
// carry the agent's name; a conversation changing hands is announced again
// with the new name; a joining subscriber's state names the owner of the
// open handoff, and a conversation without one names nobody.
func TestUpdatesNameTheAgent(t *testing.T) {
	t.Parallel()
	h, st := newHub(t, conversation.Options{})
	ctx := context.Background()
	c := start(t, h)
	q := conversation.NewQueue(64)
	defer h.Subscribe(c.ID, q)()

	if err := h.SetStateBy(ctx, c.ID, store.StateHuman, conversation.ReasonAgentJoined, "Anna"); err != nil {
		t.Fatal(err)
	}
	if u := nextNonTyping(t, q); u.Kind != conversation.KindState || u.State != store.StateHuman || u.Author != "Anna" {
		t.Fatalf("claim: %+v", u)
	}
	h.TypingAs(ctx, c.ID, store.FromAgent, "Anna", true)
	if u := next(t, q); u.Kind != conversation.KindTyping || u.From != store.FromAgent || u.Author != "Anna" || !u.On {
		t.Fatalf("typing: %+v", u)
	}
	// Same state and reason, another person: announced again.
	if err := h.SetStateBy(ctx, c.ID, store.StateHuman, conversation.ReasonAgentJoined, "Bob"); err != nil {
		t.Fatal(err)
	}
	if u := nextNonTyping(t, q); u.Kind != conversation.KindState || u.Author != "Bob" {
		t.Fatalf("transfer: %+v", u)
	}
	// A name on any other state is dropped.
	if err := h.SetStateBy(ctx, c.ID, store.StateWaiting, "transfer", "Bob"); err != nil {
		t.Fatal(err)
	}
	if u := nextNonTyping(t, q); u.Kind != conversation.KindState || u.State != store.StateWaiting || u.Author != "" {
		t.Fatalf("waiting: %+v", u)
	}
	// An agent who writes first takes the conversation by their reply.
	if _, err := h.PostAgentMessage(ctx, c.ID, "Cleo", "Hi, Cleo here"); err != nil {
		t.Fatal(err)
	}
	nextNonTyping(t, q) // the message
	if u := nextNonTyping(t, q); u.Kind != conversation.KindState || u.State != store.StateHuman || u.Author != "Cleo" {
		t.Fatalf("reply: %+v", u)
	}

	// Joining later: the owner of the open handoff, whoever wrote last.
	conv, err := h.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u := h.StateUpdate(ctx, conv); u.State != store.StateHuman || u.Author != "" {
		t.Fatalf("without a handoff: %+v", u)
	}
	hs := st.(store.Handoffs)
	if err := hs.CreateHandoff(ctx, store.Handoff{ID: "h1", ConversationID: c.ID, Site: conv.Site, Reason: "sensitive:billing",
		AssigneeID: "u-dag", AssigneeName: "Dag Gran"}); err != nil {
		t.Fatal(err)
	}
	if u := h.StateUpdate(ctx, conv); u.State != store.StateHuman || u.Author != "Dag Gran" {
		t.Fatalf("with Dag's handoff: %+v", u)
	}
}

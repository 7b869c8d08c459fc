package conversation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// TestConversationGrowthCap: one conversation takes MessageBurst messages
// from visitors and agents together, then refuses more with
// ErrTooManyMessages and stores nothing; the system's notices still go in,
// and another conversation has its own budget.
func TestConversationGrowthCap(t *testing.T) {
	t.Parallel()
	hub, st := newHub(t, conversation.Options{MessagesPerMinute: 0.001, MessageBurst: 3})
	ctx := context.Background()
	c, err := hub.Start(ctx, conversation.Visit{Site: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := hub.PostVisitorMessage(ctx, c.ID, "v1", "one"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := hub.PostVisitorMessage(ctx, c.ID, "mail:x@example.com", "two, by mail"); err != nil {
		t.Fatal(err)
	}
	if _, err := hub.PostAgentMessage(ctx, c.ID, "Anna", "three"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := hub.PostVisitorMessage(ctx, c.ID, "v4", "four"); !errors.Is(err, conversation.ErrTooManyMessages) {
		t.Fatalf("the visitor's fourth message: %v, want ErrTooManyMessages", err)
	}
	if _, _, err := hub.PostAgentReply(ctx, c.ID, "Anna", "a5", "five"); !errors.Is(err, conversation.ErrTooManyMessages) {
		t.Fatalf("the agent's reply over the cap: %v, want ErrTooManyMessages", err)
	}
	if _, err := hub.PostSystemMessage(ctx, c.ID, "Anna left"); err != nil {
		t.Fatalf("a system notice is not capped: %v", err)
	}
	ms, err := st.Messages(ctx, c.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 4 || ms[3].From != store.FromSystem {
		t.Fatalf("%d messages stored, want the 3 under the cap and the notice", len(ms))
	}
	other, err := hub.Start(ctx, conversation.Visit{Site: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := hub.PostVisitorMessage(ctx, other.ID, "v1", "one"); err != nil {
		t.Fatalf("another conversation was capped too: %v", err)
	}
}

// TestExpireEmpty deletes, at an injected now, the conversations older than
// the TTL that never had a message, and keeps the rest.
func TestExpireEmpty(t *testing.T) {
	t.Parallel()
	hub, st := newHub(t, conversation.Options{EmptyConversationTTL: time.Hour})
	ctx := context.Background()
	empty, err := hub.Start(ctx, conversation.Visit{Site: "default"})
	if err != nil {
		t.Fatal(err)
	}
	talked, err := hub.Start(ctx, conversation.Visit{Site: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := hub.PostVisitorMessage(ctx, talked.ID, "v1", "hello"); err != nil {
		t.Fatal(err)
	}
	if n, err := hub.ExpireEmpty(ctx, time.Now().Add(59*time.Minute)); err != nil || n != 0 {
		t.Fatalf("before the TTL: %d deleted, %v", n, err)
	}
	if n, err := hub.ExpireEmpty(ctx, time.Now().Add(61*time.Minute)); err != nil || n != 1 {
		t.Fatalf("after the TTL: %d deleted, %v; want 1", n, err)
	}
	if _, err := st.Conversation(ctx, empty.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the empty conversation is still there: %v", err)
	}
	if _, err := st.Conversation(ctx, talked.ID); err != nil {
		t.Fatalf("a conversation with a message was deleted: %v", err)
	}
}

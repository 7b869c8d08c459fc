package conversation_test

import (
	"context"
	"errors"
	"testing"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// An Act commits its message and state change together and publishes them
// only after the commit; one that fails keeps and publishes nothing.
func TestActCommitsTogetherAndPublishesAfter(t *testing.T) {
	t.Parallel()
	h, st := newHub(t, conversation.Options{})
	c := start(t, h)
	q := conversation.NewQueue(16)
	defer h.Subscribe(c.ID, q)()
	ctx := context.Background()
	for len(q.Updates()) > 0 { // what subscribing sends (state, presence)
		<-q.Updates()
	}

	failed := errors.New("the handoff changed meanwhile")
	err := h.Act(ctx, c.ID, func(ctx context.Context, a *conversation.Action) error {
		if _, err := a.PostSystemMessage("Anna joined"); err != nil {
			return err
		}
		if err := a.SetStateBy(store.StateHuman, conversation.ReasonAgentJoined, "Anna"); err != nil {
			return err
		}
		if len(q.Updates()) != 0 {
			t.Error("an update was published before the commit")
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("Act = %v, want fn's error", err)
	}
	if ms, _ := st.Messages(ctx, c.ID, 0); len(ms) != 0 {
		t.Fatalf("a failed action kept %d messages", len(ms))
	}
	if got, _ := st.Conversation(ctx, c.ID); got.State != store.StateBot {
		t.Fatalf("a failed action changed the state to %q", got.State)
	}
	if n := len(q.Updates()); n != 0 {
		t.Fatalf("a failed action published %d updates", n)
	}

	err = h.Act(ctx, c.ID, func(ctx context.Context, a *conversation.Action) error {
		if _, err := a.PostSystemMessage("Anna joined"); err != nil {
			return err
		}
		return a.SetStateBy(store.StateHuman, conversation.ReasonAgentJoined, "Anna")
	})
	if err != nil {
		t.Fatal(err)
	}
	// A message update carries the state it was committed in, so the desk
	// needs no read of the store to tell a bot's conversation.
	if u := next(t, q); u.Kind != conversation.KindMessage || u.Message.Seq != 1 || u.State != store.StateBot {
		t.Fatalf("first update %+v, want the message, in state bot", u)
	}
	if u := next(t, q); u.Kind != conversation.KindState || u.State != store.StateHuman || u.Author != "Anna" {
		t.Fatalf("second update %+v, want state human by Anna", u)
	}
}

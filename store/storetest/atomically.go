package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/andon-chat/andon/store"
)

// groupWrites makes a message, an event, a participant and a state change
// of conversation id with ctx: the writes of a desk action.
func groupWrites(ctx context.Context, s store.Store, id string) error {
	if _, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, From: store.FromSystem, Text: "Anna joined"}); err != nil {
		return err
	}
	if err := s.AddEvent(ctx, store.Event{ConversationID: id, Kind: "handoff", Data: []byte(`{"action":"claimed"}`)}); err != nil {
		return err
	}
	if err := s.AddParticipant(ctx, store.Participant{ConversationID: id, Kind: "agent", Name: "Anna"}); err != nil {
		return err
	}
	return s.UpdateConversation(ctx, store.Conversation{ID: id, Site: "default", State: store.StateHuman, Reason: "agent_joined"})
}

// landed reports how many of groupWrites' writes are stored.
func landed(t *testing.T, s store.Store, id string) int {
	t.Helper()
	ctx := t.Context()
	n := 0
	if ms, err := s.Messages(ctx, id, 0); err != nil {
		t.Fatalf("Messages: %v", err)
	} else {
		n += len(ms)
	}
	if es, err := s.Events(ctx, id); err != nil {
		t.Fatalf("Events: %v", err)
	} else {
		n += len(es)
	}
	if ps, err := s.Participants(ctx, id); err != nil {
		t.Fatalf("Participants: %v", err)
	} else {
		n += len(ps)
	}
	if c, err := s.Conversation(ctx, id); err != nil {
		t.Fatalf("Conversation: %v", err)
	} else if c.State == store.StateHuman {
		n++
	}
	return n
}

func testAtomicallyCommitsTogether(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	if err := s.Atomically(t.Context(), func(ctx context.Context) error { return groupWrites(ctx, s, id) }); err != nil {
		t.Fatalf("Atomically: %v", err)
	}
	if n := landed(t, s, id); n != 4 {
		t.Fatalf("%d of 4 writes landed", n)
	}
	c, err := s.Conversation(t.Context(), id)
	if err != nil || c.LastSeq != 1 {
		t.Fatalf("conversation after the group: %+v, %v", c, err)
	}
}

func testAtomicallyRollsBackTogether(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	// A failing write in the middle (an event of a conversation that does
	// not exist) whose error the group returns: nothing of it is kept.
	err := s.Atomically(t.Context(), func(ctx context.Context) error {
		if _, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, From: store.FromSystem, Text: "Anna joined"}); err != nil {
			return err
		}
		if err := s.AddEvent(ctx, store.Event{ConversationID: "missing", Kind: "handoff"}); err != nil {
			return err
		}
		return groupWrites(ctx, s, id)
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Atomically = %v, want the failing write's store.ErrNotFound", err)
	}
	if n := landed(t, s, id); n != 0 {
		t.Fatalf("%d writes of a failed group landed", n)
	}
	// An error of fn's own also undoes every write before it.
	mine := errors.New("changed my mind")
	err = s.Atomically(t.Context(), func(ctx context.Context) error {
		if err := groupWrites(ctx, s, id); err != nil {
			return err
		}
		return mine
	})
	if !errors.Is(err, mine) {
		t.Fatalf("Atomically = %v, want fn's error", err)
	}
	if n := landed(t, s, id); n != 0 {
		t.Fatalf("%d writes of a failed group landed", n)
	}
	// The store is usable afterwards, and the next seq is still 1.
	if m, _ := appendText(t, s, id, "", "hello"); m.Seq != 1 {
		t.Fatalf("seq after a rolled back group = %d, want 1", m.Seq)
	}
}

func testAtomicallyIgnoredError(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	err := s.Atomically(t.Context(), func(ctx context.Context) error {
		if err := s.AddEvent(ctx, store.Event{ConversationID: "missing", Kind: "handoff"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AddEvent of a missing conversation in a group = %v", err)
		}
		return groupWrites(ctx, s, id)
	})
	if err != nil {
		t.Fatalf("Atomically: %v", err)
	}
	if n := landed(t, s, id); n != 4 {
		t.Fatalf("%d of 4 writes landed", n)
	}
}

func testAtomicallyContextEnds(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	var kept context.Context
	err := s.Atomically(t.Context(), func(ctx context.Context) error {
		kept = ctx
		// Nested: joins the group, and fails it.
		return s.Atomically(ctx, func(ctx context.Context) error {
			if err := groupWrites(ctx, s, id); err != nil {
				return err
			}
			return errors.New("inner")
		})
	})
	if err == nil {
		t.Fatal("a failing nested group did not fail the outer one")
	}
	if n := landed(t, s, id); n != 0 {
		t.Fatalf("%d writes of a failed nested group landed", n)
	}
	if err := s.AddEvent(kept, store.Event{ConversationID: id, Kind: "late"}); err == nil {
		t.Fatal("a write with the context of a finished group succeeded")
	}
	if n := landed(t, s, id); n != 0 {
		t.Fatalf("a write after the group landed (%d)", n)
	}
}

package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// TestAppendNeverReportsACommittedWriteAsFailed: a caller whose context ends
// after its write has run but before the batch commits must not be told the
// write failed. The hub fans a message out only when AppendMessage succeeds,
// and a retry of the same client_id is a duplicate that is not fanned out
// again, so a committed message reported as failed would reach the retrying
// tab alone, never the visitor's other tabs, the agents or the bot.
func TestAppendNeverReportsACommittedWriteAsFailed(t *testing.T) {
	t.Parallel()
	s := openTest(t, Options{Synchronous: "normal"})
	ctx := t.Context()
	id := store.NewID()
	if err := s.CreateConversation(ctx, store.Conversation{ID: id}); err != nil {
		t.Fatal(err)
	}
	// Hold the writer so that the next two writes share one batch.
	hold, held := make(chan struct{}), make(chan struct{})
	blocker := make(chan error, 1)
	go func() {
		blocker <- s.w.do(ctx, func(context.Context, *writer) error {
			close(held)
			<-hold
			return nil
		})
	}()
	<-held
	callerCtx, cancelCaller := context.WithCancel(ctx)
	type result struct {
		m   store.Message
		err error
	}
	appended := make(chan result, 1)
	go func() {
		m, _, err := s.AppendMessage(callerCtx, store.Message{ConversationID: id, From: store.FromVisitor, ClientID: "c1", Text: "hello"})
		appended <- result{m, err}
	}()
	waitQueued(t, s, 1)
	// Runs after the append, in the same transaction: the caller gives up
	// while the batch is still open.
	later := make(chan error, 1)
	go func() {
		later <- s.w.do(ctx, func(context.Context, *writer) error {
			cancelCaller()
			time.Sleep(100 * time.Millisecond)
			return nil
		})
	}()
	waitQueued(t, s, 2)
	close(hold)
	if err := <-blocker; err != nil {
		t.Fatal(err)
	}
	if err := <-later; err != nil {
		t.Fatal(err)
	}
	r := <-appended
	ms, err := s.Messages(ctx, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Fatalf("stored %d messages, want 1", len(ms))
	}
	if r.err != nil {
		t.Fatalf("AppendMessage returned %v, but the message was committed as seq %d", r.err, ms[0].Seq)
	}
	if r.m.Seq != ms[0].Seq {
		t.Fatalf("AppendMessage returned seq %d, stored %d", r.m.Seq, ms[0].Seq)
	}
}

// waitQueued waits until n writes wait in the writer's queue.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.w.ops) < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %d queued writes", n)
		}
		time.Sleep(time.Millisecond)
	}
}

package pgbus

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/postgres"
	"github.com/andon-chat/andon/store/postgres/pgtest"
)

// instance is one andon's hub on the shared database, joined to the bus.
func instance(t *testing.T, dsn, name string) *conversation.Hub {
	t.Helper()
	st, err := postgres.Open(t.Context(), dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var hub atomic.Pointer[conversation.Hub]
	b, err := Open(t.Context(), Options{DSN: dsn, Instance: name, Deliver: func(u *conversation.Update) {
		if h := hub.Load(); h != nil {
			h.Deliver(u)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	waitListening(t, b)
	h := conversation.NewHub(conversation.Options{Store: st, Bus: b})
	hub.Store(h)
	t.Cleanup(func() { b.Close(); h.Close() })
	return h
}

// next returns the next update of kind from from (a message's or typing's
// sender), skipping others (a subscriber also gets its own side's updates).
func next(t *testing.T, q *conversation.Queue, kind conversation.Kind, from string) *conversation.Update {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case u := <-q.Updates():
			if u.Kind == kind && (u.From == from || u.Message != nil && u.Message.From == from) {
				return u
			}
		case <-timeout:
			t.Fatalf("no %s update within 5s", kind)
		}
	}
}

// A visitor on instance A and an agent on instance B: messages both ways
// with gap-free seq, and typing, arrive live.
func TestVisitorOnAAgentOnB(t *testing.T) {
	t.Parallel()
	dsn := pgtest.FreshSchema(t)
	a := instance(t, dsn, "a")
	b := instance(t, dsn, "b")
	ctx := t.Context()
	c, err := a.Start(ctx, conversation.Visit{Site: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetState(ctx, c.ID, store.StateHuman, "test"); err != nil {
		t.Fatal(err)
	}
	visitor, agent := conversation.NewQueue(64), conversation.NewQueue(64)
	defer a.Subscribe(c.ID, visitor)()
	defer b.Watch(c.ID, agent)()

	var seq int64
	for i := range 5 {
		m, _, err := a.PostVisitorMessage(ctx, c.ID, "v"+string(rune('0'+i)), "from the visitor")
		if err != nil {
			t.Fatal(err)
		}
		if u := next(t, agent, conversation.KindMessage, store.FromVisitor); u.Message.Seq != m.Seq || u.Message.Seq != seq+1 {
			t.Fatalf("agent on B got seq %d, want %d (stored %d)", u.Message.Seq, seq+1, m.Seq)
		}
		seq++
		r, err := b.PostAgentMessage(ctx, c.ID, "Ada", "from the agent")
		if err != nil {
			t.Fatal(err)
		}
		if u := next(t, visitor, conversation.KindMessage, store.FromAgent); u.Message.Seq != r.Seq || u.Message.Seq != seq+1 {
			t.Fatalf("visitor on A got seq %d, want %d", u.Message.Seq, seq+1)
		}
		seq++
	}
	b.Typing(ctx, c.ID, store.FromAgent, true)
	if u := next(t, visitor, conversation.KindTyping, store.FromAgent); !u.On || u.From != store.FromAgent {
		t.Fatalf("typing at A = %+v", u)
	}
	a.Typing(ctx, c.ID, store.FromVisitor, true)
	if u := next(t, agent, conversation.KindTyping, store.FromVisitor); !u.On || u.From != store.FromVisitor {
		t.Fatalf("typing at B = %+v", u)
	}
}

package handoff

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

// An inbox holds at most its bound; what finds it full is dropped and
// reported at the next take.
func TestInboxIsBounded(t *testing.T) {
	in := newInbox(2)
	for range 5 {
		in.push(&conversation.Update{Kind: conversation.KindState})
	}
	us, overflowed, ok := in.take()
	if !ok || len(us) != 2 || !overflowed {
		t.Fatalf("take = %d updates, overflowed %v, ok %v; want 2, true, true", len(us), overflowed, ok)
	}
	in.push(&conversation.Update{Kind: conversation.KindState})
	if us, overflowed, _ := in.take(); len(us) != 1 || overflowed {
		t.Fatalf("after the overflow was taken: %d updates, overflowed %v", len(us), overflowed)
	}
}

// Escalations whose updates were dropped because the desk fell behind are
// queued all the same: the worker resynchronises from the store.
func TestOverflowResynchronisesFromTheStore(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a.db"), sqlite.Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hub := conversation.NewHub(conversation.Options{Store: st})
	defer hub.Close()
	d, err := New(Options{Hub: hub, Store: st, Workers: 1, InboxSize: 2, TickInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// Subscribed, but no worker runs yet: the desk is behind.
	d.unsubHub = hub.SubscribeAll(listener{d})
	var ids []string
	for range 4 {
		c, err := hub.Start(ctx, conversation.Visit{Site: "default", Locale: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if err := hub.SetState(ctx, c.ID, store.StateWaiting, "asked_for_human"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	us, overflowed, ok := d.shards[0].take()
	if !ok || len(us) != 2 || !overflowed {
		t.Fatalf("inbox: %d updates, overflowed %v; want 2 and an overflow", len(us), overflowed)
	}
	d.process(ctx, us, overflowed)
	for _, id := range ids {
		if _, err := st.OpenHandoff(ctx, id); err != nil {
			t.Errorf("conversation %s has no handoff after the resynchronisation: %v", id, err)
		}
	}
	if n := len(d.All()); n != len(ids) {
		t.Fatalf("%d items at the desk, want %d", n, len(ids))
	}
}

package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/storetest"
)

func TestDeliveryConformance(t *testing.T) {
	t.Parallel()
	storetest.RunDeliveries(t, func(t *testing.T) store.Deliveries { return openTest(t, Options{}) })
}

// A pending delivery is still pending, with its attempts, after the store
// is closed and opened again: what the notifier resumes after a restart.
func TestDeliveriesSurviveReopen(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "andon.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	next := time.Now().Add(time.Minute).UTC().Truncate(time.Microsecond)
	d := store.Delivery{ID: "d", EventID: "e", EventType: "handoff.created", Channel: "webhook:ops", Payload: []byte(`{"a":1}`)}
	if err := s.AddDeliveries(ctx, []store.Delivery{d}); err != nil {
		t.Fatal(err)
	}
	d.Status, d.Attempts, d.LastError, d.LastStatus, d.NextAttemptAt = store.DeliveryPending, 3, "503", 503, next
	if err := s.UpdateDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openPath(t, path, Options{})
	got, err := s.PendingDeliveries(ctx, 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("PendingDeliveries after reopen = %+v, %v", got, err)
	}
	if g := got[0]; g.ID != "d" || g.Attempts != 3 || g.LastStatus != 503 || !g.NextAttemptAt.Equal(next) || string(g.Payload) != `{"a":1}` {
		t.Fatalf("after reopen = %+v", g)
	}
}

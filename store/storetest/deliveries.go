package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// RunDeliveries runs the store.Deliveries conformance suite. open must
// return a new, empty store for each call and close it when t ends.
//
// Beyond the interface's doc comments, it fixes: times round-trip to within
// a millisecond and zero optional times (NextAttemptAt, DeliveredAt) stay
// zero; Payload round-trips as equal JSON and a payload that is not JSON is
// refused; concurrent AddDeliveries of the same ID store one row.
func RunDeliveries(t *testing.T, open func(t *testing.T) store.Deliveries) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Deliveries)
	}{
		{"Empty", testDeliveriesEmpty},
		{"RoundTrip", testDeliveriesRoundTrip},
		{"Defaults", testDeliveriesDefaults},
		{"SameIDKeepsFirst", testDeliveriesSameIDKeepsFirst},
		{"ConcurrentSameID", testDeliveriesConcurrentSameID},
		{"AllOrNothing", testDeliveriesAllOrNothing},
		{"Update", testDeliveriesUpdate},
		{"UpdateUnknown", testDeliveriesUpdateUnknown},
		{"PendingOrder", testDeliveriesPendingOrder},
		{"ListNewestFirst", testDeliveriesListNewestFirst},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// deliveryAt is a fixed, microsecond-exact base time for the suite.
var deliveryAt = time.Date(2026, 3, 4, 5, 6, 7, 8000, time.UTC)

func newDelivery(id string, created time.Time) store.Delivery {
	return store.Delivery{
		ID: id, EventID: "ev-" + id, EventType: "handoff.created", Channel: "webhook:ops",
		ConversationID: "conv-" + id, Payload: []byte(`{"id":"ev-` + id + `","type":"handoff.created"}`),
		Status: store.DeliveryPending, NextAttemptAt: created, CreatedAt: created, UpdatedAt: created,
	}
}

func sameDelivery(t *testing.T, got, want store.Delivery) bool {
	t.Helper()
	return got.ID == want.ID && got.EventID == want.EventID && got.EventType == want.EventType &&
		got.Channel == want.Channel && got.ConversationID == want.ConversationID &&
		sameJSON(t, got.Payload, want.Payload) && got.Status == want.Status && got.Attempts == want.Attempts &&
		got.LastError == want.LastError && got.LastStatus == want.LastStatus &&
		sameDeliveryTime(got.NextAttemptAt, want.NextAttemptAt) && sameTime(got.CreatedAt, want.CreatedAt) &&
		sameDeliveryTime(got.DeliveredAt, want.DeliveredAt)
}

// sameDeliveryTime is sameTime where zero must stay zero.
func sameDeliveryTime(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	return sameTime(a, b)
}

func addDeliveries(t *testing.T, s store.Deliveries, ds ...store.Delivery) {
	t.Helper()
	if err := s.AddDeliveries(t.Context(), ds); err != nil {
		t.Fatalf("AddDeliveries: %v", err)
	}
}

func getDelivery(t *testing.T, s store.Deliveries, id string) store.Delivery {
	t.Helper()
	d, err := s.Delivery(t.Context(), id)
	if err != nil {
		t.Fatalf("Delivery(%q): %v", id, err)
	}
	return d
}

func deliveryIDs(ds []store.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func testDeliveriesEmpty(t *testing.T, s store.Deliveries) {
	ctx := t.Context()
	if ds, err := s.ListDeliveries(ctx, 10); err != nil || len(ds) != 0 {
		t.Fatalf("ListDeliveries on an empty store = %v, %v", ds, err)
	}
	if ds, err := s.PendingDeliveries(ctx, 10); err != nil || len(ds) != 0 {
		t.Fatalf("PendingDeliveries on an empty store = %v, %v", ds, err)
	}
	if _, err := s.Delivery(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delivery(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.AddDeliveries(ctx, nil); err != nil {
		t.Fatalf("AddDeliveries(nil) = %v", err)
	}
}

func testDeliveriesRoundTrip(t *testing.T, s store.Deliveries) {
	want := newDelivery("d1", deliveryAt)
	want.Attempts, want.LastError, want.LastStatus = 2, "the receiver answered 503", 503
	addDeliveries(t, s, want)
	if got := getDelivery(t, s, "d1"); !sameDelivery(t, got, want) {
		t.Fatalf("Delivery = %+v\nwant %+v", got, want)
	}
	delivered := newDelivery("d2", deliveryAt)
	delivered.Status, delivered.NextAttemptAt, delivered.DeliveredAt = store.DeliveryDelivered, time.Time{}, deliveryAt.Add(time.Second)
	addDeliveries(t, s, delivered)
	if got := getDelivery(t, s, "d2"); !sameDelivery(t, got, delivered) {
		t.Fatalf("delivered Delivery = %+v\nwant %+v", got, delivered)
	}
}

func testDeliveriesDefaults(t *testing.T, s store.Deliveries) {
	before := time.Now().Add(-time.Second)
	addDeliveries(t, s, store.Delivery{ID: "d", EventID: "e", EventType: "handoff.created", Channel: "email:cto"})
	got := getDelivery(t, s, "d")
	after := time.Now().Add(time.Second)
	if got.Status != store.DeliveryPending || got.Attempts != 0 || got.Payload != nil {
		t.Fatalf("defaults = %+v, want pending, 0 attempts, no payload", got)
	}
	for name, v := range map[string]time.Time{"CreatedAt": got.CreatedAt, "UpdatedAt": got.UpdatedAt, "NextAttemptAt": got.NextAttemptAt} {
		if v.Before(before) || v.After(after) {
			t.Errorf("%s = %v, want now", name, v)
		}
	}
	if !got.DeliveredAt.IsZero() {
		t.Errorf("DeliveredAt = %v, want zero", got.DeliveredAt)
	}
	if ds, err := s.PendingDeliveries(t.Context(), 0); err != nil || len(ds) != 1 {
		t.Fatalf("PendingDeliveries(0) = %v, %v; want the one delivery (0 means all)", ds, err)
	}
}

func testDeliveriesSameIDKeepsFirst(t *testing.T, s store.Deliveries) {
	first := newDelivery("d", deliveryAt)
	addDeliveries(t, s, first)
	again := newDelivery("d", deliveryAt.Add(time.Hour))
	again.Channel, again.Attempts = "email:other", 5
	addDeliveries(t, s, again, newDelivery("e", deliveryAt))
	if got := getDelivery(t, s, "d"); !sameDelivery(t, got, first) {
		t.Fatalf("after adding the same ID again: %+v\nwant the first %+v", got, first)
	}
	if ds, err := s.ListDeliveries(t.Context(), 0); err != nil || len(ds) != 2 {
		t.Fatalf("ListDeliveries = %v, %v; want d and e once each", deliveryIDs(ds), err)
	}
}

func testDeliveriesConcurrentSameID(t *testing.T, s store.Deliveries) {
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			d := newDelivery("same", deliveryAt.Add(time.Duration(i)*time.Second))
			errs <- s.AddDeliveries(t.Context(), []store.Delivery{d})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent AddDeliveries: %v", err)
		}
	}
	if ds, err := s.ListDeliveries(t.Context(), 0); err != nil || len(ds) != 1 {
		t.Fatalf("ListDeliveries = %v, %v; want one row", deliveryIDs(ds), err)
	}
}

func testDeliveriesAllOrNothing(t *testing.T, s store.Deliveries) {
	bad := newDelivery("bad", deliveryAt)
	bad.Payload = []byte(`{not json`)
	if err := s.AddDeliveries(t.Context(), []store.Delivery{newDelivery("good", deliveryAt), bad}); err == nil {
		t.Fatal("AddDeliveries with a payload that is not JSON succeeded")
	}
	wrong := newDelivery("wrong", deliveryAt)
	wrong.Status = "sent"
	if err := s.AddDeliveries(t.Context(), []store.Delivery{newDelivery("good", deliveryAt), wrong}); err == nil {
		t.Fatal("AddDeliveries with an unknown status succeeded")
	}
	if ds, err := s.ListDeliveries(t.Context(), 0); err != nil || len(ds) != 0 {
		t.Fatalf("after failed adds ListDeliveries = %v, %v; want nothing stored", deliveryIDs(ds), err)
	}
}

func testDeliveriesUpdate(t *testing.T, s store.Deliveries) {
	ctx := t.Context()
	d := newDelivery("d", deliveryAt)
	addDeliveries(t, s, d)

	d.Attempts, d.LastError, d.LastStatus, d.NextAttemptAt = 1, "connection refused", 0, deliveryAt.Add(2*time.Second)
	if err := s.UpdateDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	got := getDelivery(t, s, "d")
	if !sameDelivery(t, got, d) {
		t.Fatalf("after a failed attempt = %+v\nwant %+v", got, d)
	}
	if !got.UpdatedAt.After(deliveryAt) {
		t.Errorf("UpdatedAt = %v, want now", got.UpdatedAt)
	}

	d.Attempts, d.Status, d.LastError, d.LastStatus = 2, store.DeliveryDelivered, "", 200
	d.NextAttemptAt, d.DeliveredAt = time.Time{}, deliveryAt.Add(3*time.Second)
	// Fields besides the outcome are not the update's to change.
	changed := d
	changed.Channel, changed.Payload = "webhook:other", []byte(`{}`)
	if err := s.UpdateDelivery(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if got := getDelivery(t, s, "d"); !sameDelivery(t, got, d) {
		t.Fatalf("after delivery = %+v\nwant %+v", got, d)
	}
	if ds, err := s.PendingDeliveries(ctx, 10); err != nil || len(ds) != 0 {
		t.Fatalf("PendingDeliveries after delivery = %v, %v; want none", deliveryIDs(ds), err)
	}
	d.Status = "sent"
	if err := s.UpdateDelivery(ctx, d); err == nil {
		t.Fatal("UpdateDelivery with an unknown status succeeded")
	}
}

func testDeliveriesUpdateUnknown(t *testing.T, s store.Deliveries) {
	err := s.UpdateDelivery(t.Context(), newDelivery("ghost", deliveryAt))
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateDelivery(unknown) = %v, want ErrNotFound", err)
	}
}

func testDeliveriesPendingOrder(t *testing.T, s store.Deliveries) {
	ctx := t.Context()
	var ds []store.Delivery
	// Due times in an order unlike creation and ID order.
	for i, offset := range []int{30, 10, 20, 10, 40} {
		d := newDelivery(fmt.Sprintf("d%d", i), deliveryAt.Add(time.Duration(i)*time.Second))
		d.NextAttemptAt = deliveryAt.Add(time.Duration(offset) * time.Second)
		ds = append(ds, d)
	}
	done := newDelivery("done", deliveryAt)
	done.Status, done.NextAttemptAt = store.DeliveryDelivered, time.Time{}
	failed := newDelivery("failed", deliveryAt)
	failed.Status, failed.NextAttemptAt = store.DeliveryFailed, time.Time{}
	addDeliveries(t, s, append(ds, done, failed)...)
	got, err := s.PendingDeliveries(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"d1", "d3", "d2", "d0", "d4"}; fmt.Sprint(deliveryIDs(got)) != fmt.Sprint(want) {
		t.Fatalf("PendingDeliveries = %v, want %v (due first, then created first)", deliveryIDs(got), want)
	}
	if got, err := s.PendingDeliveries(ctx, 2); err != nil || fmt.Sprint(deliveryIDs(got)) != "[d1 d3]" {
		t.Fatalf("PendingDeliveries(2) = %v, %v; want [d1 d3]", deliveryIDs(got), err)
	}
}

func testDeliveriesListNewestFirst(t *testing.T, s store.Deliveries) {
	ctx := t.Context()
	for i := range 5 {
		d := newDelivery(fmt.Sprintf("d%d", i), deliveryAt.Add(time.Duration(i)*time.Minute))
		if i%2 == 1 {
			d.Status, d.NextAttemptAt, d.DeliveredAt = store.DeliveryDelivered, time.Time{}, d.CreatedAt
		}
		addDeliveries(t, s, d)
	}
	got, err := s.ListDeliveries(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[d4 d3 d2]"; fmt.Sprint(deliveryIDs(got)) != want {
		t.Fatalf("ListDeliveries(3) = %v, want %s", deliveryIDs(got), want)
	}
	all, err := s.ListDeliveries(ctx, 0)
	if err != nil || len(all) != 5 {
		t.Fatalf("ListDeliveries(0) = %d, %v; want all 5", len(all), err)
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.AddDeliveries(ctx, []store.Delivery{newDelivery("late", deliveryAt)}); err == nil {
		t.Fatal("AddDeliveries with a done context succeeded")
	}
	if _, err := s.Delivery(t.Context(), "late"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a write with a done context stored something: %v", err)
	}
}

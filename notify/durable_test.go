package notify

import (
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// A delivery recorded by one process is sent by the next one: Notify
// without Start (the process stops before sending), close the store, open
// it again and start a new Dispatcher.
func TestResumePendingAfterReopen(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", nil)
	path := filepath.Join(t.TempDir(), "andon.db")
	cfg := testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil)

	st := openStore(t, path)
	first := newDispatcher(t, cfg, st)
	first.Notify(t.Context(), sampleEvent("ev"))
	first.Close()
	id := onlyDelivery(t, st).ID
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("an unstarted dispatcher sent %d requests", n)
	}

	st = openStore(t, path)
	if p, err := st.PendingDeliveries(t.Context(), 0); err != nil || len(p) != 1 || p[0].ID != id {
		t.Fatalf("pending after reopen = %+v, %v", p, err)
	}
	second := newDispatcher(t, cfg, st)
	second.Start(t.Context())
	row := waitDelivery(t, st, id, isStatus(store.DeliveryDelivered))
	if row.Attempts != 1 {
		t.Fatalf("row = %+v", row)
	}
	if reqs := rcv.requests(); len(reqs) != 1 || reqs[0].Delivery != id || !reqs[0].Signed {
		t.Fatalf("receiver got %+v, want one signed request of %s", reqs, id)
	}
}

// One (event, channel) is one delivery ID: on every retry, when the event
// is notified again, and across a restart in the middle of the retries.
func TestNoDuplicateDeliveryIDs(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", func(n int, _ http.ResponseWriter) int {
		if n < 3 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	path := filepath.Join(t.TempDir(), "andon.db")
	cfg := testConfig([]Webhook{
		{Name: "a", URL: rcv.srv.URL + "/a", Secret: "k"},
		{Name: "b", URL: rcv.srv.URL + "/b", Secret: "k"},
	}, nil)

	// The first process fails once per channel, then waits an hour before
	// retrying, and stops.
	st := openStore(t, path)
	first := newDispatcher(t, cfg, st, func(o *Options) { o.Backoff = func(int) time.Duration { return time.Hour } })
	first.Start(t.Context())
	e := sampleEvent("ev")
	first.Notify(t.Context(), e)
	first.Notify(t.Context(), e) // the desk retried its call
	rows, err := st.ListDeliveries(t.Context(), 0)
	if err != nil || len(rows) != 2 {
		t.Fatalf("deliveries after notifying twice = %+v, %v; want one per channel", rows, err)
	}
	for _, r := range rows {
		waitDelivery(t, st, r.ID, func(d store.Delivery) bool { return d.Attempts == 1 })
	}
	first.Close()
	st.Close()

	// The second process, two hours later, retries until both are through,
	// and is told about the same event again.
	st = openStore(t, path)
	later := func() time.Time { return time.Now().Add(2 * time.Hour) }
	second := newDispatcher(t, cfg, st, func(o *Options) { o.Now = later })
	second.Start(t.Context())
	second.Notify(t.Context(), e)
	for _, r := range rows {
		waitDelivery(t, st, r.ID, isStatus(store.DeliveryDelivered))
	}
	second.Close()
	if all, err := st.ListDeliveries(t.Context(), 0); err != nil || len(all) != 2 {
		t.Fatalf("deliveries at the end = %+v, %v; want still one per channel", all, err)
	}

	idsByPath := map[string][]string{}
	for _, r := range rcv.requests() {
		if !r.Signed {
			t.Fatalf("unsigned request %+v", r)
		}
		if !slices.Contains(idsByPath[r.Path], r.Delivery) {
			idsByPath[r.Path] = append(idsByPath[r.Path], r.Delivery)
		}
		if wb := decodeBody(t, r.Body); wb.ID != r.Delivery {
			t.Fatalf("body id %q != header %q", wb.ID, r.Delivery)
		}
	}
	if len(rcv.requests()) != 5 {
		t.Errorf("receiver got %d requests, want 5 (3 refused, 2 accepted)", len(rcv.requests()))
	}
	if len(idsByPath["/a"]) != 1 || len(idsByPath["/b"]) != 1 || idsByPath["/a"][0] == idsByPath["/b"][0] {
		t.Fatalf("delivery IDs by channel = %v; want exactly one per channel, different between channels", idsByPath)
	}
}

// When the store cannot record a delivery, Notify still gets it out (from
// memory) rather than dropping it.
func TestNotifySendsFromMemoryWhenTheStoreFails(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", answers(500))
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil), st)
	st.Close()
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	deadline := time.Now().Add(10 * time.Second)
	for len(rcv.requests()) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("receiver got %d requests, want a retried delivery", len(rcv.requests()))
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The receiver has answered the retry; the dispatcher lets go of the
	// delivery once it has read that answer, which may be a moment later.
	unstored := func() int {
		d.mu.Lock()
		defer d.mu.Unlock()
		return len(d.unstored)
	}
	for unstored() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still held in memory after success", unstored())
		}
		time.Sleep(5 * time.Millisecond)
	}
	d.Close()
	reqs := rcv.requests()
	if len(reqs) != 2 || reqs[0].Delivery != reqs[1].Delivery || reqs[0].Delivery != deliveryID("ev", "webhook:ops") {
		t.Fatalf("requests = %+v, want the same delivery retried once", reqs)
	}
}

// Close during a slow attempt returns promptly and does not count the cut
// attempt; the delivery stays pending for the next process.
func TestCloseCutsAttemptShort(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rcv := newReceiver(t, "k", func(int, http.ResponseWriter) int {
		<-release
		return 200
	})
	t.Cleanup(func() { close(release) })
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil), st)
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	deadline := time.Now().Add(10 * time.Second)
	for len(rcv.requests()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no attempt started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	d.Close()
	row := onlyDelivery(t, st)
	if row.Status != store.DeliveryPending || row.Attempts != 0 {
		t.Fatalf("row after Close = %+v, want pending with no attempt counted", row)
	}
}

// A failed delivery sent again by an admin keeps its ID and gets a fresh
// round of attempts.
func TestRedeliver(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", answers(410))
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{{Name: "ops", URL: rcv.srv.URL, Secret: "k"}}, nil), st)
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	id := onlyDelivery(t, st).ID
	waitDelivery(t, st, id, isStatus(store.DeliveryFailed))
	if err := d.Redeliver(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	row := waitDelivery(t, st, id, isStatus(store.DeliveryDelivered))
	if row.Attempts != 1 || row.LastError != "" || row.LastStatus != 200 {
		t.Fatalf("row = %+v, want delivered on the first attempt of the new round", row)
	}
	reqs := rcv.requests()
	if len(reqs) != 2 || reqs[0].Delivery != id || reqs[1].Delivery != id {
		t.Fatalf("requests = %+v, want two of %s", reqs, id)
	}
	if err := d.Redeliver(t.Context(), "dlv_unknown"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Redeliver(unknown) = %v, want ErrNotFound", err)
	}
}

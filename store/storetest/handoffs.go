package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// HandoffStore is a store with handoffs: the conversations they belong to
// and the handoff records themselves.
type HandoffStore interface {
	store.Store
	store.Handoffs
}

// RunHandoffs runs the store.Handoffs conformance suite. open must return a
// new, empty store for each call and close it when t ends.
//
// Beyond the interface's doc comments it fixes: unset times (AckedAt,
// ClosedAt, ...) read back as zero; UpdateHandoff of an unknown ID is
// store.ErrNotFound; a closed handoff no longer blocks a new open one.
func RunHandoffs(t *testing.T, open func(t *testing.T) HandoffStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s HandoffStore)
	}{
		{"RoundTrip", testHandoffRoundTrip},
		{"OneOpenPerConversation", testHandoffOneOpen},
		{"VersionedUpdate", testHandoffVersionedUpdate},
		{"ConcurrentClaims", testHandoffConcurrentClaims},
		{"Lists", testHandoffLists},
		{"ConversationsByState", testConversationsByState},
		{"VisitorConversations", testVisitorConversations},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

func sampleHandoff(convID string, at time.Time) store.Handoff {
	return store.Handoff{
		ID: store.NewID(), ConversationID: convID, Site: "default", Reason: "sensitive:billing",
		Team: "billing", Priority: 0, State: store.HandoffOpen, DueAt: at.Add(2 * time.Minute),
		NextPageAt: at.Add(2 * time.Minute), CreatedAt: at, UpdatedAt: at,
	}
}

func sameHandoff(got, want store.Handoff) bool {
	return got.ID == want.ID && got.ConversationID == want.ConversationID && got.Site == want.Site &&
		got.Reason == want.Reason && got.Team == want.Team && got.Priority == want.Priority && got.State == want.State &&
		got.AssigneeID == want.AssigneeID && got.AssigneeName == want.AssigneeName && got.Note == want.Note &&
		got.Level == want.Level && sameHandoffTime(got.DueAt, want.DueAt) && sameHandoffTime(got.NextPageAt, want.NextPageAt) &&
		sameHandoffTime(got.AckedAt, want.AckedAt) && sameHandoffTime(got.ClaimedAt, want.ClaimedAt) &&
		sameTime(got.CreatedAt, want.CreatedAt) && sameHandoffTime(got.ClosedAt, want.ClosedAt) &&
		got.Outcome == want.Outcome && got.Category == want.Category && got.Summary == want.Summary &&
		got.ClosedBy == want.ClosedBy && got.Version == want.Version
}

func sameHandoffTime(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() == b.IsZero()
	}
	return sameTime(a, b)
}

func testHandoffRoundTrip(t *testing.T, s HandoffStore) {
	ctx := t.Context()
	conv := newConversation(t, s)
	at := time.Date(2026, 3, 4, 5, 6, 7, 8000, time.UTC)
	h := sampleHandoff(conv, at)
	if err := s.CreateHandoff(ctx, h); err != nil {
		t.Fatalf("CreateHandoff: %v", err)
	}
	got, err := s.Handoff(ctx, h.ID)
	if err != nil {
		t.Fatalf("Handoff: %v", err)
	}
	if !sameHandoff(got, h) || !got.AckedAt.IsZero() || !got.ClosedAt.IsZero() {
		t.Fatalf("Handoff = %+v\nwant %+v", got, h)
	}
	open, err := s.OpenHandoff(ctx, conv)
	if err != nil || open.ID != h.ID {
		t.Fatalf("OpenHandoff = %+v, %v", open, err)
	}
	if _, err := s.Handoff(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Handoff(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.OpenHandoff(ctx, newConversation(t, s)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("OpenHandoff(none) = %v, want ErrNotFound", err)
	}
	other := sampleHandoff("no-such-conversation", at)
	if err := s.CreateHandoff(ctx, other); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("CreateHandoff(unknown conversation) = %v, want ErrNotFound", err)
	}

	// Every field survives an update.
	got.AssigneeID, got.AssigneeName, got.Note, got.Level = "u1", "Anna", "see the invoice", 2
	got.AckedAt, got.ClaimedAt, got.NextPageAt = at.Add(time.Minute), at.Add(time.Minute), time.Time{}
	got.State, got.ClosedAt, got.Outcome, got.Category, got.Summary, got.ClosedBy =
		store.HandoffClosed, at.Add(time.Hour), store.OutcomeResolved, "billing", "refunded", "u1"
	updated, err := s.UpdateHandoff(ctx, got)
	if err != nil {
		t.Fatalf("UpdateHandoff: %v", err)
	}
	if updated.Version != got.Version+1 {
		t.Fatalf("version %d after update of %d", updated.Version, got.Version)
	}
	reread, err := s.Handoff(ctx, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sameHandoff(reread, updated) {
		t.Fatalf("after update = %+v\nwant %+v", reread, updated)
	}
	if _, err := s.UpdateHandoff(ctx, store.Handoff{ID: "nope", State: store.HandoffOpen}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateHandoff(unknown) = %v, want ErrNotFound", err)
	}
}

func testHandoffOneOpen(t *testing.T, s HandoffStore) {
	ctx := t.Context()
	conv := newConversation(t, s)
	at := time.Now().UTC()
	first := sampleHandoff(conv, at)
	if err := s.CreateHandoff(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateHandoff(ctx, sampleHandoff(conv, at)); !errors.Is(err, store.ErrExists) {
		t.Fatalf("second open handoff = %v, want ErrExists", err)
	}
	if err := s.CreateHandoff(ctx, first); !errors.Is(err, store.ErrExists) {
		t.Fatalf("same ID again = %v, want ErrExists", err)
	}
	first.State, first.ClosedAt, first.Outcome = store.HandoffClosed, at, store.OutcomeHandedBack
	if _, err := s.UpdateHandoff(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := sampleHandoff(conv, at.Add(time.Second))
	if err := s.CreateHandoff(ctx, second); err != nil {
		t.Fatalf("new handoff after closing the first: %v", err)
	}
	hs, err := s.ConversationHandoffs(ctx, conv)
	if err != nil || len(hs) != 2 || hs[0].ID != first.ID || hs[1].ID != second.ID {
		t.Fatalf("ConversationHandoffs = %+v, %v", hs, err)
	}
}

func testHandoffVersionedUpdate(t *testing.T, s HandoffStore) {
	ctx := t.Context()
	h := sampleHandoff(newConversation(t, s), time.Now().UTC())
	if err := s.CreateHandoff(ctx, h); err != nil {
		t.Fatal(err)
	}
	a := h
	a.AssigneeID = "a"
	if _, err := s.UpdateHandoff(ctx, a); err != nil {
		t.Fatal(err)
	}
	b := h // read before a's update: stale
	b.AssigneeID = "b"
	if _, err := s.UpdateHandoff(ctx, b); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale update = %v, want ErrConflict", err)
	}
	got, _ := s.Handoff(ctx, h.ID)
	if got.AssigneeID != "a" || got.Version != 1 {
		t.Fatalf("after a stale update: %+v", got)
	}
}

func testHandoffConcurrentClaims(t *testing.T, s HandoffStore) {
	ctx := t.Context()
	h := sampleHandoff(newConversation(t, s), time.Now().UTC())
	if err := s.CreateHandoff(ctx, h); err != nil {
		t.Fatal(err)
	}
	var (
		wg       sync.WaitGroup
		won      atomic.Int32
		conflict atomic.Int32
		start    = make(chan struct{})
	)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := h
			mine.AssigneeID = string(rune('a' + i))
			<-start
			_, err := s.UpdateHandoff(ctx, mine)
			switch {
			case err == nil:
				won.Add(1)
			case errors.Is(err, store.ErrConflict):
				conflict.Add(1)
			default:
				t.Errorf("claim: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if won.Load() != 1 || conflict.Load() != 19 {
		t.Fatalf("%d claims won, %d conflicted; want 1 and 19", won.Load(), conflict.Load())
	}
}

func testHandoffLists(t *testing.T, s HandoffStore) {
	ctx := t.Context()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var ids []string
	for i := range 4 {
		h := sampleHandoff(newConversation(t, s), base.Add(time.Duration(i)*time.Minute))
		if err := s.CreateHandoff(ctx, h); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.ID)
	}
	// Acknowledge the first two (the second later), close the third.
	for i, ackAfter := range []time.Duration{time.Hour, 2 * time.Hour} {
		h, _ := s.Handoff(ctx, ids[i])
		h.AckedAt = base.Add(ackAfter)
		if _, err := s.UpdateHandoff(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	h, _ := s.Handoff(ctx, ids[2])
	h.State, h.ClosedAt = store.HandoffClosed, base.Add(time.Hour)
	if _, err := s.UpdateHandoff(ctx, h); err != nil {
		t.Fatal(err)
	}
	open, err := s.OpenHandoffs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 3 || open[0].ID != ids[0] || open[1].ID != ids[1] || open[2].ID != ids[3] {
		t.Fatalf("OpenHandoffs = %+v", open)
	}
	acked, err := s.AckedHandoffs(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(acked) != 2 || acked[0].ID != ids[1] || acked[1].ID != ids[0] {
		t.Fatalf("AckedHandoffs = %+v", acked)
	}
	if one, _ := s.AckedHandoffs(ctx, 1); len(one) != 1 || one[0].ID != ids[1] {
		t.Fatalf("AckedHandoffs(1) = %+v", one)
	}
}

func testConversationsByState(t *testing.T, s HandoffStore) {
	ctx := t.Context()
	want := map[string]bool{}
	for i := range 5 {
		id := newConversation(t, s)
		if i%2 == 0 {
			if err := s.UpdateConversation(ctx, store.Conversation{ID: id, State: store.StateWaiting, Reason: "asked_for_human"}); err != nil {
				t.Fatal(err)
			}
			want[id] = true
		}
	}
	got, err := s.ConversationsByState(ctx, store.StateWaiting, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("ConversationsByState returned %d, want %d", len(got), len(want))
	}
	for i, c := range got {
		if !want[c.ID] || c.State != store.StateWaiting || c.Reason != "asked_for_human" {
			t.Fatalf("conversation %d: %+v", i, c)
		}
		if i > 0 && c.UpdatedAt.After(got[i-1].UpdatedAt) {
			t.Fatalf("not newest first: %v after %v", c.UpdatedAt, got[i-1].UpdatedAt)
		}
	}
	if two, _ := s.ConversationsByState(ctx, store.StateWaiting, 2); len(two) != 2 {
		t.Fatalf("limit 2 returned %d", len(two))
	}
	if none, err := s.ConversationsByState(ctx, store.StateHuman, 0); err != nil || len(none) != 0 {
		t.Fatalf("human: %+v, %v", none, err)
	}
}

func testVisitorConversations(t *testing.T, s HandoffStore) {
	ctx := t.Context()
	base := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	mk := func(i int, site, userID, email string) string {
		id := store.NewID()
		c := store.Conversation{ID: id, Site: site, State: store.StateClosed, Email: email, CreatedAt: base.Add(time.Duration(i) * time.Minute)}
		if userID != "" {
			c.Attributes = map[string]string{"user_id": userID, "plan": "pro"}
		}
		if err := s.CreateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		return id
	}
	current := mk(0, "default", "u-42", "anna@example.com")
	byUser := mk(1, "default", "u-42", "")
	byEmail := mk(2, "default", "", "Anna@Example.com")
	mk(3, "other", "u-42", "anna@example.com") // another site
	mk(4, "default", "u-43", "bert@example.com")
	got, err := s.VisitorConversations(ctx, store.VisitorQuery{Site: "default", UserID: "u-42", Email: "anna@example.com", Exclude: current})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != byEmail || got[1].ID != byUser {
		t.Fatalf("VisitorConversations = %+v", got)
	}
	onlyUser, _ := s.VisitorConversations(ctx, store.VisitorQuery{Site: "default", UserID: "u-42"})
	if len(onlyUser) != 2 || onlyUser[0].ID != byUser || onlyUser[1].ID != current {
		t.Fatalf("by user only = %+v", onlyUser)
	}
	if none, err := s.VisitorConversations(ctx, store.VisitorQuery{Site: "default"}); err != nil || len(none) != 0 {
		t.Fatalf("no key = %+v, %v", none, err)
	}
	if one, _ := s.VisitorConversations(ctx, store.VisitorQuery{Site: "default", Email: "anna@example.com", Limit: 1}); len(one) != 1 || one[0].ID != byEmail {
		t.Fatalf("limit 1 = %+v", one)
	}
	// VerifiedUserID: only conversations whose identity the site proved.
	verified := store.NewID()
	if err := s.CreateConversation(ctx, store.Conversation{ID: verified, Site: "default", State: store.StateClosed,
		Attributes: map[string]string{"user_id": "u-42", "identity_verified": "true"}, CreatedAt: base.Add(5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.VisitorConversations(ctx, store.VisitorQuery{Site: "default", UserID: "u-42", VerifiedUserID: true}); err != nil || len(got) != 1 || got[0].ID != verified {
		t.Fatalf("verified user only = %+v, %v", got, err)
	}
}

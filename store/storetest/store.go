package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// Run runs the store.Store conformance suite. open must return a new, empty
// store for each call and close it when t ends (t.Cleanup). Subtests run in
// parallel.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ConversationRoundTrip", testConversationRoundTrip},
		{"ConversationDefaults", testConversationDefaults},
		{"CreateDuplicate", testCreateDuplicate},
		{"NotFound", testNotFound},
		{"SeqStartsAtOne", testSeqStartsAtOne},
		{"ConcurrentAppendsOneConversation", testConcurrentAppendsOneConversation},
		{"ConcurrentAppendsManyConversations", testConcurrentAppendsManyConversations},
		{"ClientIDIdempotent", testClientIDIdempotent},
		{"ConcurrentDuplicates", testConcurrentDuplicates},
		{"EmptyClientIDNeverDuplicate", testEmptyClientIDNeverDuplicate},
		{"Replay", testReplay},
		{"MessagesAfter", testMessagesAfter},
		{"DeleteEmptyConversations", testDeleteEmptyConversations},
		{"MessagesBefore", testMessagesBefore},
		{"MessageRoundTrip", testMessageRoundTrip},
		{"InvalidJSONRefused", testInvalidJSONRefused},
		{"ZeroTimesAreNow", testZeroTimesAreNow},
		{"Events", testEvents},
		{"Participants", testParticipants},
		{"DoneContextWritesNothing", testDoneContextWritesNothing},
		{"Ping", testPing},
		{"AtomicallyCommitsTogether", testAtomicallyCommitsTogether},
		{"AtomicallyRollsBackTogether", testAtomicallyRollsBackTogether},
		{"AtomicallyIgnoredErrorUndoesOneWrite", testAtomicallyIgnoredError},
		{"AtomicallyContextEndsWithGroup", testAtomicallyContextEnds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// newConversation creates an empty conversation and returns its ID.
func newConversation(t *testing.T, s store.Store) string {
	t.Helper()
	id := store.NewID()
	if err := s.CreateConversation(t.Context(), store.Conversation{ID: id, Site: "default", State: store.StateBot}); err != nil {
		t.Fatalf("CreateConversation: %v", err)
	}
	return id
}

func appendText(t *testing.T, s store.Store, convID, clientID, text string) (store.Message, bool) {
	t.Helper()
	m, dup, err := s.AppendMessage(t.Context(), store.Message{ConversationID: convID, ClientID: clientID, From: store.FromVisitor, Text: text})
	if err != nil {
		t.Fatalf("AppendMessage(%q, %q): %v", convID, clientID, err)
	}
	return m, dup
}

func messages(t *testing.T, s store.Store, convID string, after int64) []store.Message {
	t.Helper()
	ms, err := s.Messages(t.Context(), convID, after)
	if err != nil {
		t.Fatalf("Messages(%q, %d): %v", convID, after, err)
	}
	return ms
}

func conversation(t *testing.T, s store.Store, id string) store.Conversation {
	t.Helper()
	c, err := s.Conversation(t.Context(), id)
	if err != nil {
		t.Fatalf("Conversation(%q): %v", id, err)
	}
	return c
}

// assertGapFree checks that ms are seq 1..len(ms) in order and that the
// conversation's LastSeq agrees.
func assertGapFree(t *testing.T, s store.Store, convID string, ms []store.Message) {
	t.Helper()
	for i, m := range ms {
		if m.Seq != int64(i+1) {
			t.Fatalf("conversation %s: message %d has seq %d, want %d (seqs must start at 1 without gaps)", convID, i, m.Seq, i+1)
		}
	}
	if c := conversation(t, s, convID); c.LastSeq != int64(len(ms)) {
		t.Fatalf("conversation %s: LastSeq = %d, want %d", convID, c.LastSeq, len(ms))
	}
}

func testConversationRoundTrip(t *testing.T, s store.Store) {
	ctx := t.Context()
	created := time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.UTC)
	want := store.Conversation{
		ID:         store.NewID(),
		Site:       "shop",
		State:      store.StateBot,
		Locale:     "sv-SE",
		Page:       "https://shop.example/cart?x=1&y=å",
		Attributes: map[string]string{"plan": "pro", "name": `Åsa "quoted" <b>`, "empty": ""},
		CreatedAt:  created,
	}
	if err := s.CreateConversation(ctx, want); err != nil {
		t.Fatalf("CreateConversation: %v", err)
	}
	got := conversation(t, s, want.ID)
	if got.ID != want.ID || got.Site != want.Site || got.State != want.State || got.Locale != want.Locale ||
		got.Page != want.Page || got.Email != "" || got.Reason != "" || got.LastSeq != 0 {
		t.Fatalf("Conversation() = %+v, want %+v", got, want)
	}
	if !maps.Equal(got.Attributes, want.Attributes) {
		t.Fatalf("Attributes = %v, want %v", got.Attributes, want.Attributes)
	}
	if !sameTime(got.CreatedAt, created) || !sameTime(got.UpdatedAt, created) {
		t.Fatalf("CreatedAt, UpdatedAt = %v, %v, want both %v", got.CreatedAt, got.UpdatedAt, created)
	}

	upd := got
	upd.State = store.StateWaiting
	upd.Reason = "sensitive:billing"
	upd.Locale = "en"
	upd.Page = "/help"
	upd.Attributes = map[string]string{"plan": "free"}
	upd.Email = "visitor@example.com"
	upd.Site = "ignored"
	upd.LastSeq = 99 // only AppendMessage moves it
	if err := s.UpdateConversation(ctx, upd); err != nil {
		t.Fatalf("UpdateConversation: %v", err)
	}
	got = conversation(t, s, want.ID)
	if got.State != store.StateWaiting || got.Reason != "sensitive:billing" || got.Locale != "en" || got.Page != "/help" ||
		got.Email != "visitor@example.com" || !maps.Equal(got.Attributes, upd.Attributes) {
		t.Fatalf("after update Conversation() = %+v, want %+v", got, upd)
	}
	if got.Site != "shop" || got.LastSeq != 0 || !sameTime(got.CreatedAt, created) {
		t.Fatalf("UpdateConversation changed site, last_seq or created_at: %+v", got)
	}
	if got.UpdatedAt.Before(got.CreatedAt) {
		t.Fatalf("UpdatedAt %v before CreatedAt %v", got.UpdatedAt, got.CreatedAt)
	}

	upd.Attributes = nil
	if err := s.UpdateConversation(ctx, upd); err != nil {
		t.Fatalf("UpdateConversation: %v", err)
	}
	if got := conversation(t, s, want.ID); len(got.Attributes) != 0 {
		t.Fatalf("Attributes after clearing = %v, want none", got.Attributes)
	}
}

func testConversationDefaults(t *testing.T, s store.Store) {
	before := time.Now()
	id := store.NewID()
	if err := s.CreateConversation(t.Context(), store.Conversation{ID: id}); err != nil {
		t.Fatalf("CreateConversation: %v", err)
	}
	after := time.Now()
	got := conversation(t, s, id)
	if got.State != store.StateBot {
		t.Errorf("State = %q, want %q", got.State, store.StateBot)
	}
	if got.CreatedAt.Before(before.Add(-time.Millisecond)) || got.CreatedAt.After(after.Add(time.Millisecond)) {
		t.Errorf("CreatedAt = %v, want now (%v..%v)", got.CreatedAt, before, after)
	}
	if !sameTime(got.UpdatedAt, got.CreatedAt) {
		t.Errorf("UpdatedAt = %v, want CreatedAt %v", got.UpdatedAt, got.CreatedAt)
	}
}

func testCreateDuplicate(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	appendText(t, s, id, "", "hello")
	err := s.CreateConversation(t.Context(), store.Conversation{ID: id, State: store.StateClosed})
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("second CreateConversation(%q) = %v, want ErrExists", id, err)
	}
	if got := conversation(t, s, id); got.State != store.StateBot || got.LastSeq != 1 {
		t.Fatalf("a refused create changed the conversation: %+v", got)
	}
}

func testNotFound(t *testing.T, s store.Store) {
	const id = "no-such-conversation"
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Conversation", func(ctx context.Context) error { _, err := s.Conversation(ctx, id); return err }},
		{"UpdateConversation", func(ctx context.Context) error {
			return s.UpdateConversation(ctx, store.Conversation{ID: id, State: store.StateClosed})
		}},
		{"AppendMessage", func(ctx context.Context) error {
			_, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, From: store.FromVisitor, Text: "hi"})
			return err
		}},
		{"AppendMessageWithClientID", func(ctx context.Context) error {
			_, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, ClientID: "c1", From: store.FromVisitor, Text: "hi"})
			return err
		}},
		{"Messages", func(ctx context.Context) error { _, err := s.Messages(ctx, id, 0); return err }},
		{"MessagesAfter", func(ctx context.Context) error { _, err := s.MessagesAfter(ctx, id, 0, 10, 0); return err }},
		{"AddEvent", func(ctx context.Context) error {
			return s.AddEvent(ctx, store.Event{ConversationID: id, Kind: "state"})
		}},
		{"Events", func(ctx context.Context) error { _, err := s.Events(ctx, id); return err }},
		{"AddParticipant", func(ctx context.Context) error {
			return s.AddParticipant(ctx, store.Participant{ConversationID: id, Kind: "agent", Name: "Anna"})
		}},
		{"Participants", func(ctx context.Context) error { _, err := s.Participants(ctx, id); return err }},
	}
	for _, c := range calls {
		if err := c.call(t.Context()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s of an unknown conversation = %v, want ErrNotFound", c.name, err)
		}
	}
}

func testSeqStartsAtOne(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	for i, from := range []string{store.FromVisitor, store.FromBot, store.FromAgent, store.FromSystem} {
		text := fmt.Sprintf("message %d", i)
		m, dup, err := s.AppendMessage(t.Context(), store.Message{ConversationID: id, From: from, Text: text})
		if err != nil {
			t.Fatalf("AppendMessage: %v", err)
		}
		if dup || m.Seq != int64(i+1) || m.ConversationID != id || m.From != from || m.Text != text {
			t.Fatalf("AppendMessage #%d = %+v, dup %v; want seq %d, from %s, text %q", i, m, dup, i+1, from, text)
		}
	}
	assertGapFree(t, s, id, messages(t, s, id, 0))
}

func testConcurrentAppendsOneConversation(t *testing.T, s store.Store) {
	const appenders, each = 50, 4
	id := newConversation(t, s)
	var (
		mu    sync.Mutex
		texts = make(map[int64]string)
		wg    sync.WaitGroup
	)
	for g := range appenders {
		wg.Go(func() {
			for i := range each {
				text := fmt.Sprintf("g%d-m%d", g, i)
				m, dup, err := s.AppendMessage(t.Context(), store.Message{ConversationID: id, ClientID: text, From: store.FromVisitor, Text: text})
				if err != nil || dup {
					t.Errorf("AppendMessage(%s) = dup %v, %v", text, dup, err)
					return
				}
				mu.Lock()
				if prev, ok := texts[m.Seq]; ok {
					t.Errorf("seq %d given to %q and %q", m.Seq, prev, text)
				}
				texts[m.Seq] = text
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	ms := messages(t, s, id, 0)
	if len(ms) != appenders*each {
		t.Fatalf("stored %d messages, want %d", len(ms), appenders*each)
	}
	assertGapFree(t, s, id, ms)
	for i, m := range ms {
		if texts[m.Seq] != m.Text {
			t.Fatalf("seq %d holds %q, but AppendMessage returned that seq for %q", m.Seq, m.Text, texts[m.Seq])
		}
		// At was left zero: the store's clock, taken in seq order.
		if i > 0 && m.At.Before(ms[i-1].At) {
			t.Fatalf("seq %d has At %v, before seq %d's %v: times must not run backwards", m.Seq, m.At, ms[i-1].Seq, ms[i-1].At)
		}
	}
}

func testConcurrentAppendsManyConversations(t *testing.T, s store.Store) {
	const conversations, appenders, each = 10, 50, 10
	ids := make([]string, conversations)
	for i := range ids {
		ids[i] = newConversation(t, s)
	}
	var wg sync.WaitGroup
	for g := range appenders {
		wg.Go(func() {
			for i := range each {
				id := ids[(g+i)%conversations]
				if _, _, err := s.AppendMessage(t.Context(), store.Message{ConversationID: id, From: store.FromVisitor, Text: "x"}); err != nil {
					t.Errorf("AppendMessage: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, id := range ids {
		ms := messages(t, s, id, 0)
		assertGapFree(t, s, id, ms)
		total += len(ms)
	}
	if total != appenders*each {
		t.Fatalf("stored %d messages in all, want %d", total, appenders*each)
	}
}

func testClientIDIdempotent(t *testing.T, s store.Store) {
	ctx := t.Context()
	id := newConversation(t, s)
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	first, dup, err := s.AppendMessage(ctx, store.Message{ConversationID: id, ClientID: "a", From: store.FromVisitor, Text: "hello", At: at})
	if err != nil || dup || first.Seq != 1 {
		t.Fatalf("first AppendMessage = %+v, dup %v, %v; want seq 1", first, dup, err)
	}
	appendText(t, s, id, "b", "second")

	again, dup, err := s.AppendMessage(ctx, store.Message{ConversationID: id, ClientID: "a", From: store.FromAgent, Text: "retried with other text"})
	if err != nil {
		t.Fatalf("retried AppendMessage: %v", err)
	}
	if !dup || again.Seq != 1 || again.Text != "hello" || again.From != store.FromVisitor || again.ClientID != "a" || !sameTime(again.At, at) {
		t.Fatalf("retried AppendMessage = %+v, dup %v; want the original (seq 1, %q) with dup", again, dup, "hello")
	}
	ms := messages(t, s, id, 0)
	if len(ms) != 2 {
		t.Fatalf("stored %d messages, want 2", len(ms))
	}
	assertGapFree(t, s, id, ms)

	// client_id is scoped to its conversation.
	other := newConversation(t, s)
	if m, dup := appendText(t, s, other, "a", "elsewhere"); dup || m.Seq != 1 {
		t.Fatalf("same client_id in another conversation = %+v, dup %v; want a new message with seq 1", m, dup)
	}
	if m, dup := appendText(t, s, id, "c", "third"); dup || m.Seq != 3 {
		t.Fatalf("next message = %+v, dup %v; want seq 3 (a duplicate uses no seq)", m, dup)
	}
}

func testConcurrentDuplicates(t *testing.T, s store.Store) {
	const retries = 30
	id := newConversation(t, s)
	appendText(t, s, id, "", "before")
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		seqs     = make(map[int64]int)
		original int
	)
	for range retries {
		wg.Go(func() {
			m, dup, err := s.AppendMessage(t.Context(), store.Message{ConversationID: id, ClientID: "retry", From: store.FromVisitor, Text: "once"})
			if err != nil {
				t.Errorf("AppendMessage: %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			seqs[m.Seq]++
			if !dup {
				original++
			}
		})
	}
	wg.Wait()
	if original != 1 || len(seqs) != 1 || seqs[2] != retries {
		t.Fatalf("%d concurrent sends of one client_id: %d stored as new, seqs %v; want 1 new and all seq 2", retries, original, seqs)
	}
	ms := messages(t, s, id, 0)
	if len(ms) != 2 {
		t.Fatalf("stored %d messages, want 2", len(ms))
	}
	assertGapFree(t, s, id, ms)
}

func testEmptyClientIDNeverDuplicate(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	for i := range 3 {
		if m, dup := appendText(t, s, id, "", "same text"); dup || m.Seq != int64(i+1) {
			t.Fatalf("AppendMessage without client_id #%d = %+v, dup %v; want a new message", i, m, dup)
		}
	}
}

func testReplay(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	for i := range 10 {
		appendText(t, s, id, fmt.Sprint("c", i), fmt.Sprint("m", i))
	}
	for _, tc := range []struct {
		after int64
		want  []int64
	}{
		{0, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{7, []int64{8, 9, 10}},
		{9, []int64{10}},
		{10, nil},
		{100, nil},
		{-1, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
	} {
		var got []int64
		for _, m := range messages(t, s, id, tc.after) {
			got = append(got, m.Seq)
			if m.Text != fmt.Sprint("m", m.Seq-1) || m.ClientID != fmt.Sprint("c", m.Seq-1) {
				t.Errorf("message %d = %+v, out of place", m.Seq, m)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Messages(after %d) seqs = %v, want %v", tc.after, got, tc.want)
		}
	}
	// An empty conversation replays nothing, without error.
	if ms := messages(t, s, newConversation(t, s), 0); len(ms) != 0 {
		t.Errorf("Messages of an empty conversation = %v", ms)
	}
}

func testMessagesAfter(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	for i := range 10 {
		// Texts of 10 bytes each: "m0-------" style, so byte bounds are exact.
		appendText(t, s, id, fmt.Sprint("c", i), fmt.Sprintf("m%-9d", i))
	}
	for _, tc := range []struct {
		after           int64
		limit, maxBytes int
		want            []int64
	}{
		{0, 3, 0, []int64{1, 2, 3}},
		{3, 3, 0, []int64{4, 5, 6}},
		{8, 5, 0, []int64{9, 10}},
		{10, 5, 0, nil},
		{0, 100, 0, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{0, 100, 30, []int64{1, 2, 3}}, // the third brings the page to 30 bytes
		{0, 100, 25, []int64{1, 2, 3}}, // the third crosses 25: it is the last
		{4, 100, 1, []int64{5}},        // a page holds at least one message
		{0, 2, 1000, []int64{1, 2}},    // the count bound still holds
		{-1, 100, 0, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
	} {
		ms, err := s.MessagesAfter(t.Context(), id, tc.after, tc.limit, tc.maxBytes)
		if err != nil {
			t.Fatalf("MessagesAfter(%d, %d, %d): %v", tc.after, tc.limit, tc.maxBytes, err)
		}
		var got []int64
		for _, m := range ms {
			got = append(got, m.Seq)
			if m.Text != fmt.Sprintf("m%-9d", m.Seq-1) || m.ClientID != fmt.Sprint("c", m.Seq-1) {
				t.Errorf("message %d = %+v, out of place", m.Seq, m)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("MessagesAfter(after %d, limit %d, maxBytes %d) seqs = %v, want %v", tc.after, tc.limit, tc.maxBytes, got, tc.want)
		}
	}
	// Paging from the last seq of each page reads the whole log once.
	var all []int64
	for after := int64(0); ; {
		ms, err := s.MessagesAfter(t.Context(), id, after, 4, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			break
		}
		for _, m := range ms {
			all = append(all, m.Seq)
		}
		after = ms[len(ms)-1].Seq
	}
	if len(all) != 10 || all[0] != 1 || all[9] != 10 {
		t.Errorf("paged replay = %v, want 1..10", all)
	}
}

func testDeleteEmptyConversations(t *testing.T, s store.Store) {
	ctx := t.Context()
	old := time.Now().Add(-48 * time.Hour)
	create := func(c store.Conversation) string {
		t.Helper()
		c.ID, c.Site, c.State = store.NewID(), "default", store.StateBot
		if err := s.CreateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	emptyOld := []string{create(store.Conversation{CreatedAt: old}), create(store.Conversation{CreatedAt: old})}
	emptyNew := create(store.Conversation{})
	withMessage := create(store.Conversation{CreatedAt: old})
	appendText(t, s, withMessage, "c1", "hello")
	withEmail := create(store.Conversation{CreatedAt: old, Email: "anna@example.com"})

	cutoff := time.Now().Add(-24 * time.Hour)
	n, err := s.DeleteEmptyConversations(ctx, cutoff, 1)
	if err != nil || n != 1 {
		t.Fatalf("DeleteEmptyConversations(limit 1) = %d, %v; want 1", n, err)
	}
	n, err = s.DeleteEmptyConversations(ctx, cutoff, 100)
	if err != nil || n != 1 {
		t.Fatalf("DeleteEmptyConversations(limit 100) = %d, %v; want the other 1", n, err)
	}
	for _, id := range emptyOld {
		if _, err := s.Conversation(ctx, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an old empty conversation survived: %v", err)
		}
	}
	for _, id := range []string{emptyNew, withMessage, withEmail} {
		conversation(t, s, id) // fails the test when it is gone
	}
	if n, err := s.DeleteEmptyConversations(ctx, cutoff, 100); err != nil || n != 0 {
		t.Fatalf("a second cleanup = %d, %v; want 0", n, err)
	}
}

func testMessageRoundTrip(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	in := store.Message{
		ConversationID: id,
		ClientID:       "client-ü-1",
		From:           store.FromBot,
		Author:         "andon",
		Text:           "Line one\nLine \"two\" <script>alert(1)</script> — ÅÄÖ 🚀",
		Sources: []store.Source{
			{ArticleID: "refunds", Title: "Refunds & returns", URL: "https://help.example/refunds?a=1"},
			{Title: "Shipping"},
		},
		Meta: json.RawMessage(`{"decision": {"action": "answer", "score": 0.82, "candidates": [1, 2], "note": null}}`),
		At:   time.Date(2025, 6, 7, 8, 9, 10, 123456789, time.UTC),
	}
	stored, dup, err := s.AppendMessage(t.Context(), in)
	if err != nil || dup {
		t.Fatalf("AppendMessage = dup %v, %v", dup, err)
	}
	ms := messages(t, s, id, 0)
	if len(ms) != 1 {
		t.Fatalf("stored %d messages, want 1", len(ms))
	}
	got := ms[0]
	for _, m := range []store.Message{stored, got} {
		if m.ConversationID != id || m.Seq != 1 || m.ClientID != in.ClientID || m.From != in.From || m.Author != in.Author ||
			m.Text != in.Text || !slices.Equal(m.Sources, in.Sources) || !sameJSON(t, m.Meta, in.Meta) || !sameTime(m.At, in.At) {
			t.Fatalf("message = %+v\nwant       %+v", m, in)
		}
	}
	// What AppendMessage returns is what a replay sends: the visitor must
	// not see a message change when it reconnects.
	if !stored.At.Equal(got.At) {
		t.Fatalf("AppendMessage returned At %v, Messages returns %v", stored.At, got.At)
	}
	// No sources and no meta read back as none.
	plain, _ := appendText(t, s, id, "", "plain")
	if got := messages(t, s, id, 1)[0]; got.Sources != nil || got.Meta != nil || plain.Sources != nil || plain.Meta != nil {
		t.Fatalf("message without sources/meta read back as %+v", got)
	}
}

func testInvalidJSONRefused(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	if _, _, err := s.AppendMessage(t.Context(), store.Message{ConversationID: id, From: store.FromBot, Text: "x", Meta: json.RawMessage(`{not json`)}); err == nil {
		t.Fatal("AppendMessage with Meta that is not JSON succeeded")
	}
	if err := s.AddEvent(t.Context(), store.Event{ConversationID: id, Kind: "state", Data: json.RawMessage(`[1,`)}); err == nil {
		t.Fatal("AddEvent with Data that is not JSON succeeded")
	}
	if ms := messages(t, s, id, 0); len(ms) != 0 {
		t.Fatalf("a refused message was stored: %+v", ms)
	}
	if m, _ := appendText(t, s, id, "", "next"); m.Seq != 1 {
		t.Fatalf("next message has seq %d, want 1: a refused message must not use a seq", m.Seq)
	}
}

func testZeroTimesAreNow(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	before := time.Now().Add(-time.Millisecond)
	m, _ := appendText(t, s, id, "", "hi")
	if err := s.AddEvent(t.Context(), store.Event{ConversationID: id, Kind: "state"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddParticipant(t.Context(), store.Participant{ConversationID: id, Kind: "visitor"}); err != nil {
		t.Fatal(err)
	}
	after := time.Now().Add(time.Millisecond)
	events, err := s.Events(t.Context(), id)
	if err != nil || len(events) != 1 {
		t.Fatalf("Events = %v, %v", events, err)
	}
	ps, err := s.Participants(t.Context(), id)
	if err != nil || len(ps) != 1 {
		t.Fatalf("Participants = %v, %v", ps, err)
	}
	for name, at := range map[string]time.Time{"message": m.At, "stored message": messages(t, s, id, 0)[0].At, "event": events[0].At, "participant": ps[0].JoinedAt} {
		if at.Before(before) || at.After(after) {
			t.Errorf("%s time = %v, want now (%v..%v)", name, at, before, after)
		}
	}
}

func testEvents(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	base := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	want := []store.Event{
		{ConversationID: id, Kind: "state", Data: json.RawMessage(`{"state":"waiting","reason":"low_confidence"}`), At: base},
		{ConversationID: id, Kind: "feedback", Data: json.RawMessage(`{"seq": 2, "helpful": false}`), At: base.Add(time.Second)},
		{ConversationID: id, Kind: "contact", At: base.Add(2 * time.Second)},
		// Same time as the one before: order is the order of adding, not the time.
		{ConversationID: id, Kind: "state", Data: json.RawMessage(`"closed"`), At: base.Add(2 * time.Second)},
	}
	for _, e := range want {
		if err := s.AddEvent(t.Context(), e); err != nil {
			t.Fatalf("AddEvent(%s): %v", e.Kind, err)
		}
	}
	got, err := s.Events(t.Context(), id)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("Events returned %d, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ConversationID != id || g.Kind != w.Kind || !sameJSON(t, g.Data, w.Data) || !sameTime(g.At, w.At) {
			t.Errorf("event %d = %+v (data %s), want %+v (data %s)", i, g, g.Data, w, w.Data)
		}
	}
	if got, err := s.Events(t.Context(), newConversation(t, s)); err != nil || len(got) != 0 {
		t.Errorf("Events of another conversation = %v, %v; want none", got, err)
	}
}

func testParticipants(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	base := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	want := []store.Participant{
		{ConversationID: id, Kind: "visitor", JoinedAt: base},
		{ConversationID: id, Kind: "bot", Name: "andon", JoinedAt: base.Add(time.Second)},
		{ConversationID: id, Kind: "agent", Name: "Anna", JoinedAt: base.Add(time.Minute)},
	}
	for _, p := range want {
		if err := s.AddParticipant(t.Context(), p); err != nil {
			t.Fatalf("AddParticipant(%s %s): %v", p.Kind, p.Name, err)
		}
	}
	rejoin := store.Participant{ConversationID: id, Kind: "agent", Name: "Anna", JoinedAt: base.Add(time.Hour)}
	if err := s.AddParticipant(t.Context(), rejoin); err != nil {
		t.Fatalf("AddParticipant again: %v", err)
	}
	got, err := s.Participants(t.Context(), id)
	if err != nil {
		t.Fatalf("Participants: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("Participants = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.ConversationID != id || g.Kind != w.Kind || g.Name != w.Name || !sameTime(g.JoinedAt, w.JoinedAt) {
			t.Errorf("participant %d = %+v, want %+v", i, g, w)
		}
	}
}

func testDoneContextWritesNothing(t *testing.T, s store.Store) {
	id := newConversation(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := s.AppendMessage(ctx, store.Message{ConversationID: id, ClientID: "x", From: store.FromVisitor, Text: "never"}); !errors.Is(err, context.Canceled) {
		t.Errorf("AppendMessage with a canceled context = %v, want context.Canceled", err)
	}
	newID := store.NewID()
	if err := s.CreateConversation(ctx, store.Conversation{ID: newID}); err == nil {
		t.Errorf("CreateConversation with a canceled context succeeded")
	}
	if _, err := s.Conversation(t.Context(), newID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Conversation created with a canceled context: %v, want ErrNotFound", err)
	}
	if ms := messages(t, s, id, 0); len(ms) != 0 {
		t.Errorf("a message sent with a canceled context was stored: %+v", ms)
	}
	if m, dup := appendText(t, s, id, "x", "now"); dup || m.Seq != 1 {
		t.Errorf("AppendMessage after the canceled one = %+v, dup %v; want a new message with seq 1", m, dup)
	}
}

func testPing(t *testing.T, s store.Store) {
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

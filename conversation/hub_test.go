package conversation_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// scripted is a deterministic Responder: "billing ..." escalates as
// sensitive, "?" asks which article, anything else is answered with a source.
// When gate is set, each decision waits for a value from it.
type scripted struct {
	gate  chan struct{}
	mu    sync.Mutex
	turns []bot.Turn
}

func (s *scripted) Decide(ctx context.Context, t bot.Turn) bot.Decision {
	s.mu.Lock()
	s.turns = append(s.turns, t)
	s.mu.Unlock()
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return bot.Decision{Action: bot.Escalate, Reason: "timeout"}
		}
	}
	switch {
	case strings.HasPrefix(t.Text, "billing"):
		return bot.Decision{Action: bot.Escalate, Reason: "sensitive:billing", Rule: "billing", Reply: "A person will look at your bill."}
	case t.Text == "?":
		return bot.Decision{Action: bot.Clarify, Reply: "Which one: A or B?"}
	}
	return bot.Decision{Action: bot.Answer, Reply: "answer to " + t.Text, Confidence: 0.9, ArticleID: "a1",
		Sources: []store.Source{{ArticleID: "a1", Title: "Article one", URL: "https://example.com/a1"}}}
}

func (s *scripted) seen() []bot.Turn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bot.Turn(nil), s.turns...)
}

type onDuty struct{ wait time.Duration }

func (o onDuty) Staffing(context.Context, string, string) conversation.Staffing {
	return conversation.Staffing{AgentsOnline: 1, ExpectedWait: o.wait, Open: true}
}

func openStore(t *testing.T) conversation.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "andon.db"), sqlite.Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newHub(t *testing.T, opts conversation.Options) (*conversation.Hub, store.Store) {
	t.Helper()
	if opts.Store == nil {
		opts.Store = openStore(t)
	}
	h := conversation.NewHub(opts)
	t.Cleanup(h.Close)
	return h, opts.Store
}

// next returns the next update of q, failing after a while.
func next(t *testing.T, q *conversation.Queue) *conversation.Update {
	t.Helper()
	select {
	case u := <-q.Updates():
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no update within 5s")
		return nil
	}
}

// nextNonTyping skips typing updates.
func nextNonTyping(t *testing.T, q *conversation.Queue) *conversation.Update {
	t.Helper()
	for {
		if u := next(t, q); u.Kind != conversation.KindTyping {
			return u
		}
	}
}

func start(t *testing.T, h *conversation.Hub) store.Conversation {
	t.Helper()
	c, err := h.Start(context.Background(), conversation.Visit{Site: "default", Locale: "en-GB"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBotAnswersAfterTheAck(t *testing.T) {
	t.Parallel()
	r := &scripted{}
	h, st := newHub(t, conversation.Options{Responder: r})
	c := start(t, h)
	q := conversation.NewQueue(16)
	defer h.Subscribe(c.ID, q)()
	ctx := context.Background()

	m, dup, err := h.PostVisitorMessage(ctx, c.ID, "c1", "how do I reset my password")
	if err != nil || dup || m.Seq != 1 {
		t.Fatalf("post: %+v dup=%v err=%v", m, dup, err)
	}
	if u := next(t, q); u.Kind != conversation.KindMessage || u.Message.ClientID != "c1" || u.Message.Seq != 1 {
		t.Fatalf("first update is not the ack: %+v", u)
	}
	if u := next(t, q); u.Kind != conversation.KindTyping || u.From != "bot" || !u.On {
		t.Fatalf("want bot typing on, got %+v", u)
	}
	u := nextNonTyping(t, q)
	if u.Kind != conversation.KindMessage || u.Message.From != store.FromBot || u.Message.Seq != 2 ||
		u.Message.Text != "answer to how do I reset my password" || len(u.Message.Sources) != 1 {
		t.Fatalf("bot reply: %+v", u.Message)
	}
	stored, err := st.Messages(ctx, c.ID, 1)
	if err != nil || len(stored) != 1 {
		t.Fatalf("stored: %v %v", stored, err)
	}
	var d bot.Decision
	if err := json.Unmarshal(stored[0].Meta, &d); err != nil || d.Action != bot.Answer || d.ArticleID != "a1" {
		t.Fatalf("meta is not the decision: %s (%v)", stored[0].Meta, err)
	}
	if got := r.seen()[0].Locale; got != "en-GB" {
		t.Errorf("turn locale = %q", got)
	}
}

func TestRetriedClientIDStoresOnce(t *testing.T) {
	t.Parallel()
	h, st := newHub(t, conversation.Options{})
	c := start(t, h)
	ctx := context.Background()
	first, _, err := h.PostVisitorMessage(ctx, c.ID, "same", "hello")
	if err != nil {
		t.Fatal(err)
	}
	q := conversation.NewQueue(4)
	defer h.Subscribe(c.ID, q)()
	again, dup, err := h.PostVisitorMessage(ctx, c.ID, "same", "hello")
	if err != nil || !dup || again.Seq != first.Seq {
		t.Fatalf("retry: %+v dup=%v err=%v", again, dup, err)
	}
	ms, _ := st.Messages(ctx, c.ID, 0)
	if len(ms) != 1 {
		t.Fatalf("%d messages stored, want 1", len(ms))
	}
	select {
	case u := <-q.Updates():
		t.Fatalf("a duplicate was fanned out: %+v", u)
	default:
	}
}

func TestEscalationSilencesTheBot(t *testing.T) {
	t.Parallel()
	r := &scripted{}
	h, st := newHub(t, conversation.Options{Responder: r})
	c := start(t, h)
	q := conversation.NewQueue(32)
	defer h.Subscribe(c.ID, q)()
	ctx := context.Background()

	if _, _, err := h.PostVisitorMessage(ctx, c.ID, "c1", "billing: you charged me twice"); err != nil {
		t.Fatal(err)
	}
	nextNonTyping(t, q) // ack
	sys := nextNonTyping(t, q)
	if sys.Kind != conversation.KindMessage || sys.Message.From != store.FromSystem || !strings.HasPrefix(sys.Message.Text, "A person will look at your bill. ") ||
		!strings.Contains(sys.Message.Text, "the reply will wait in this chat") {
		t.Fatalf("want the decision's reply as a system message, saying the reply waits in the chat as nobody is on duty and no mail is set up, got %+v", sys)
	}
	state := nextNonTyping(t, q)
	if state.Kind != conversation.KindState || state.State != store.StateWaiting || state.Reason != "sensitive:billing" || state.ETASeconds != nil {
		t.Fatalf("state: %+v", state)
	}
	// While waiting the bot stays quiet.
	if _, _, err := h.PostVisitorMessage(ctx, c.ID, "c2", "hello?"); err != nil {
		t.Fatal(err)
	}
	if u := next(t, q); u.Kind != conversation.KindMessage || u.Message.ClientID != "c2" {
		t.Fatalf("%+v", u)
	}
	conv, _ := st.Conversation(ctx, c.ID)
	if conv.State != store.StateWaiting || conv.Reason != "sensitive:billing" {
		t.Fatalf("stored conversation: %+v", conv)
	}
	evs, _ := st.Events(ctx, c.ID)
	if len(evs) != 1 || evs[0].Kind != "state" {
		t.Fatalf("events: %+v", evs)
	}
	// The gate: back with the bot, a new question is answered. The bot
	// takes a conversation's questions in order, so had "hello?" gone to
	// it, it would have been asked before this one.
	if err := h.SetState(ctx, c.ID, store.StateBot, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.PostVisitorMessage(ctx, c.ID, "c3", "after"); err != nil {
		t.Fatal(err)
	}
	for {
		u := next(t, q)
		if u.Kind == conversation.KindMessage && u.Message.From == store.FromBot && u.Message.Text == "answer to after" {
			break
		}
	}
	if seen := r.seen(); len(seen) != 2 || seen[1].Text != "after" {
		t.Fatalf("bot was asked %+v, want the billing question and then \"after\", not the message written while waiting", seen)
	}
}

func TestAskForHuman(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		avail   conversation.Availability
		wantETA int // 0: absent
		text    string
		absent  string
	}{
		{"nobody on duty", nil, 0, "the reply will wait in this chat", "e-mail"},
		{"someone on duty", onDuty{wait: 90 * time.Second}, 90, "passing this to a person", "e-mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &scripted{}
			h, _ := newHub(t, conversation.Options{Responder: r, Availability: tt.avail})
			c := start(t, h)
			q := conversation.NewQueue(16)
			defer h.Subscribe(c.ID, q)()
			ctx := context.Background()
			if err := h.AskForHuman(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			if u := next(t, q); u.Message == nil || u.Message.From != store.FromSystem || !strings.Contains(u.Message.Text, tt.text) ||
				(tt.absent != "" && strings.Contains(u.Message.Text, tt.absent)) {
				t.Fatalf("system message: %+v", u)
			}
			u := next(t, q)
			if u.State != store.StateWaiting || u.Reason != conversation.ReasonAskedForHuman {
				t.Fatalf("state: %+v", u)
			}
			if got := u.ETASeconds; (got == nil) != (tt.wantETA == 0) || (got != nil && *got != tt.wantETA) {
				t.Fatalf("eta_seconds = %v, want %d", got, tt.wantETA)
			}
			// Asking again repeats the state, nothing else.
			if err := h.AskForHuman(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			if u := next(t, q); u.Kind != conversation.KindState || u.State != store.StateWaiting {
				t.Fatalf("repeat: %+v", u)
			}
			if _, _, err := h.PostVisitorMessage(ctx, c.ID, "x", "are you there"); err != nil {
				t.Fatal(err)
			}
			next(t, q)
			time.Sleep(30 * time.Millisecond)
			if len(r.seen()) != 0 {
				t.Fatal("the bot was asked after the visitor asked for a person")
			}
		})
	}
}

func TestFeedback(t *testing.T) {
	t.Parallel()
	h, st := newHub(t, conversation.Options{Responder: &scripted{}})
	c := start(t, h)
	q := conversation.NewQueue(32)
	defer h.Subscribe(c.ID, q)()
	ctx := context.Background()
	if _, _, err := h.PostVisitorMessage(ctx, c.ID, "c1", "shipping"); err != nil {
		t.Fatal(err)
	}
	nextNonTyping(t, q)
	reply := nextNonTyping(t, q)
	if err := h.Feedback(ctx, c.ID, 1, false); !errors.Is(err, conversation.ErrNotBotMessage) {
		t.Fatalf("feedback on a visitor message: %v", err)
	}
	if err := h.Feedback(ctx, c.ID, 99, false); !errors.Is(err, conversation.ErrNotBotMessage) {
		t.Fatalf("feedback on a missing seq: %v", err)
	}
	if err := h.Feedback(ctx, c.ID, reply.Message.Seq, true); err != nil {
		t.Fatal(err)
	}
	if err := h.Feedback(ctx, c.ID, reply.Message.Seq, false); err != nil {
		t.Fatal(err)
	}
	sys := nextNonTyping(t, q)
	if sys.Message == nil || sys.Message.From != store.FromSystem {
		t.Fatalf("want a system message, got %+v", sys)
	}
	var d bot.Decision
	if err := json.Unmarshal(sys.Message.Meta, &d); err != nil || d.Reason != conversation.ReasonNegativeFeedback {
		t.Fatalf("meta %s: %v", sys.Message.Meta, err)
	}
	if u := nextNonTyping(t, q); u.State != store.StateWaiting || u.Reason != conversation.ReasonNegativeFeedback {
		t.Fatalf("state: %+v", u)
	}
	evs, _ := st.Events(ctx, c.ID)
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, e.Kind)
	}
	if strings.Join(kinds, ",") != "feedback,feedback,state" {
		t.Fatalf("events: %v", kinds)
	}
}

func TestSetContact(t *testing.T) {
	t.Parallel()
	h, st := newHub(t, conversation.Options{})
	c := start(t, h)
	ctx := context.Background()
	for _, bad := range []string{"", "anna", "anna@", "@example.com", "a b@example.com", strings.Repeat("a", 250) + "@example.com"} {
		if err := h.SetContact(ctx, c.ID, bad); !errors.Is(err, conversation.ErrInvalidEmail) {
			t.Errorf("SetContact(%q) = %v, want ErrInvalidEmail", bad, err)
		}
	}
	if err := h.SetContact(ctx, c.ID, "Anna <anna@example.com>"); err != nil {
		t.Fatal(err)
	}
	conv, _ := st.Conversation(ctx, c.ID)
	if conv.Email != "anna@example.com" {
		t.Fatalf("email = %q", conv.Email)
	}
	ms, _ := st.Messages(ctx, c.ID, 0)
	if len(ms) != 1 || !strings.Contains(ms[0].Text, "anna@example.com") || ms[0].From != store.FromSystem {
		t.Fatalf("confirmation: %+v", ms)
	}
	evs, _ := st.Events(ctx, c.ID)
	if len(evs) != 1 || evs[0].Kind != "contact" {
		t.Fatalf("events: %+v", evs)
	}
}

func TestSlowSubscriberIsEvictedOthersGetEverything(t *testing.T) {
	t.Parallel()
	h, _ := newHub(t, conversation.Options{})
	c := start(t, h)
	slow := conversation.NewQueue(2)
	fast := conversation.NewQueue(64)
	defer h.Subscribe(c.ID, slow)()
	defer h.Subscribe(c.ID, fast)()
	ctx := context.Background()
	const n = 20
	for i := range n {
		if _, _, err := h.PostVisitorMessage(ctx, c.ID, "", "m"+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-slow.Evicted():
	case <-time.After(time.Second):
		t.Fatal("the slow subscriber was not evicted")
	}
	for i := range n {
		if u := next(t, fast); u.Message.Seq != int64(i+1) {
			t.Fatalf("fast subscriber got seq %d at %d", u.Message.Seq, i)
		}
	}
}

func TestRepliesKeepOrderAndAckDoesNotWaitForTheBot(t *testing.T) {
	t.Parallel()
	r := &scripted{gate: make(chan struct{})}
	h, _ := newHub(t, conversation.Options{Responder: r})
	c := start(t, h)
	q := conversation.NewQueue(64)
	defer h.Subscribe(c.ID, q)()
	ctx := context.Background()
	for _, text := range []string{"one", "two", "three"} {
		done := make(chan error, 1)
		go func() { _, _, err := h.PostVisitorMessage(ctx, c.ID, text, text); done <- err }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("posting waited for the bot")
		}
	}
	for range 3 {
		r.gate <- struct{}{}
	}
	var replies []string
	for len(replies) < 3 {
		if u := nextNonTyping(t, q); u.Message.From == store.FromBot {
			replies = append(replies, u.Message.Text)
		}
	}
	if got := strings.Join(replies, "|"); got != "answer to one|answer to two|answer to three" {
		t.Fatalf("replies out of order: %s", got)
	}
	turns := r.seen()
	if h := turns[2].History; len(h) != 2 || h[0] != "one" || h[1] != "two" {
		t.Fatalf("history of the third turn: %v", h)
	}
}

func TestBotReplyDroppedWhenAPersonTookOver(t *testing.T) {
	t.Parallel()
	r := &scripted{gate: make(chan struct{})}
	h, st := newHub(t, conversation.Options{Responder: r})
	c := start(t, h)
	ctx := context.Background()
	if _, _, err := h.PostVisitorMessage(ctx, c.ID, "c1", "question"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.PostAgentMessage(ctx, c.ID, "Anna", "I'm here"); err != nil {
		t.Fatal(err)
	}
	r.gate <- struct{}{}
	deadline := time.Now().Add(2 * time.Second)
	for h.Rooms() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	ms, _ := st.Messages(ctx, c.ID, 0)
	if len(ms) != 2 || ms[1].From != store.FromAgent || ms[1].Author != "Anna" {
		t.Fatalf("messages: %+v", ms)
	}
	conv, _ := st.Conversation(ctx, c.ID)
	if conv.State != store.StateHuman {
		t.Fatalf("state %s", conv.State)
	}
}

func TestClosedConversationReopens(t *testing.T) {
	t.Parallel()
	r := &scripted{}
	h, _ := newHub(t, conversation.Options{Responder: r})
	c := start(t, h)
	ctx := context.Background()
	if err := h.SetState(ctx, c.ID, "nonsense", ""); !errors.Is(err, conversation.ErrInvalidState) {
		t.Fatalf("SetState(nonsense) = %v", err)
	}
	if err := h.SetState(ctx, c.ID, store.StateClosed, "resolved"); err != nil {
		t.Fatal(err)
	}
	q := conversation.NewQueue(16)
	defer h.Subscribe(c.ID, q)()
	if _, _, err := h.PostVisitorMessage(ctx, c.ID, "c", "one more thing"); err != nil {
		t.Fatal(err)
	}
	next(t, q)
	if u := next(t, q); u.State != store.StateBot || u.Reason != conversation.ReasonReopened {
		t.Fatalf("%+v", u)
	}
	if u := nextNonTyping(t, q); u.Message == nil || u.Message.From != store.FromBot {
		t.Fatalf("%+v", u)
	}
}

func TestUnknownConversation(t *testing.T) {
	t.Parallel()
	h, _ := newHub(t, conversation.Options{})
	_, _, err := h.PostVisitorMessage(context.Background(), "nope", "c", "hi")
	if !errors.Is(err, conversation.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
	if h.Rooms() != 0 {
		t.Fatal("a room stayed behind")
	}
}

func TestCloseCancelsPendingDecisions(t *testing.T) {
	t.Parallel()
	r := &scripted{gate: make(chan struct{})} // never opened
	st := openStore(t)
	h := conversation.NewHub(conversation.Options{Store: st, Responder: r})
	c := start(t, h)
	if _, _, err := h.PostVisitorMessage(context.Background(), c.ID, "c", "hi"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { h.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close hung on a pending decision")
	}
}

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

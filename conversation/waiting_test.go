package conversation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// A visitor who waits with nobody on duty is answered: the first message
// of a run hears that it is in the conversation, that nobody is there and
// where the reply goes, and that the bot is there meanwhile; the next ones
// of the same run are not answered again.
func TestWaitingVisitorIsAcknowledged(t *testing.T) {
	t.Parallel()
	h, _ := newHub(t, conversation.Options{Responder: &scripted{}})
	c := start(t, h)
	q := conversation.NewQueue(32)
	defer h.Subscribe(c.ID, q)()
	ctx := context.Background()
	if err := h.AskForHuman(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	next(t, q) // the escalation's notice
	next(t, q) // state waiting
	for _, id := range []string{"w1", "w2"} {
		if _, _, err := h.PostVisitorMessage(ctx, c.ID, id, "is anyone there?"); err != nil {
			t.Fatal(err)
		}
	}
	if u := next(t, q); u.Message == nil || u.Message.ClientID != "w1" {
		t.Fatalf("want w1, got %+v", u)
	}
	u := next(t, q)
	want := "Added to your conversation; the team will see it. Nobody from the team is online right now. Your conversation stays here"
	if u.Message == nil || u.Message.From != store.FromSystem || !strings.HasPrefix(u.Message.Text, want) ||
		!strings.HasSuffix(u.Message.Text, "Until someone joins you can go back to the assistant for routine questions.") {
		t.Fatalf("acknowledgement: %+v", u.Message)
	}
	if u := next(t, q); u.Message == nil || u.Message.ClientID != "w2" {
		t.Fatalf("want w2 without a second acknowledgement, got %+v", u.Message)
	}
	// A later run is confirmed, but where they stand is not said again.
	if _, err := h.PostSystemMessage(ctx, c.ID, "Sorry for the wait."); err != nil {
		t.Fatal(err)
	}
	w3, _, err := h.PostVisitorMessage(ctx, c.ID, "w3", "hello again?")
	if err != nil {
		t.Fatal(err)
	}
	for {
		u := next(t, q)
		if u.Message == nil || u.Message.Seq <= w3.Seq {
			continue
		}
		if u.Message.Text != "Added to your conversation; the team will see it." {
			t.Fatalf("second acknowledgement: %+v", u.Message)
		}
		break
	}
}

// With someone on duty the acknowledgement gives the wait.
func TestWaitingVisitorHearsTheWait(t *testing.T) {
	t.Parallel()
	h, _ := newHub(t, conversation.Options{Responder: &scripted{}, Availability: onDuty{wait: 4 * time.Minute}})
	c, err := h.Start(context.Background(), conversation.Visit{Site: "default", Locale: "sv-SE"})
	if err != nil {
		t.Fatal(err)
	}
	q := conversation.NewQueue(32)
	defer h.Subscribe(c.ID, q)()
	ctx := context.Background()
	if err := h.AskForHuman(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	next(t, q)
	next(t, q)
	if _, _, err := h.PostVisitorMessage(ctx, c.ID, "w1", "hallå?"); err != nil {
		t.Fatal(err)
	}
	next(t, q)
	if u := next(t, q); u.Message == nil || u.Message.Text != "Tillagt i samtalet; teamet ser det. Någon bör vara här om ungefär 4 minuter." {
		t.Fatalf("acknowledgement: %+v", u.Message)
	}
}

// BackToBot takes a waiting visitor back to the bot, which answers again;
// from any other state it is refused.
func TestBackToBot(t *testing.T) {
	t.Parallel()
	r := &scripted{}
	h, _ := newHub(t, conversation.Options{Responder: r})
	c := start(t, h)
	q := conversation.NewQueue(32)
	defer h.Subscribe(c.ID, q)()
	ctx := context.Background()
	if err := h.BackToBot(ctx, c.ID); !errors.Is(err, conversation.ErrNotWaiting) {
		t.Fatalf("BackToBot in state bot = %v, want ErrNotWaiting", err)
	}
	if err := h.AskForHuman(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	next(t, q)
	next(t, q)
	if err := h.BackToBot(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if u := next(t, q); u.Message == nil || !strings.HasPrefix(u.Message.Text, "You're back with the assistant. You keep your place in the queue") {
		t.Fatalf("notice: %+v", u.Message)
	}
	if u := next(t, q); u.Kind != conversation.KindState || u.State != store.StateBot || u.Reason != conversation.ReasonBackToBot {
		t.Fatalf("state: %+v", u)
	}
	if _, _, err := h.PostVisitorMessage(ctx, c.ID, "b1", "opening hours?"); err != nil {
		t.Fatal(err)
	}
	next(t, q) // the visitor's message
	if u := nextNonTyping(t, q); u.Message == nil || u.Message.From != store.FromBot || u.Message.Text != "answer to opening hours?" {
		t.Fatalf("the bot did not answer: %+v", u)
	}
	if err := h.SetState(ctx, c.ID, store.StateHuman, conversation.ReasonAgentJoined); err != nil {
		t.Fatal(err)
	}
	if err := h.BackToBot(ctx, c.ID); !errors.Is(err, conversation.ErrNotWaiting) {
		t.Fatalf("BackToBot with a person = %v, want ErrNotWaiting", err)
	}
}

// Agents watching a conversation see the visitor's presence change: here
// while a tab is visible, away when every tab is hidden, left when none
// is connected; the visitor's own subscribers are not told.
func TestPresence(t *testing.T) {
	t.Parallel()
	h, _ := newHub(t, conversation.Options{})
	c := start(t, h)
	agent := conversation.NewQueue(16)
	defer h.Watch(c.ID, agent)()
	if p := h.Presence(c.ID); p != conversation.PresenceLeft {
		t.Fatalf("presence before any tab: %s", p)
	}
	expect := func(want string) {
		t.Helper()
		if u := next(t, agent); u.Kind != conversation.KindPresence || u.Presence != want {
			t.Fatalf("agent got %+v, want presence %s", u, want)
		}
		if p := h.Presence(c.ID); p != want {
			t.Fatalf("Presence = %s, want %s", p, want)
		}
	}
	tab1, tab2 := conversation.NewQueue(16), conversation.NewQueue(16)
	stop1 := h.Subscribe(c.ID, tab1)
	expect(conversation.PresenceHere)
	stop2 := h.Subscribe(c.ID, tab2)
	h.SetVisible(c.ID, tab1, false)
	h.SetVisible(c.ID, tab2, false)
	expect(conversation.PresenceAway)
	h.SetVisible(c.ID, tab2, true)
	expect(conversation.PresenceHere)
	stop2()
	expect(conversation.PresenceAway) // tab1 is still hidden
	stop1()
	expect(conversation.PresenceLeft)
	select {
	case u := <-tab1.Updates():
		t.Fatalf("the visitor was told %+v", u)
	default:
	}
}

// Without a mail server an address the visitor leaves is kept, but the
// confirmation does not promise an e-mail.
func TestContactWithoutMailPromisesNoMail(t *testing.T) {
	t.Parallel()
	h, _ := newHub(t, conversation.Options{})
	c := start(t, h)
	q := conversation.NewQueue(8)
	defer h.Subscribe(c.ID, q)()
	if err := h.SetContact(context.Background(), c.ID, "vera@example.org"); err != nil {
		t.Fatal(err)
	}
	want := "Thanks, we've noted vera@example.org. We can't send e-mail from here, so the reply will wait in this chat."
	if u := next(t, q); u.Message == nil || u.Message.Text != want {
		t.Fatalf("confirmation %+v, want %q", u.Message, want)
	}
}

// Writing again after resolve starts a new turn with the bot, or, with
// ReopenWithPerson, puts the conversation back in the queue; the history
// stays either way.
func TestWritingAgainAfterResolve(t *testing.T) {
	t.Parallel()
	for _, person := range []bool{false, true} {
		h, _ := newHub(t, conversation.Options{Responder: &scripted{}, ReopenWithPerson: person})
		c := start(t, h)
		ctx := context.Background()
		q := conversation.NewQueue(16)
		stop := h.Subscribe(c.ID, q)
		if _, _, err := h.PostVisitorMessage(ctx, c.ID, "a", "first question"); err != nil {
			t.Fatal(err)
		}
		for u := nextNonTyping(t, q); u.Message == nil || u.Message.From != store.FromBot; u = nextNonTyping(t, q) {
		}
		if err := h.SetState(ctx, c.ID, store.StateClosed, "resolved"); err != nil {
			t.Fatal(err)
		}
		nextNonTyping(t, q) // state closed
		if _, _, err := h.PostVisitorMessage(ctx, c.ID, "b", "one more thing"); err != nil {
			t.Fatal(err)
		}
		nextNonTyping(t, q) // the message
		want := store.StateBot
		if person {
			want = store.StateWaiting
			if u := nextNonTyping(t, q); u.Message == nil || u.Message.From != store.FromSystem || !strings.HasPrefix(u.Message.Text, "I'm passing this to a person from our team") {
				t.Fatalf("person: notice %+v", u.Message)
			}
		}
		if u := nextNonTyping(t, q); u.Kind != conversation.KindState || u.State != want || u.Reason != conversation.ReasonReopened {
			t.Fatalf("person=%v: %+v", person, u)
		}
		ms, _ := h.Messages(ctx, c.ID, 0)
		if len(ms) < 2 || ms[0].Text != "first question" {
			t.Fatalf("history lost: %+v", ms)
		}
		stop()
	}
}

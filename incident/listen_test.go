package incident_test

import (
	"context"
	"testing"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/incident"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

// fakeHub hands the listener's subscription to the test.
type fakeHub struct{ sub conversation.Subscriber }

func (h *fakeHub) SubscribeAll(s conversation.Subscriber) func() {
	h.sub = s
	return func() { h.sub = nil }
}

func visitorAsks(text string, state string, at time.Time) *conversation.Update {
	return &conversation.Update{ConversationID: "c", Kind: conversation.KindMessage, State: state,
		Message: &store.Message{ConversationID: "c", From: store.FromVisitor, Text: text, At: at}}
}

func TestListenerAlertsOnQuestionsToTheBot(t *testing.T) {
	t.Parallel()
	d, err := incident.NewDetector(knowledge.NewHashEmbedder(knowledge.HashOptions{}), incident.Options{Learn: -1})
	if err != nil {
		t.Fatal(err)
	}
	alerts := make(chan incident.Alert, 4)
	h := &fakeHub{}
	l := incident.Listen(h, d, incident.ListenOptions{OnAlert: func(_ context.Context, a incident.Alert) { alerts <- a }})
	defer l.Close()
	at := monday
	// Written to a person, a typing update and an agent's message are no
	// questions to the bot: they count for nothing.
	h.sub.Deliver(visitorAsks("I cannot log in", store.StateHuman, at))
	h.sub.Deliver(&conversation.Update{ConversationID: "c", Kind: conversation.KindTyping})
	h.sub.Deliver(&conversation.Update{ConversationID: "c", Kind: conversation.KindMessage,
		Message: &store.Message{From: "agent", Text: "I cannot log in", At: at}})
	for i := range 6 {
		if !h.sub.Deliver(visitorAsks("I cannot log in", store.StateBot, at.Add(time.Duration(i)*time.Second))) {
			t.Fatal("the listener refused an update")
		}
	}
	select {
	case a := <-alerts:
		// A new topic's rate is uncertain: min_questions (5) or one more.
		if a.Count < 5 || a.Count > 6 || len(a.Examples) != 5 || a.Examples[0] != "I cannot log in" {
			t.Errorf("alert %+v; want 5 or 6 questions and 5 examples", a)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no alert after six questions about one thing on a detector that has seen nothing else")
	}
	select {
	case a := <-alerts:
		t.Errorf("a second alert for the same burst: %+v", a)
	default:
	}
}

// gatedEmbedder blocks each Embed until the test lets it go.
type gatedEmbedder struct {
	started chan struct{}
	release chan struct{}
}

func (g gatedEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	g.started <- struct{}{}
	<-g.release
	return [][]float32{{1, 0}}, nil
}

func TestListenerDropsWhenItsInboxIsFull(t *testing.T) {
	t.Parallel()
	g := gatedEmbedder{started: make(chan struct{}, 10), release: make(chan struct{})}
	d, err := incident.NewDetector(g, incident.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := &fakeHub{}
	l := incident.Listen(h, d, incident.ListenOptions{InboxSize: 2})
	h.sub.Deliver(visitorAsks("one", store.StateBot, monday))
	<-g.started // the worker holds the first
	for range 5 {
		if !h.sub.Deliver(visitorAsks("more", store.StateBot, monday)) {
			t.Fatal("the listener refused an update: the hub would evict it")
		}
	}
	if got := l.Dropped(); got != 3 {
		t.Errorf("Dropped() = %d; want 3 (an inbox of 2 behind the one being read)", got)
	}
	close(g.release)
	l.Close()
}

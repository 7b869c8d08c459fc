package incident_test

import (
	"context"
	"testing"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/incident"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

type fixedBot bot.Decision

func (b fixedBot) Decide(context.Context, bot.Turn) bot.Decision { return bot.Decision(b) }

type incidentList []store.Incident

func (l incidentList) ListIncidents(context.Context, int) ([]store.Incident, error) { return l, nil }

func TestStatusFirst(t *testing.T) {
	t.Parallel()
	d, err := incident.NewDetector(knowledge.NewHashEmbedder(knowledge.HashOptions{}), incident.Options{})
	if err != nil {
		t.Fatal(err)
	}
	login := store.Incident{ID: "i1", State: store.IncidentOpen, Status: "Login is down.", Examples: []string{"I cannot log in", "log in fails"}}
	noStatus := store.Incident{ID: "i2", State: store.IncidentOpen, Examples: []string{"refund my order"}}
	closed := store.Incident{ID: "i3", State: store.IncidentClosed, Status: "Refunds are late.", Examples: []string{"refund my order"}}
	s := incident.StatusFirst{Next: fixedBot{Action: bot.Answer, Reply: "Try resetting your password.", Lang: "sv"},
		Incidents: incidentList{login, noStatus, closed}, Detector: d}
	ctx := context.Background()
	if got, want := s.Decide(ctx, bot.Turn{Text: "cannot log in", Locale: "sv"}).Reply,
		"Ett meddelande från vårt team om detta: Login is down.\n\nTry resetting your password."; got != want {
		t.Errorf("about the topic: %q; want %q", got, want)
	}
	for _, q := range []string{"where is my refund for the order", "what are your opening hours"} {
		if got := s.Decide(ctx, bot.Turn{Text: q}).Reply; got != "Try resetting your password." {
			t.Errorf("%q (no open incident with a status about it) got %q", q, got)
		}
	}
}

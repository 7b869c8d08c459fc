package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

func incidentEvent(id string) Event {
	return Event{
		ID: id, Type: EventIncidentOpened, Reason: ReasonIncident,
		ConsoleURL: "https://support.example.com/console/",
		At:         time.Date(2026, 12, 2, 10, 7, 0, 0, time.UTC),
		Incident: &Incident{Label: "cannot log in", Count: 14, Usual: 1.2, WindowSeconds: 600,
			Examples: []string{"I cannot log in", "login <broken>"}},
	}
}

func TestIncidentReachesTheWebhooksOnce(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, "k", nil)
	slack := newReceiver(t, "", nil)
	st := openStore(t, "")
	d := newDispatcher(t, testConfig([]Webhook{
		{Name: "ops", URL: rcv.srv.URL, Secret: "k"},
		{Name: "slack", URL: slack.srv.URL, Format: FormatSlack},
		{Name: "billing", URL: rcv.srv.URL, Secret: "k", Reasons: []string{"sensitive:billing"}},
	}, nil), st)
	d.Start(t.Context())
	e := incidentEvent("inc_1")
	d.Notify(t.Context(), e)
	d.Notify(t.Context(), e) // the same incident again: no second delivery
	ds, err := st.ListDeliveries(t.Context(), 0)
	if err != nil || len(ds) != 2 {
		t.Fatalf("deliveries = %+v, %v; want one per channel that takes incidents (not the billing-only one)", ds, err)
	}
	for _, dl := range ds {
		waitDelivery(t, st, dl.ID, isStatus(store.DeliveryDelivered))
	}
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("json receiver got %d requests; want 1", n)
	}
	var body WebhookBody
	if err := json.Unmarshal(rcv.requests()[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != EventIncidentOpened || body.EventID != "inc_1" || body.Incident == nil ||
		body.Incident.Count != 14 || body.Incident.WindowSeconds != 600 || len(body.Incident.Examples) != 2 {
		t.Errorf("body = %+v", body)
	}
	var msg struct{ Text string }
	json.Unmarshal(slack.requests()[0].Body, &msg)
	for _, want := range []string{
		`:fire: 14 visitors asked about "cannot log in" in the last 10 minutes; usually 1`,
		"\n> I cannot log in\n> login &lt;broken&gt;",
		"<https://support.example.com/console/|Open in the console>",
	} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("slack text lacks %q:\n%s", want, msg.Text)
		}
	}
}

func TestIncidentMail(t *testing.T) {
	t.Parallel()
	e := incidentEvent("inc_1")
	e.Incident.Usual = 0.2
	m := notifyMail(e)
	if want := `[andon] 14 visitors asked about "cannot log in" in the last 10 minutes; usually fewer than 1`; m.subject != want {
		t.Errorf("subject %q; want %q", m.subject, want)
	}
	for _, want := range []string{"What they asked:\n> I cannot log in\n> login <broken>\n", "Open it in the console: https://support.example.com/console/"} {
		if !strings.Contains(m.text, want) {
			t.Errorf("mail lacks %q:\n%s", want, m.text)
		}
	}
	for _, not := range []string{"Conversation:", "Reason:"} {
		if strings.Contains(m.text, not) {
			t.Errorf("an incident mail says %q, which it has none of:\n%s", not, m.text)
		}
	}
	if !strings.Contains(m.html, "<blockquote>login &lt;broken&gt;</blockquote>") {
		t.Errorf("html lacks the escaped example:\n%s", m.html)
	}
}

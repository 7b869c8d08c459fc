package conversation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// fixedStaffing answers every Staffing call with s and records the reason
// it was asked about.
type fixedStaffing struct {
	s       conversation.Staffing
	reasons chan string
}

func (f fixedStaffing) Staffing(_ context.Context, _, reason string) conversation.Staffing {
	select {
	case f.reasons <- reason:
	default:
	}
	return f.s
}

func TestEscalationSaysWhoComesAndWhen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		locale string
		s      conversation.Staffing
		want   string
		eta    int // 0: none
	}{
		{"names and team", "en-GB", conversation.Staffing{AgentsOnline: 2, Open: true, ExpectedWait: 4 * time.Minute, Team: "the billing team", Names: []string{"Anna", "Bert"}},
			"Anna or Bert from the billing team should be with you in about 4 minutes.", 240},
		{"three names, Swedish", "sv-SE", conversation.Staffing{AgentsOnline: 5, Open: true, ExpectedWait: 30 * time.Second, Names: []string{"Anna", "Bert", "Carl", "Dora"}},
			"Anna, Bert eller Carl bör vara här inom en minut.", 30},
		{"no names", "en", conversation.Staffing{AgentsOnline: 1, Open: true, ExpectedWait: 2 * time.Hour},
			"Someone from our team should be with you in about 2 hours.", 7200},
		{"outside hours", "en", conversation.Staffing{AgentsOnline: 3, Open: false, Mail: true, Team: "the billing team", Names: []string{"Anna"}},
			"The billing team is closed right now. Please leave your e-mail address and we'll reply there.", 0},
		{"outside hours, Swedish, no team", "sv", conversation.Staffing{Open: false, Mail: true},
			"Vi har stängt just nu. Lämna gärna din e-postadress så svarar vi där.", 0},
		{"nobody online", "en", conversation.Staffing{Open: true, Mail: true, Team: "the billing team"},
			"Nobody from the team is online right now. Please leave your e-mail address and we'll reply there.", 0},
		{"nobody online, e-mail given", "en", conversation.Staffing{Open: true, Mail: true},
			"Nobody from the team is online right now. We'll reply to vera@example.org.", 0},
		{"outside hours, e-mail given, Swedish", "sv", conversation.Staffing{Open: false, Mail: true, Team: "the billing team"},
			"The billing team har stängt just nu. Vi svarar till vera@example.org.", 0},
		// Without a mail server nobody is promised an e-mail, with or
		// without an address: the reply waits in the chat.
		{"nobody online, no mail", "en", conversation.Staffing{Open: true},
			"Nobody from the team is online right now. Your conversation stays here: the reply will wait in this chat, and opening this page in this browser brings you back to it.", 0},
		{"nobody online, no mail, e-mail given", "en", conversation.Staffing{Open: true},
			"Nobody from the team is online right now. Your conversation stays here", 0},
		{"nobody online, no mail, Swedish", "sv", conversation.Staffing{Open: true},
			"Ingen från teamet är inloggad just nu. Samtalet finns kvar här: svaret väntar i den här chatten", 0},
		// Outside hours the visitor hears when the team is back.
		{"closed until tomorrow", "en", conversation.Staffing{Open: false, Team: "the billing team",
			Now: time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC), OpensAt: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)},
			"The billing team is closed right now and opens again tomorrow at 09:00.", 0},
		{"closed until Monday, Swedish", "sv", conversation.Staffing{Open: false,
			Now: time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC), OpensAt: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)},
			"Vi har stängt just nu och öppnar igen på måndag kl. 09:00.", 0},
		{"closed until later today", "en", conversation.Staffing{Open: false,
			Now: time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC), OpensAt: time.Date(2026, 12, 4, 9, 30, 0, 0, time.UTC)},
			"We're closed right now and open again today at 09:30.", 0},
		{"closed over the holidays", "en", conversation.Staffing{Open: false,
			Now: time.Date(2026, 12, 23, 18, 0, 0, 0, time.UTC), OpensAt: time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)},
			"We're closed right now and open again on 4 January at 09:00.", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			avail := fixedStaffing{s: tt.s, reasons: make(chan string, 4)}
			h, _ := newHub(t, conversation.Options{Responder: &scripted{}, Availability: avail})
			c, err := h.Start(context.Background(), conversation.Visit{Site: "default", Locale: tt.locale})
			if err != nil {
				t.Fatal(err)
			}
			q := conversation.NewQueue(16)
			defer h.Subscribe(c.ID, q)()
			if strings.Contains(tt.name, "e-mail given") {
				if err := h.SetContact(context.Background(), c.ID, "vera@example.org"); err != nil {
					t.Fatal(err)
				}
				next(t, q)      // the confirmation
				<-avail.reasons // whether it can be mailed
			}
			if err := h.AskForHuman(context.Background(), c.ID); err != nil {
				t.Fatal(err)
			}
			m := next(t, q)
			if m.Message == nil || !strings.Contains(m.Message.Text, tt.want) {
				t.Fatalf("system message %q does not say %q", m.Message.Text, tt.want)
			}
			if r := <-avail.reasons; r != conversation.ReasonAskedForHuman {
				t.Fatalf("Staffing asked about reason %q", r)
			}
			u := next(t, q)
			if u.State != store.StateWaiting {
				t.Fatalf("state: %+v", u)
			}
			if got := u.ETASeconds; (got == nil) != (tt.eta == 0) || (got != nil && *got != tt.eta) {
				t.Fatalf("eta_seconds = %v, want %d", got, tt.eta)
			}
		})
	}
}

func TestVisitorConnected(t *testing.T) {
	t.Parallel()
	h, _ := newHub(t, conversation.Options{})
	c := start(t, h)
	if h.VisitorConnected(c.ID) {
		t.Fatal("connected before anyone subscribed")
	}
	agent := conversation.NewQueue(4)
	stopAgent := h.Watch(c.ID, agent)
	if h.VisitorConnected(c.ID) {
		t.Fatal("an agent watching counts as the visitor")
	}
	tab1, tab2 := conversation.NewQueue(4), conversation.NewQueue(4)
	stop1 := h.Subscribe(c.ID, tab1)
	stop2 := h.Subscribe(c.ID, tab2)
	if !h.VisitorConnected(c.ID) {
		t.Fatal("not connected with two tabs open")
	}
	stop1()
	stop1() // idempotent: must not count down twice
	if !h.VisitorConnected(c.ID) {
		t.Fatal("not connected with one tab left")
	}
	stop2()
	if h.VisitorConnected(c.ID) {
		t.Fatal("connected after the last tab closed")
	}
	// The watching agent still receives updates.
	if _, err := h.PostSystemMessage(context.Background(), c.ID, "hello"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{conversation.PresenceHere, conversation.PresenceLeft} {
		if u := next(t, agent); u.Kind != conversation.KindPresence || u.Presence != want {
			t.Fatalf("agent got %+v, want presence %s", u, want)
		}
	}
	if u := next(t, agent); u.Message == nil || u.Message.Text != "hello" {
		t.Fatalf("agent got %+v", u)
	}
	stopAgent()
}

// Outside hours the opening time is said in the visitor's time zone (from
// their browser), not the team's.
func TestOpeningTimeInTheVisitorsZone(t *testing.T) {
	t.Parallel()
	s := conversation.Staffing{Open: false, Mail: true,
		Now: time.Date(2026, 12, 4, 22, 0, 0, 0, time.UTC), OpensAt: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)}
	h, _ := newHub(t, conversation.Options{Availability: fixedStaffing{s: s}})
	for _, tc := range []struct{ zone, locale, want string }{
		{"Europe/Stockholm", "sv-SE", "Vi har stängt just nu och öppnar igen i morgon kl. 09:00."},
		{"Asia/Tokyo", "en", "We're closed right now and open again today at 17:00."}, // already the 5th there
		{"", "en", "We're closed right now and open again tomorrow at 08:00."},
	} {
		v := conversation.Visit{Site: "default", Locale: tc.locale}
		if tc.zone != "" {
			v.Attributes = map[string]string{conversation.AttrTimeZone: tc.zone}
		}
		c, err := h.Start(context.Background(), v)
		if err != nil {
			t.Fatal(err)
		}
		q := conversation.NewQueue(16)
		stop := h.Subscribe(c.ID, q)
		if err := h.AskForHuman(context.Background(), c.ID); err != nil {
			t.Fatal(err)
		}
		if m := next(t, q); m.Message == nil || !strings.Contains(m.Message.Text, tc.want) {
			t.Errorf("%s: visitor told %q, want %q", tc.zone, m.Message.Text, tc.want)
		}
		stop()
	}
}

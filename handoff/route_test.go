package handoff_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

func TestRoutingByReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		reason      string
		defaultTeam string
		team        string
		priority    int
	}{
		{"sensitive:billing", "", "billing", 0},               // [[bot.sensitive]] team
		{"sensitive:security", "", "security", 0},             // [[team]] reasons, exact
		{"frustration:words", "", "care", 0},                  // [[team]] reasons, prefix*
		{"personal_data:card", "", "", 0},                     // nobody claims it: every agent
		{"low_confidence", "", "technical", 2},                // [[team]] reasons
		{conversation.ReasonAskedForHuman, "", "", 1},         // the visitor asked
		{conversation.ReasonAskedForHuman, "care", "care", 1}, // handoff.default_team
		{"bot_error", "care", "care", 2},
	}
	for _, tt := range tests {
		t.Run(tt.reason+"/"+tt.defaultTeam, func(t *testing.T) {
			t.Parallel()
			e := newEnvWith(t, func(c *config.Config) { c.Handoff.DefaultTeam = tt.defaultTeam })
			c, _, stop := e.visitor("en")
			defer stop()
			e.escalate(c, tt.reason)
			it := e.queued(c.ID)
			if it.Reason != tt.reason || it.Team != tt.team || it.Priority != tt.priority {
				t.Fatalf("routed to team %q with priority %d (%+v), want %q and %d", it.Team, it.Priority, it, tt.team, tt.priority)
			}
		})
	}
}

func TestQueueOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	mk := func(reason string) string {
		c, _, stop := e.visitor("en")
		t.Cleanup(stop)
		e.escalate(c, reason)
		e.queued(c.ID)
		e.clock.Advance(time.Second)
		return c.ID
	}
	lowOld := mk("low_confidence")                 // technical, priority 2
	askOld := mk(conversation.ReasonAskedForHuman) // everyone, priority 1
	billing := mk("sensitive:billing")             // billing, priority 0
	askNew := mk(conversation.ReasonAskedForHuman)
	security := mk("sensitive:security") // security team, priority 0
	mine := mk("low_confidence")
	if _, err := e.desk.Claim(e.ctx, mine, anna); err != nil {
		t.Fatal(err)
	}
	taken := mk(conversation.ReasonAskedForHuman)
	if _, err := e.desk.Claim(e.ctx, taken, bert); err != nil {
		t.Fatal(err)
	}
	items, err := e.desk.Queue(e.ctx, anna)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.ConversationID)
	}
	// Anna's own first; then billing and everyone's by priority and age;
	// then other teams'; Bert's conversation is not hers to see.
	want := []string{mine, billing, askOld, askNew, security, lowOld}
	if !slices.Equal(got, want) {
		t.Fatalf("queue order\n got %q\nwant %q", got, want)
	}
}

func TestStaffingAndETA(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *config.Config) {
		// 2026-05-04 is a Monday; the clock says 10:00 UTC.
		c.Teams[1].Hours = map[string]string{"mon": "12:00-17:00"}
	})
	ctx := e.ctx
	if s := e.desk.Staffing(ctx, "default", "sensitive:billing"); s.AgentsOnline != 0 || !s.Open || len(s.Names) != 0 {
		t.Fatalf("nobody connected: %+v", s)
	}
	defer e.desk.Connect(anna)()
	defer e.desk.Connect(bert)()
	defer e.desk.Connect(cleo)()
	s := e.desk.Staffing(ctx, "default", "sensitive:billing")
	if s.AgentsOnline != 2 || !slices.Equal(s.Names, []string{"Anna", "Bert"}) || s.Team != "the billing team" || !s.Open ||
		s.ExpectedWait != 3*time.Minute {
		t.Fatalf("billing with an empty queue: %+v", s)
	}
	// Four urgent billing conversations ahead, two people: 3m + 3m*4/2.
	for range 4 {
		c, _, stop := e.visitor("en")
		t.Cleanup(stop)
		e.escalate(c, "sensitive:billing")
		e.queued(c.ID)
	}
	if s := e.desk.Staffing(ctx, "default", "sensitive:billing"); s.ExpectedWait != 9*time.Minute {
		t.Fatalf("billing with 4 ahead: %+v", s)
	}
	// Everyone's escalations: three people, the same four ahead (more
	// urgent): 3m + 3m*4/3.
	if s := e.desk.Staffing(ctx, "default", conversation.ReasonAskedForHuman); s.ExpectedWait != 7*time.Minute || s.AgentsOnline != 3 || s.Team != "" {
		t.Fatalf("everyone's: %+v", s)
	}
	// Technical is closed now (opens at 12:00), even though Cleo is online.
	if s := e.desk.Staffing(ctx, "default", "low_confidence"); s.Open || s.Team != "the technical team" {
		t.Fatalf("technical outside hours: %+v", s)
	}
	// A team with nobody online: whoever is online is named.
	if s := e.desk.Staffing(ctx, "default", "frustration:words"); s.AgentsOnline != 3 || s.Team != "" {
		t.Fatalf("care with nobody of care online: %+v", s)
	}
	// Measured claims replace the default: the median of 1m, 2m and 10m,
	// with one billing conversation left ahead for two people: 2m + 2m/2.
	var billing []string
	for _, it := range e.desk.All() {
		if it.Team == "billing" {
			billing = append(billing, it.ConversationID)
		}
	}
	for i, step := range []time.Duration{time.Minute, time.Minute, 8 * time.Minute} {
		e.clock.Advance(step)
		if _, err := e.desk.Claim(ctx, billing[i], anna); err != nil {
			t.Fatal(err)
		}
	}
	if s := e.desk.Staffing(ctx, "default", "sensitive:billing"); s.ExpectedWait != 3*time.Minute {
		t.Fatalf("after measured claims: %+v", s)
	}
}

func TestEscalationTextSaysWhoAndWhen(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *config.Config) { c.Teams[1].Hours = map[string]string{"mon": "12:00-17:00"} })
	defer e.desk.Connect(anna)()
	tests := []struct {
		reason, locale, want string
		eta                  int // 0: none
	}{
		{"sensitive:billing", "en", "Anna from the billing team should be with you in about 3 minutes.", 180},
		// The first one is ahead now.
		{"sensitive:billing", "sv", "Anna från the billing team bör vara här om ungefär 6 minuter.", 360},
		{"low_confidence", "en", "The technical team is closed right now and opens again today at 12:00. Please leave your e-mail address", 0},
	}
	for _, tt := range tests {
		c, q, stop := e.visitor(tt.locale)
		e.escalate(c, tt.reason)
		us := drain(q)
		stop()
		got := messages(us, store.FromSystem)
		if len(got) != 1 || !strings.Contains(got[0], tt.want) {
			t.Fatalf("%s/%s: visitor told %q, want %q", tt.reason, tt.locale, got, tt.want)
		}
		var eta *int
		for _, u := range us {
			if u.Kind == conversation.KindState {
				eta = u.ETASeconds
			}
		}
		if (eta != nil) != (tt.eta != 0) || (eta != nil && *eta != tt.eta) {
			t.Fatalf("%s/%s: eta_seconds %v", tt.reason, tt.locale, eta)
		}
		e.queued(c.ID)
	}
}

func TestReasonText(t *testing.T) {
	t.Parallel()
	reasons := []string{
		bot.ReasonAskedForHuman, bot.ReasonCard, bot.ReasonPersonnummer, bot.ReasonIBAN, bot.ReasonRepeat,
		bot.ReasonFrustrationWords, bot.ReasonShouting, bot.ReasonSelfHarm, bot.ReasonNegativeFeedback,
		bot.ReasonLowConfidence, bot.ReasonRetrievalError,
		conversation.ReasonAskedForHuman, conversation.ReasonNegativeFeedback, conversation.ReasonReopened,
		conversation.ReasonAgentJoined, conversation.ReasonBotError, conversation.ReasonBackToBot, "timeout",
		handoff.ReasonAgentLeft, handoff.ReasonTransfer, handoff.ReasonHandedBack, handoff.ReasonResolved, handoff.ReasonOrphaned,
	}
	for _, tp := range bot.DefaultTopics() {
		reasons = append(reasons, "sensitive:"+tp.Name)
	}
	for _, r := range reasons {
		en, sv := handoff.ReasonText(r, "en"), handoff.ReasonText(r, "sv-SE")
		if en == "" || sv == "" || en == sv || strings.Contains(en, r) || strings.Contains(sv, r) || strings.Contains(en, "_") {
			t.Errorf("%s: en %q, sv %q", r, en, sv)
		}
	}
	for _, tc := range [][3]string{
		{"sensitive:billing", "en", "Sensitive topic: billing"},
		{"sensitive:billing", "sv", "Känsligt ämne: fakturering"},
		{"sensitive:gdpr_request", "en", "Sensitive topic: gdpr request"},
		{"personal_data:card", "de", "The visitor shared a card number"},
		{"something_new", "en", "Something new"},
		{"", "en", ""},
	} {
		if got := handoff.ReasonText(tc[0], tc[1]); got != tc[2] {
			t.Errorf("ReasonText(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}

// A waiting visitor who writes hears their place in the queue of their
// team and the wait; the first in line is number 1.
func TestWaitingVisitorHearsTheirPlace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	defer e.desk.Connect(anna)()
	var qs []*conversation.Queue
	for range 2 {
		c, q, stop := e.visitor("en")
		defer stop()
		e.escalate(c, "sensitive:billing")
		e.queued(c.ID)
		drain(q)
		qs = append(qs, q)
		e.clock.Advance(time.Second)
	}
	second := e.desk.All()[1].ConversationID
	if n := e.desk.QueuePosition(e.ctx, second); n != 2 {
		t.Fatalf("position of the second = %d", n)
	}
	if _, _, err := e.hub.PostVisitorMessage(e.ctx, second, "w1", "still there?"); err != nil {
		t.Fatal(err)
	}
	got := messages(drain(qs[1]), store.FromSystem)
	if len(got) != 1 || !strings.HasPrefix(got[0], "Added to your conversation; the team will see it. You're number 2 in the queue; someone should be with you in about") {
		t.Fatalf("visitor told %q", got)
	}
	if _, err := e.desk.Claim(e.ctx, e.desk.All()[0].ConversationID, anna); err != nil {
		t.Fatal(err)
	}
	if n := e.desk.QueuePosition(e.ctx, second); n != 1 {
		t.Fatalf("position after the first was claimed = %d", n)
	}
}

package handoff_test

import (
	"testing"
	"time"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// owned reports who owns conversation id at the desk ("" in the queue,
// "-" when it is not with the desk).
func (e *env) owner(id string) string {
	for _, it := range e.desk.All() {
		if it.ConversationID == id {
			return it.AssigneeID
		}
	}
	return "-"
}

// A conversation transferred to an agent with no console open returns to
// the queue after the grace period, like one whose owner's console closed.
func TestTransferToAbsentAgentReturnsToQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	disc := e.desk.Connect(anna)
	defer disc()
	c, _, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "sensitive:billing")
	e.queued(c.ID)
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	// Bert has never opened the console.
	if _, err := e.desk.Transfer(e.ctx, c.ID, anna, handoff.Transfer{ToAgentID: bert.ID, Note: "over to you"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	e.desk.Tick(e.ctx)
	if got := e.owner(c.ID); got != bert.ID {
		t.Fatalf("within the grace period the owner is %q, want Bert", got)
	}
	e.clock.Advance(time.Minute + time.Second)
	e.desk.Tick(e.ctx)
	if got := e.owner(c.ID); got != "" {
		t.Fatalf("after the grace period the owner is %q, want the queue", got)
	}
	if st := e.conv(c.ID).State; st != store.StateWaiting {
		t.Fatalf("conversation state %q, want waiting", st)
	}
}

// An agent who claims over the HTTP API without a console keeps the
// conversation only for the grace period; one who connects in time keeps
// it.
func TestClaimWithoutConsoleReturnsToQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "sensitive:billing")
	e.queued(c.ID)
	if _, err := e.desk.Claim(e.ctx, c.ID, bert); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Minute)
	e.desk.Tick(e.ctx)
	if got := e.owner(c.ID); got != "" {
		t.Fatalf("3 minutes after a claim without a console the owner is %q, want the queue", got)
	}

	c2, _, stop2 := e.visitor("en")
	defer stop2()
	e.escalate(c2, "sensitive:billing")
	e.queued(c2.ID)
	if _, err := e.desk.Claim(e.ctx, c2.ID, bert); err != nil {
		t.Fatal(err)
	}
	disc := e.desk.Connect(bert)
	defer disc()
	e.clock.Advance(time.Hour)
	e.desk.Tick(e.ctx)
	if got := e.owner(c2.ID); got != bert.ID {
		t.Fatalf("Bert connected after claiming, yet the owner is %q", got)
	}
}

// A transfer to an agent is not an acknowledgement: the SLA runs on and the
// chain is paged until the agent accepts it (claims it or replies).
func TestTransferToAgentIsAcknowledgedOnlyWhenAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, a := range []handoff.Agent{anna, bert} {
		disc := e.desk.Connect(a)
		defer disc()
	}
	c, _, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "sensitive:billing") // SLA 2 minutes
	due := e.queued(c.ID).DueAt
	e.clock.Advance(time.Minute)
	// Anna routes it from the queue straight to Bert.
	it, err := e.desk.Transfer(e.ctx, c.ID, anna, handoff.Transfer{ToAgentID: bert.ID, Note: "Bert knows this customer"})
	if err != nil {
		t.Fatal(err)
	}
	if !it.AckedAt.IsZero() || !it.DueAt.Equal(due) {
		t.Fatalf("after the transfer: acked %v, due %v (was %v)", it.AckedAt, it.DueAt, due)
	}
	e.clock.Advance(time.Minute + time.Second)
	e.desk.Tick(e.ctx)
	pages := e.waitNotified(notify.EventHandoffSLAMissed, 1)
	if len(pages) != 1 || len(pages[0].Paged) != 1 || pages[0].Paged[0] != "lead@example.com" {
		t.Fatalf("pages while Bert had not accepted: %+v", pages)
	}
	it, err = e.desk.Claim(e.ctx, c.ID, bert)
	if err != nil {
		t.Fatal(err)
	}
	if it.AssigneeID != bert.ID || it.AckedAt.IsZero() || !it.DueAt.IsZero() {
		t.Fatalf("after Bert accepted: %+v", it)
	}
	e.clock.Advance(time.Hour)
	e.desk.Tick(e.ctx)
	if got := e.rec.notified(notify.EventHandoffSLAMissed); len(got) != 1 {
		t.Fatalf("paged again after Bert accepted: %+v", got)
	}

	// A reply accepts as well.
	c2, _, stop2 := e.visitor("en")
	defer stop2()
	e.escalate(c2, "sensitive:billing")
	e.queued(c2.ID)
	if _, err := e.desk.Transfer(e.ctx, c2.ID, anna, handoff.Transfer{ToAgentID: bert.ID, Note: "yours too"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Reply(e.ctx, c2.ID, bert, "Hi, Bert here", ""); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	e.desk.Tick(e.ctx)
	for _, p := range e.rec.notified(notify.EventHandoffSLAMissed) {
		if p.ConversationID == c2.ID {
			t.Fatalf("paged after Bert replied: %+v", p)
		}
	}
}

// Passing a conversation nobody has taken from team to team keeps its
// deadline and level: the chain is paged on time however often it moves.
func TestRepeatedTeamTransfersKeepTheDeadline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "sensitive:billing") // SLA 2 minutes, billing's chain
	due := e.queued(c.ID).DueAt
	for i, team := range []string{"technical", "billing", "technical", "billing"} {
		e.clock.Advance(25 * time.Second)
		it, err := e.desk.Transfer(e.ctx, c.ID, anna, handoff.Transfer{ToTeam: team, Note: "not mine"})
		if err != nil {
			t.Fatal(err)
		}
		if !it.DueAt.Equal(due) || it.Level != 0 {
			t.Fatalf("transfer %d: due %v level %d, want %v and 0", i, it.DueAt, it.Level, due)
		}
	}
	e.clock.Advance(21 * time.Second) // 2m1s after the escalation
	e.desk.Tick(e.ctx)
	if pages := e.waitNotified(notify.EventHandoffSLAMissed, 1); len(pages) != 1 || pages[0].Level != 1 {
		t.Fatalf("pages at the original deadline: %+v", pages)
	}
}

// An agent whose grace ran out but who reconnects while Tick is busy
// (between picking them and returning their conversations) keeps them.
func TestReconnectDuringTickKeepsConversations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	disc := e.desk.Connect(bert)
	mine, _, stop := e.visitor("en")
	defer stop()
	e.escalate(mine, "low_confidence")
	e.queued(mine.ID)
	if _, err := e.desk.Claim(e.ctx, mine.ID, bert); err != nil {
		t.Fatal(err)
	}
	disc() // grace of 2 minutes starts
	other, _, stop2 := e.visitor("en")
	defer stop2()
	e.escalate(other, "sensitive:billing") // its SLA (2 minutes) ends with the grace
	e.queued(other.ID)
	// The page that Tick sends before returning Bert's conversations is
	// the moment Bert's console comes back.
	var again func()
	e.rec.mu.Lock()
	e.rec.onNotify = func(n notify.Event) {
		if n.Type == notify.EventHandoffSLAMissed && again == nil {
			again = e.desk.Connect(bert)
		}
	}
	e.rec.mu.Unlock()
	e.clock.Advance(2*time.Minute + time.Second)
	e.desk.Tick(e.ctx)
	if again == nil {
		t.Fatal("no page was sent: the test did not reach the window")
	}
	defer again()
	if got := e.owner(mine.ID); got != bert.ID {
		t.Fatalf("Bert reconnected before the return, yet the owner is %q", got)
	}
}

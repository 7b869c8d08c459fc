package handoff_test

import (
	"testing"
	"time"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/notify"
)

// A second round of SLA pages (a transfer to a team starts the chain again
// at level 1) gets event IDs of its own: the dispatcher drops a repeated ID
// as a retry, so a reused one would never be delivered.
func TestSecondRoundOfPagesHasNewEventIDs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	disc := e.desk.Connect(anna)
	defer disc()
	c, _, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "sensitive:billing")
	e.queued(c.ID)
	e.clock.Advance(3 * time.Minute)
	e.desk.Tick(e.ctx) // level 1: lead@
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Transfer(e.ctx, c.ID, anna, handoff.Transfer{ToTeam: "billing", Note: "someone else please"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Minute)
	e.desk.Tick(e.ctx) // level 1 again
	pages := e.waitNotified(notify.EventHandoffSLAMissed, 2)
	if len(pages) != 2 || pages[0].Level != 1 || pages[1].Level != 1 {
		t.Fatalf("pages: %+v", pages)
	}
	if pages[0].ID == pages[1].ID {
		t.Fatalf("both rounds' level-1 pages have the event ID %s: the dispatcher would drop the second", pages[0].ID)
	}
}

// A handoff.created notification lost in a crash right after the handoff
// was stored is sent at the next start, with the same event ID (so the
// dispatcher drops it if it had gone out after all); a claimed handoff is
// not announced again.
func TestRestartNotifiesUntakenHandoffs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _, stop := e.visitor("en")
	e.escalate(c, "sensitive:billing")
	first := e.waitNotified(notify.EventHandoffCreated, 1)
	taken, _, stop2 := e.visitor("en")
	e.escalate(taken, "low_confidence")
	e.queued(taken.ID)
	if _, err := e.desk.Claim(e.ctx, taken.ID, anna); err != nil {
		t.Fatal(err)
	}
	stop()
	stop2()
	e.rec.mu.Lock()
	e.rec.events = nil // lost with the crash
	e.rec.mu.Unlock()
	e.restart()
	got := e.rec.notified(notify.EventHandoffCreated)
	if len(got) != 1 || got[0].ID != first[0].ID || got[0].ConversationID != c.ID {
		t.Fatalf("created notifications after the restart: %+v (first was %s)", got, first[0].ID)
	}
}

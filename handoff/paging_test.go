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

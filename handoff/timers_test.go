package handoff_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

func TestDisconnectGraceReturnsToQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "sensitive:billing")
	e.queued(c.ID)
	disconnect := e.desk.Connect(anna)
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	drain(q)

	// The browser closes and comes back within the grace period: nothing
	// happens (the reconnect of an agent mid-conversation).
	disconnect()
	e.clock.Advance(90 * time.Second)
	e.desk.Tick(e.ctx)
	disconnect = e.desk.Connect(anna)
	e.clock.Advance(10 * time.Minute)
	e.desk.Tick(e.ctx)
	if it := e.queued(c.ID); it.AssigneeID != anna.ID {
		t.Fatalf("returned although Anna reconnected: %+v", it)
	}
	if _, err := e.desk.Reply(e.ctx, c.ID, anna, "back again", ""); err != nil {
		t.Fatal(err)
	}

	// Now she is gone for good.
	disconnect()
	e.clock.Advance(2*time.Minute - time.Second)
	e.desk.Tick(e.ctx)
	if it := e.queued(c.ID); it.AssigneeID != anna.ID {
		t.Fatalf("returned before the grace period ended: %+v", it)
	}
	drain(q)
	e.clock.Advance(time.Second)
	e.desk.Tick(e.ctx)
	it := e.waitItem(c.ID, func(it *handoff.Item) bool { return it.AssigneeID == "" && it.Note != "" })
	if !strings.Contains(it.Note, "Anna Berg's console closed") || it.State != store.StateWaiting ||
		!it.DueAt.Equal(e.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("item back in the queue: %+v", it)
	}
	us := drain(q)
	if got := messages(us, store.FromSystem); len(got) != 1 || !strings.Contains(got[0], "Anna had to leave") {
		t.Fatalf("visitor told %q", got)
	}
	if got := states(us); !slices.Equal(got, []string{store.StateWaiting}) {
		t.Fatalf("visitor's states: %q", got)
	}
	cx, _ := e.desk.Context(e.ctx, c.ID)
	if cx.HandoffNote != it.Note || len(cx.Notes) != 1 || cx.Notes[0].Kind != handoff.NoteReturn {
		t.Fatalf("context after the return: %q %+v", cx.HandoffNote, cx.Notes)
	}
	// Someone else can take it.
	if _, err := e.desk.Claim(e.ctx, c.ID, bert); err != nil {
		t.Fatal(err)
	}
}

func TestOfflineStatusStartsGrace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _, stop := e.visitor("en")
	defer stop()
	e.escalate(c, conversation.ReasonAskedForHuman)
	e.queued(c.ID)
	defer e.desk.Connect(anna)()
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	if err := e.desk.SetPresence(e.ctx, anna, handoff.StatusOffline); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Minute)
	e.desk.Tick(e.ctx)
	e.waitItem(c.ID, func(it *handoff.Item) bool { return it.AssigneeID == "" && it.Note != "" })
}

func TestSLAMissPagesTheChainInOrder(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("en")
	defer stop()
	if err := e.hub.SetContact(e.ctx, c.ID, "vera@example.org"); err != nil {
		t.Fatal(err)
	}
	e.escalate(c, "sensitive:billing") // SLA 2 minutes, chain lead then cfo
	e.queued(c.ID)
	drain(q)

	e.clock.Advance(2*time.Minute - time.Second)
	e.desk.Tick(e.ctx)
	if got := e.rec.notified(notify.EventHandoffSLAMissed); len(got) != 0 {
		t.Fatalf("paged before the SLA ran out: %+v", got)
	}
	e.clock.Advance(time.Second)
	e.desk.Tick(e.ctx)
	ev := e.waitEvent(handoff.EventPage, c.ID)
	if ev.Level != 1 || !slices.Equal(ev.Paged, []string{"lead@example.com"}) || ev.Item.Level != 1 {
		t.Fatalf("first page: %+v", ev)
	}
	got := messages(drain(q), store.FromSystem)
	if len(got) != 1 || got[0] != "Sorry for the wait: everyone is busy right now, and we've asked more people to step in. If you leave, we'll reply to vera@example.org." {
		t.Fatalf("visitor told %q", got)
	}

	e.clock.Advance(time.Minute)
	e.desk.Tick(e.ctx)
	e.clock.Advance(time.Minute)
	e.desk.Tick(e.ctx)
	ev = e.waitEvent(handoff.EventPage, c.ID)
	if ev.Level != 2 || !slices.Equal(ev.Paged, []string{"cfo@example.com"}) {
		t.Fatalf("second page: %+v", ev)
	}
	// The chain is exhausted: no more pages.
	e.clock.Advance(time.Hour)
	e.desk.Tick(e.ctx)
	pages := e.rec.notified(notify.EventHandoffSLAMissed)
	if len(pages) != 2 || pages[0].Level != 1 || !slices.Equal(pages[0].Paged, []string{"lead@example.com"}) ||
		pages[1].Level != 2 || !slices.Equal(pages[1].Paged, []string{"cfo@example.com"}) || pages[0].ID == pages[1].ID {
		t.Fatalf("sla_missed notifications: %+v", pages)
	}
	// A page says how long the visitor has waited: it carries the start.
	for _, p := range pages {
		if p.EscalatedAt.IsZero() || !p.EscalatedAt.Before(p.At) {
			t.Fatalf("page %s: escalated at %v, sent at %v", p.ID, p.EscalatedAt, p.At)
		}
	}
	if got := messages(drain(q), store.FromSystem); len(got) != 0 {
		t.Fatalf("the visitor was told again: %q", got)
	}
	// Claiming stops the clock for good.
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	h, _ := e.st.OpenHandoff(e.ctx, c.ID)
	if h.Level != 2 || !h.NextPageAt.IsZero() || h.AckedAt.IsZero() {
		t.Fatalf("stored handoff: %+v", h)
	}
}

func TestSLAWithoutEmailAsksForOne(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("sv")
	defer stop()
	e.escalate(c, "low_confidence") // technical team, no chain, default SLA 5m
	e.queued(c.ID)
	drain(q)
	e.clock.Advance(5 * time.Minute)
	e.desk.Tick(e.ctx)
	ev := e.waitEvent(handoff.EventPage, c.ID)
	if ev.Level != 1 || len(ev.Paged) != 0 {
		t.Fatalf("page without a chain: %+v", ev)
	}
	if got := messages(drain(q), store.FromSystem); len(got) != 1 || !strings.Contains(got[0], "lämna din e-postadress") {
		t.Fatalf("visitor told %q", got)
	}
	e.clock.Advance(time.Hour)
	e.desk.Tick(e.ctx)
	if got := e.rec.notified(notify.EventHandoffSLAMissed); len(got) != 1 {
		t.Fatalf("pages: %+v", got)
	}
}

func TestRestartReconciles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	waiting, _, stop1 := e.visitor("en")
	e.escalate(waiting, "sensitive:billing")
	e.queued(waiting.ID)
	owned, _, stop2 := e.visitor("en")
	e.escalate(owned, conversation.ReasonAskedForHuman)
	e.queued(owned.ID)
	if _, err := e.desk.Claim(e.ctx, owned.ID, anna); err != nil {
		t.Fatal(err)
	}
	ownerGone, _, stop3 := e.visitor("en")
	e.escalate(ownerGone, conversation.ReasonAskedForHuman)
	e.queued(ownerGone.ID)
	if _, err := e.desk.Claim(e.ctx, ownerGone.ID, bert); err != nil {
		t.Fatal(err)
	}
	stop1()
	stop2()
	stop3()
	// Escalated while the desk was down (crash between the state change
	// and the handoff), and a human conversation that nobody at the desk
	// owns.
	e.desk.Close()
	unseen, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.hub.AskForHuman(e.ctx, unseen.ID); err != nil {
		t.Fatal(err)
	}
	orphan, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.hub.PostAgentMessage(e.ctx, orphan.ID, "Someone", "hello from outside the desk"); err != nil {
		t.Fatal(err)
	}
	u, _ := e.st.User(e.ctx, bert.ID)
	u.Disabled = true
	if err := e.st.UpdateUser(e.ctx, u); err != nil {
		t.Fatal(err)
	}

	e.restart()
	all := map[string]handoff.Item{}
	for _, it := range e.desk.All() {
		all[it.ConversationID] = it
	}
	if len(all) != 5 {
		t.Fatalf("after restart the desk has %d items: %+v", len(all), all)
	}
	if it := all[waiting.ID]; it.AssigneeID != "" || it.Team != "billing" {
		t.Fatalf("waiting: %+v", it)
	}
	if it := all[owned.ID]; it.AssigneeID != anna.ID {
		t.Fatalf("owned: %+v", it)
	}
	if it := all[ownerGone.ID]; it.AssigneeID != "" || !strings.Contains(it.Note, "Bert Ek is no longer an active user") || it.State != store.StateWaiting {
		t.Fatalf("owner disabled: %+v", it)
	}
	if it := all[unseen.ID]; it.AssigneeID != "" || it.Reason != conversation.ReasonAskedForHuman || it.Priority != 1 {
		t.Fatalf("escalated while down: %+v", it)
	}
	if it := all[orphan.ID]; it.AssigneeID != "" || it.State != store.StateWaiting {
		t.Fatalf("orphaned human conversation: %+v", it)
	}
	// Anna does not come back within the grace period: hers returns too.
	e.clock.Advance(2 * time.Minute)
	e.desk.Tick(e.ctx)
	e.waitItem(owned.ID, func(it *handoff.Item) bool { return it.AssigneeID == "" && it.Note != "" })
	// A second restart changes nothing: one open handoff per conversation.
	e.restart()
	if n := len(e.desk.All()); n != 5 {
		t.Fatalf("after a second restart: %d items", n)
	}
	open, _ := e.st.OpenHandoffs(e.ctx)
	if len(open) != 5 {
		t.Fatalf("%d open handoffs in the store", len(open))
	}
}

// Nobody is paged when the team has no escalation chain, so the visitor
// is not told that more people were asked; without a mail server the
// reply is promised in the chat, not by e-mail.
func TestSLAMissSaysOnlyWhatHappened(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.rec.mu.Lock()
	e.rec.noSMTP = true
	e.rec.mu.Unlock()
	c, q, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "low_confidence") // the technical team: no chain
	e.queued(c.ID)
	drain(q)
	e.clock.Advance(time.Hour)
	e.desk.Tick(e.ctx)
	ev := e.waitEvent(handoff.EventPage, c.ID)
	if len(ev.Paged) != 0 {
		t.Fatalf("paged %v without a chain", ev.Paged)
	}
	got := messages(drain(q), store.FromSystem)
	want := "Sorry for the wait: everyone is busy right now. If you leave, the reply will wait in this chat: opening this page in this browser brings you back to it."
	if len(got) != 1 || got[0] != want {
		t.Fatalf("visitor told %q, want %q", got, want)
	}
}

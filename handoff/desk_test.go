package handoff_test

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

func TestClaimReplyResolve(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("en-GB")
	defer stop()
	e.escalate(c, "sensitive:billing")
	ev := e.waitEvent(handoff.EventItem, c.ID)
	it := *ev.Item
	if it.Team != "billing" || it.Priority != 0 || it.AssigneeID != "" || it.State != store.StateWaiting ||
		it.ReasonText != "Sensitive topic: billing" || it.Preview != "escalate sensitive:billing" || it.VisitorName != "Vera Visitor" ||
		!it.DueAt.Equal(e.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("queued item: %+v", it)
	}
	if got := e.waitNotified(notify.EventHandoffCreated, 1); len(got) != 1 || got[0].Team != "billing" || got[0].ConversationID != c.ID {
		t.Fatalf("handoff.created notifications: %+v", got)
	}
	drain(q)

	// Replying and resolving before claiming: not the owner.
	if _, err := e.desk.Reply(e.ctx, c.ID, anna, "hi", "c1"); !errors.Is(err, handoff.ErrNotOwner) {
		t.Fatalf("reply before claim: %v", err)
	}
	if err := e.desk.Resolve(e.ctx, c.ID, anna, handoff.Resolution{Category: "billing"}); !errors.Is(err, handoff.ErrNotOwner) {
		t.Fatalf("resolve before claim: %v", err)
	}

	e.clock.Advance(40 * time.Second)
	claimed, err := e.desk.Claim(e.ctx, c.ID, anna)
	if err != nil {
		t.Fatal(err)
	}
	if claimed.AssigneeID != anna.ID || claimed.AssigneeName != anna.Name || claimed.State != store.StateHuman || !claimed.DueAt.IsZero() || claimed.AckedAt.IsZero() {
		t.Fatalf("claimed item: %+v", claimed)
	}
	if e.conv(c.ID).State != store.StateHuman {
		t.Fatal("conversation not human after the claim")
	}
	us := drain(q)
	if got := messages(us, store.FromSystem); !slices.Equal(got, []string{"Anna joined"}) {
		t.Fatalf("visitor's system messages after claim: %q", got)
	}
	if got := states(us); !slices.Equal(got, []string{store.StateHuman}) {
		t.Fatalf("visitor's states after claim: %q", got)
	}
	// Claiming again is harmless; someone else is refused.
	if again, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil || again.AssigneeID != anna.ID {
		t.Fatalf("claim again: %+v, %v", again, err)
	}
	if _, err := e.desk.Claim(e.ctx, c.ID, bert); !errors.Is(err, handoff.ErrClaimed) {
		t.Fatalf("second claim: %v", err)
	}

	m, err := e.desk.Reply(e.ctx, c.ID, anna, "I'm on it.", "c1")
	if err != nil || m.From != store.FromAgent || m.Author != anna.Name {
		t.Fatalf("reply: %+v, %v", m, err)
	}
	if dup, err := e.desk.Reply(e.ctx, c.ID, anna, "I'm on it.", "c1"); err != nil || dup.Seq != m.Seq {
		t.Fatalf("retried reply: %+v, %v (first seq %d)", dup, err, m.Seq)
	}
	if _, err := e.desk.Reply(e.ctx, c.ID, bert, "me too", "c2"); !errors.Is(err, handoff.ErrNotOwner) {
		t.Fatalf("reply by a non-owner: %v", err)
	}
	if got := messages(drain(q), store.FromAgent); !slices.Equal(got, []string{"I'm on it."}) {
		t.Fatalf("visitor received agent messages %q", got)
	}
	// A visitor's message counts as unread for the owner.
	if _, _, err := e.hub.PostVisitorMessage(e.ctx, c.ID, "v9", "thanks, waiting"); err != nil {
		t.Fatal(err)
	}
	e.waitItem(c.ID, func(it *handoff.Item) bool { return it.Unread == 1 && it.Preview == "thanks, waiting" })
	if got := messages(drain(q), store.FromBot); len(got) != 0 {
		t.Fatalf("the bot spoke while a person had the conversation: %q", got)
	}

	if err := e.desk.Resolve(e.ctx, c.ID, anna, handoff.Resolution{Category: "nonsense"}); !errors.Is(err, handoff.ErrBadCategory) {
		t.Fatalf("resolve with a bad category: %v", err)
	}
	if err := e.desk.Resolve(e.ctx, c.ID, anna, handoff.Resolution{Category: "billing", Summary: "refunded the double charge",
		Learn: &handoff.Learning{Kind: handoff.LearnExample, ArticleID: "refunds"}}); err != nil {
		t.Fatal(err)
	}
	e.waitEvent(handoff.EventItemRemoved, c.ID)
	if e.conv(c.ID).State != store.StateClosed {
		t.Fatal("conversation not closed after resolve")
	}
	hs, _ := e.st.ConversationHandoffs(e.ctx, c.ID)
	if len(hs) != 1 || hs[0].State != store.HandoffClosed || hs[0].Outcome != store.OutcomeResolved || hs[0].Category != "billing" ||
		hs[0].Summary != "refunded the double charge" || hs[0].ClosedBy != anna.ID {
		t.Fatalf("handoff after resolve: %+v", hs)
	}
	if got := e.rec.questions; len(got) != 1 || got[0] != [2]string{"refunds", "escalate sensitive:billing"} {
		t.Fatalf("learned questions: %q", got)
	}
	if q, _ := e.desk.Queue(e.ctx, anna); len(q) != 0 {
		t.Fatalf("queue after resolve: %+v", q)
	}
	hist, err := e.desk.Conversations(e.ctx, handoff.Filter{})
	if err != nil || len(hist) != 1 || hist[0].ConversationID != c.ID || hist[0].Category != "billing" || hist[0].AssigneeName != anna.Name {
		t.Fatalf("history: %+v, %v", hist, err)
	}
	if got := e.rec.notified(notify.EventHandoffResolved); len(got) != 1 {
		t.Fatalf("handoff.resolved notifications: %+v", got)
	}
	// Claim times are measured: the next visitor hears 40s, not the default.
	if s := e.desk.Staffing(e.ctx, "default", "sensitive:billing"); s.ExpectedWait != 0 {
		t.Fatalf("staffing with nobody connected: %+v", s)
	}
	defer e.desk.Connect(anna)()
	if s := e.desk.Staffing(e.ctx, "default", "sensitive:billing"); s.ExpectedWait != 40*time.Second || s.Team != "the billing team" || !slices.Equal(s.Names, []string{"Anna"}) {
		t.Fatalf("staffing after one claim in 40s: %+v", s)
	}
}

func TestClaimRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("sv-SE")
	defer stop()
	e.escalate(c, conversation.ReasonAskedForHuman)
	e.queued(c.ID)
	drain(q)
	const n = 50
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
		start   = make(chan struct{})
	)
	for i := range n {
		a := handoff.Agent{ID: "u-" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Role: "agent"}
		a.Name = "Agent" + a.ID
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			it, err := e.desk.Claim(e.ctx, c.ID, a)
			switch {
			case err == nil:
				mu.Lock()
				winners = append(winners, it.AssigneeID)
				mu.Unlock()
				if it.AssigneeID != a.ID {
					t.Errorf("claim by %s returned owner %s", a.ID, it.AssigneeID)
				}
			case errors.Is(err, handoff.ErrClaimed):
			default:
				t.Errorf("claim: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d claims won: %q", len(winners), winners)
	}
	joined := 0
	for _, text := range messages(drain(q), store.FromSystem) {
		if strings.HasSuffix(text, " anslöt") {
			joined++
		}
	}
	if joined != 1 {
		t.Fatalf("the visitor saw %d \"anslöt\" messages", joined)
	}
	h, err := e.st.OpenHandoff(e.ctx, c.ID)
	if err != nil || h.AssigneeID != winners[0] || h.Version != 1 {
		t.Fatalf("stored handoff: %+v, %v", h, err)
	}
}

func TestNotesNeverReachTheVisitor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("en")
	defer stop()
	e.escalate(c, conversation.ReasonAskedForHuman)
	e.queued(c.ID)
	// A note on a conversation still in the queue, and after the claim.
	n1, err := e.desk.Note(e.ctx, c.ID, bert, "VIP customer, be nice")
	if err != nil {
		t.Fatal(err)
	}
	if ev := e.waitEvent(handoff.EventNote, c.ID); ev.Note == nil || ev.Note.ID != n1.ID || ev.Note.Text != "VIP customer, be nice" {
		t.Fatalf("note event: %+v", ev)
	}
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Note(e.ctx, c.ID, anna, "SECRET: card ends 4242"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Note(e.ctx, c.ID, anna, "  "); !errors.Is(err, handoff.ErrBadRequest) {
		t.Fatalf("empty note: %v", err)
	}
	if _, err := e.desk.Reply(e.ctx, c.ID, anna, "Hello!", ""); err != nil {
		t.Fatal(err)
	}
	for _, u := range drain(q) {
		if u.Kind == conversation.KindMessage && (strings.Contains(u.Message.Text, "VIP") || strings.Contains(u.Message.Text, "SECRET")) {
			t.Fatalf("a note reached the visitor: %+v", u.Message)
		}
	}
	ms, _ := e.hub.Messages(e.ctx, c.ID, 0)
	for _, m := range ms {
		if strings.Contains(m.Text, "VIP") || strings.Contains(m.Text, "SECRET") {
			t.Fatalf("a note is in the message log a resuming visitor replays: %+v", m)
		}
	}
	cx, err := e.desk.Context(e.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cx.Notes) != 2 || cx.Notes[0].Text != "VIP customer, be nice" || cx.Notes[0].AuthorID != bert.ID || cx.Notes[1].Kind != handoff.NoteInternal {
		t.Fatalf("context notes: %+v", cx.Notes)
	}
	if _, err := e.desk.Note(e.ctx, "no-such", anna, "x"); !errors.Is(err, handoff.ErrNotFound) {
		t.Fatalf("note on an unknown conversation: %v", err)
	}
}

func TestTransferToAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "sensitive:billing")
	e.queued(c.ID)
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	drain(q)
	for _, tc := range []struct {
		name string
		a    handoff.Agent
		tr   handoff.Transfer
		want error
	}{
		{"no note", anna, handoff.Transfer{ToAgentID: bert.ID}, handoff.ErrNoteRequired},
		{"no target", anna, handoff.Transfer{Note: "x"}, handoff.ErrNoTarget},
		{"unknown agent", anna, handoff.Transfer{ToAgentID: "u-nobody", Note: "x"}, handoff.ErrNoTarget},
		{"unknown team", anna, handoff.Transfer{ToTeam: "sales", Note: "x"}, handoff.ErrNoTarget},
		{"not the owner", cleo, handoff.Transfer{ToAgentID: cleo.ID, Note: "mine now"}, handoff.ErrNotOwner},
	} {
		if _, err := e.desk.Transfer(e.ctx, c.ID, tc.a, tc.tr); !errors.Is(err, tc.want) {
			t.Fatalf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	it, err := e.desk.Transfer(e.ctx, c.ID, anna, handoff.Transfer{ToAgentID: bert.ID, Note: "Refund approved, needs the bank details"})
	if err != nil {
		t.Fatal(err)
	}
	if it.AssigneeID != bert.ID || it.Note != "Refund approved, needs the bank details" || it.State != store.StateHuman {
		t.Fatalf("item after transfer: %+v", it)
	}
	if got := messages(drain(q), store.FromSystem); !slices.Equal(got, []string{"Anna is passing you on to Bert.", "Bert joined"}) {
		t.Fatalf("visitor's system messages: %q", got)
	}
	// Bert sees the note first: on his queue row and in the context.
	mine, _ := e.desk.Queue(e.ctx, bert)
	if len(mine) != 1 || mine[0].Note != "Refund approved, needs the bank details" || mine[0].AssigneeID != bert.ID {
		t.Fatalf("Bert's queue: %+v", mine)
	}
	cx, _ := e.desk.Context(e.ctx, c.ID)
	if cx.HandoffNote != "Refund approved, needs the bank details" || len(cx.Notes) != 1 || cx.Notes[0].Kind != handoff.NoteTransfer {
		t.Fatalf("context: note %q, notes %+v", cx.HandoffNote, cx.Notes)
	}
	if _, err := e.desk.Reply(e.ctx, c.ID, anna, "still here", ""); !errors.Is(err, handoff.ErrNotOwner) {
		t.Fatalf("the previous owner replied: %v", err)
	}
	if _, err := e.desk.Reply(e.ctx, c.ID, bert, "Hi, Bert here", ""); err != nil {
		t.Fatal(err)
	}
	if got := e.rec.notified(notify.EventHandoffTransferred); len(got) != 1 {
		t.Fatalf("handoff.transferred notifications: %+v", got)
	}
}

func TestTransferToTeam(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("sv")
	defer stop()
	e.escalate(c, "sensitive:billing")
	e.queued(c.ID)
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	drain(q)
	e.clock.Advance(time.Minute)
	it, err := e.desk.Transfer(e.ctx, c.ID, anna, handoff.Transfer{ToTeam: "technical", Note: "It is a login bug, not billing"})
	if err != nil {
		t.Fatal(err)
	}
	if it.AssigneeID != "" || it.Team != "technical" || it.State != store.StateWaiting || it.Note != "It is a login bug, not billing" ||
		!it.DueAt.Equal(e.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("item after transfer to a team: %+v", it)
	}
	us := drain(q)
	if got := messages(us, store.FromSystem); !slices.Equal(got, []string{"Anna skickar dig vidare till the technical team; de ser hela samtalet."}) {
		t.Fatalf("visitor's system messages: %q", got)
	}
	if got := states(us); !slices.Equal(got, []string{store.StateWaiting}) {
		t.Fatalf("visitor's states: %q", got)
	}
	// Cleo (technical) has it among her team's; Anna no longer owns it.
	qc, _ := e.desk.Queue(e.ctx, cleo)
	if len(qc) != 1 || qc[0].ConversationID != c.ID {
		t.Fatalf("Cleo's queue: %+v", qc)
	}
	if _, err := e.desk.Reply(e.ctx, c.ID, anna, "hello?", ""); !errors.Is(err, handoff.ErrNotOwner) {
		t.Fatalf("reply after transferring away: %v", err)
	}
	if _, err := e.desk.Claim(e.ctx, c.ID, cleo); err != nil {
		t.Fatal(err)
	}
}

func TestHandBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("en")
	defer stop()
	e.escalate(c, conversation.ReasonAskedForHuman)
	e.queued(c.ID)
	// Nobody can send a waiting visitor back to the bot without taking the
	// conversation first.
	if err := e.desk.HandBack(e.ctx, c.ID, anna, ""); !errors.Is(err, handoff.ErrNotOwner) {
		t.Fatalf("hand back from the queue: %v", err)
	}
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	if err := e.desk.HandBack(e.ctx, c.ID, bert, ""); !errors.Is(err, handoff.ErrNotOwner) {
		t.Fatalf("hand back by a non-owner: %v", err)
	}
	drain(q)
	if err := e.desk.HandBack(e.ctx, c.ID, anna, "Only wanted the opening hours"); err != nil {
		t.Fatal(err)
	}
	e.waitEvent(handoff.EventItemRemoved, c.ID)
	if e.conv(c.ID).State != store.StateBot {
		t.Fatal("not with the bot after hand back")
	}
	hs, _ := e.st.ConversationHandoffs(e.ctx, c.ID)
	if len(hs) != 1 || hs[0].Outcome != store.OutcomeHandedBack || hs[0].State != store.HandoffClosed {
		t.Fatalf("handoff: %+v", hs)
	}
	// The bot answers again.
	if _, _, err := e.hub.PostVisitorMessage(e.ctx, c.ID, "", "when are you open"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if got := messages(drain(q), store.FromBot); slices.Contains(got, "bot answer to when are you open") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the bot did not answer after the hand back")
		}
	}
	// Escalating again makes a new handoff.
	e.escalate(c, conversation.ReasonAskedForHuman)
	it := e.queued(c.ID)
	if it.HandoffID == hs[0].ID || it.AssigneeID != "" {
		t.Fatalf("second escalation: %+v", it)
	}
}

func TestPresence(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status := func(a handoff.Agent) handoff.AgentPresence {
		for _, p := range e.desk.Presence() {
			if p.ID == a.ID {
				return p
			}
		}
		return handoff.AgentPresence{Status: "unknown"}
	}
	off1 := e.desk.Connect(anna)
	if p := status(anna); p.Status != handoff.StatusOnline || p.Connections != 1 || p.Name != anna.Name {
		t.Fatalf("after connect: %+v", p)
	}
	if ev := e.waitEvent(handoff.EventPresence, ""); len(ev.Presence) != 1 || ev.Presence[0].Status != handoff.StatusOnline {
		t.Fatalf("presence event: %+v", ev)
	}
	off2 := e.desk.Connect(anna) // a second tab
	if err := e.desk.SetPresence(e.ctx, anna, handoff.StatusAway); err != nil {
		t.Fatal(err)
	}
	if p := status(anna); p.Status != handoff.StatusAway || p.Connections != 2 {
		t.Fatalf("after away: %+v", p)
	}
	// Away agents are not promised to visitors.
	if s := e.desk.Staffing(e.ctx, "default", "sensitive:billing"); s.AgentsOnline != 0 {
		t.Fatalf("staffing with Anna away: %+v", s)
	}
	if err := e.desk.SetPresence(e.ctx, anna, "busy"); !errors.Is(err, handoff.ErrBadRequest) {
		t.Fatalf("unknown status: %v", err)
	}
	if err := e.desk.SetPresence(e.ctx, anna, handoff.StatusOnline); err != nil {
		t.Fatal(err)
	}
	off1()
	off1() // idempotent
	if p := status(anna); p.Status != handoff.StatusOnline || p.Connections != 1 {
		t.Fatalf("after closing one tab: %+v", p)
	}
	off2()
	if p := status(anna); p.Status != handoff.StatusOffline || p.Connections != 0 {
		t.Fatalf("after closing both: %+v", p)
	}
	// Connecting again is online again.
	defer e.desk.Connect(anna)()
	if p := status(anna); p.Status != handoff.StatusOnline {
		t.Fatalf("after reconnecting: %+v", p)
	}
}

// Two instances share the store: their claims race through the store's
// conditional update, and still exactly one wins.
func TestClaimRaceAcrossInstances(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	hub2 := conversation.NewHub(conversation.Options{Store: e.st})
	defer hub2.Close()
	desk2, err := handoff.New(handoff.Options{Hub: hub2, Store: e.st, Settings: settings.MustHandoff(e.cfg), Now: e.clock.Now, TickInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	c, _, stop := e.visitor("en")
	defer stop()
	e.escalate(c, conversation.ReasonAskedForHuman)
	e.queued(c.ID)
	if err := desk2.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
	defer desk2.Close()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		won   []string
		start = make(chan struct{})
	)
	for i := range 20 {
		d := e.desk
		if i%2 == 1 {
			d = desk2
		}
		a := handoff.Agent{ID: "u-" + string(rune('a'+i)), Name: "Agent " + string(rune('A'+i)), Role: "agent"}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := d.Claim(e.ctx, c.ID, a)
			switch {
			case err == nil:
				mu.Lock()
				won = append(won, a.ID)
				mu.Unlock()
			case !errors.Is(err, handoff.ErrClaimed):
				t.Errorf("claim: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d claims won: %q", len(won), won)
	}
	ms, _ := e.st.Messages(e.ctx, c.ID, 0)
	joined := 0
	for _, m := range ms {
		if m.From == store.FromSystem && strings.HasSuffix(m.Text, " joined") {
			joined++
		}
	}
	if joined != 1 {
		t.Fatalf("%d \"joined\" messages stored", joined)
	}
}

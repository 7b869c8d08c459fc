package handoff_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

// closeHook is the real store with something happening when a handoff is
// closed: the agent's request ends right after it (a closed tab), or the
// write fails.
type closeHook struct {
	*sqlite.Store
	cancel atomic.Pointer[context.CancelFunc]
	fail   atomic.Bool
}

func (s *closeHook) UpdateHandoff(ctx context.Context, h store.Handoff) (store.Handoff, error) {
	if h.State == store.HandoffClosed && s.fail.Load() {
		return store.Handoff{}, errors.New("disk full")
	}
	out, err := s.Store.UpdateHandoff(ctx, h)
	if c := s.cancel.Load(); err == nil && h.State == store.HandoffClosed && c != nil {
		(*c)()
	}
	return out, err
}

// A resolve or hand back cut short at the close of the handoff (the
// request's context ends, or the write fails) never leaves a conversation
// with a person that nobody at the desk owns: the request's end does not
// stop it, and a failing close undoes the whole action (one transaction),
// so the conversation stays with its owner, without a word to the visitor.
func TestInterruptedResolveOrHandBackLeavesNoOrphan(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		fail      bool // the close fails instead of the request ending
		handBack  bool
		wantState string
	}{
		{"resolve, request ends", false, false, store.StateClosed},
		{"hand back, request ends", false, true, store.StateBot},
		{"resolve, close fails", true, false, store.StateHuman},
		{"hand back, close fails", true, true, store.StateHuman},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bg := context.Background()
			sq := openStore(t)
			st := &closeHook{Store: sq}
			cfg := testConfig()
			d, hub := startDesk(t, st, cfg)
			c := escalated(t, d, hub)
			if _, err := d.Claim(bg, c.ID, anna); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(bg)
			defer cancel()
			if tc.fail {
				st.fail.Store(true)
			} else {
				st.cancel.Store(&cancel)
			}
			var err error
			if tc.handBack {
				err = d.HandBack(ctx, c.ID, anna, "")
			} else {
				err = d.Resolve(ctx, c.ID, anna, handoff.Resolution{Category: cfg.Handoff.Categories[0]})
			}
			st.cancel.Store(nil)
			st.fail.Store(false)
			if tc.fail != (err != nil) {
				t.Fatalf("interrupted: %v", err)
			}
			conv, err := sq.Conversation(bg, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if conv.State != tc.wantState {
				t.Fatalf("conversation state %q, want %q", conv.State, tc.wantState)
			}
			if tc.fail { // nothing of the action landed; the agent tries again, and it goes through
				if h, err := sq.OpenHandoff(bg, c.ID); err != nil || h.AssigneeID != anna.ID {
					t.Fatalf("open handoff after a failed %s: %+v, %v", tc.name, h, err)
				}
				ms, err := sq.Messages(bg, c.ID, 0)
				if err != nil {
					t.Fatal(err)
				}
				if last := ms[len(ms)-1]; last.From == store.FromSystem && !strings.Contains(last.Text, "joined") {
					t.Fatalf("the visitor was told %q of an action that failed", last.Text)
				}
				if tc.handBack {
					err = d.HandBack(bg, c.ID, anna, "")
				} else {
					err = d.Resolve(bg, c.ID, anna, handoff.Resolution{Category: cfg.Handoff.Categories[0]})
				}
				if err != nil {
					t.Fatalf("retry: %v", err)
				}
			}
			if _, err := sq.OpenHandoff(bg, c.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("open handoff after the %s: %v", tc.name, err)
			}
			if n := len(d.All()); n != 0 {
				t.Fatalf("%d items at the desk after the %s", n, tc.name)
			}
		})
	}
}

// openStore is a new SQLite store with agent anna.
func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	bg := context.Background()
	sq, err := sqlite.Open(bg, filepath.Join(t.TempDir(), "a.db"), sqlite.Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sq.Close() })
	if err := sq.CreateUser(bg, store.User{ID: anna.ID, Email: anna.Email, Name: anna.Name, Role: "agent"}); err != nil {
		t.Fatal(err)
	}
	if err := sq.CreateUser(bg, store.User{ID: bert.ID, Email: bert.Email, Name: bert.Name, Role: "agent"}); err != nil {
		t.Fatal(err)
	}
	return sq
}

// startDesk is a hub and a started desk over st, with anna connected.
func startDesk(t *testing.T, st handoff.HandoffStore, cfg config.Config) (*handoff.Desk, *conversation.Hub) {
	t.Helper()
	hub := conversation.NewHub(conversation.Options{Store: st, Responder: escalator{}})
	t.Cleanup(hub.Close)
	now := &clock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	d, err := handoff.New(handoff.Options{Hub: hub, Store: st, Settings: settings.MustHandoff(cfg), Now: now.Now, TickInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	t.Cleanup(d.Connect(anna))
	return d, hub
}

// escalated is a visitor's conversation escalated to the desk and claimed
// by anna.
func escalated(t *testing.T, d *handoff.Desk, hub *conversation.Hub) store.Conversation {
	t.Helper()
	bg := context.Background()
	c, err := hub.Start(bg, conversation.Visit{Site: "default", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := hub.PostVisitorMessage(bg, c.ID, "", "escalate sensitive:billing"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000 && len(d.All()) == 0; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := d.Claim(bg, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	return c
}

// participantHook is the real store with a participant write that fails.
type participantHook struct {
	*sqlite.Store
	fail atomic.Bool
}

func (s *participantHook) AddParticipant(ctx context.Context, p store.Participant) error {
	if s.fail.Load() {
		return errors.New("disk full")
	}
	return s.Store.AddParticipant(ctx, p)
}

// A transfer is one transaction: a write failing in its middle (the new
// owner as participant, after the handoff and the note are written) leaves
// the handoff, the notes, the messages and the state as they were, and
// nothing is published.
func TestTransferFailingMidwayLeavesNothing(t *testing.T) {
	t.Parallel()
	bg := context.Background()
	sq := openStore(t)
	st := &participantHook{Store: sq}
	d, hub := startDesk(t, st, testConfig())
	c := escalated(t, d, hub)
	before, err := sq.OpenHandoff(bg, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := sq.Messages(bg, c.ID, 0)
	events, _ := sq.Events(bg, c.ID)
	var published []handoff.Event
	var mu sync.Mutex
	defer d.Subscribe(func(e handoff.Event) { mu.Lock(); published = append(published, e); mu.Unlock() })()
	st.fail.Store(true)
	if _, err := d.Transfer(bg, c.ID, anna, handoff.Transfer{ToAgentID: bert.ID, Note: "billing question"}); err == nil {
		t.Fatal("a transfer whose participant write failed succeeded")
	}
	after, err := sq.OpenHandoff(bg, c.ID)
	if err != nil || after.Version != before.Version || after.AssigneeID != anna.ID || after.Note != before.Note {
		t.Fatalf("handoff after the failed transfer: %+v, %v (before %+v)", after, err, before)
	}
	if ms, _ := sq.Messages(bg, c.ID, 0); len(ms) != len(msgs) {
		t.Fatalf("%d messages after the failed transfer, %d before", len(ms), len(msgs))
	}
	if es, _ := sq.Events(bg, c.ID); len(es) != len(events) {
		t.Fatalf("%d events after the failed transfer, %d before", len(es), len(events))
	}
	if conv, _ := sq.Conversation(bg, c.ID); conv.State != store.StateHuman {
		t.Fatalf("state %q after the failed transfer", conv.State)
	}
	mu.Lock()
	n := len(published)
	mu.Unlock()
	if n != 0 {
		t.Fatalf("published %d events for a transfer that failed", n)
	}
	if it := d.All(); len(it) != 1 || it[0].AssigneeID != anna.ID {
		t.Fatalf("the desk shows %+v", it)
	}
	st.fail.Store(false)
	if _, err := d.Transfer(bg, c.ID, anna, handoff.Transfer{ToAgentID: bert.ID, Note: "billing question"}); err != nil {
		t.Fatalf("retry: %v", err)
	}
}

// The safety net: a visitor's message in a conversation with a person that
// the desk has no open handoff for (its state changed outside the desk)
// puts the conversation back in the queue.
func TestVisitorMessageInOrphanedConversationRequeues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _, stop := e.visitor("en")
	defer stop()
	if err := e.hub.SetState(e.ctx, c.ID, store.StateHuman, "manual"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.hub.PostVisitorMessage(e.ctx, c.ID, "", "hello? anyone?"); err != nil {
		t.Fatal(err)
	}
	it := e.queued(c.ID)
	if it.AssigneeID != "" || e.conv(c.ID).State != store.StateWaiting {
		t.Fatalf("after the visitor's message: item %+v, state %q", it, e.conv(c.ID).State)
	}
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
}

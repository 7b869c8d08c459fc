package handoff_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

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
// with a person that nobody at the desk owns.
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
		{"resolve, close fails", true, false, store.StateClosed},
		{"hand back, close fails", true, true, store.StateBot},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bg := context.Background()
			sq, err := sqlite.Open(bg, filepath.Join(t.TempDir(), "a.db"), sqlite.Options{Synchronous: "normal"})
			if err != nil {
				t.Fatal(err)
			}
			defer sq.Close()
			if err := sq.CreateUser(bg, store.User{ID: anna.ID, Email: anna.Email, Name: anna.Name, Role: "agent"}); err != nil {
				t.Fatal(err)
			}
			st := &closeHook{Store: sq}
			hub := conversation.NewHub(conversation.Options{Store: st, Responder: escalator{}})
			defer hub.Close()
			cfg := testConfig()
			now := &clock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
			d, err := handoff.New(handoff.Options{Hub: hub, Store: st, Config: cfg, Now: now.Now, TickInterval: -1})
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Start(bg); err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			disc := d.Connect(anna)
			defer disc()
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
			ctx, cancel := context.WithCancel(bg)
			defer cancel()
			if tc.fail {
				st.fail.Store(true)
			} else {
				st.cancel.Store(&cancel)
			}
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
			if tc.fail { // the agent tries again, and it goes through
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

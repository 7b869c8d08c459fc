package handoff_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/conversation/pgbus"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/postgres"
	"github.com/andon-chat/andon/store/postgres/pgtest"
)

// pgInstance is one andon instance's store, bus, hub and desk on the
// shared PostgreSQL database.
type pgInstance struct {
	st   *postgres.Store
	hub  *conversation.Hub
	desk *handoff.Desk
}

func startPGInstance(t *testing.T, dsn, name string) pgInstance {
	t.Helper()
	ctx := t.Context()
	st, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var hub atomic.Pointer[conversation.Hub]
	bus, err := pgbus.Open(ctx, pgbus.Options{DSN: dsn, Instance: name, Deliver: func(u *conversation.Update) {
		if h := hub.Load(); h != nil {
			h.Deliver(u)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := conversation.NewHub(conversation.Options{Store: st, Bus: bus})
	hub.Store(h)
	desk, err := handoff.New(handoff.Options{Hub: h, Store: st, Settings: settings.MustHandoff(testConfig()), TickInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := desk.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close(); bus.Close(); h.Close() })
	return pgInstance{st: st, hub: h, desk: desk}
}

// Two instances on one PostgreSQL, twenty agents claiming one waiting
// conversation at once through both, while visitor messages arrive
// through both: exactly one claim wins, the rest get ErrClaimed, and the
// conversation's seq stays gap-free.
func TestClaimRaceAcrossPostgresInstances(t *testing.T) {
	t.Parallel()
	dsn := pgtest.FreshSchema(t)
	insts := []pgInstance{startPGInstance(t, dsn, "a"), startPGInstance(t, dsn, "b")}
	ctx := t.Context()
	for round := range 5 {
		c, err := insts[0].hub.Start(ctx, conversation.Visit{Site: "shop"})
		if err != nil {
			t.Fatal(err)
		}
		if err := insts[0].hub.AskForHuman(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		var (
			wg           sync.WaitGroup
			won, claimed atomic.Int32
			start        = make(chan struct{})
		)
		for i := range 20 {
			in := insts[i%2]
			wg.Go(func() {
				<-start
				_, err := in.desk.Claim(ctx, c.ID, handoff.Agent{ID: fmt.Sprint("agent", i), Name: fmt.Sprint("Agent ", i), Role: "agent"})
				switch {
				case err == nil:
					won.Add(1)
				case errors.Is(err, handoff.ErrClaimed):
					claimed.Add(1)
				default:
					t.Errorf("claim %d: %v", i, err)
				}
			})
			wg.Go(func() {
				<-start
				if _, _, err := in.hub.PostVisitorMessage(ctx, c.ID, fmt.Sprint("m", i), "are you there?"); err != nil {
					t.Errorf("visitor message %d: %v", i, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if won.Load() != 1 || claimed.Load() != 19 {
			t.Fatalf("round %d: %d claims won, %d got ErrClaimed; want 1 and 19", round, won.Load(), claimed.Load())
		}
		ms, err := insts[1].st.Messages(ctx, c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		visitor := 0
		for i, m := range ms {
			if m.Seq != int64(i+1) {
				t.Fatalf("round %d: message %d has seq %d: a gap", round, i, m.Seq)
			}
			if m.From == store.FromVisitor {
				visitor++
			}
		}
		if visitor != 20 {
			t.Fatalf("round %d: %d visitor messages stored, want 20", round, visitor)
		}
		evs, err := insts[0].st.Events(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		claims := 0
		for _, e := range evs {
			if e.Kind == "handoff" && strings.Contains(string(e.Data), `"claimed"`) {
				claims++
			}
		}
		if claims != 1 {
			t.Fatalf("round %d: %d claimed events, want 1", round, claims)
		}
	}
}

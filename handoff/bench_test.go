package handoff_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/app/settings"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

// discard is a visitor tab that takes every update and drops it.
type discard struct{}

func (discard) Deliver(*conversation.Update) bool { return true }
func (discard) Evict()                            {}

// BenchmarkEscalationToAgents measures the time from a visitor's escalation
// (the call that moves the conversation to waiting: hand-over message, state
// change, both committed to SQLite with synchronous=full) until the desk's
// new item has reached every one of 100 connected agents' queues and been
// taken off them by their own goroutines (where a console's WebSocket
// writer would pick it up), with 1,000 visitor conversations connected and
// 200 of them waiting in the queue. It reports the median and the 99th
// percentile.
func BenchmarkEscalationToAgents(b *testing.B) {
	const (
		agents        = 100
		conversations = 1000
		backlog       = 200
	)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "andon.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	hub := conversation.NewHub(conversation.Options{Store: st})
	defer hub.Close()
	cfg := testConfig()
	desk, err := handoff.New(handoff.Options{Hub: hub, Store: st, Settings: settings.MustHandoff(cfg), TickInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	if err := desk.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer desk.Close()

	// The agents: each console has a bounded queue drained by its own
	// goroutine, and reports when the item it is waiting for arrives.
	var (
		mu      sync.Mutex
		target  string
		arrived int
		done    = make(chan time.Time, 1)
		wg      sync.WaitGroup
	)
	defer wg.Wait() // runs after every agent's channel is closed
	for i := range agents {
		a := handoff.Agent{ID: fmt.Sprintf("agent-%d", i), Name: fmt.Sprintf("Agent %d", i), Role: "agent", Teams: []string{"billing"}}
		defer desk.Connect(a)()
		ch := make(chan handoff.Event, 256)
		defer close(ch) // after the subscription ends (defers run last first)
		defer desk.Subscribe(func(e handoff.Event) {
			select {
			case ch <- e:
			default:
				b.Error("an agent's queue overflowed")
			}
		})()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range ch {
				if e.Type != handoff.EventItem || e.Item.AssigneeID != "" {
					continue
				}
				now := time.Now()
				mu.Lock()
				if e.Item.ConversationID == target {
					arrived++
					if arrived == agents {
						done <- now
					}
				}
				mu.Unlock()
			}
		}()
	}

	convs := make([]string, conversations)
	for i := range convs {
		c, err := hub.Start(ctx, conversation.Visit{Site: "default", Locale: "en"})
		if err != nil {
			b.Fatal(err)
		}
		defer hub.Subscribe(c.ID, discard{})()
		convs[i] = c.ID
		if i < backlog {
			if err := hub.AskForHuman(ctx, c.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
	for len(desk.All()) < backlog {
		time.Sleep(time.Millisecond)
	}
	owner := handoff.Agent{ID: "owner", Name: "Owner", Role: "agent"}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := convs[backlog+i%(conversations-backlog)]
		mu.Lock()
		target, arrived = id, 0
		mu.Unlock()
		start := time.Now()
		if err := hub.AskForHuman(ctx, id); err != nil {
			b.Fatal(err)
		}
		select {
		case end := <-done:
			lat = append(lat, end.Sub(start))
		case <-time.After(10 * time.Second):
			b.Fatalf("the escalation of %s did not reach every agent", id)
		}
		// Back to the bot for the next round, off the clock.
		b.StopTimer()
		if _, err := desk.Claim(ctx, id, owner); err != nil {
			b.Fatal(err)
		}
		if err := desk.HandBack(ctx, id, owner, ""); err != nil {
			b.Fatal(err)
		}
		if c, err := st.Conversation(ctx, id); err != nil || c.State != store.StateBot {
			b.Fatalf("after hand back: %+v, %v", c, err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
}

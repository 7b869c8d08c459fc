package console

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
)

// BenchmarkEscalationToAgents measures the time from a visitor's message
// that the bot escalates to the queue item arriving on each connected
// agent's WebSocket, with 100 agents connected and 1,000 visitor
// conversations open (each with a connected visitor that has been
// answered by the bot). Everything is real: SQLite with synchronous=full
// as configured by default, the hub, the bot's worker, the desk writing
// the handoff record, the console's fan-out and the sockets.
//
// Reported: p50 and p99 over every (escalation, agent) arrival, and the p99
// of the last of the 100 agents to see each escalation.
//
//	go test ./console -run '^$' -bench EscalationToAgents -benchtime 200x -count 5
func BenchmarkEscalationToAgents(b *testing.B) {
	const agents, visitors = 100, 1000
	cfg := benchConfig()
	e := newEnv(b, envOptions{cfg: &cfg, synchronous: "full"})
	ctx := context.Background()

	// 1,000 active visitor conversations, each visitor subscribed (and
	// drained, as a widget connection would be).
	var drain sync.WaitGroup
	stop := make(chan struct{})
	for i := range visitors {
		conv, err := e.hub.Start(ctx, conversation.Visit{Site: "default", Locale: "en"})
		if err != nil {
			b.Fatal(err)
		}
		q := conversation.NewQueue(64)
		cancel := e.hub.Subscribe(conv.ID, q)
		drain.Add(1)
		go func() {
			defer drain.Done()
			defer cancel()
			for {
				select {
				case <-q.Updates():
				case <-stop:
					return
				}
			}
		}()
		if _, _, err := e.hub.PostVisitorMessage(ctx, conv.ID, "m"+itoa(int64(i)), "how do I reset my password"); err != nil {
			b.Fatal(err)
		}
	}

	// 100 agents, each with a console connected and reading.
	arrivals := newArrivals()
	var readers sync.WaitGroup
	for range agents {
		c := e.login(b, auth.RoleAgent)
		ws := c.dial(b)
		ws.read() // hello
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				_, raw, err := ws.ws.ReadMessage()
				if err != nil {
					return
				}
				at := time.Now()
				var f struct {
					Type string `json:"type"`
					Item struct {
						ConversationID string `json:"conversation_id"`
					} `json:"item"`
				}
				if json.Unmarshal(raw, &f) == nil && f.Type == "item" {
					arrivals.seen(f.Item.ConversationID, ws, at)
				}
			}
		}()
	}

	// The conversations to escalate, started beforehand.
	ids := make([]string, b.N)
	for i := range ids {
		conv, err := e.hub.Start(ctx, conversation.Visit{Site: "default", Locale: "en"})
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = conv.ID
	}
	var each, last []time.Duration
	b.ResetTimer()
	for i := range b.N {
		done := arrivals.expect(ids[i], agents)
		start := time.Now()
		if _, _, err := e.hub.PostVisitorMessage(ctx, ids[i], "q", "billing: I was charged twice"); err != nil {
			b.Fatal(err)
		}
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			b.Fatalf("escalation %d reached %d of %d agents", i, arrivals.count(ids[i]), agents)
		}
		for _, at := range arrivals.times(ids[i]) {
			each = append(each, at.Sub(start))
		}
		last = append(last, slices.MaxFunc(arrivals.times(ids[i]), time.Time.Compare).Sub(start))
	}
	b.StopTimer()
	slices.Sort(each)
	slices.Sort(last)
	b.ReportMetric(ms(pct(each, 50)), "p50-ms")
	b.ReportMetric(ms(pct(each, 99)), "p99-ms")
	b.ReportMetric(ms(pct(last, 99)), "p99-last-agent-ms")
	close(stop)
	drain.Wait()
	e.srv.CloseClientConnections()
	e.con.Close()
	readers.Wait()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// pct is the p-th percentile of sorted ds (nearest rank).
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := (len(ds)*p + 99) / 100
	return ds[min(max(i-1, 0), len(ds)-1)]
}

// arrivals records when each agent socket first saw each conversation's
// item.
type arrivals struct {
	mu   sync.Mutex
	at   map[string]map[*agentWS]time.Time
	want map[string]int
	done map[string]chan struct{}
}

func newArrivals() *arrivals {
	return &arrivals{at: map[string]map[*agentWS]time.Time{}, want: map[string]int{}, done: map[string]chan struct{}{}}
}

// expect starts measuring conversation id; the channel closes when n
// sockets have seen it.
func (a *arrivals) expect(id string, n int) <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	ch := make(chan struct{})
	a.want[id], a.done[id] = n, ch
	a.at[id] = map[*agentWS]time.Time{}
	return ch
}

func (a *arrivals) seen(id string, ws *agentWS, at time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.at[id]
	if m == nil {
		return // not measured
	}
	if _, ok := m[ws]; ok {
		return // a later change of the same item
	}
	m[ws] = at
	if len(m) == a.want[id] {
		close(a.done[id])
	}
}

func (a *arrivals) count(id string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.at[id])
}

func (a *arrivals) times(id string) []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]time.Time, 0, len(a.at[id]))
	for _, t := range a.at[id] {
		out = append(out, t)
	}
	return out
}

// benchConfig is the default configuration with the teams of the tests.
func benchConfig() config.Config {
	cfg := config.Defaults()
	cfg.Teams = []config.Team{{Name: "billing", Title: "the billing team"}}
	return cfg
}

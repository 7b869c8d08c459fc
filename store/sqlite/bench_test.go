package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// The server's target: 2,000 visitor messages/s sustained with p99 under
// 20 ms, on SQLite, each message durable before it is acknowledged.
const (
	benchVisitors      = 64
	benchConversations = 1000
)

// benchStore opens a store with benchConversations conversations.
func benchStore(b *testing.B, mode string) (*Store, []string) {
	b.Helper()
	s, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{Synchronous: mode})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ids := make([]string, benchConversations)
	for i := range ids {
		ids[i] = store.NewID()
		if err := s.CreateConversation(b.Context(), store.Conversation{ID: ids[i], Site: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	return s, ids
}

var benchText = "Hi, I ordered a jacket last week and it has not arrived yet. Can you tell me where it is?"

// BenchmarkAppendMessage is the closed loop: benchVisitors goroutines each
// append as fast as the store acknowledges, to random conversations. It
// shows the throughput ceiling and the latency at that load.
func BenchmarkAppendMessage(b *testing.B) {
	for _, mode := range []string{"full", "normal"} {
		b.Run("sync="+mode, func(b *testing.B) {
			s, ids := benchStore(b, mode)
			var (
				next atomic.Int64
				mu   sync.Mutex
				lats []time.Duration
			)
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((benchVisitors + procs - 1) / procs)
			b.ResetTimer()
			start, cpu := time.Now(), processCPU()
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(uint64(next.Add(1)), 1))
				var local []time.Duration
				for pb.Next() {
					m := store.Message{
						ConversationID: ids[rng.IntN(len(ids))],
						ClientID:       fmt.Sprint("c", next.Add(1)),
						From:           store.FromVisitor,
						Text:           benchText,
					}
					t0 := time.Now()
					if _, _, err := s.AppendMessage(context.Background(), m); err != nil {
						b.Error(err)
						return
					}
					local = append(local, time.Since(t0))
				}
				mu.Lock()
				lats = append(lats, local...)
				mu.Unlock()
			})
			elapsed, cpu := time.Since(start), processCPU()-cpu
			b.StopTimer()
			reportLatency(b, len(lats), elapsed, cpu, lats)
		})
	}
}

// BenchmarkAppendMessageAt2000PerSecond is the open loop the target is
// stated in: messages are offered at 2,000/s to a pool of benchVisitors
// senders whatever the store's speed, and each latency is measured from the
// moment the message was due, so a store that falls behind shows it in p99
// (no coordinated omission). b.N messages take b.N/2000 seconds.
func BenchmarkAppendMessageAt2000PerSecond(b *testing.B) {
	const rate = 2000
	for _, mode := range []string{"full", "normal"} {
		b.Run("sync="+mode, func(b *testing.B) {
			s, ids := benchStore(b, mode)
			lats := make([]time.Duration, b.N)
			due := make([]time.Time, b.N)
			jobs := make(chan int, b.N)
			var wg sync.WaitGroup
			for v := range benchVisitors {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(v), 2))
					for i := range jobs {
						m := store.Message{
							ConversationID: ids[rng.IntN(len(ids))],
							ClientID:       fmt.Sprint("c", i),
							From:           store.FromVisitor,
							Text:           benchText,
						}
						if _, _, err := s.AppendMessage(context.Background(), m); err != nil {
							b.Error(err)
						}
						lats[i] = time.Since(due[i])
					}
				})
			}
			b.ResetTimer()
			start, cpu := time.Now(), processCPU()
			interval := time.Second / rate
			for i := range b.N {
				due[i] = start.Add(time.Duration(i) * interval)
				if d := time.Until(due[i]); d > 0 {
					time.Sleep(d)
				}
				jobs <- i
			}
			close(jobs)
			wg.Wait()
			elapsed, cpu := time.Since(start), processCPU()-cpu
			b.StopTimer()
			reportLatency(b, b.N, elapsed, cpu, lats)
		})
	}
}

// reportLatency reports throughput, CPU time per message (whole process,
// benchmark driver included) and the p50/p99 of lats in ms.
func reportLatency(b *testing.B, n int, elapsed, cpu time.Duration, lats []time.Duration) {
	b.Helper()
	if len(lats) == 0 {
		return
	}
	slices.Sort(lats)
	pct := func(p float64) float64 {
		i := int(p*float64(len(lats))+0.5) - 1
		return float64(lats[max(0, min(i, len(lats)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/msg")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

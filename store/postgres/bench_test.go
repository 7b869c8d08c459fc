package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/postgres/pgtest"
)

// BenchmarkAppendMessageAt is the open loop of store/sqlite's benchmark of
// the same name, on PostgreSQL (ANDON_TEST_POSTGRES, a fresh schema):
// messages are offered at a fixed rate to 64 senders over 1,000
// conversations whatever the store's speed, each latency measured from the
// moment the message was due (no coordinated omission). Durable: each
// append is a committed transaction (PostgreSQL's default synchronous_commit).
func BenchmarkAppendMessageAt(b *testing.B) {
	for _, rate := range []int{1000, 2000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			s, err := Open(b.Context(), pgtest.FreshSchema(b), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ids := make([]string, 1000)
			for i := range ids {
				ids[i] = store.NewID()
				if err := s.CreateConversation(b.Context(), store.Conversation{ID: ids[i], Site: "bench"}); err != nil {
					b.Fatal(err)
				}
			}
			lats := make([]time.Duration, b.N)
			jobs := make(chan int, b.N)
			var wg sync.WaitGroup
			start := time.Now()
			interval := time.Second / time.Duration(rate)
			for v := range 64 {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(v), 2))
					for i := range jobs {
						due := start.Add(time.Duration(i) * interval)
						m := store.Message{ConversationID: ids[rng.IntN(len(ids))], ClientID: fmt.Sprint("c", i),
							From: store.FromVisitor, Text: "Hi, I ordered a jacket last week and it has not arrived yet."}
						if _, _, err := s.AppendMessage(context.Background(), m); err != nil {
							b.Error(err)
						}
						lats[i] = time.Since(due)
					}
				})
			}
			b.ResetTimer()
			for i := range b.N {
				time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
				jobs <- i
			}
			close(jobs)
			wg.Wait()
			elapsed := time.Since(start)
			slices.Sort(lats)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
			b.ReportMetric(float64(lats[len(lats)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lats[len(lats)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

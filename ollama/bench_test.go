package ollama

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/andon-chat/andon/internal/ollamatest"
)

// BenchmarkFirstDelta measures the Ollama leg of the first-delta budget:
// from the fake model releasing its first token to Stream's onDelta. It
// reports the p50 and p99 over b.N answers (the widget leg is not built yet).
func BenchmarkFirstDelta(b *testing.B) {
	s := ollamatest.New()
	defer s.Close()
	s.AddChatModel("llama3.2", "first", " second")
	gate := make(chan struct{})
	s.SetTokenGate(gate)
	g, err := NewGenerator(GeneratorOptions{URL: s.URL, Model: "llama3.2"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		var released time.Time
		got := make(chan time.Time, 2)
		done := make(chan error, 1)
		go func() {
			_, err := g.Stream(ctx, question, func(string) error { got <- time.Now(); return nil })
			done <- err
		}()
		released = time.Now()
		gate <- struct{}{}
		lat = append(lat, (<-got).Sub(released))
		gate <- struct{}{}
		<-got
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

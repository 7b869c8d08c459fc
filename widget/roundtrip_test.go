package widget

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkMessageRoundTrip sends b.N visitor messages over 8, 16 or 64
// WebSockets (one conversation each, no bot), each waiting for its
// acknowledgement, which comes after the SQLite commit (synchronous=full,
// as in production). It reports messages per second and the 50th and 99th
// percentile of the round trip.
//
//	go test -run '^$' -bench MessageRoundTrip -benchtime 20000x ./widget/
func BenchmarkMessageRoundTrip(b *testing.B) {
	for _, conns := range []int{8, 16, 64} {
		b.Run(fmt.Sprintf("conns=%d", conns), func(b *testing.B) { benchRoundTrip(b, conns) })
	}
}

func benchRoundTrip(b *testing.B, conns int) {
	e := newBenchEnv(b)
	clients := make([]*websocket.Conn, conns)
	for i := range clients {
		ws, _, err := testDialer.Dial(e.wsURL(""), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer ws.Close()
		ws.WriteJSON(map[string]any{"type": "hello"})
		if _, _, err := ws.ReadMessage(); err != nil {
			b.Fatal(err)
		}
		clients[i] = ws
	}
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	per := (b.N + conns - 1) / conns
	b.ResetTimer()
	start := time.Now()
	for i, ws := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, per)
			for j := range per {
				id := fmt.Sprintf("%d-%d", i, j)
				t0 := time.Now()
				if err := ws.WriteJSON(map[string]any{"type": "message", "client_id": id, "text": "a question"}); err != nil {
					b.Error(err)
					return
				}
				for {
					_, data, err := ws.ReadMessage()
					if err != nil {
						b.Error(err)
						return
					}
					var f frame
					json.Unmarshal(data, &f)
					if f.Type == "error" {
						b.Errorf("error frame: %s", data)
						return
					}
					if f.Type == "message" && f.ClientID == id {
						break
					}
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) == 0 {
		return
	}
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
}

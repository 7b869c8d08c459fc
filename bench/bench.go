package bench

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andon-chat/andon/internal/fdlimit"
)

// IdleOptions configures the idle-connection memory test.
type IdleOptions struct {
	Binary  string // the andon binary to start as the server
	DataDir string
	Conns   int
	// Synchronous is the server's store.synchronous: "full" (default) or "normal".
	Synchronous string
}

// Idle holds Conns visitor connections open against a fresh server and
// reports the server's resident memory per connection.
func Idle(ctx context.Context, opts IdleOptions, out io.Writer) error {
	if _, err := fdlimit.Raise(); err != nil {
		return err
	}
	srv, err := StartServer(ctx, opts.Binary, opts.DataDir, opts.Synchronous)
	if err != nil {
		return err
	}
	defer srv.Kill()

	// Warm up: the first connections pay for code paths and pools.
	warm, err := openVisitors(srv.Addr, 100)
	if err != nil {
		return err
	}
	closeVisitors(warm)
	time.Sleep(time.Second)
	before, err := srv.RSSKiB()
	if err != nil {
		return err
	}
	start := time.Now()
	vs, err := openVisitors(srv.Addr, opts.Conns)
	if err != nil {
		return err
	}
	defer closeVisitors(vs)
	opened := time.Since(start)
	time.Sleep(3 * time.Second) // let the server settle
	after, err := srv.RSSKiB()
	if err != nil {
		return err
	}
	perConn := float64(after-before) / float64(len(vs))
	fmt.Fprintf(out, "idle connections: %d (opened in %s)\n", len(vs), opened.Round(time.Millisecond))
	fmt.Fprintf(out, "server RSS: %d KiB before, %d KiB after\n", before, after)
	fmt.Fprintf(out, "resident memory per connection: %.1f KiB\n", perConn)
	return nil
}

func openVisitors(addr string, n int) ([]*visitor, error) {
	vs := make([]*visitor, n)
	errs := make(chan error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				v, err := dialVisitor(addr, "", 0)
				if err != nil {
					errs <- fmt.Errorf("connection %d: %w", i, err)
					return
				}
				vs[i] = v
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		closeVisitors(vs)
		return nil, err
	}
	return vs, nil
}

func closeVisitors(vs []*visitor) {
	for _, v := range vs {
		if v != nil {
			v.conn.Close()
		}
	}
}

// MessagesOptions configures the durable round-trip test.
type MessagesOptions struct {
	Binary   string
	DataDir  string
	Conns    int           // concurrent visitors, each sending in a closed loop
	Duration time.Duration // how long to send
	Verify   bool          // SIGKILL the server afterwards and check every ack survived
	// Rate, when above zero, paces the visitors to this many messages per
	// second in total, and latency counts from when each message was due,
	// so a server that falls behind shows it. Zero sends in a closed loop.
	Rate float64
	// Synchronous is the server's store.synchronous: "full" (default) or "normal".
	Synchronous string
}

type ack struct {
	clientID string
	seq      int64
}

// Messages measures visitor message → committed → acknowledged over real
// WebSockets: throughput and latency percentiles; with Verify it kills the
// server with SIGKILL, restarts it on the same data and checks that every
// acknowledged message is there with its original seq.
func Messages(ctx context.Context, opts MessagesOptions, out io.Writer) error {
	if _, err := fdlimit.Raise(); err != nil {
		return err
	}
	srv, err := StartServer(ctx, opts.Binary, opts.DataDir, opts.Synchronous)
	if err != nil {
		return err
	}
	defer func() { srv.Kill() }()
	vs, err := openVisitors(srv.Addr, opts.Conns)
	if err != nil {
		return err
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		acked     = make([][]ack, len(vs))
		firstErr  error
	)
	// With Verify the server is killed while every visitor is mid-stream,
	// as a crash would; the errors that follow the kill are expected.
	var killed atomic.Bool
	stop := time.Now().Add(opts.Duration)
	if opts.Verify {
		stop = stop.Add(time.Hour)
		crashing := srv // srv is the restarted server later on
		time.AfterFunc(opts.Duration, func() {
			killed.Store(true)
			crashing.Kill()
		})
	}
	var wg sync.WaitGroup
	for i, v := range vs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []time.Duration
			defer func() {
				mu.Lock()
				latencies = append(latencies, local...)
				mu.Unlock()
			}()
			var interval time.Duration
			if opts.Rate > 0 {
				interval = time.Duration(float64(len(vs)) / opts.Rate * float64(time.Second))
			}
			due := time.Now().Add(time.Duration(i) * interval / time.Duration(len(vs)))
			for n := 0; time.Now().Before(stop); n++ {
				id := fmt.Sprintf("b%d-%d", i, n)
				t0 := time.Now()
				if interval > 0 {
					time.Sleep(time.Until(due))
					t0 = due
					due = due.Add(interval)
				}
				seq, err := v.send(id, fmt.Sprintf("load test message %d: how do I reset my password?", n))
				if err != nil {
					if !killed.Load() {
						mu.Lock()
						firstErr = cmpErr(firstErr, err)
						mu.Unlock()
					}
					return
				}
				local = append(local, time.Since(t0))
				acked[i] = append(acked[i], ack{id, seq})
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	slices.Sort(latencies)
	n := len(latencies)
	if n == 0 {
		return fmt.Errorf("no message was acknowledged")
	}
	fmt.Fprintf(out, "visitors: %d, duration: %s, acknowledged: %d\n", len(vs), opts.Duration, n)
	fmt.Fprintf(out, "throughput: %.0f messages/s\n", float64(n)/opts.Duration.Seconds())
	fmt.Fprintf(out, "ack latency: p50 %s, p90 %s, p99 %s, max %s\n",
		pct(latencies, 0.50), pct(latencies, 0.90), pct(latencies, 0.99), latencies[n-1])
	fmt.Fprintf(out, "client GOMAXPROCS: %d (client and server share the machine)\n", runtime.GOMAXPROCS(0))
	if !opts.Verify {
		closeVisitors(vs)
		return nil
	}
	tokens := make([]string, len(vs))
	for i, v := range vs {
		tokens[i] = v.token
	}
	closeVisitors(vs)
	srv, err = StartServer(ctx, opts.Binary, opts.DataDir, opts.Synchronous)
	if err != nil {
		return fmt.Errorf("restart after SIGKILL: %w", err)
	}
	var lost atomic.Int64
	errs := make(chan error, len(tokens))
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := checkResumed(srv.Addr, tok)
			if err != nil {
				errs <- fmt.Errorf("visitor %d: %w", i, err)
				return
			}
			for _, a := range acked[i] {
				if got[a.clientID] != a.seq {
					lost.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Fprintf(out, "after SIGKILL and restart: %d of %d acknowledged messages missing or moved\n", lost.Load(), n)
	if lost.Load() > 0 {
		return fmt.Errorf("%d acknowledged messages lost", lost.Load())
	}
	return nil
}

func cmpErr(old, err error) error {
	if old != nil {
		return old
	}
	return err
}

func pct(sorted []time.Duration, p float64) time.Duration {
	return sorted[int(float64(len(sorted)-1)*p)].Round(10 * time.Microsecond)
}

// send posts one message and waits for its acknowledgement, skipping the
// bot's replies and other frames.
func (v *visitor) send(clientID, text string) (int64, error) {
	if err := v.conn.WriteJSON(map[string]any{"type": "message", "client_id": clientID, "text": text}); err != nil {
		return 0, fmt.Errorf("couldn't send: %w", err)
	}
	for {
		f, err := readFrame(v.conn)
		if err != nil {
			return 0, err
		}
		switch {
		case f.Type == "message" && f.ClientID == clientID:
			return f.Seq, nil
		case f.Type == "error":
			return 0, fmt.Errorf("server error for %s: %s: %s", clientID, f.Code, f.Message)
		}
	}
}

// checkResumed resumes a conversation from seq 0 after a restart and
// returns the visitor's client_id → seq. The replay comes before anything
// else on the connection, so it sends one new message right away and reads
// until that message's acknowledgement: everything before it is the replay.
// It fails when the replayed log has a gap or when the new message does not
// continue right after it.
func checkResumed(addr, token string) (map[string]int64, error) {
	v, err := dialVisitor(addr, token, 0)
	if err != nil {
		return nil, err
	}
	defer v.conn.Close()
	const probe = "after-restart"
	if err := v.conn.WriteJSON(map[string]any{"type": "message", "client_id": probe, "text": "still there?"}); err != nil {
		return nil, fmt.Errorf("couldn't send: %w", err)
	}
	v.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	got := map[string]int64{}
	seen := map[int64]bool{}
	var last int64
	for {
		f, err := readFrame(v.conn)
		if err != nil {
			return got, err
		}
		if f.Type == "error" {
			return got, fmt.Errorf("server error: %s: %s", f.Code, f.Message)
		}
		if f.Type != "message" {
			continue
		}
		if f.ClientID == probe {
			for seq := int64(1); seq <= last; seq++ {
				if !seen[seq] {
					return got, fmt.Errorf("replay after restart has a gap at seq %d (last %d)", seq, last)
				}
			}
			if f.Seq != last+1 {
				return got, fmt.Errorf("first message after restart got seq %d, want %d", f.Seq, last+1)
			}
			return got, nil
		}
		seen[f.Seq] = true
		last = max(last, f.Seq)
		if f.ClientID != "" {
			got[f.ClientID] = f.Seq
		}
	}
}

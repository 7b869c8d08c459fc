package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andon-chat/andon/internal/fdlimit"
)

// AbuseOptions configures `andon bench abuse`.
type AbuseOptions struct {
	Binary  string
	DataDir string
	// Duration is how long each attack lasts.
	Duration time.Duration
	// Conns is how many connections the idle keep-alive flood opens; the
	// slow-body attack opens a tenth of them.
	Conns int
	// Only runs these attacks (by name); empty runs all.
	Only []string
}

// The addresses of the bench: Linux routes all of 127/8 to lo, so the
// attacker, the normal visitor and the health checker are three clients
// to the server's per-IP limits.
const (
	attackerIP = "127.0.0.1"
	visitorIP  = "127.0.0.2"
	checkerIP  = "127.0.0.3"
)

// abuseSecret and abuseMailDomain let the bench sign mail_in reply
// addresses as the server does.
const (
	abuseSecret     = "bench-abuse-secret-0123456789abcdef0123456789abcdef"
	abuseMailDomain = "reply.bench.invalid"
)

// abuseConfig is the server's defaults: the limits under test stay as a
// user gets them. Only mail_in is switched on, on port %s; it needs
// outgoing mail configured, which goes nowhere (nothing listens on port 9).
const abuseConfig = `
[server]
secret = "` + abuseSecret + `"

[smtp]
host = "127.0.0.1"
port = 9
tls = "none"
from = "Support <support@bench.invalid>"

[mail_in]
addr = "127.0.0.1:%s"
domain = "` + abuseMailDomain + `"
`

// attack is one way to abuse the server. run attacks srv until ctx ends
// and returns what the attacker got, in words.
type attack struct {
	name, what string
	// setup prepares the server before the clock starts (for example a
	// large conversation); it may restart it.
	setup func(ctx context.Context, e *abuseEnv) error
	run   func(ctx context.Context, e *abuseEnv) (string, error)
}

// abuseEnv is one fresh server for one attack.
type abuseEnv struct {
	opts     AbuseOptions
	srv      *Server
	dataDir  string
	httpAddr string
	mailAddr string
	cfg      string
	// conversation of the replay and mail attacks, made by setup
	convID, token string
}

func (e *abuseEnv) start(ctx context.Context) error {
	srv, err := startServer(ctx, e.opts.Binary, e.dataDir, e.httpAddr, e.cfg)
	if err != nil {
		return err
	}
	e.srv = srv
	return nil
}

// Abuse runs each attack against a fresh server (the real binary, with the
// default limits) and prints what the server held during it: peak resident
// memory and descriptors, the rows it wrote, and the round trips of a
// normal visitor and of /healthz from other addresses meanwhile.
func Abuse(ctx context.Context, opts AbuseOptions, out io.Writer) error {
	if _, err := fdlimit.Raise(); err != nil {
		return err
	}
	if opts.Duration <= 0 {
		opts.Duration = 10 * time.Second
	}
	if opts.Conns <= 0 {
		opts.Conns = 20000
	}
	attacks := abuseAttacks(opts)
	fmt.Fprintf(out, "each attack %s from %s against a fresh server with the default limits; a normal visitor from %s, /healthz from %s\n",
		opts.Duration, attackerIP, visitorIP, checkerIP)
	fmt.Fprintf(out, "%-34s %9s %7s %9s %9s | %-24s | %-20s | %s\n", "attack", "peak RSS", "fds", "+convs", "+msgs", "visitor p99 (failed)", "healthz p99 (failed)", "attacker got")
	ran := 0
	for _, a := range attacks {
		if len(opts.Only) > 0 && !slices.Contains(opts.Only, a.name) {
			continue
		}
		ran++
		line, err := runAttack(ctx, opts, a)
		if err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		fmt.Fprintln(out, line)
	}
	if ran == 0 {
		names := make([]string, len(attacks))
		for i, a := range attacks {
			names[i] = a.name
		}
		return fmt.Errorf("no attack named %v (have %s)", opts.Only, strings.Join(names, ", "))
	}
	return nil
}

func runAttack(ctx context.Context, opts AbuseOptions, a attack) (string, error) {
	// The HTTP and the mail port are chosen together, so they differ.
	ports, err := freePorts(2)
	if err != nil {
		return "", err
	}
	_, mailPort, _ := net.SplitHostPort(ports[1])
	e := &abuseEnv{
		opts:     opts,
		dataDir:  filepath.Join(opts.DataDir, a.name),
		httpAddr: ports[0],
		mailAddr: ports[1],
		cfg:      fmt.Sprintf(abuseConfig, mailPort),
	}
	if err := e.start(ctx); err != nil {
		return "", err
	}
	defer func() { e.srv.Kill() }()
	if a.setup != nil {
		if err := a.setup(ctx, e); err != nil {
			return "", fmt.Errorf("setup: %w", err)
		}
	}
	// The normal visitor resumes one conversation of its own, made now,
	// whose messages the row counts leave out.
	normal := &normalVisitor{addr: e.srv.Addr}
	var normalID string
	if normalID, normal.token, err = newConversation(e); err != nil {
		return "", fmt.Errorf("normal visitor: %w", err)
	}
	convs0, msgs0, err := countRows(e.dataDir, normalID)
	if err != nil {
		return "", err
	}
	actx, cancel := context.WithTimeout(ctx, opts.Duration)
	defer cancel()
	peak := watchServer(actx, e.srv)
	visitor := roundTrips(actx, normal.roundTrip)
	health := roundTrips(actx, func() (time.Duration, error) { return healthzRoundTrip(e.srv.Addr) })
	got, err := a.run(actx, e)
	<-actx.Done()
	rss, fds := peak()
	vs, hs := visitor(), health()
	if err != nil {
		return "", err
	}
	convs1, msgs1, err := countRows(e.dataDir, normalID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%-34s %6d MiB %7d %9d %9d | %-24s | %-20s | %s",
		a.what, rss/1024, fds, convs1-convs0, msgs1-msgs0, vs, hs, got), nil
}

// watchServer samples the server's resident memory and descriptors every
// 50 ms until ctx ends; the returned func waits for that and gives the
// peaks.
func watchServer(ctx context.Context, srv *Server) func() (rssKiB int64, fds int) {
	done := make(chan struct{})
	var rss int64
	var fd int
	sample := func() {
		if r, err := srv.RSSKiB(); err == nil {
			rss = max(rss, r)
		}
		if f, err := srv.FDs(); err == nil {
			fd = max(fd, f)
		}
	}
	go func() {
		defer close(done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() (int64, int) {
		<-done
		return rss, fd
	}
}

// roundTrips calls trip every 250 ms until ctx ends; the returned func
// waits for that and reports the p99 and the failures.
func roundTrips(ctx context.Context, trip func() (time.Duration, error)) func() string {
	done := make(chan struct{})
	var lat []time.Duration
	failed, total := 0, 0
	var firstErr error
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			d, err := trip()
			total++
			if err != nil {
				failed++
				if firstErr == nil {
					firstErr = err
				}
			} else {
				lat = append(lat, d)
			}
			select {
			case <-ctx.Done():
			case <-time.After(250 * time.Millisecond):
			}
		}
	}()
	return func() string {
		<-done
		p99 := "-"
		if len(lat) > 0 {
			slices.Sort(lat)
			p99 = pct(lat, 0.99).String()
		}
		s := fmt.Sprintf("%s (%d/%d)", p99, failed, total)
		if firstErr != nil && os.Getenv("ANDON_BENCH_VERBOSE") != "" {
			s += " " + firstErr.Error()
		}
		return s
	}
}

// normalVisitor comes back to its conversation now and then.
type normalVisitor struct {
	addr    string
	token   string
	lastSeq int64
	n       int
}

// roundTrip is what a normal visitor does: connect, resume its
// conversation, send a question and wait for its acknowledgement; the time
// is from dial to acknowledgement, and anything over 5 s is a failure.
func (nv *normalVisitor) roundTrip() (time.Duration, error) {
	addr := nv.addr
	start := time.Now()
	d := dialer
	d.NetDialContext = (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(visitorIP)}, Timeout: 5 * time.Second}).DialContext
	d.HandshakeTimeout = 5 * time.Second
	conn, _, err := d.Dial("ws://"+addr+"/ws/visitor", http.Header{"Origin": {"http://" + addr}})
	if err != nil {
		return 0, fmt.Errorf("couldn't connect: %w", err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(start.Add(5 * time.Second))
	_ = conn.SetWriteDeadline(start.Add(5 * time.Second))
	if err := conn.WriteJSON(map[string]any{"type": "hello", "locale": "en", "token": nv.token, "last_seq": nv.lastSeq}); err != nil {
		return 0, err
	}
	v := &visitor{conn: conn}
	nv.n++
	seq, err := v.send(fmt.Sprintf("probe-%d", nv.n), "how do I reset my password?")
	if err != nil {
		return 0, err
	}
	nv.lastSeq = seq
	return time.Since(start), nil
}

// healthzRoundTrip is a load balancer's check on a new connection.
func healthzRoundTrip(addr string) (time.Duration, error) {
	start := time.Now()
	c := &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			DialContext:       (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(checkerIP)}}).DialContext,
			DisableKeepAlives: true,
		},
	}
	resp, err := c.Get("http://" + addr + "/healthz")
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("healthz: %s", resp.Status)
	}
	return time.Since(start), nil
}

// holdConns opens up to n connections from the attacker's address, each
// sending preamble and then trickle every second, until ctx ends, and
// reports how the server treated them: answered 503 at once (shed),
// closed later, or still open at the end.
func holdConns(ctx context.Context, addr string, n int, preamble string, trickle string) string {
	var opened, shed, closed, refused atomic.Int64
	var conns sync.WaitGroup
	var next atomic.Int64
	var dialers sync.WaitGroup
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(attackerIP)}, Timeout: 2 * time.Second}
	for range 64 {
		dialers.Add(1)
		go func() {
			defer dialers.Done()
			for ctx.Err() == nil && next.Add(1) <= int64(n) {
				c, err := d.DialContext(ctx, "tcp", addr)
				if err != nil {
					refused.Add(1)
					continue
				}
				opened.Add(1)
				if _, err := io.WriteString(c, preamble); err != nil {
					closed.Add(1)
					c.Close()
					continue
				}
				conns.Add(2)
				ended := make(chan struct{})
				go func() { // reader: was it shed, when did it end?
					defer conns.Done()
					defer close(ended)
					defer c.Close() // the attacker's descriptors are finite too
					buf := make([]byte, 512)
					first := true
					for {
						k, err := c.Read(buf)
						if first && k > 0 {
							first = false
							if strings.HasPrefix(string(buf[:k]), "HTTP/1.1 503") {
								shed.Add(1)
							}
						}
						if err != nil {
							if ctx.Err() == nil {
								closed.Add(1)
							}
							return
						}
					}
				}()
				go func() { // trickle, and close at the end
					defer conns.Done()
					t := time.NewTicker(time.Second)
					defer t.Stop()
					for {
						select {
						case <-ended:
							return
						case <-ctx.Done():
							c.Close()
							return
						case <-t.C:
							if trickle != "" {
								_, _ = io.WriteString(c, trickle)
							}
						}
					}
				}()
			}
		}()
	}
	dialers.Wait()
	<-ctx.Done()
	// Counted before the closes at the end: open = opened - closed.
	o, cl, sh, rf := opened.Load(), closed.Load(), shed.Load(), refused.Load()
	conns.Wait()
	return fmt.Sprintf("%d opened: %d shed with 503, %d closed later, %d open at the end; %d not connected", o, sh, cl-sh, o-cl, rf)
}

package widget

import (
	"github.com/andon-chat/andon/internal/apierr"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipTable counts connections per client IP and for the whole server, and
// holds each IP's message rate limiter, shared by that IP's connections.
type ipTable struct {
	maxPerIP, maxTotal int
	rate               rate.Limit
	burst              int
	convRate           rate.Limit // new conversations
	convBurst          int

	mu        sync.Mutex
	total     int
	entries   map[netip.Addr]*ipEntry
	sweepSize int // sweep idle entries when the map grows past this
}

type ipEntry struct {
	conns   int
	lim     *rate.Limiter // messages; safe for concurrent use on its own
	newConv *rate.Limiter // new conversations
}

// idle reports whether e may be forgotten: no connection, and both limiters
// refilled, so that reconnecting does not reset a limit.
func (t *ipTable) idle(e *ipEntry, now time.Time) bool {
	return e.conns == 0 && e.lim.TokensAt(now) >= float64(t.burst) &&
		e.newConv.TokensAt(now) >= float64(t.convBurst)
}

func newIPTable(l Limits) *ipTable {
	return &ipTable{
		maxPerIP: l.MaxConnectionsPerIP, maxTotal: l.MaxConnections,
		rate: rate.Limit(l.IPMessagesPerSecond), burst: l.IPMessageBurst,
		convRate: rate.Limit(l.IPNewConversationsPerMinute / 60), convBurst: l.IPNewConversationBurst,
		entries: make(map[netip.Addr]*ipEntry), sweepSize: 1024,
	}
}

// acquire counts one more connection from ip, or refuses with the error
// code of the limit it would cross.
func (t *ipTable) acquire(ip netip.Addr) (*ipEntry, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.total >= t.maxTotal {
		return nil, apierr.CodeServerBusy
	}
	e := t.entries[ip]
	if e == nil {
		if len(t.entries) >= t.sweepSize {
			t.sweep()
		}
		e = &ipEntry{lim: rate.NewLimiter(t.rate, t.burst), newConv: rate.NewLimiter(t.convRate, t.convBurst)}
		t.entries[ip] = e
	}
	if e.conns >= t.maxPerIP {
		return nil, apierr.CodeTooManyConnections
	}
	e.conns++
	t.total++
	return e, ""
}

// release undoes acquire. An IP without connections keeps its limiter until
// it has refilled, so that reconnecting does not reset the rate limit.
func (t *ipTable) release(ip netip.Addr, e *ipEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e.conns--
	t.total--
	if t.idle(e, time.Now()) {
		delete(t.entries, ip)
	}
}

// sweep drops idle, refilled entries; called with mu held.
func (t *ipTable) sweep() {
	now := time.Now()
	for ip, e := range t.entries {
		if t.idle(e, now) {
			delete(t.entries, ip)
		}
	}
	t.sweepSize = max(1024, 2*len(t.entries))
}

// connections reports the open connections, for tests and metrics.
func (t *ipTable) connections() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.total
}

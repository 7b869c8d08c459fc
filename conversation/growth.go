package conversation

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of the cap on how fast one conversation grows.
const (
	DefaultMessagesPerMinute = 60
	DefaultMessageBurst      = 120
)

// growth caps how fast each conversation's log grows from the outside
// (visitor socket, mailed answers, agents through the API), whichever
// tabs, mails or consoles the messages come from: without it, a log of
// thousands of messages (replayed on every resume, shown in the console)
// is a loop away. The bot's and the system's messages follow from those
// and are not counted. Limiters live in memory, one per conversation
// that wrote recently; refilled ones are swept.
type growth struct {
	rate  rate.Limit
	burst int

	mu        sync.Mutex
	lims      map[string]*rate.Limiter
	sweepSize int
}

func newGrowth(perMinute float64, burst int) *growth {
	if perMinute <= 0 {
		perMinute = DefaultMessagesPerMinute
	}
	if burst <= 0 {
		burst = DefaultMessageBurst
	}
	return &growth{rate: rate.Limit(perMinute / 60), burst: burst,
		lims: make(map[string]*rate.Limiter), sweepSize: 1024}
}

// allow takes one message from conversation id's budget.
func (g *growth) allow(id string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	l := g.lims[id]
	if l == nil {
		if len(g.lims) >= g.sweepSize {
			g.sweep(now)
		}
		l = rate.NewLimiter(g.rate, g.burst)
		g.lims[id] = l
	}
	return l.AllowN(now, 1)
}

// sweep forgets limiters that have refilled; called with mu held.
func (g *growth) sweep(now time.Time) {
	for id, l := range g.lims {
		if l.TokensAt(now) >= float64(g.burst) {
			delete(g.lims, id)
		}
	}
	g.sweepSize = max(1024, 2*len(g.lims))
}

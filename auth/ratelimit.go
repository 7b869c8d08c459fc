package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter keeps one token bucket per key (an IP or an e-mail). Buckets that
// have refilled are dropped, so the map stays as small as the set of
// clients that are currently being limited.
type limiter struct {
	rate Rate

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastPrune time.Time
}

func newLimiter(r Rate) *limiter {
	return &limiter{rate: r, buckets: make(map[string]*rate.Limiter)}
}

// allow takes one attempt for key at now; when none is left it returns
// false and when the next one will be.
func (l *limiter) allow(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastPrune) > time.Minute || len(l.buckets) > 10000 {
		l.prune(now)
	}
	b := l.buckets[key]
	if b == nil {
		b = rate.NewLimiter(rate.Every(l.rate.Every), l.rate.Burst)
		l.buckets[key] = b
	}
	if b.AllowN(now, 1) {
		return true, time.Time{}
	}
	missing := 1 - b.TokensAt(now)
	return false, now.Add(time.Duration(missing * float64(l.rate.Every)))
}

// prune drops full buckets: a new bucket would be the same.
func (l *limiter) prune(now time.Time) {
	l.lastPrune = now
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
}

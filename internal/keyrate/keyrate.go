// Package keyrate keeps one token bucket per key (an IP, an e-mail, a
// conversation) with a bounded number of keys. Buckets that have refilled
// are dropped, so the map stays as small as the set of keys currently
// being limited.
package keyrate

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a set of token buckets of one rate, one per key. It is safe
// for concurrent use.
type Limiter struct {
	every time.Duration
	burst int
	max   int

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastPrune time.Time
}

// New returns a limiter that lets each key take burst at once, then one per
// every. max bounds the keys held (0: no bound): when that many keys are
// being limited, a new key is refused until some have refilled, so that a
// client making up keys cannot grow the map.
func New(every time.Duration, burst, max int) *Limiter {
	return &Limiter{every: every, burst: burst, max: max, buckets: make(map[string]*rate.Limiter)}
}

// Allow takes one token for key at now; when none is left it returns false
// and when the next one will be.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastPrune) > time.Minute || len(l.buckets) > 10000 || (l.max > 0 && len(l.buckets) >= l.max) {
		l.prune(now)
	}
	b := l.buckets[key]
	if b == nil {
		if l.max > 0 && len(l.buckets) >= l.max {
			return false, now.Add(l.every)
		}
		b = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.buckets[key] = b
	}
	if b.AllowN(now, 1) {
		return true, time.Time{}
	}
	missing := 1 - b.TokensAt(now)
	return false, now.Add(time.Duration(missing * float64(l.every)))
}

// Blocked reports, without taking a token, whether key has none left at
// now, and if so when the next one comes.
func (l *Limiter) Blocked(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		return false, time.Time{}
	}
	if t := b.TokensAt(now); t < 1 {
		return true, now.Add(time.Duration((1 - t) * float64(l.every)))
	}
	return false, time.Time{}
}

// Len is the number of keys held.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// prune drops full buckets: a new bucket would be the same.
func (l *Limiter) prune(now time.Time) {
	l.lastPrune = now
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
}

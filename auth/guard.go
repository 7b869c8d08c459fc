package auth

import (
	"sync"
	"time"
)

// maxPairs bounds the (account, source) pairs whose failures are held.
const maxPairs = 100000

// pairForget is how long a pair without failures is remembered.
const pairForget = 24 * time.Hour

// pairGuard slows guessing one account from one source (an address, or a
// known device): the first Free failures in a row cost nothing, each one
// after that doubles the wait before the next attempt (1 s, 2 s, 4 s, ...
// up to Max). A success from the pair forgets it. Nobody else's failures
// count, so a stranger cannot slow a person down from their own address or
// device, and one source guessing is held to a few attempts an hour.
//
// Keys are account + "\x00" + source, with the account as the normalised
// e-mail: an e-mail without an account is slowed exactly like one with,
// so the answers do not tell which e-mails have a console login. The map is
// bounded: when full, pairs whose wait ended a day ago go first, then the
// least recently failed.
type pairGuard struct {
	max   int
	free  int
	base  time.Duration
	limit time.Duration

	mu sync.Mutex
	m  map[string]*pairState
}

type pairState struct {
	failures  int
	notBefore time.Time
	last      time.Time
}

func newPairGuard(max, free int, base, limit time.Duration) *pairGuard {
	return &pairGuard{max: max, free: free, base: base, limit: limit, m: make(map[string]*pairState)}
}

// wait returns when key may try again, or zero when it may now.
func (g *pairGuard) wait(key string, now time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if p := g.m[key]; p != nil && now.Before(p.notBefore) {
		return p.notBefore
	}
	return time.Time{}
}

// failed counts a failure of key and returns when it may try again (zero:
// at once).
func (g *pairGuard) failed(key string, now time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.m[key]
	if p == nil {
		if len(g.m) >= g.max {
			g.evict(now)
		}
		p = &pairState{}
		g.m[key] = p
	}
	p.failures++
	p.last = now
	if over := p.failures - g.free; over > 0 {
		d := g.limit
		if over < 40 && g.base<<(over-1) < g.limit {
			d = g.base << (over - 1)
		}
		p.notBefore = now.Add(d)
	}
	return p.notBefore
}

// succeeded forgets key's failures.
func (g *pairGuard) succeeded(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.m, key)
}

func (g *pairGuard) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for k, p := range g.m {
		if now.Sub(p.last) > pairForget && !now.Before(p.notBefore) {
			delete(g.m, k)
			continue
		}
		if oldest == "" || p.last.Before(oldestAt) {
			oldest, oldestAt = k, p.last
		}
	}
	if len(g.m) >= g.max {
		delete(g.m, oldest)
	}
}

func (g *pairGuard) size() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.m)
}

// knownAddresses remembers, in memory, the addresses each account logged
// in from successfully, for ttl: like a known device, such an address is
// not held back by the per-account limit (its own pair delay still
// applies). It covers a browser without cookies, or one that lost them.
// Bounded: when full, the oldest entry goes.
type knownAddresses struct {
	max int
	ttl time.Duration

	mu sync.Mutex
	m  map[string]time.Time // account + "\x00" + IP → last successful login
}

func newKnownAddresses(max int, ttl time.Duration) *knownAddresses {
	return &knownAddresses{max: max, ttl: ttl, m: make(map[string]time.Time)}
}

func (k *knownAddresses) add(key string, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[key]; !ok && len(k.m) >= k.max {
		var oldest string
		var oldestAt time.Time
		for key, at := range k.m {
			if oldest == "" || at.Before(oldestAt) {
				oldest, oldestAt = key, at
			}
		}
		delete(k.m, oldest)
	}
	k.m[key] = now
}

func (k *knownAddresses) known(key string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	at, ok := k.m[key]
	return ok && now.Sub(at) <= k.ttl
}

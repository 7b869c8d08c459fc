package auth

import (
	"sync"
	"time"
)

// maxGhosts bounds how many unknown e-mails' failures are remembered.
const maxGhosts = 10000

// ghostLocks counts failed logins for e-mails that have no account, in
// memory, and locks them exactly like an account is locked in the store:
// MaxFailures in a row lock for LockFor, then the count starts over. From
// outside, an unknown e-mail then behaves like a known one, so the lockout
// does not tell which addresses have a console login. Keys are the
// normalised e-mail, like the per-e-mail limiter's.
//
// The map is bounded: when full, ended locks are dropped first, then the
// least recently failed key. Evicting a key only forgets failures of an
// address nobody has an account for.
type ghostLocks struct {
	max int

	mu sync.Mutex
	m  map[string]*ghost
}

type ghost struct {
	failures    int
	lockedUntil time.Time
	last        time.Time
}

func newGhostLocks(max int) *ghostLocks {
	return &ghostLocks{max: max, m: make(map[string]*ghost)}
}

// lockedUntil returns when key's lock ends, or zero when it is not locked
// at now.
func (g *ghostLocks) lockedUntil(key string, now time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if h := g.m[key]; h != nil && now.Before(h.lockedUntil) {
		return h.lockedUntil
	}
	return time.Time{}
}

// failed counts one failure of key at now, as store.Users.LoginFailed
// does, and returns when the lock it set ends (zero: not locked).
func (g *ghostLocks) failed(key string, now time.Time, maxFailures int, lockFor time.Duration) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	h := g.m[key]
	if h == nil {
		if len(g.m) >= g.max {
			g.evict(now)
		}
		h = &ghost{}
		g.m[key] = h
	}
	h.last = now
	h.failures++
	if h.failures >= maxFailures {
		h.failures = 0
		h.lockedUntil = now.Add(lockFor)
		return h.lockedUntil
	}
	return time.Time{}
}

// evict makes room for one key: every ended lock without failures since
// goes, and if none did, the least recently failed key.
func (g *ghostLocks) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for k, h := range g.m {
		if h.failures == 0 && !now.Before(h.lockedUntil) {
			delete(g.m, k)
			continue
		}
		if oldest == "" || h.last.Before(oldestAt) {
			oldest, oldestAt = k, h.last
		}
	}
	if len(g.m) >= g.max {
		delete(g.m, oldest)
	}
}

func (g *ghostLocks) size() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.m)
}

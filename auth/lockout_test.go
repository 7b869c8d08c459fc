package auth

import (
	"fmt"
	"testing"
	"time"
)

// The failures counted for unknown e-mails live in memory: their number
// is bounded however many addresses are tried, and forgotten once locks end.
func TestUnknownEmailFailuresBounded(t *testing.T) {
	t.Parallel()
	g := newGhostLocks(50)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		g.failed(fmt.Sprint("user", i, "@example.com"), now.Add(time.Duration(i)*time.Millisecond), 2, time.Minute)
	}
	if n := g.size(); n > 50 {
		t.Fatalf("%d unknown e-mails remembered, want at most 50", n)
	}
	// The most recent key is remembered: its second failure locks.
	last := "user999@example.com"
	if until := g.failed(last, now.Add(time.Second), 2, time.Minute); until.IsZero() {
		t.Fatal("the newest key was forgotten")
	}
	if until := g.lockedUntil(last, now.Add(time.Second+time.Minute)); !until.IsZero() {
		t.Fatalf("lock still on after it ended: %v", until)
	}
}

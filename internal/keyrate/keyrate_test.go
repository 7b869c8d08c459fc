package keyrate

import (
	"strconv"
	"testing"
	"time"
)

func TestBurstThenRate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	l := New(time.Minute, 3, 0)
	for i := range 3 {
		if ok, _ := l.Allow("a", now); !ok {
			t.Fatalf("take %d of the burst refused", i+1)
		}
	}
	ok, next := l.Allow("a", now)
	if ok || !next.Equal(now.Add(time.Minute)) {
		t.Fatalf("over the burst: %v, next %v; want refused until a minute later", ok, next)
	}
	if blocked, until := l.Blocked("a", now); !blocked || !until.Equal(now.Add(time.Minute)) {
		t.Fatalf("Blocked(a) = %v, %v; want blocked for a minute", blocked, until)
	}
	if ok, _ := l.Allow("b", now); !ok {
		t.Fatal("another key shares the first one's bucket")
	}
	if blocked, _ := l.Blocked("b", now); blocked {
		t.Fatal("Blocked(b) with two tokens left")
	}
	if ok, _ := l.Allow("a", now.Add(time.Minute)); !ok {
		t.Fatal("no token after a minute")
	}
}

// With max keys held, made-up keys are refused instead of growing the map,
// and room comes back as buckets refill.
func TestMaxKeys(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	l := New(time.Minute, 2, 100)
	for i := range 1000 {
		l.Allow(strconv.Itoa(i), now)
	}
	if n := l.Len(); n > 100 {
		t.Fatalf("%d keys held, want at most 100", n)
	}
	if ok, _ := l.Allow("new", now); ok {
		t.Fatal("a new key was let in while the table is full")
	}
	if ok, _ := l.Allow("new", now.Add(2*time.Minute)); !ok {
		t.Fatal("a new key is still refused once the others refilled")
	}
}

func TestForgetsIdleKeys(t *testing.T) {
	t.Parallel()
	l := New(time.Second, 2, 0)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100 {
		l.Allow("ip"+strconv.Itoa(i), now)
	}
	l.Allow("late", now.Add(2*time.Minute))
	if n := l.Len(); n != 1 {
		t.Fatalf("%d buckets kept after every other key refilled, want 1", n)
	}
}

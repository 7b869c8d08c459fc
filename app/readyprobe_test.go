package app

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestWriteProbeDoesNotHangOnAFrozenDisk: a write that never returns
// makes check fail after the timeout, later checks fail at once without
// starting a second write, and the probe recovers when the write ends.
func TestWriteProbeDoesNotHangOnAFrozenDisk(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var calls atomic.Int32
	p := newWriteProbe(func(context.Context) error {
		if calls.Add(1) == 1 {
			<-release // frozen
		}
		return nil
	})
	p.timeout = 20 * time.Millisecond
	var clock fakeClock
	p.now = clock.now

	if err := p.check(context.Background()); err == nil || !strings.Contains(err.Error(), "has not finished") {
		t.Fatalf("frozen write: %v", err)
	}
	clock.add(time.Minute) // the frozen write is older than the timeout
	if err := p.check(context.Background()); err == nil {
		t.Fatal("second check passed while the write is stuck")
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d writes started while one was stuck, want 1", n)
	}
	close(release)
	for p.check(context.Background()) != nil {
		clock.add(time.Minute) // until the stuck write has reported
	}
}

// TestWriteProbeCachesItsResult: within ttl, a failure is reported again
// without another write; after it, a new write runs.
func TestWriteProbeCachesItsResult(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	p := newWriteProbe(func(context.Context) error {
		calls.Add(1)
		return errors.New("disk full")
	})
	var clock fakeClock
	p.now = clock.now
	for range 3 {
		if err := p.check(context.Background()); err == nil || err.Error() != "disk full" {
			t.Fatalf("check = %v", err)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d writes within ttl, want 1", n)
	}
	clock.add(p.ttl)
	_ = p.check(context.Background())
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d writes after ttl, want 2", n)
	}
}

// fakeClock is a clock the test moves; the probe's goroutine reads it.
type fakeClock struct{ ns atomic.Int64 }

func (c *fakeClock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) add(d time.Duration) { c.ns.Add(int64(d)) }

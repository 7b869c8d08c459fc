package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// probeFile is written, fsynced and removed by the readiness probe, next
// to the database: a full or read-only disk fails that write as it fails
// the store's. A new file each time, since rewriting one in place could
// reuse its own block on a full disk.
const probeFile = "readyz.probe"

// writeProbe answers "can the data directory take a write?" for /readyz
// without letting a frozen disk hang the health check: at most one probe
// runs at a time, a caller waits for it at most timeout, and a result is
// reused for ttl so a load balancer polling often does not become a write
// load of its own.
type writeProbe struct {
	write   func(context.Context) error
	timeout time.Duration
	ttl     time.Duration
	now     func() time.Time

	mu      sync.Mutex
	at      time.Time // when err was found; zero before the first probe
	err     error
	running chan struct{} // closed when the probe in flight ends; nil if none
	started time.Time
}

func newWriteProbe(write func(context.Context) error) *writeProbe {
	return &writeProbe{write: write, timeout: 2 * time.Second, ttl: time.Second, now: time.Now}
}

// check returns the last result while it is fresh, else waits for a probe.
func (p *writeProbe) check(ctx context.Context) error {
	p.mu.Lock()
	if p.running == nil && !p.at.IsZero() && p.now().Sub(p.at) < p.ttl {
		err := p.err
		p.mu.Unlock()
		return err
	}
	if p.running == nil {
		p.start()
	}
	done, waited := p.running, p.now().Sub(p.started)
	p.mu.Unlock()
	hung := fmt.Errorf("a write to the data directory has not finished after %s (frozen disk?)", p.timeout)
	if waited >= p.timeout {
		return hung
	}
	t := time.NewTimer(p.timeout - waited)
	defer t.Stop()
	select {
	case <-done:
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.err
	case <-t.C:
		return hung
	case <-ctx.Done():
		return ctx.Err()
	}
}

// start runs one probe in the background; p.mu is held. The probe gets no
// deadline of its own: a write stuck in the kernel cannot be cancelled,
// and while it is stuck no second one is started.
func (p *writeProbe) start() {
	done := make(chan struct{})
	p.running, p.started = done, p.now()
	go func() {
		err := p.write(context.Background())
		p.mu.Lock()
		p.err, p.at, p.running = err, p.now(), nil
		p.mu.Unlock()
		close(done)
	}()
}

// probeDataDir writes, fsyncs and removes the probe file in dir.
func probeDataDir(dir string) error {
	path := filepath.Join(dir, probeFile)
	_ = os.Remove(path) // left by a crash
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("couldn't write to the data directory: %w", err)
	}
	_, err = f.WriteString(strconv.FormatInt(time.Now().UnixNano(), 10) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(path); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("couldn't write to the data directory: %w", err)
	}
	return nil
}

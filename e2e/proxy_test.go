package e2e

import (
	"net"
	"sync"
	"testing"
)

// proxy is a TCP proxy between the browser and the server that a test can
// break the way networks break: swallow what the browser sends (a dead
// link the browser does not notice yet), cut every connection, and refuse
// new ones until it is restored.
type proxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	swallow [2]bool // [0]: from the browser, [1]: from the server
	down    bool
	wg      sync.WaitGroup
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("couldn't listen: %v", err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// URL is the proxy's address as an http URL.
func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		if !down {
			p.conns[c] = struct{}{}
		}
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			p.drop(c)
			continue
		}
		p.mu.Lock()
		p.conns[s] = struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(s, c, true)
		go p.pipe(c, s, false)
	}
}

// pipe copies src to dst, dropping the bytes while its direction is
// swallowed.
func (p *proxy) pipe(dst, src net.Conn, fromBrowser bool) {
	dir := 1
	if fromBrowser {
		dir = 0
	}
	defer p.wg.Done()
	defer p.drop(dst)
	defer p.drop(src)
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			skip := p.swallow[dir]
			p.mu.Unlock()
			if !skip {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *proxy) drop(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// SwallowFromBrowser drops everything the browser sends on open
// connections: its socket stays open and sees no error, but the server
// never gets its frames.
func (p *proxy) SwallowFromBrowser() {
	p.mu.Lock()
	p.swallow[0] = true
	p.mu.Unlock()
}

// SwallowFromServer drops everything the server sends: the server gets the
// browser's frames but its answers are lost on the way.
func (p *proxy) SwallowFromServer() {
	p.mu.Lock()
	p.swallow[1] = true
	p.mu.Unlock()
}

// Cut closes every connection and refuses new ones until Restore.
func (p *proxy) Cut() {
	p.mu.Lock()
	p.down = true
	conns := p.conns
	p.conns = map[net.Conn]struct{}{}
	p.mu.Unlock()
	for c := range conns {
		c.Close()
	}
}

// Restore forwards again, in both directions, for new connections.
func (p *proxy) Restore() {
	p.mu.Lock()
	p.down = false
	p.swallow = [2]bool{}
	p.mu.Unlock()
}

func (p *proxy) close() {
	p.ln.Close()
	p.Cut()
	p.wg.Wait()
}

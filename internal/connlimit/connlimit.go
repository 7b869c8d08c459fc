// Package connlimit bounds the TCP connections an HTTP server holds: per
// peer address and in total, with a small reserve beyond the total that
// only a few routes (health checks, login) may use. A connection over a
// limit is answered 503 and closed as soon as it is accepted, so a flood
// from one address costs the server no descriptor and no goroutine for
// longer than that one write.
package connlimit

import (
	"context"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Options are the limits. Zero PerIP or Total means no limit of that kind.
type Options struct {
	// PerIP bounds the open connections from one peer address.
	PerIP int
	// Total bounds the open connections of general use.
	Total int
	// Reserve is accepted beyond Total; those connections are marked (see
	// Reserved) for the handler to restrict.
	Reserve int
	// Exempt peers (trusted reverse proxies, which carry many clients over
	// their connections) are not counted per IP; they count in Total.
	Exempt []netip.Prefix
}

// Listener wraps a net.Listener with the limits of Options.
type Listener struct {
	net.Listener
	opts Options

	mu       sync.Mutex
	perIP    map[netip.Addr]int
	general  int
	reserved int
	shed     int64
}

// Wrap returns ln with the limits applied.
func Wrap(ln net.Listener, opts Options) *Listener {
	return &Listener{Listener: ln, opts: opts, perIP: make(map[netip.Addr]int)}
}

// shedResponse is what a connection over a limit gets before it is closed.
const shedResponse = "HTTP/1.1 503 Service Unavailable\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Retry-After: 5\r\n" +
	"Connection: close\r\n" +
	"Content-Length: 32\r\n" +
	"\r\n" +
	"too many connections, try later\n"

// Accept returns the next connection within the limits; the others are
// shed on the way.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := peer(c)
		reserved, ok := l.admit(ip)
		if !ok {
			shed(c)
			continue
		}
		return &conn{Conn: c, l: l, ip: ip, reserved: reserved}, nil
	}
}

// admit counts a new connection from ip, or reports that it is over a
// limit.
func (l *Listener) admit(ip netip.Addr) (reserved, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	counted := l.opts.PerIP > 0 && !l.exempt(ip)
	if counted && l.perIP[ip] >= l.opts.PerIP {
		l.shed++
		return false, false
	}
	switch {
	case l.opts.Total <= 0 || l.general < l.opts.Total:
		l.general++
	case l.reserved < l.opts.Reserve:
		l.reserved++
		reserved = true
	default:
		l.shed++
		return false, false
	}
	if counted {
		l.perIP[ip]++
	}
	return reserved, true
}

func (l *Listener) release(c *conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.reserved {
		l.reserved--
	} else {
		l.general--
	}
	if n, ok := l.perIP[c.ip]; ok {
		if n <= 1 {
			delete(l.perIP, c.ip)
		} else {
			l.perIP[c.ip] = n - 1
		}
	}
}

func (l *Listener) exempt(ip netip.Addr) bool {
	for _, p := range l.opts.Exempt {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Stats is a snapshot of what the listener holds.
type Stats struct {
	Open, Reserved int
	Shed           int64
}

// Stats returns the open connections and how many were shed so far.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Open: l.general + l.reserved, Reserved: l.reserved, Shed: l.shed}
}

// shed answers 503 and closes. The write goes into an empty socket buffer
// and never waits in practice; the deadline makes sure.
func shed(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_, _ = c.Write([]byte(shedResponse))
	_ = c.Close()
}

func peer(c net.Conn) netip.Addr {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}

// conn gives its slot back on Close.
type conn struct {
	net.Conn
	l        *Listener
	ip       netip.Addr
	reserved bool
	once     sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c) })
	return err
}

type reservedKey struct{}

// ConnContext is for http.Server.ConnContext: it records in the
// connection's context whether it came from the reserve.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if lc, ok := c.(*conn); ok {
		return context.WithValue(ctx, reservedKey{}, lc.reserved)
	}
	return ctx
}

// Reserved reports whether the request's connection came from the
// reserve, so only the routes the reserve is for may use it.
func Reserved(ctx context.Context) bool {
	r, _ := ctx.Value(reservedKey{}).(bool)
	return r
}

package mailin

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the limits in Options, as [mail_in] has them.
const (
	DefaultMaxConnections        = 20
	DefaultMaxMailsPerConnection = 10
	DefaultSenderBurst           = 10
	DefaultSenderEvery           = 6 * time.Minute // 10 an hour
	DefaultConversationBurst     = 20
	DefaultConversationEvery     = time.Minute // 60 an hour
)

// maxRateKeys bounds the senders and conversations whose rate is held at
// once: a client making up sender addresses is refused, not remembered.
const maxRateKeys = 10000

// Rate is a token bucket: Burst mails at once, then one per Every.
type Rate struct {
	Every time.Duration
	Burst int
}

// capListener holds at most max connections open at once; more are
// answered "421 4.7.0" and closed before go-smtp sees them, so a flood of
// connections costs a write and a close each, not a goroutine and a
// session. go-smtp has no such cap of its own.
type capListener struct {
	net.Listener
	max     int64
	domain  string
	timeout time.Duration
	open    atomic.Int64
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) > l.max {
			l.open.Add(-1)
			_ = c.SetWriteDeadline(time.Now().Add(l.timeout))
			_, _ = c.Write([]byte("421 4.7.0 " + l.domain + " Too many connections, please try again later\r\n"))
			c.Close()
			continue
		}
		return &limitedConn{Conn: c, l: l}, nil
	}
}

// limitedConn gives its slot back when closed, once, and can be told to
// close after the next reply (the 421 that ends a connection).
type limitedConn struct {
	net.Conn
	l         *capListener
	once      sync.Once
	hangUpNow atomic.Bool
}

func (c *limitedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.hangUpNow.Load() {
		c.Close()
	}
	return n, err
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Add(-1) })
	return err
}

// hangUpAfterReply makes the connection close once the next reply is
// written: a 421 means "closing the transmission channel" (RFC 5321).
func hangUpAfterReply(c net.Conn) {
	if lc, ok := c.(*limitedConn); ok {
		lc.hangUpNow.Store(true)
	}
}

package widget

import (
	"context"
	"io"
	"net"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/internal/apierr"
	"github.com/andon-chat/andon/store/postgres"
	"github.com/andon-chat/andon/store/postgres/pgtest"
)

// cutter is a TCP proxy to PostgreSQL that the test can cut (every
// connection dropped, new ones refused) and restore: a database outage as
// andon sees it, without stopping a server other tests use.
type cutter struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newCutter(t *testing.T, target string) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln, target: target}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); c.cut(); wg.Wait() })
	wg.Go(func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			c.mu.Lock()
			if c.down {
				c.mu.Unlock()
				in.Close()
				continue
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				c.mu.Unlock()
				in.Close()
				continue
			}
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			wg.Go(func() { io.Copy(out, in); out.Close() })
			wg.Go(func() { io.Copy(in, out); in.Close() })
		}
	})
	return c
}

func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = true
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

func (c *cutter) restore() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = false
}

// While PostgreSQL is unreachable the visitor's socket stays up and a
// message gets the retryable internal_error with its client_id; once the
// database is back, the widget's resend (same client_id) is stored with the
// next seq, without a gap.
func TestPostgresOutageKeepsSocketAndRefusesRetryably(t *testing.T) {
	t.Parallel()
	dsn := pgtest.FreshSchema(t)
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Skipf("ANDON_TEST_POSTGRES is not a postgres:// URL with a host: %q", dsn)
	}
	cut := newCutter(t, u.Host)
	u.Host = cut.ln.Addr().String()
	st, err := postgres.Open(context.Background(), u.String(), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hubOpts := liftedGrowth(echoBot{})
	hubOpts.Store = st
	hub := conversation.NewHub(hubOpts)
	h := NewHandler(Options{Hub: hub, Secret: []byte("test secret")})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { h.Close(); srv.Close(); hub.Close(); st.Close() })
	e := &env{t: t, srv: srv, h: h, hub: hub, st: st}

	c := e.mustDial()
	c.hello("", 0)
	c.message("c1", "how do I pay")
	if f := c.expect("message"); f.Seq != 1 || f.ClientID != "c1" {
		t.Fatalf("ack: %+v", f)
	}
	c.expect("message") // the bot's answer, seq 2

	cut.cut()
	c.message("c2", "still there?")
	if f := c.expectError(apierr.CodeInternalError, ""); f.ClientID != "c2" {
		t.Fatalf("error during the outage: %+v, want internal_error for c2", f)
	}
	cut.restore()
	c.message("c2", "still there?")
	if f := c.expect("message"); f.Seq != 3 || f.ClientID != "c2" {
		t.Fatalf("resend after the outage: %+v, want seq 3 for c2", f)
	}
}

package app_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
	"github.com/gorilla/websocket"
)

// serveLimited runs the app as `andon serve` does: behind Listen, with
// HTTPServer's timeouts.
func serveLimited(t *testing.T, change func(*config.Config)) string {
	t.Helper()
	cfg := config.Defaults()
	cfg.Server.DataDir = t.TempDir()
	cfg.Server.Addr = "127.0.0.1:0"
	change(&cfg)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := a.Listen()
	if err != nil {
		a.Close()
		t.Fatal(err)
	}
	srv := a.HTTPServer()
	go srv.Serve(ln)
	t.Cleanup(func() {
		a.CloseConnections()
		srv.Close()
		a.Close()
	})
	return ln.Addr().String()
}

// dialFrom opens a TCP connection to addr from the loopback address from
// (Linux routes all of 127/8 to lo).
func dialFrom(t *testing.T, from, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial from %s: %v", from, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip sends one raw request on c and reads the response.
func roundTrip(t *testing.T, c net.Conn, br *bufio.Reader, req string) *http.Response {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read response to %q: %v", strings.SplitN(req, "\r\n", 2)[0], err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// waitClosed reads from c until the server closes it; a generous deadline
// is the failure, never the expected path.
func waitClosed(t *testing.T, c net.Conn, what string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s: the server kept the connection open for 10 s", what)
	}
}

func TestIdleAndSlowConnectionsAreClosed(t *testing.T) {
	t.Parallel()
	addr := serveLimited(t, func(c *config.Config) {
		c.Server.IdleTimeout = config.Duration(200 * time.Millisecond)
		c.Server.ReadTimeout = config.Duration(300 * time.Millisecond)
	})

	idle := dialFrom(t, "127.0.0.1", addr)
	resp := roundTrip(t, idle, bufio.NewReader(idle), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("healthz: %d, close %v", resp.StatusCode, resp.Close)
	}
	waitClosed(t, idle, "idle keep-alive")

	slow := dialFrom(t, "127.0.0.1", addr)
	if _, err := io.WriteString(slow, "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"em"); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, slow, "slow request body")

	// An Upgrade header alone does not lift the timeouts.
	sneaky := dialFrom(t, "127.0.0.1", addr)
	if _, err := io.WriteString(sneaky, "POST /api/login HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 1000\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, sneaky, "slow request body with an Upgrade header")
}

func TestOneAddressCannotStarveOthers(t *testing.T) {
	t.Parallel()
	addr := serveLimited(t, func(c *config.Config) {
		c.Limits.MaxConnectionsPerIP = 2
		c.Limits.MaxHTTPConnectionsPerIP = 3
		c.Limits.MaxHTTPConnections = 6
		c.Limits.ReservedConnections = 3
	})
	const healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

	// One address holds its three connections idle; its fourth is shed.
	for range 3 {
		dialFrom(t, "127.0.0.2", addr)
	}
	over := dialFrom(t, "127.0.0.2", addr)
	if resp := roundTrip(t, over, bufio.NewReader(over), healthz); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("fourth connection from one address: %d, want 503", resp.StatusCode)
	}
	// Another address still gets general connections...
	other := dialFrom(t, "127.0.0.3", addr)
	if resp := roundTrip(t, other, bufio.NewReader(other), healthz); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz from another address: %d", resp.StatusCode)
	}
	// ...until all six are taken; then health and login use the reserve
	// and everything else is shed with 503, not left hanging.
	dialFrom(t, "127.0.0.3", addr)
	dialFrom(t, "127.0.0.4", addr)
	for _, tt := range []struct {
		req  string
		want func(int) bool
	}{
		{healthz, func(s int) bool { return s == http.StatusOK }},
		{"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n", func(s int) bool { return s == http.StatusOK }},
		{"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
			func(s int) bool { return s != http.StatusServiceUnavailable && s < 500 }},
		{"GET /demo HTTP/1.1\r\nHost: x\r\n\r\n", func(s int) bool { return s == http.StatusServiceUnavailable }},
	} {
		c := dialFrom(t, "127.0.0.5", addr)
		resp := roundTrip(t, c, bufio.NewReader(c), tt.req)
		if !tt.want(resp.StatusCode) {
			t.Errorf("%q with every general connection taken: %d", strings.SplitN(tt.req, "\r\n", 2)[0], resp.StatusCode)
		}
		if !resp.Close {
			t.Errorf("%q on a reserved connection: kept alive", strings.SplitN(tt.req, "\r\n", 2)[0])
		}
		waitClosed(t, c, "reserved connection")
	}
}

// TestWebSocketOutlivesHTTPTimeouts: the read and write timeouts are for
// plain requests; an open visitor socket keeps working after they passed.
// The gate is a slow request started after the upgrade: once the server
// has closed it, the socket's request is older than read_timeout.
func TestWebSocketOutlivesHTTPTimeouts(t *testing.T) {
	t.Parallel()
	addr := serveLimited(t, func(c *config.Config) {
		c.Server.ReadTimeout = config.Duration(200 * time.Millisecond)
		c.Server.WriteTimeout = config.Duration(200 * time.Millisecond)
	})
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws/visitor", http.Header{"Origin": {"http://" + addr}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteJSON(map[string]any{"type": "hello", "locale": "en"}); err != nil {
		t.Fatal(err)
	}
	readUntil(t, ws, "welcome")

	slow := dialFrom(t, "127.0.0.1", addr)
	if _, err := io.WriteString(slow, "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, slow, "slow request body")

	if err := ws.WriteJSON(map[string]any{"type": "message", "client_id": "c1", "text": "hello?"}); err != nil {
		t.Fatalf("socket after read_timeout: %v", err)
	}
	readUntil(t, ws, "message")
}

func readUntil(t *testing.T, ws *websocket.Conn, typ string) {
	t.Helper()
	for {
		var f struct {
			Type string `json:"type"`
		}
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		if f.Type == typ {
			return
		}
	}
}

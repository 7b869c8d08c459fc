package widget

import (
	"context"
	"encoding/json"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

func TestRateLimitPerConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Limits: Limits{MessagesPerSecond: 0.01, MessageBurst: 2}}, nil)
	c := e.mustDial()
	w := c.hello("", 0)
	c.message("1", "one")
	c.expect("message")
	c.message("2", "two")
	c.expect("message")
	c.message("3", "three")
	if f := c.expectError(apierr.CodeRateLimited, ""); f.ClientID != "3" {
		t.Fatalf("%+v", f)
	}
	ms, _ := e.st.Messages(context.Background(), w.ConversationID, 0)
	if len(ms) != 2 {
		t.Fatalf("%d messages stored, want 2: a refused message is not stored", len(ms))
	}
	// The connection survives; other limits are separate.
	c.send(map[string]any{"type": "typing", "on": true})
	c.message("3", "three")
	c.expectError(apierr.CodeRateLimited, "")
}

func TestRateLimitPerIP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Limits: Limits{MessagesPerSecond: 100, MessageBurst: 100,
		IPMessagesPerSecond: 0.01, IPMessageBurst: 3}}, nil)
	a, b := e.mustDial(), e.mustDial()
	w := a.hello("", 0)
	b.hello("", 0)
	a.message("a1", "one")
	a.expect("message")
	b.message("b1", "one")
	b.expect("message")
	a.message("a2", "two")
	a.expect("message")
	b.message("b2", "two")
	if f := b.expectError(apierr.CodeRateLimited, ""); f.ClientID != "b2" {
		t.Fatalf("%+v", f)
	}
	// Reconnecting does not reset the IP's budget.
	b.ws.Close()
	waitFor(t, "b to go", func() bool { return e.h.Connections() == 1 })
	c := e.mustDial()
	c.hello(w.Token, 2)
	c.message("c1", "again")
	c.expectError(apierr.CodeRateLimited, "")
}

func TestTooManyConnections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		limits Limits
		status int
		code   string
	}{
		{"per IP", Limits{MaxConnectionsPerIP: 2}, http.StatusTooManyRequests, apierr.CodeTooManyConnections},
		{"server", Limits{MaxConnections: 2}, http.StatusServiceUnavailable, apierr.CodeServerBusy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{Limits: tt.limits}, nil)
			a := e.mustDial()
			e.mustDial()
			_, resp, err := e.dial("", e.srv.URL)
			if err == nil || resp == nil || resp.StatusCode != tt.status {
				t.Fatalf("third connection: %v %v", resp, err)
			}
			var body httpError
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Code != tt.code {
				t.Fatalf("body %+v %v", body, err)
			}
			a.ws.Close()
			waitFor(t, "a slot", func() bool { return e.h.Connections() == 1 })
			e.mustDial()
		})
	}
}

func TestOriginCheck(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Sites: []Site{
		{Name: "default"},
		{Name: "shop", AllowedOrigins: []string{"https://*.example.com", "http://localhost:*"}},
	}}, nil)
	tests := []struct {
		query, origin string
		status        int
		code          string
	}{
		{"", e.srv.URL, http.StatusSwitchingProtocols, ""},
		{"?site=default", e.srv.URL, http.StatusSwitchingProtocols, ""},
		{"", "https://evil.example.org", http.StatusForbidden, apierr.CodeForbiddenOrigin},
		{"?site=shop", "https://www.example.com", http.StatusSwitchingProtocols, ""},
		{"?site=shop", "https://a.b.example.com", http.StatusSwitchingProtocols, ""},
		{"?site=shop", "http://localhost:3000", http.StatusSwitchingProtocols, ""},
		{"?site=shop", "https://example.com", http.StatusForbidden, apierr.CodeForbiddenOrigin},
		{"?site=shop", "http://www.example.com", http.StatusForbidden, apierr.CodeForbiddenOrigin},
		{"?site=shop", "https://www.example.com.evil.org", http.StatusForbidden, apierr.CodeForbiddenOrigin},
		{"?site=shop", e.srv.URL, http.StatusForbidden, apierr.CodeForbiddenOrigin}, // own origin: only for default
		{"?site=shop", "null", http.StatusForbidden, apierr.CodeForbiddenOrigin},
		{"?site=shop", "", http.StatusSwitchingProtocols, ""}, // not a browser
		{"?site=nope", e.srv.URL, http.StatusNotFound, apierr.CodeUnknownSite},
	}
	for _, tt := range tests {
		t.Run(tt.query+" "+tt.origin, func(t *testing.T) {
			c, resp, err := e.dial(tt.query, tt.origin)
			if resp == nil {
				t.Fatalf("no response: %v", err)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (%v)", resp.StatusCode, tt.status, err)
			}
			if tt.code != "" {
				var body httpError
				if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Code != tt.code {
					t.Fatalf("body %+v %v", body, err)
				}
				return
			}
			c.ws.Close()
		})
	}
}

// TestSlowClientIsEvicted: a tab that never reads is disconnected when its
// queue fills; the other tab gets every message and nobody waits.
func TestSlowClientIsEvicted(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{Limits: Limits{SendQueue: 64}}, nil)
	fast := e.mustDial()
	w := fast.hello("", 0)
	e.create(w)
	ws, _, err := slowDialer.Dial(e.wsURL(""), http.Header{"Origin": {e.srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	slow := &client{t: t, ws: ws}
	slow.hello(w.Token, 0) // and no more reading

	// 9 MB: more than the kernel buffers between the server and the slow
	// tab, so its writer stalls and its queue fills.
	const n = 300
	text := strings.Repeat("x", 30000)
	var received atomic.Int64
	got := make(chan int, 1)
	go func() {
		count := 0
		for count < n {
			fast.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			var f frame
			if err := fast.ws.ReadJSON(&f); err != nil {
				break
			}
			if f.Type == "message" {
				count++
				received.Add(1)
			}
		}
		got <- count
	}()
	start := time.Now()
	for i := range n {
		// Pace the poster to the fast tab (never more than 32 ahead), so
		// only a client that does not read at all can fall behind.
		for int64(i)-received.Load() > 32 {
			time.Sleep(time.Millisecond)
		}
		if _, err := e.hub.PostAgentMessage(context.Background(), w.ConversationID, "Anna", text); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("posting took %s: someone waited for the slow client", d)
	}
	if c := <-got; c != n {
		t.Fatalf("the fast tab got %d of %d messages", c, n)
	}
	waitFor(t, "the slow tab to be disconnected", func() bool { return e.h.Connections() == 1 })
	ms, _ := e.st.Messages(context.Background(), w.ConversationID, 0)
	if len(ms) != n || ms[n-1].From != store.FromAgent {
		t.Fatalf("%d stored", len(ms))
	}
}

func TestIPTableForgetsRefilledAddresses(t *testing.T) {
	t.Parallel()
	tab := newIPTable(Limits{MaxConnectionsPerIP: 2, MaxConnections: 100, IPMessagesPerSecond: 1000, IPMessageBurst: 1})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ip := netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})
			e, code := tab.acquire(ip)
			if code != "" {
				t.Error(code)
				return
			}
			tab.release(ip, e)
		}()
	}
	wg.Wait()
	if tab.connections() != 0 || len(tab.entries) != 0 {
		t.Fatalf("%d connections, %d entries left", tab.connections(), len(tab.entries))
	}
	ip := netip.MustParseAddr("192.0.2.200")
	e, _ := tab.acquire(ip)
	e.lim.Allow() // spend the burst
	tab.release(ip, e)
	if len(tab.entries) != 1 {
		t.Fatal("an address with a spent budget was forgotten: reconnecting would reset its limit")
	}
	time.Sleep(5 * time.Millisecond)
	tab.sweep()
	if len(tab.entries) != 0 {
		t.Fatal("a refilled address was kept")
	}
}

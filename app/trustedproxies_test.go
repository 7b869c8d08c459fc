package app_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
)

// TestTrustedProxiesReachTheWidget: with one connection allowed per IP, two
// visitors behind a trusted proxy (the test's own 127.0.0.1) are two
// addresses; without server.trusted_proxies their X-Forwarded-For is
// ignored and the second one is refused.
func TestTrustedProxiesReachTheWidget(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		trusted []string
		want    int // status of the second visitor's handshake
	}{
		{"behind a trusted proxy", []string{"127.0.0.1"}, http.StatusSwitchingProtocols},
		{"no trusted proxy", nil, http.StatusTooManyRequests},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := config.Defaults()
			cfg.Server.DataDir = t.TempDir()
			cfg.Server.TrustedProxies = tt.trusted
			cfg.Limits.MaxConnectionsPerIP = 1
			a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			srv := httptest.NewServer(a.Handler())
			t.Cleanup(srv.Close)
			t.Cleanup(a.CloseConnections)

			var status []int
			for _, ip := range []string{"203.0.113.1", "203.0.113.2"} {
				ws, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws/visitor",
					http.Header{"Origin": {srv.URL}, "X-Forwarded-For": {ip}})
				if resp == nil {
					t.Fatalf("%s: %v", ip, err)
				}
				status = append(status, resp.StatusCode)
				if ws != nil {
					t.Cleanup(func() { ws.Close() })
				}
			}
			if status[0] != http.StatusSwitchingProtocols || status[1] != tt.want {
				t.Fatalf("handshakes %v, want 101 then %d", status, tt.want)
			}
		})
	}
}

// TestBadTrustedProxyIsRefused: a Config built in code skips Load's
// validation; New still refuses an entry it cannot read.
func TestBadTrustedProxyIsRefused(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.Server.DataDir = t.TempDir()
	cfg.Server.TrustedProxies = []string{"proxy.example.com"}
	_, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "server.trusted_proxies") {
		t.Fatalf("New = %v, want an error about server.trusted_proxies", err)
	}
}

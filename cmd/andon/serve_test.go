package main

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestServeShutsDownInOrder starts `andon serve` in-process, chats, then
// sends the process SIGTERM: the visitor must get close code 1012 (reconnect
// elsewhere), and serve must return 0. Not parallel: the signal is
// process-wide.
func TestServeShutsDownInOrder(t *testing.T) {
	pr, pw := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data")}, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()
	out := bufio.NewReader(pr)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("no start line: %v; stderr:\n%s", err, stderr.String())
	}
	url := strings.TrimSpace(line[strings.Index(line, "http://"):])
	// A first start has no console users: it prints the one-time link for
	// the first admin (on the port really listened on) instead of having a
	// default password.
	if setup, err := out.ReadString('\n'); err != nil || !strings.Contains(setup, url+"/console/#setup=") {
		t.Errorf("second line = %q (%v), want the first admin's setup link on %s", setup, err, url)
	}
	go io.Copy(io.Discard, out)
	host := strings.TrimPrefix(url, "http://")

	conn, _, err := websocket.DefaultDialer.Dial("ws://"+host+"/ws/visitor", http.Header{"Origin": {url}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if err := conn.WriteJSON(map[string]any{"type": "hello"}); err != nil {
		t.Fatal(err)
	}
	if err := conn.WriteJSON(map[string]any{"type": "message", "client_id": "c1", "text": "hi"}); err != nil {
		t.Fatal(err)
	}
	for acked := false; !acked; {
		var f map[string]any
		if err := conn.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		acked = f["type"] == "message" && f["client_id"] == "c1"
	}

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		_, _, err := conn.ReadMessage()
		if err == nil {
			continue // the bot's reply may still arrive
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseServiceRestart {
			t.Fatalf("want close 1012 on shutdown, got %v", err)
		}
		break
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not return after SIGTERM")
	}
}

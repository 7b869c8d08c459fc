package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/config"
)

func newApp(t *testing.T, dataDir string) *app.App {
	t.Helper()
	cfg := config.Defaults()
	cfg.Server.DataDir = dataDir
	a, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	a := newApp(t, t.TempDir())
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", path, resp.StatusCode, body)
		}
		if resp.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s: no X-Request-ID", path)
		}
	}
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ready struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&ready); err != nil {
		t.Fatal(err)
	}
	// The demo knowledge base is loaded on first start.
	if !ready.Ready || ready.Checks["store"] != "ok" || !strings.Contains(ready.Checks["knowledge"], "44 articles") {
		t.Fatalf("readyz: %+v", ready)
	}
}

func TestNotReadyAfterConnectionsClose(t *testing.T) {
	t.Parallel()
	a := newApp(t, t.TempDir())
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	a.CloseConnections()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz while shutting down: %d, want 503", resp.StatusCode)
	}
}

func TestRestartKeepsSecretAndKnowledge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := newApp(t, dir)
	a.Close()
	secret, err := os.ReadFile(filepath.Join(dir, "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "secret.key")); fi.Mode().Perm() != 0o600 {
		t.Errorf("secret.key mode %v, want 0600", fi.Mode().Perm())
	}
	b := newApp(t, dir)
	defer b.Close()
	again, _ := os.ReadFile(filepath.Join(dir, "secret.key"))
	if string(secret) != string(again) {
		t.Fatal("secret changed across restarts: every resume token would break")
	}
}

func TestShortSecretFileIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret.key"), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.Server.DataDir = dir
	_, err := app.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "too short") {
		t.Fatalf("want a too-short secret error, got %v", err)
	}
}

// The config's defaults are what users get; the bot's defaults are what
// andon eval measured. They must be the same numbers.
func TestConfigDefaultsMatchTheBot(t *testing.T) {
	t.Parallel()
	b := config.Defaults().Bot
	if b.AnswerThreshold != bot.DefaultAnswerThreshold || b.ClarifyThreshold != bot.DefaultClarifyThreshold || b.ClarifyMargin != bot.DefaultClarifyMargin {
		t.Fatalf("config defaults %v/%v/%v, bot defaults %v/%v/%v", b.AnswerThreshold, b.ClarifyThreshold, b.ClarifyMargin,
			bot.DefaultAnswerThreshold, bot.DefaultClarifyThreshold, bot.DefaultClarifyMargin)
	}
}

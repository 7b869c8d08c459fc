package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andon-chat/andon/app"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/internal/ollamatest"
)

func readyChecks(t *testing.T, a *app.App) (int, map[string]string) {
	t.Helper()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Checks map[string]string `json:"checks"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body.Checks
}

func ollamaApp(t *testing.T, url string, log *bytes.Buffer) *app.App {
	t.Helper()
	cfg := config.Defaults()
	cfg.Server.DataDir = t.TempDir()
	cfg.Knowledge.Embedder = config.EmbedderOllama
	cfg.Ollama.URL = url
	cfg.Ollama.EmbedModel = "nomic-embed-text"
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestOllamaEmbedder(t *testing.T) {
	t.Parallel()
	s := ollamatest.New()
	defer s.Close()
	s.AddEmbedModel("nomic-embed-text", 32)
	var log bytes.Buffer
	a := ollamaApp(t, s.URL, &log)
	status, checks := readyChecks(t, a)
	if status != http.StatusOK || checks["embedder"] != "ollama:nomic-embed-text:32" {
		t.Fatalf("readyz %d %v", status, checks)
	}
	// The demo articles were embedded by the model, in batches.
	if n := len(s.EmbedRequests()); n < 2 {
		t.Fatalf("%d embed requests", n)
	}

	// Ollama loses the model while andon runs: a question fails (and is
	// escalated by the bot), /readyz says why, the log says it once.
	s.RemoveModel("nomic-embed-text")
	for range 2 {
		if _, err := a.Knowledge().Search(context.Background(), "how do I reset my password", 3); err == nil {
			t.Fatal("search with the model gone: no error")
		}
	}
	status, checks = readyChecks(t, a)
	if status != http.StatusOK || !strings.Contains(checks["embedder"], "degraded: Ollama failing") || !strings.Contains(checks["embedder"], "ollama pull nomic-embed-text") {
		t.Fatalf("readyz %d %v", status, checks)
	}
	if n := strings.Count(log.String(), "embeddings are failing"); n != 1 {
		t.Fatalf("%d log lines, want 1:\n%s", n, log.String())
	}
}

// An Ollama that is down or lacks the model does not stop andon: it runs
// on the built-in embedder, says so once in the log with the fix, and
// /readyz shows the degraded state while staying ready.
func TestOllamaEmbedderUnavailableAtStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, fix string
		setup     func(*ollamatest.Server)
	}{
		{"unreachable", "ollama serve", func(s *ollamatest.Server) { s.Close() }},
		{"model missing", "ollama pull nomic-embed-text", func(*ollamatest.Server) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ollamatest.New()
			defer s.Close()
			tc.setup(s)
			var log bytes.Buffer
			a := ollamaApp(t, s.URL, &log)
			status, checks := readyChecks(t, a)
			if status != http.StatusOK || !strings.HasPrefix(checks["embedder"], "degraded: built-in embedder in use") {
				t.Fatalf("readyz %d %v", status, checks)
			}
			if n := strings.Count(log.String(), "is unavailable, using the built-in embedder"); n != 1 {
				t.Fatalf("%d log lines about it, want 1:\n%s", n, log.String())
			}
			if !strings.Contains(log.String(), tc.fix) {
				t.Fatalf("log lacks the fix %q:\n%s", tc.fix, log.String())
			}
		})
	}
}

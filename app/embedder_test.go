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
	return ollamaAppIn(t, t.TempDir(), url, "nomic-embed-text", log)
}

func ollamaAppIn(t *testing.T, dir, url, model string, log *bytes.Buffer) *app.App {
	t.Helper()
	cfg := config.Defaults()
	cfg.Server.DataDir = dir
	cfg.Knowledge.Embedder = config.EmbedderOllama
	cfg.Ollama.URL = url
	cfg.Ollama.EmbedModel = model
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

// Switching to another embedder re-embeds in the background: andon starts
// at once, the saved index of the old embedder answers meanwhile, /readyz
// shows the progress, then the new index serves.
func TestEmbedderChangeRebuildsInTheBackground(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := newApp(t, dir) // the built-in embedder; the demo articles are saved
	first.Close()

	s := ollamatest.New()
	defer s.Close()
	s.AddEmbedModel("nomic-embed-text", 32)
	hold := make(chan struct{})
	held := s.HoldAfter(1, hold) // the start-up probe passes, the re-embedding waits
	var log bytes.Buffer
	a := ollamaAppIn(t, dir, s.URL, "nomic-embed-text", &log)
	<-held
	status, checks := readyChecks(t, a)
	if status != http.StatusOK || !strings.HasPrefix(checks["embedder"], "rebuilding for ollama:nomic-embed-text:32") || !strings.Contains(checks["embedder"], "andon-hash-v1/") {
		t.Fatalf("readyz during the rebuild: %d %v", status, checks)
	}
	res, err := a.Knowledge().Search(context.Background(), "how do I reset my password", 3)
	if err != nil || len(res) == 0 {
		t.Fatalf("search during the rebuild = %v, %v", res, err)
	}
	if id := a.Knowledge().EmbedderID(); !strings.HasPrefix(id, "andon-hash-v1/") {
		t.Fatalf("serving %q during the rebuild, want the saved built-in index", id)
	}
	close(hold)
	a.WaitEmbedderSwitch()
	status, checks = readyChecks(t, a)
	if status != http.StatusOK || checks["embedder"] != "ollama:nomic-embed-text:32" {
		t.Fatalf("readyz after the rebuild: %d %v", status, checks)
	}
	if !strings.Contains(log.String(), "re-embedding the knowledge base") {
		t.Fatalf("no progress in the log:\n%s", log.String())
	}
	a.Close()

	// Restarted with the same model: the saved Ollama index loads, no switch.
	var log2 bytes.Buffer
	b := ollamaAppIn(t, dir, s.URL, "nomic-embed-text", &log2)
	if _, checks := readyChecks(t, b); checks["embedder"] != "ollama:nomic-embed-text:32" {
		t.Fatalf("readyz after restart: %v", checks)
	}
	if strings.Contains(log2.String(), "re-embedding in the background") {
		t.Fatalf("restart with the same model re-embedded:\n%s", log2.String())
	}
	b.Close()

	// Another Ollama model: the old model's index serves while the new one is built.
	s.AddEmbedModel("bge-m3", 16)
	var log3 bytes.Buffer
	c := ollamaAppIn(t, dir, s.URL, "bge-m3", &log3)
	c.WaitEmbedderSwitch()
	if _, checks := readyChecks(t, c); checks["embedder"] != "ollama:bge-m3:16" {
		t.Fatalf("readyz after switching models: %v\n%s", checks, log3.String())
	}
	if !strings.Contains(log3.String(), "from=ollama:nomic-embed-text:32") {
		t.Fatalf("the switch did not start from the old model:\n%s", log3.String())
	}
}

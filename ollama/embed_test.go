package ollama

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/internal/ollamatest"
	"github.com/andon-chat/andon/knowledge"
)

func newFake(t *testing.T) *ollamatest.Server {
	t.Helper()
	s := ollamatest.New()
	t.Cleanup(s.Close)
	s.AddEmbedModel("nomic-embed-text", 16)
	return s
}

func TestEmbedderBatches(t *testing.T) {
	s := newFake(t)
	ctx := context.Background()
	e, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "nomic-embed-text", Batch: 4})
	if err != nil {
		t.Fatal(err)
	}
	if e.Dim() != 16 || e.ID() != "ollama:nomic-embed-text:16" {
		t.Fatalf("dim %d id %q", e.Dim(), e.ID())
	}
	texts := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	vs, err := e.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(vs), len(texts))
	}
	for i, tx := range texts {
		if want := ollamatest.Vector(tx, 16); vs[i][0] != want[0] || vs[i][15] != want[15] {
			t.Fatalf("vector %d is not the one for %q: order lost", i, tx)
		}
	}
	reqs := s.EmbedRequests()
	// The probe, then 4+4+2.
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want the probe and 3 batches", len(reqs))
	}
	if in, _ := reqs[3].Input.([]any); len(in) != 2 {
		t.Fatalf("last batch = %v, want 2 texts", reqs[3].Input)
	}
}

func fixOf(t *testing.T, err error) string {
	t.Helper()
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("error %v is not an *ollama.Error", err)
	}
	return oe.Fix
}

func TestEmbedderFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("missing model", func(t *testing.T) {
		s := newFake(t)
		_, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "bge-m3"})
		if fix := fixOf(t, err); fix != "run `ollama pull bge-m3` on the Ollama host" {
			t.Fatalf("fix = %q (err %v)", fix, err)
		}
	})
	t.Run("busy", func(t *testing.T) {
		s := newFake(t)
		s.SetBusy(true)
		_, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "nomic-embed-text"})
		if fix := fixOf(t, err); !strings.Contains(fix, "OLLAMA_MAX_QUEUE") || !strings.Contains(err.Error(), "busy") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		s := newFake(t)
		s.Close()
		_, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "nomic-embed-text"})
		if fix := fixOf(t, err); !strings.Contains(fix, "ollama serve") || !strings.Contains(err.Error(), "not reachable") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("hung server times out", func(t *testing.T) {
		s := newFake(t)
		hold := make(chan struct{})
		defer close(hold)
		s.Hold(hold)
		_, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "nomic-embed-text", Timeout: 20 * time.Millisecond})
		if fix := fixOf(t, err); !strings.Contains(fix, "ollama.timeout") || !strings.Contains(err.Error(), "within 20ms") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("caller cancels", func(t *testing.T) {
		s := newFake(t)
		e, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "nomic-embed-text"})
		if err != nil {
			t.Fatal(err)
		}
		hold := make(chan struct{})
		defer close(hold)
		s.Hold(hold)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := e.Embed(cctx, []string{"x"}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v, want context.Canceled", err)
		}
	})
	t.Run("model replaced with another length", func(t *testing.T) {
		s := newFake(t)
		e, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "nomic-embed-text"})
		if err != nil {
			t.Fatal(err)
		}
		s.AddEmbedModel("nomic-embed-text", 8)
		if _, err := e.Embed(ctx, []string{"x"}); err == nil || !strings.Contains(err.Error(), "length 8, not 16") {
			t.Fatalf("err %v", err)
		}
	})
}

// The knowledge base indexes and searches with the Ollama embedder: its
// vectors go to the index (and chromem-go on save) like the built-in's.
func TestEmbedderInKnowledgeBase(t *testing.T) {
	s := newFake(t)
	ctx := context.Background()
	e, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "nomic-embed-text"})
	if err != nil {
		t.Fatal(err)
	}
	var _ knowledge.Embedder = e
	kb, err := knowledge.Open(ctx, knowledge.Options{Store: knowledge.NewMemoryStore(), Embedder: e, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	if _, err := kb.Import(ctx, []knowledge.Article{
		{ID: "refund", Title: "How do I get a refund?", Body: "Write to billing within 30 days."},
		{ID: "hours", Title: "When are you open?", Body: "We are open on weekdays from nine to five."},
	}); err != nil {
		t.Fatal(err)
	}
	if kb.EmbedderID() != "ollama:nomic-embed-text:16" {
		t.Fatalf("embedder id %q", kb.EmbedderID())
	}
	before := len(s.EmbedRequests())
	res, err := kb.Search(ctx, "refund", 2)
	if err != nil || len(res) == 0 || res[0].ArticleID != "refund" {
		t.Fatalf("search = %+v, %v", res, err)
	}
	if len(s.EmbedRequests()) != before+1 {
		t.Fatalf("the query was not embedded by Ollama")
	}
}

// A failing Ollama is logged once when it starts failing and once when it
// works again, and Health says the state in between.
func TestEmbedderHealthLogsTransitionsOnce(t *testing.T) {
	s := newFake(t)
	ctx := context.Background()
	var log bytes.Buffer
	e, err := NewEmbedder(ctx, EmbedderOptions{URL: s.URL, Model: "nomic-embed-text", Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if e.Health() != nil {
		t.Fatalf("health %v after a working probe", e.Health())
	}
	s.RemoveModel("nomic-embed-text")
	for range 3 {
		if _, err := e.Embed(ctx, []string{"q"}); err == nil {
			t.Fatal("embed with the model gone: no error")
		}
	}
	if h := e.Health(); h == nil || fixOf(t, h) != "run `ollama pull nomic-embed-text` on the Ollama host" {
		t.Fatalf("health = %v", h)
	}
	if n := strings.Count(log.String(), "embeddings are failing"); n != 1 {
		t.Fatalf("%d failure lines for 3 failed calls, want 1:\n%s", n, log.String())
	}
	s.AddEmbedModel("nomic-embed-text", 16)
	if _, err := e.Embed(ctx, []string{"q"}); err != nil {
		t.Fatal(err)
	}
	if e.Health() != nil || strings.Count(log.String(), "work again") != 1 {
		t.Fatalf("health %v after recovery; log:\n%s", e.Health(), log.String())
	}
}

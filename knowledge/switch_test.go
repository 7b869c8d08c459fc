package knowledge

import (
	"context"
	"hash/fnv"
	"strings"
	"testing"
)

// gatedEmbedder embeds deterministically, but each call first waits for a
// receive on gate, so a test holds a re-embedding in the middle.
type gatedEmbedder struct {
	gate    chan struct{}
	started chan struct{} // gets a value when a call begins waiting
}

func (g *gatedEmbedder) ID() string { return "gated:8" }
func (g *gatedEmbedder) Dim() int   { return 8 }
func (g *gatedEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	select {
	case g.started <- struct{}{}:
	default:
	}
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		h := fnv.New64a()
		v := make([]float32, 8)
		for j := range v {
			h.Write([]byte(t))
			v[j] = float32(h.Sum64()%1000) + 1
		}
		out[i] = v
	}
	return out, nil
}

func TestSwitchEmbedderServesTheOldIndexMeanwhile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kb, err := Open(ctx, Options{Store: NewMemoryStore(), Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	if _, err := kb.Import(ctx, []Article{
		{ID: "refund", Title: "How do I get a refund?", Body: "Write to billing within 30 days."},
		{ID: "hours", Title: "When are you open?", Body: "Weekdays from nine to five."},
	}); err != nil {
		t.Fatal(err)
	}
	oldID := kb.EmbedderID()
	if saved, err := SavedEmbedderID(dir); err != nil || saved != oldID {
		t.Fatalf("saved id %q, %v; want %q", saved, err, oldID)
	}

	g := &gatedEmbedder{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- kb.SwitchEmbedder(ctx, g) }()
	<-g.started // the re-embedding is under way and held
	res, err := kb.Search(ctx, "refund", 1)
	if err != nil || len(res) == 0 || res[0].ArticleID != "refund" {
		t.Fatalf("search during the switch = %+v, %v", res, err)
	}
	if kb.EmbedderID() != oldID {
		t.Fatalf("embedder %q during the switch, want the old %q", kb.EmbedderID(), oldID)
	}
	close(g.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if kb.EmbedderID() != "gated:8" {
		t.Fatalf("embedder %q after the switch", kb.EmbedderID())
	}
	if saved, _ := SavedEmbedderID(dir); saved != "gated:8" {
		t.Fatalf("saved id %q after the switch", saved)
	}
	if res, err := kb.Search(ctx, "How do I get a refund?", 1); err != nil || len(res) == 0 || res[0].ArticleID != "refund" {
		t.Fatalf("search after the switch = %+v, %v", res, err)
	}
}

func TestSwitchEmbedderFailureKeepsTheIndex(t *testing.T) {
	ctx := context.Background()
	kb, err := Open(ctx, Options{Store: NewMemoryStore()})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	if _, err := kb.Import(ctx, []Article{{ID: "refund", Title: "How do I get a refund?", Body: "Write to billing."}}); err != nil {
		t.Fatal(err)
	}
	oldID := kb.EmbedderID()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	g := &gatedEmbedder{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	if err := kb.SwitchEmbedder(cctx, g); err == nil {
		t.Fatal("switch with a failing embedder: no error")
	}
	if kb.EmbedderID() != oldID {
		t.Fatalf("embedder %q after a failed switch", kb.EmbedderID())
	}
	// Imports still use the old embedder.
	if _, err := kb.Import(ctx, []Article{{ID: "hours", Title: "When are you open?", Body: "Weekdays."}}); err != nil {
		t.Fatal(err)
	}
	if id := kb.EmbedderID(); !strings.HasPrefix(id, "andon-hash-v1/") {
		t.Fatalf("embedder %q after an import, want the built-in one (refitted)", id)
	}
}

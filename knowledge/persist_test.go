package knowledge

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/philippgille/chromem-go"
)

// rewriteVectors changes one stored vector with change and writes the
// vector file back; with fixSum the manifest's checksum is updated too, so
// only the vectors themselves can give the change away.
func rewriteVectors(t *testing.T, dir string, change func([]float32), fixSum bool) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(dir, indexFile)
	db := chromem.NewDB()
	if err := db.ImportFromFile(path, ""); err != nil {
		t.Fatal(err)
	}
	col := db.GetCollection(collection, nil)
	probe := make([]float32, NewHashEmbedder(HashOptions{}).Dim())
	probe[0] = 1
	docs, err := col.QueryEmbedding(ctx, probe, 1, nil, nil)
	if err != nil || len(docs) != 1 {
		t.Fatalf("no vector to change: %v", err)
	}
	d := docs[0]
	if err := col.Delete(ctx, nil, nil, d.ID); err != nil {
		t.Fatal(err)
	}
	v := append([]float32(nil), d.Embedding...)
	change(v)
	if err := col.AddDocument(ctx, chromem.Document{ID: d.ID, Metadata: d.Metadata, Embedding: v, Content: d.Content}); err != nil {
		t.Fatal(err)
	}
	if err := db.ExportToFile(path, false, ""); err != nil {
		t.Fatal(err)
	}
	if !fixSum {
		return
	}
	mpath := filepath.Join(dir, manifestFile)
	raw, err := os.ReadFile(mpath)
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.IndexSHA256, err = fileSHA256(path); err != nil {
		t.Fatal(err)
	}
	raw, _ = json.Marshal(m)
	if err := os.WriteFile(mpath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedVectorsAreRebuilt: a vector file with a NaN or an infinity
// (checksum matching), or one whose checksum does not match the manifest,
// is not served: the next start embeds everything again and searches
// return finite scores.
func TestDamagedVectorsAreRebuilt(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		change func([]float32)
		fixSum bool
	}{
		"NaN":               {func(v []float32) { v[0] = float32(math.NaN()) }, true},
		"Inf":               {func(v []float32) { v[1] = float32(math.Inf(1)) }, true},
		"checksum mismatch": {func(v []float32) { v[0], v[1] = v[1], v[0] }, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir := t.TempDir()
			store := NewMemoryStore()
			b := openFixture(t, Options{Dir: dir, Store: store})
			b.Close()
			rewriteVectors(t, dir, tt.change, tt.fixSum)

			emb := newCounting(HashOptions{})
			b2, err := Open(ctx, Options{Dir: dir, Store: store, Embedder: emb})
			if err != nil {
				t.Fatal(err)
			}
			defer b2.Close()
			if emb.texts.Load() == 0 {
				t.Fatal("the damaged index was loaded and served")
			}
			rs, err := b2.Search(ctx, "forgot password", 5)
			if err != nil || len(rs) == 0 || rs[0].ArticleID != "reset-password" {
				t.Fatalf("after rebuild: %v, %v", ids(rs), err)
			}
			for _, r := range rs {
				if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
					t.Errorf("score %v for %s", r.Score, r.ArticleID)
				}
			}
		})
	}
}

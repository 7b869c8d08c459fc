package knowledge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// SavedEmbedderID is the ID of the embedder the index persisted in dir was
// built with ("" when none is saved), so a caller can open the knowledge
// base with that embedder and switch to a new one in the background.
func SavedEmbedderID(dir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("couldn't read manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", fmt.Errorf("couldn't read manifest: %w", err)
	}
	return m.EmbedderID, nil
}

// SwitchEmbedder re-embeds every article with emb while searches keep
// using the current index, then serves the new one (and saves it). Imports
// wait until it is done. On error the current index stays.
func (b *Base) SwitchEmbedder(ctx context.Context, emb Embedder) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("knowledge base is closed")
	}
	oldEmb, oldFitter, oldIdx := b.emb, b.fitter, b.idx
	b.emb, b.fitter = emb, nil
	if f, ok := emb.(Fitter); ok {
		b.fitter = f
	}
	b.idx = newIndexer(b) // no vector of the old embedder is reusable
	all := slices.Clone(b.snap.Load().all)
	if err := b.reindexLocked(ctx, all); err != nil {
		b.emb, b.fitter, b.idx = oldEmb, oldFitter, oldIdx
		return err
	}
	return nil
}

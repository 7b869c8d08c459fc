package knowledge

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Reload re-reads every article from the store and re-indexes when they
// differ from what the index holds (an article added, changed or gone):
// for a change another process made (andon ingest against the data
// directory of this running server). The old index answers searches until
// the new one replaces it. It reports whether anything changed.
func (b *Base) Reload(ctx context.Context) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false, errors.New("couldn't reload: knowledge base is closed")
	}
	arts, err := b.store.ListArticles(ctx)
	if err != nil {
		return false, fmt.Errorf("couldn't list articles: %w", err)
	}
	cur := b.snap.Load()
	same := len(arts) == len(cur.all)
	for _, a := range arts {
		if !same {
			break
		}
		old, ok := cur.byID[a.ID]
		same = ok && old.Hash == a.ContentHash()
	}
	if same {
		return false, nil
	}
	return true, b.reindexLocked(ctx, arts)
}

// Follow reloads the articles whenever the store's generation has moved
// since the last look, at each tick, until ctx ends; errors go to onErr
// and the next tick tries again. The caller owns the ticker (the app's
// is every few seconds; a test sends ticks itself).
func (b *Base) Follow(ctx context.Context, gen Generations, tick <-chan time.Time, onErr func(error)) {
	last := int64(-1)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		g, err := b.Poll(ctx, gen, last)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			onErr(err)
			continue
		}
		last = g
	}
}

// Poll is one look of Follow: when the store's generation differs from
// last it reloads, and returns the generation the index now reflects.
// The generation is read before the articles, so a write in between is
// seen again at the next look rather than missed.
func (b *Base) Poll(ctx context.Context, gen Generations, last int64) (int64, error) {
	g, err := gen.ArticleGeneration(ctx)
	if err != nil {
		return last, err
	}
	if g == last {
		return g, nil
	}
	changed, err := b.Reload(ctx)
	if err != nil {
		return last, err
	}
	if changed {
		b.log.Info("knowledge base reloaded from the store", "generation", g, "articles", b.Len())
	}
	return g, nil
}

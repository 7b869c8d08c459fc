package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a knowledge base.
type Options struct {
	// Dir is where the vector index is persisted; "" keeps it in memory.
	Dir string
	// Store holds the articles durably; the index is derived from it.
	Store ArticleStore
	// Embedder makes the vectors; nil means the built-in HashEmbedder.
	Embedder Embedder
	// ChunkMaxChars bounds a chunk's text (default DefaultChunkMaxChars).
	ChunkMaxChars int
	// Logger receives index rebuilds and timings; nil discards.
	Logger *slog.Logger
}

// Result is one article found for a query, with the chunk that matched
// best and the scores that ranked it.
type Result struct {
	ArticleID       string
	Title           string
	URL             string
	Lang            string
	Chunk           string // Markdown of the best matching section ("" when the article has no body)
	Heading         string // that section's heading
	MatchedQuestion string // the example question that matched best, if the article has any
	// Score fuses the signals below into one number, about 0..1: what the
	// results are ordered by and what the bot's confidence starts from.
	Score float64
	// Lexical is the best unit's BM25 score divided by the query's total
	// IDF: about the share of the question's informative words that
	// matched (above 1 when they repeat in the unit).
	Lexical float64
	// Vector is the best unit's cosine similarity to the query.
	Vector float64
	// Intent is the probability the intent model (trained on example
	// questions) gives this article; 0 when the base has no model.
	Intent float64
}

// ImportReport says what an Import changed, by article ID.
type ImportReport struct {
	Added     []string
	Updated   []string
	Unchanged []string
}

// Base is the knowledge base: articles from the store, and the vector,
// lexical and intent indexes derived from them. Search is safe for
// concurrent use and never waits for an Import.
type Base struct {
	store    ArticleStore
	emb      Embedder
	fitter   Fitter // emb when it learns from the corpus, else nil
	dir      string
	chunkMax int
	log      *slog.Logger
	an       *analyzer
	fs       featureSet // the intent model's features

	mu     sync.Mutex // serialises Import and re-indexing
	idx    *indexer   // guarded by mu
	closed bool       // guarded by mu

	snap    atomic.Pointer[snapshot]
	scratch sync.Pool // of *scratch
}

// Open loads the articles from the store and the persisted index from Dir,
// re-embedding only what changed since it was saved; when the embedder's ID
// differs from the saved one, the index is rebuilt.
func Open(ctx context.Context, opts Options) (*Base, error) {
	if opts.Store == nil {
		return nil, errors.New("couldn't open knowledge base: no article store")
	}
	b := &Base{
		store:    opts.Store,
		emb:      opts.Embedder,
		dir:      opts.Dir,
		chunkMax: opts.ChunkMaxChars,
		log:      opts.Logger,
		an:       newAnalyzer(),
		fs:       featureSet{minN: 4, maxN: 4},
	}
	if b.emb == nil {
		b.emb = NewHashEmbedder(HashOptions{})
	}
	if f, ok := b.emb.(Fitter); ok {
		b.fitter = f
	}
	if b.chunkMax <= 0 {
		b.chunkMax = DefaultChunkMaxChars
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.idx = newIndexer(b)
	if b.dir != "" {
		if err := b.idx.load(ctx); err != nil {
			b.log.Warn("knowledge index not loaded, rebuilding", "dir", b.dir, "err", err)
			b.idx = newIndexer(b)
		}
	}
	arts, err := b.store.ListArticles(ctx)
	if err != nil {
		return nil, fmt.Errorf("couldn't list articles: %w", err)
	}
	if err := b.reindex(ctx, arts); err != nil {
		return nil, err
	}
	return b, nil
}

// Import saves the articles to the store (all or none) and re-indexes what
// changed: an article whose content hash is unchanged is not re-embedded.
// Articles not in arts are kept. A missing status means published.
func (b *Base) Import(ctx context.Context, arts []Article) (ImportReport, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.importLocked(ctx, arts)
}

// importLocked is Import with b.mu held, for changes that read an article
// and write it back without another import in between.
func (b *Base) importLocked(ctx context.Context, arts []Article) (ImportReport, error) {
	var rep ImportReport
	if b.closed {
		return rep, errors.New("couldn't import: knowledge base is closed")
	}
	seen := make(map[string]bool, len(arts))
	cur := b.snap.Load()
	now := time.Now().UTC()
	var changed []Article
	for _, a := range arts {
		a.ID = strings.TrimSpace(a.ID)
		if a.ID == "" {
			return ImportReport{}, fmt.Errorf("couldn't import: article %q has no id", a.Title)
		}
		if seen[a.ID] {
			return ImportReport{}, fmt.Errorf("couldn't import: article id %q appears twice", a.ID)
		}
		seen[a.ID] = true
		if a.Status == "" {
			a.Status = Published
		}
		a.Hash = a.ContentHash()
		old, ok := cur.byID[a.ID]
		switch {
		case !ok:
			rep.Added = append(rep.Added, a.ID)
		case old.Hash == a.Hash:
			rep.Unchanged = append(rep.Unchanged, a.ID)
			continue
		default:
			rep.Updated = append(rep.Updated, a.ID)
		}
		if a.UpdatedAt.IsZero() {
			a.UpdatedAt = now
		}
		changed = append(changed, cloneArticle(a))
	}
	if len(changed) == 0 {
		return rep, nil
	}
	if err := b.store.SaveArticles(ctx, changed); err != nil {
		return ImportReport{}, fmt.Errorf("couldn't save articles: %w", err)
	}
	all := make([]Article, 0, len(cur.all)+len(rep.Added))
	for _, a := range cur.all {
		if !seen[a.ID] {
			all = append(all, a)
		}
	}
	all = append(all, changed...)
	if err := b.reindexLocked(ctx, all); err != nil {
		return rep, err
	}
	return rep, nil
}

// Index takes a into the index in place of the article with its ID, or
// as a new one, without writing it to the store: for an article the
// caller has already stored (an editor's save). Visitors are answered
// from it (or, archived or a draft, no longer) from when Index returns.
func (b *Base) Index(ctx context.Context, a Article) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("couldn't index: knowledge base is closed")
	}
	cur := b.snap.Load()
	all := make([]Article, 0, len(cur.all)+1)
	for _, o := range cur.all {
		if o.ID != a.ID {
			all = append(all, o)
		}
	}
	return b.reindexLocked(ctx, append(all, cloneArticle(a)))
}

// Delete removes an article from the store and the index.
func (b *Base) Delete(ctx context.Context, id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errors.New("couldn't delete: knowledge base is closed")
	}
	if err := b.store.DeleteArticle(ctx, id); err != nil {
		return fmt.Errorf("couldn't delete article %q: %w", id, err)
	}
	cur := b.snap.Load()
	if _, ok := cur.byID[id]; !ok {
		return nil
	}
	all := make([]Article, 0, len(cur.all))
	for _, a := range cur.all {
		if a.ID != id {
			all = append(all, a)
		}
	}
	return b.reindexLocked(ctx, all)
}

// Article returns the article with the given ID, drafts included.
func (b *Base) Article(id string) (Article, bool) {
	a, ok := b.snap.Load().byID[id]
	if !ok {
		return Article{}, false
	}
	return cloneArticle(a), true
}

// Articles returns every article ordered by ID, drafts included.
func (b *Base) Articles() []Article {
	s := b.snap.Load()
	out := make([]Article, len(s.all))
	for i, a := range s.all {
		out[i] = cloneArticle(a)
	}
	return out
}

// Len is the number of articles, drafts included.
func (b *Base) Len() int { return len(b.snap.Load().all) }

// EmbedderID names the embedder the index was built with.
func (b *Base) EmbedderID() string { return b.snap.Load().emb.ID() }

// Embed embeds texts with the embedder the current index was built with
// (fitted to the articles), as the bot's searches embed their queries: the
// incident detector groups questions with it.
func (b *Base) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	return b.snap.Load().emb.Embed(ctx, texts)
}

// Close stops further imports. The index was saved by each change already.
func (b *Base) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

func (b *Base) reindex(ctx context.Context, all []Article) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.reindexLocked(ctx, all)
}

func (b *Base) reindexLocked(ctx context.Context, all []Article) error {
	slices.SortFunc(all, func(x, y Article) int { return strings.Compare(x.ID, y.ID) })
	start := time.Now()
	s, stats, err := b.idx.build(ctx, all)
	if err != nil {
		return fmt.Errorf("couldn't index articles: %w", err)
	}
	b.snap.Store(s)
	if b.dir != "" && stats.dirty {
		if err := b.idx.save(); err != nil {
			return fmt.Errorf("couldn't save index: %w", err)
		}
	}
	b.log.Info("knowledge index ready", "articles", len(all), "units", len(s.units),
		"embedded", stats.embedded, "refit", stats.refit, "intent_model", s.intent != nil,
		"embedder", s.emb.ID(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

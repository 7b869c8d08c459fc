package knowledge

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// memoryStore keeps articles in memory: for `andon eval`'s throw-away
// knowledge base and for tests.
type memoryStore struct {
	mu   sync.Mutex
	arts map[string]Article
}

// NewMemoryStore returns an empty ArticleStore that lives in memory only.
func NewMemoryStore() ArticleStore {
	return &memoryStore{arts: make(map[string]Article)}
}

// ListArticles returns copies of all articles ordered by ID.
func (s *memoryStore) ListArticles(ctx context.Context) ([]Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Article, 0, len(s.arts))
	for _, a := range s.arts {
		out = append(out, cloneArticle(a))
	}
	slices.SortFunc(out, func(a, b Article) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// SaveArticles stores all articles, or none when ctx is done.
func (s *memoryStore) SaveArticles(ctx context.Context, articles []Article) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range articles {
		s.arts[a.ID] = cloneArticle(a)
	}
	return nil
}

// DeleteArticle removes one article; a missing ID is not an error.
func (s *memoryStore) DeleteArticle(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.arts, id)
	return nil
}

func cloneArticle(a Article) Article {
	a.Tags = slices.Clone(a.Tags)
	a.Questions = slices.Clone(a.Questions)
	return a
}

// Package knowledge holds the articles the bot answers from and finds the
// right one for a visitor's question: chunking, embedders, the chromem-go
// vector index, BM25 and their fusion.
package knowledge

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Status says whether visitors may be answered from an article.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
	Archived  Status = "archived" // kept for the record, never shown to visitors
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s == Draft || s == Published || s == Archived }

// Answerable reports whether visitors may be answered from an article in s.
func (s Status) Answerable() bool { return s != Draft && s != Archived }

// Article is one answer in the knowledge base. Questions are other phrasings
// of the question the article answers; for intent data sets they are the
// labelled examples and carry most of the retrieval signal.
type Article struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"` // Markdown
	Lang      string    `json:"lang"` // "en", "sv", or "" when unknown
	Tags      []string  `json:"tags,omitempty"`
	URL       string    `json:"url,omitempty"`
	Questions []string  `json:"questions,omitempty"`
	Status    Status    `json:"status"`
	Hash      string    `json:"hash"` // ContentHash at the time it was stored
	UpdatedAt time.Time `json:"updated_at"`
}

// ContentHash fingerprints everything a visitor or the index can see, so a
// re-import of an unchanged article is recognised and not re-embedded.
func (a Article) ContentHash() string {
	h := sha256.New()
	for _, s := range []string{a.ID, a.Title, a.Body, a.Lang, a.URL, string(a.Status)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write([]byte(strings.Join(a.Tags, "\x1f")))
	h.Write([]byte{0})
	h.Write([]byte(strings.Join(a.Questions, "\x1f")))
	return hex.EncodeToString(h.Sum(nil))
}

// ArticleStore is where articles live durably (the relational store). The
// vector index is derived from it and can always be rebuilt.
type ArticleStore interface {
	// ListArticles returns every article, drafts included, ordered by ID.
	ListArticles(ctx context.Context) ([]Article, error)
	// SaveArticles inserts or replaces the given articles in one transaction:
	// all are saved or none.
	SaveArticles(ctx context.Context, articles []Article) error
	// DeleteArticle removes one article; deleting a missing ID is not an error.
	DeleteArticle(ctx context.Context, id string) error
}

// Generations is an article store that numbers its changes: every write
// of articles, by any process, moves the generation on, so that a running
// server notices another's change by polling one number.
type Generations interface {
	ArticleGeneration(ctx context.Context) (int64, error)
}

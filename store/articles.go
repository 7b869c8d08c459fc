package store

import (
	"context"
	"time"

	"github.com/andon-chat/andon/knowledge"
)

// ArticleRecord is an article as the editors see it: its text, who owns it
// and the version its last save made (0 for one only ever imported).
type ArticleRecord struct {
	knowledge.Article
	Owner   string `json:"owner,omitempty"`
	Version int64  `json:"version"`
}

// ArticleVersion is one save of an article: who, when, and the whole text.
type ArticleVersion struct {
	ArticleID string            `json:"article_id"`
	Version   int64             `json:"version"`
	Author    string            `json:"author,omitempty"`
	At        time.Time         `json:"at"`
	Article   knowledge.Article `json:"article"`
}

// ArticleQuery filters and pages the editors' list. Every non-empty field
// must match; Text matches the title, body, tags and questions (case-
// insensitively, every word). The list is ordered by ID; After is the
// last ID of the previous page.
type ArticleQuery struct {
	Text   string
	Lang   string
	Tag    string
	Status knowledge.Status
	Owner  string
	After  string
	Limit  int
}

// ArticleUse is how one article did with visitors since a time.
type ArticleUse struct {
	Answers   int `json:"answers"`   // bot messages that named it as a source
	Helpful   int `json:"helpful"`   // thumbs up on those messages
	Unhelpful int `json:"unhelpful"` // thumbs down on those messages
	Escalated int `json:"escalated"` // escalations whose latest bot answer before them named it
}

// ArticleEditor is the store side of the editors' workplace.
type ArticleEditor interface {
	// ArticleRecord returns one article or ErrNotFound.
	ArticleRecord(ctx context.Context, id string) (ArticleRecord, error)
	// ArticleRecords returns one page of the articles q matches, by ID.
	ArticleRecords(ctx context.Context, q ArticleQuery) ([]ArticleRecord, error)
	// SaveArticleVersion stores a as the next version of its article and
	// keeps that version in the history. base is the version the editor
	// started from (0: a new article; an existing ID is then a conflict).
	// When the article is no longer at base nothing is written and the
	// error wraps ErrConflict (another editor saved first); the current record is returned with it.
	// owner is kept when the article is created.
	SaveArticleVersion(ctx context.Context, a knowledge.Article, base int64, author string) (ArticleRecord, error)
	// ArticleVersions returns at most limit saved versions of id below
	// version before (before <= 0: the newest), newest first.
	ArticleVersions(ctx context.Context, id string, before int64, limit int) ([]ArticleVersion, error)
	// ArticleUses returns, per article ID, its use by visitors since since.
	ArticleUses(ctx context.Context, since time.Time) (map[string]ArticleUse, error)
}

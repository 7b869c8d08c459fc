package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/andon-chat/andon/knowledge"
)

const articleColumns = `id, title, body, lang, tags, url, questions, status, hash, updated_at`

// ListArticles implements knowledge.ArticleStore.
func (s *Store) ListArticles(ctx context.Context) ([]knowledge.Article, error) {
	var out []knowledge.Article
	err := s.read(ctx, func(q querier) error {
		rows, err := q.Query(ctx, `SELECT `+articleColumns+` FROM articles ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				a               knowledge.Article
				tags, questions nullString
				updated         int64
			)
			if err := rows.Scan(&a.ID, &a.Title, &a.Body, &a.Lang, &tags, &a.URL, &questions, &a.Status, &a.Hash, &updated); err != nil {
				return err
			}
			if err := decodeJSON(tags, &a.Tags); err != nil {
				return fmt.Errorf("couldn't decode tags of article %q: %w", a.ID, err)
			}
			if err := decodeJSON(questions, &a.Questions); err != nil {
				return fmt.Errorf("couldn't decode questions of article %q: %w", a.ID, err)
			}
			a.UpdatedAt = fromMicros(updated)
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't list articles: %w", err)
	}
	return out, nil
}

// SaveArticles implements knowledge.ArticleStore: all or none.
func (s *Store) SaveArticles(ctx context.Context, articles []knowledge.Article) error {
	if len(articles) == 0 {
		return nil
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		for _, a := range articles {
			if err := s.saveArticle(ctx, q, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't save articles: %w", err)
	}
	return nil
}

func (s *Store) saveArticle(ctx context.Context, q querier, a knowledge.Article) error {
	if a.ID == "" {
		return errors.New("article with empty id")
	}
	if a.Status != knowledge.Draft && a.Status != knowledge.Published {
		return fmt.Errorf("article %q: status is %q, want %q or %q", a.ID, a.Status, knowledge.Draft, knowledge.Published)
	}
	if a.Hash == "" {
		a.Hash = a.ContentHash()
	}
	a.UpdatedAt = storedTime(a.UpdatedAt, s.now)
	tags, err := jsonColumn(a.Tags, len(a.Tags) == 0)
	if err != nil {
		return fmt.Errorf("article %q: couldn't encode tags: %w", a.ID, err)
	}
	questions, err := jsonColumn(a.Questions, len(a.Questions) == 0)
	if err != nil {
		return fmt.Errorf("article %q: couldn't encode questions: %w", a.ID, err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO articles (`+articleColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET
			title = excluded.title, body = excluded.body, lang = excluded.lang, tags = excluded.tags,
			url = excluded.url, questions = excluded.questions, status = excluded.status,
			hash = excluded.hash, updated_at = excluded.updated_at`,
		a.ID, a.Title, a.Body, a.Lang, tags, a.URL, questions, string(a.Status), a.Hash, micros(a.UpdatedAt)); err != nil {
		return fmt.Errorf("article %q: %w", a.ID, err)
	}
	return nil
}

// DeleteArticle implements knowledge.ArticleStore.
func (s *Store) DeleteArticle(ctx context.Context, id string) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		_, err := q.Exec(ctx, `DELETE FROM articles WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("couldn't delete article %q: %w", id, err)
	}
	return nil
}

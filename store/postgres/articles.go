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

// upsertArticle writes articleColumns and the owner; the owner is set
// only when the article is created.
const upsertArticle = `INSERT INTO articles (` + articleColumns + `, owner)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET
		title = excluded.title, body = excluded.body, lang = excluded.lang, tags = excluded.tags,
		url = excluded.url, questions = excluded.questions, status = excluded.status,
		hash = excluded.hash, updated_at = excluded.updated_at`

// SaveArticles implements knowledge.ArticleStore: all or none.
func (s *Store) SaveArticles(ctx context.Context, articles []knowledge.Article) error {
	if len(articles) == 0 {
		return nil
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		for _, a := range articles {
			if err := s.saveArticle(ctx, w.conn, a, ""); err != nil { // imported: no owner
				return err
			}
			// An import is a version too, so that an editor who opened
			// the article before it gets a conflict, not an overwrite.
			if _, err := recordVersion(ctx, w.conn, a.ID, ""); err != nil {
				return fmt.Errorf("article %q: %w", a.ID, err)
			}
		}
		return nextGeneration(ctx, w.conn)
	})
	if err != nil {
		return fmt.Errorf("couldn't save articles: %w", err)
	}
	return nil
}

// saveArticle checks a and upserts it (upsertArticle); owner is kept only
// when a is new.
func (s *Store) saveArticle(ctx context.Context, conn rebound, a knowledge.Article, owner string) error {
	if a.ID == "" {
		return errors.New("article with empty id")
	}
	if !a.Status.Valid() {
		return fmt.Errorf("article %q: status is %q, want %q, %q or %q", a.ID, a.Status, knowledge.Draft, knowledge.Published, knowledge.Archived)
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
	if _, err := conn.ExecContext(ctx, upsertArticle,
		a.ID, a.Title, a.Body, a.Lang, tags, a.URL, questions, string(a.Status), a.Hash, micros(a.UpdatedAt), owner); err != nil {
		return fmt.Errorf("article %q: %w", a.ID, err)
	}
	return nil
}

// DeleteArticle implements knowledge.ArticleStore: it removes the article
// and its versions; a missing id is not an error.
func (s *Store) DeleteArticle(ctx context.Context, id string) error {
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		if _, err := w.conn.ExecContext(ctx, `DELETE FROM article_versions WHERE article_id = ?`, id); err != nil {
			return err
		}
		res, err := w.conn.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return nextGeneration(ctx, w.conn)
	})
	if err != nil {
		return fmt.Errorf("couldn't delete article %q: %w", id, err)
	}
	return nil
}

// nextGeneration moves the knowledge base's generation on: part of every
// write of articles, in its transaction.
func nextGeneration(ctx context.Context, conn rebound) error {
	_, err := conn.ExecContext(ctx, `UPDATE kb_generation SET generation = generation + 1 WHERE id = 1`)
	return err
}

// ArticleGeneration implements knowledge.Generations: it moves on with
// every committed write of articles, by any instance using the database.
func (s *Store) ArticleGeneration(ctx context.Context) (int64, error) {
	var g int64
	if err := s.reader().QueryRowContext(ctx, `SELECT generation FROM kb_generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("couldn't read the knowledge base's generation: %w", err)
	}
	return g, nil
}

var _ knowledge.Generations = (*Store)(nil)

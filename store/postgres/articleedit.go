package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
)

const recordColumns = articleColumns + `, owner, version`

// scanRecord reads one row of recordColumns.
func scanRecord(row interface{ Scan(...any) error }) (store.ArticleRecord, error) {
	var (
		r               store.ArticleRecord
		tags, questions nullString
		updated         int64
	)
	a := &r.Article
	if err := row.Scan(&a.ID, &a.Title, &a.Body, &a.Lang, &tags, &a.URL, &questions, &a.Status, &a.Hash, &updated, &r.Owner, &r.Version); err != nil {
		return r, err
	}
	if err := decodeJSON(tags, &a.Tags); err != nil {
		return r, fmt.Errorf("couldn't decode tags of article %q: %w", a.ID, err)
	}
	if err := decodeJSON(questions, &a.Questions); err != nil {
		return r, fmt.Errorf("couldn't decode questions of article %q: %w", a.ID, err)
	}
	a.UpdatedAt = fromMicros(updated)
	return r, nil
}

// ArticleRecord returns one article with its owner and version.
func (s *Store) ArticleRecord(ctx context.Context, id string) (store.ArticleRecord, error) {
	r, err := scanRecord(s.reader().QueryRowContext(ctx, `SELECT `+recordColumns+` FROM articles WHERE id = ?`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, store.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("couldn't read article %q: %w", id, err)
	}
	return r, nil
}

// likeEscape makes s match itself literally in a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ArticleRecords returns one page of the articles q matches, ordered by ID.
func (s *Store) ArticleRecords(ctx context.Context, q store.ArticleQuery) ([]store.ArticleRecord, error) {
	where := []string{"id > ?"}
	args := []any{q.After}
	for _, w := range strings.Fields(strings.ToLower(q.Text)) {
		where = append(where, `lower(title || ' ' || body || ' ' || coalesce(tags, '') || ' ' || coalesce(questions, '')) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(w)+"%")
	}
	if q.Lang != "" {
		where, args = append(where, "lang = ?"), append(args, q.Lang)
	}
	if q.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(q.Status))
	}
	if q.Owner != "" {
		where, args = append(where, "owner = ?"), append(args, q.Owner)
	}
	if q.Tag != "" {
		// tags is a JSON array of strings: the tag's own JSON encoding,
		// quotes included, is in it exactly when the tag is.
		enc, _ := json.Marshal(q.Tag)
		where, args = append(where, `tags LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(string(enc))+"%")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.reader().QueryContext(ctx, `SELECT `+recordColumns+` FROM articles WHERE `+strings.Join(where, " AND ")+` ORDER BY id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("couldn't list articles: %w", err)
	}
	defer rows.Close()
	var out []store.ArticleRecord
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("couldn't list articles: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("couldn't list articles: %w", err)
	}
	return out, nil
}

// recordVersion moves article id to its next version, keeps that
// version's text in article_versions and returns the version.
func recordVersion(ctx context.Context, conn rebound, id, author string) (int64, error) {
	var v int64
	if err := conn.QueryRowContext(ctx, `UPDATE articles SET version = version + 1 WHERE id = ? RETURNING version`, id).Scan(&v); err != nil {
		return 0, err
	}
	_, err := conn.ExecContext(ctx, `INSERT INTO article_versions (article_id, version, author, at, title, body, lang, tags, url, questions, status)
		SELECT id, version, ?, updated_at, title, body, lang, tags, url, questions, status FROM articles WHERE id = ?`, author, id)
	return v, err
}

// SaveArticleVersion saves a as the next version of its article when the
// article is still at base (see store.ArticleEditor).
func (s *Store) SaveArticleVersion(ctx context.Context, a knowledge.Article, base int64, author string) (store.ArticleRecord, error) {
	var current store.ArticleRecord
	conflict, raced := false, false
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		// The row lock holds off every other save of the article until
		// this transaction ends, so the version checked is the one saved
		// over.
		cur, err := scanRecord(w.conn.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM articles WHERE id = ? FOR UPDATE`, a.ID))
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if base != 0 {
				return fmt.Errorf("article %q: %w", a.ID, store.ErrNotFound)
			}
		case err != nil:
			return err
		case cur.Version != base:
			current, conflict = cur, true
			return fmt.Errorf("article %q is at version %d, the save was based on %d: %w", a.ID, cur.Version, base, store.ErrConflict)
		}
		if err := s.saveArticle(ctx, w.conn, a, author); err != nil { // author owns what they create
			return err
		}
		v, err := recordVersion(ctx, w.conn, a.ID, author)
		if err != nil {
			return err
		}
		if v != base+1 {
			// A new article no row lock covered: another transaction
			// created it first, and the upsert waited for it and saved
			// over it. Undo, as a conflict.
			raced = true
			return fmt.Errorf("article %q was created by another save at the same time: %w", a.ID, store.ErrConflict)
		}
		return nextGeneration(ctx, w.conn)
	})
	if raced {
		// The other save has committed: it is the current record.
		if r, rerr := s.ArticleRecord(ctx, a.ID); rerr == nil {
			current, conflict = r, true
		}
	}
	if conflict {
		return current, err
	}
	if err != nil {
		return store.ArticleRecord{}, fmt.Errorf("couldn't save article %q: %w", a.ID, err)
	}
	return s.ArticleRecord(ctx, a.ID)
}

// ArticleVersions returns at most limit versions of id below before
// (before <= 0: the newest), newest first.
func (s *Store) ArticleVersions(ctx context.Context, id string, before int64, limit int) ([]store.ArticleVersion, error) {
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := s.reader().QueryContext(ctx, `SELECT version, author, at, title, body, lang, tags, url, questions, status
		FROM article_versions WHERE article_id = ? AND version < ? ORDER BY version DESC LIMIT ?`, id, before, limit)
	if err != nil {
		return nil, fmt.Errorf("couldn't list versions of article %q: %w", id, err)
	}
	defer rows.Close()
	var out []store.ArticleVersion
	for rows.Next() {
		var (
			v               = store.ArticleVersion{ArticleID: id}
			tags, questions nullString
			at              int64
		)
		a := &v.Article
		if err := rows.Scan(&v.Version, &v.Author, &at, &a.Title, &a.Body, &a.Lang, &tags, &a.URL, &questions, &a.Status); err != nil {
			return nil, fmt.Errorf("couldn't list versions of article %q: %w", id, err)
		}
		if err := decodeJSON(tags, &a.Tags); err != nil {
			return nil, fmt.Errorf("couldn't decode tags of article %q: %w", id, err)
		}
		if err := decodeJSON(questions, &a.Questions); err != nil {
			return nil, fmt.Errorf("couldn't decode questions of article %q: %w", id, err)
		}
		a.ID, v.At = id, fromMicros(at)
		a.UpdatedAt = v.At
		a.Hash = a.ContentHash()
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("couldn't list versions of article %q: %w", id, err)
	}
	return out, nil
}

// ArticleUses counts, per article, the bot answers since since that named
// it as a source, the thumbs up and down given on those answers, and the
// escalations (a state event to waiting or human) whose latest bot answer
// before them in the same conversation named it. It reads the bot's
// answers and the feedback and state events of the window once each.
func (s *Store) ArticleUses(ctx context.Context, since time.Time) (map[string]store.ArticleUse, error) {
	type answer struct {
		at       int64
		articles []string
	}
	answers := map[string][]answer{}         // by conversation, in seq order
	bySeq := map[string]map[int64][]string{} // conversation → seq → articles
	escalated := map[string]int{}            // conversation → 1 + the answer last counted as escalated
	out := map[string]store.ArticleUse{}
	rows, err := s.reader().QueryContext(ctx, `SELECT conversation_id, seq, sources, at FROM messages
		WHERE sender = ? AND sources IS NOT NULL AND at >= ? ORDER BY conversation_id, seq`, store.FromBot, micros(since))
	if err != nil {
		return nil, fmt.Errorf("couldn't count article uses: %w", err)
	}
	for rows.Next() {
		var (
			conv    string
			seq, at int64
			col     nullString
			sources []store.Source
		)
		if err := rows.Scan(&conv, &seq, &col, &at); err != nil {
			rows.Close()
			return nil, fmt.Errorf("couldn't count article uses: %w", err)
		}
		if err := decodeJSON(col, &sources); err != nil {
			continue // a message with unreadable sources names no article
		}
		var ids []string
		for _, src := range sources {
			if src.ArticleID == "" {
				continue
			}
			ids = append(ids, src.ArticleID)
			u := out[src.ArticleID]
			u.Answers++
			out[src.ArticleID] = u
		}
		if len(ids) == 0 {
			continue
		}
		answers[conv] = append(answers[conv], answer{at, ids})
		if bySeq[conv] == nil {
			bySeq[conv] = map[int64][]string{}
		}
		bySeq[conv][seq] = ids
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("couldn't count article uses: %w", err)
	}
	rows, err = s.reader().QueryContext(ctx, `SELECT conversation_id, kind, data, at FROM events
		WHERE kind IN ('feedback', 'state') AND at >= ?`, micros(since))
	if err != nil {
		return nil, fmt.Errorf("couldn't count article uses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			conv, kind string
			data       nullString
			at         int64
		)
		if err := rows.Scan(&conv, &kind, &data, &at); err != nil {
			return nil, fmt.Errorf("couldn't count article uses: %w", err)
		}
		if kind == "feedback" {
			var f struct {
				Seq     int64 `json:"seq"`
				Helpful bool  `json:"helpful"`
			}
			if decodeJSON(data, &f) != nil {
				continue
			}
			for _, id := range bySeq[conv][f.Seq] {
				u := out[id]
				if f.Helpful {
					u.Helpful++
				} else {
					u.Unhelpful++
				}
				out[id] = u
			}
			continue
		}
		var st struct {
			State string `json:"state"`
		}
		if decodeJSON(data, &st) != nil || (st.State != store.StateWaiting && st.State != store.StateHuman) {
			continue
		}
		last := -1
		for i, a := range answers[conv] {
			if a.at > at {
				break
			}
			last = i
		}
		// One escalation per answer: waiting then human is one.
		if last < 0 || escalated[conv] == last+1 {
			continue
		}
		escalated[conv] = last + 1
		for _, id := range answers[conv][last].articles {
			u := out[id]
			u.Escalated++
			out[id] = u
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("couldn't count article uses: %w", err)
	}
	return out, nil
}

var _ store.ArticleEditor = (*Store)(nil)

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/andon-chat/andon/store"
)

const conversationColumns = `id, site, state, reason, locale, page, attributes, email, last_seq, created_at, updated_at`

// CreateConversation stores c with LastSeq 0. An empty State means
// store.StateBot; zero CreatedAt means now, zero UpdatedAt means CreatedAt.
// A clash of IDs is store.ErrExists.
func (s *Store) CreateConversation(ctx context.Context, c store.Conversation) error {
	if c.ID == "" {
		return errors.New("couldn't create conversation: empty id")
	}
	if c.State == "" {
		c.State = store.StateBot
	}
	c.CreatedAt = storedTime(c.CreatedAt, s.now)
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	c.UpdatedAt = storedTime(c.UpdatedAt, s.now)
	attrs, err := jsonColumn(c.Attributes, len(c.Attributes) == 0)
	if err != nil {
		return fmt.Errorf("couldn't encode attributes: %w", err)
	}
	err = s.w.do(ctx, func(ctx context.Context, w *writer) error {
		res, err := w.conn.ExecContext(ctx, `INSERT INTO conversations (`+conversationColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
			ON CONFLICT (id) DO NOTHING`,
			c.ID, c.Site, c.State, c.Reason, c.Locale, c.Page, attrs, c.Email, micros(c.CreatedAt), micros(c.UpdatedAt))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("conversation %q: %w", c.ID, store.ErrExists)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't create conversation: %w", err)
	}
	return nil
}

// Conversation returns conversation id or store.ErrNotFound.
func (s *Store) Conversation(ctx context.Context, id string) (store.Conversation, error) {
	row := s.readDB.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations WHERE id = ?`, id)
	c, err := scanConversation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Conversation{}, fmt.Errorf("conversation %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Conversation{}, fmt.Errorf("couldn't read conversation %q: %w", id, err)
	}
	return c, nil
}

func scanConversation(row interface{ Scan(...any) error }) (store.Conversation, error) {
	var (
		c                store.Conversation
		attrs            sql.NullString
		created, updated int64
	)
	if err := row.Scan(&c.ID, &c.Site, &c.State, &c.Reason, &c.Locale, &c.Page, &attrs, &c.Email, &c.LastSeq, &created, &updated); err != nil {
		return c, err
	}
	if err := decodeJSON(attrs, &c.Attributes); err != nil {
		return c, fmt.Errorf("couldn't decode attributes: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return c, nil
}

// UpdateConversation stores c's state, reason, locale, page, attributes and
// email, and sets UpdatedAt to now. Site, CreatedAt and LastSeq are kept.
func (s *Store) UpdateConversation(ctx context.Context, c store.Conversation) error {
	if c.State == "" {
		return fmt.Errorf("couldn't update conversation %q: empty state", c.ID)
	}
	attrs, err := jsonColumn(c.Attributes, len(c.Attributes) == 0)
	if err != nil {
		return fmt.Errorf("couldn't encode attributes: %w", err)
	}
	updated := storedTime(s.now(), s.now)
	err = s.w.do(ctx, func(ctx context.Context, w *writer) error {
		res, err := w.conn.ExecContext(ctx, `UPDATE conversations
			SET state = ?, reason = ?, locale = ?, page = ?, attributes = ?, email = ?, updated_at = ?
			WHERE id = ?`,
			c.State, c.Reason, c.Locale, c.Page, attrs, c.Email, micros(updated), c.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("conversation %q: %w", c.ID, store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't update conversation: %w", err)
	}
	return nil
}

// DeleteEmptyConversations deletes up to limit conversations without a
// message, contact address or handoff created before createdBefore; their
// events and participants go with them (ON DELETE CASCADE). It scans the
// conversations table, which is fine for a periodic cleanup.
func (s *Store) DeleteEmptyConversations(ctx context.Context, createdBefore time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, fmt.Errorf("couldn't delete empty conversations: limit %d must be positive", limit)
	}
	var n int64
	err := s.w.do(ctx, func(ctx context.Context, w *writer) error {
		res, err := w.conn.ExecContext(ctx, `DELETE FROM conversations WHERE id IN (
			SELECT c.id FROM conversations c
			WHERE c.last_seq = 0 AND c.email = '' AND c.created_at < ?
			AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = c.id)
			LIMIT ?)`, micros(createdBefore), limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("couldn't delete empty conversations: %w", err)
	}
	return int(n), nil
}

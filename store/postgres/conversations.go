package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
)

const conversationColumns = `id, site, state, reason, locale, page, attributes, email, last_seq, created_at, updated_at`

// CreateConversation implements store.Store.
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
	err = s.write(ctx, func(ctx context.Context, q querier) error {
		tag, err := q.Exec(ctx, `INSERT INTO conversations (`+conversationColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10)
			ON CONFLICT (id) DO NOTHING`,
			c.ID, c.Site, c.State, c.Reason, c.Locale, c.Page, attrs, c.Email, micros(c.CreatedAt), micros(c.UpdatedAt))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("conversation %q: %w", c.ID, store.ErrExists)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't create conversation: %w", err)
	}
	return nil
}

// Conversation implements store.Store.
func (s *Store) Conversation(ctx context.Context, id string) (store.Conversation, error) {
	var c store.Conversation
	err := s.read(ctx, func(q querier) error {
		var err error
		c, err = scanConversation(q.QueryRow(ctx, `SELECT `+conversationColumns+` FROM conversations WHERE id = $1`, id))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
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
		attrs            nullString
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

// UpdateConversation implements store.Store.
func (s *Store) UpdateConversation(ctx context.Context, c store.Conversation) error {
	if c.State == "" {
		return fmt.Errorf("couldn't update conversation %q: empty state", c.ID)
	}
	attrs, err := jsonColumn(c.Attributes, len(c.Attributes) == 0)
	if err != nil {
		return fmt.Errorf("couldn't encode attributes: %w", err)
	}
	updated := storedTime(s.now(), s.now)
	err = s.write(ctx, func(ctx context.Context, q querier) error {
		tag, err := q.Exec(ctx, `UPDATE conversations
			SET state = $1, reason = $2, locale = $3, page = $4, attributes = $5, email = $6, updated_at = $7
			WHERE id = $8`,
			c.State, c.Reason, c.Locale, c.Page, attrs, c.Email, micros(updated), c.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("conversation %q: %w", c.ID, store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't update conversation: %w", err)
	}
	return nil
}

// DeleteEmptyConversations implements store.Store.
func (s *Store) DeleteEmptyConversations(ctx context.Context, createdBefore time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, fmt.Errorf("couldn't delete empty conversations: limit %d must be positive", limit)
	}
	var n int64
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		// SKIP LOCKED: a conversation an instance is writing to right now
		// is not empty for long; leave it to the next sweep.
		tag, err := q.Exec(ctx, `DELETE FROM conversations WHERE id IN (
			SELECT c.id FROM conversations c
			WHERE c.last_seq = 0 AND c.email = '' AND c.created_at < $1
			AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = c.id)
			LIMIT $2 FOR UPDATE SKIP LOCKED)`, micros(createdBefore), limit)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("couldn't delete empty conversations: %w", err)
	}
	return int(n), nil
}

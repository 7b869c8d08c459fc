package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/andon-chat/andon/store"
)

// AddEvent appends e to the conversation's event log (At now when zero), or
// returns store.ErrNotFound for an unknown conversation. Events are numbered
// per conversation, so Events returns them in the order they were added.
func (s *Store) AddEvent(ctx context.Context, e store.Event) error {
	if e.Kind == "" {
		return errors.New("couldn't add event: empty kind")
	}
	e.At = storedTime(e.At, s.now)
	data, err := rawJSONColumn(e.Data)
	if err != nil {
		return fmt.Errorf("couldn't add event: data: %w", err)
	}
	err = s.w.do(ctx, func(ctx context.Context, w *writer) error {
		var last int64
		err := w.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(e.seq), 0)
			FROM conversations c LEFT JOIN events e ON e.conversation_id = c.id
			WHERE c.id = ? GROUP BY c.id`, e.ConversationID).Scan(&last)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("conversation %q: %w", e.ConversationID, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = w.conn.ExecContext(ctx, `INSERT INTO events (conversation_id, seq, kind, data, at) VALUES (?, ?, ?, ?, ?)`,
			e.ConversationID, last+1, e.Kind, data, micros(e.At))
		return err
	})
	if err != nil {
		return fmt.Errorf("couldn't add event: %w", err)
	}
	return nil
}

// Events returns the conversation's events in the order they were added, or
// store.ErrNotFound for an unknown conversation.
func (s *Store) Events(ctx context.Context, conversationID string) ([]store.Event, error) {
	var out []store.Event
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := conversationExists(ctx, tx, conversationID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT kind, data, at FROM events WHERE conversation_id = ? ORDER BY seq`, conversationID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e    = store.Event{ConversationID: conversationID}
				data sql.NullString
				at   int64
			)
			if err := rows.Scan(&e.Kind, &data, &at); err != nil {
				return err
			}
			e.Data, e.At = rawJSON(data), fromMicros(at)
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't read events: %w", err)
	}
	return out, nil
}

// AddParticipant records that p (JoinedAt now when zero) takes part in the
// conversation, or returns store.ErrNotFound for an unknown conversation.
// Adding the same kind and name again keeps the first record: rejoining
// after a reconnect is not a new participant.
func (s *Store) AddParticipant(ctx context.Context, p store.Participant) error {
	if p.Kind == "" {
		return errors.New("couldn't add participant: empty kind")
	}
	p.JoinedAt = storedTime(p.JoinedAt, s.now)
	err := s.w.do(ctx, func(ctx context.Context, w *writer) error {
		if err := conversationExists(ctx, w.conn, p.ConversationID); err != nil {
			return err
		}
		_, err := w.conn.ExecContext(ctx, `INSERT INTO participants (conversation_id, kind, name, joined_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (conversation_id, kind, name) DO NOTHING`,
			p.ConversationID, p.Kind, p.Name, micros(p.JoinedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("couldn't add participant: %w", err)
	}
	return nil
}

// Participants returns the conversation's participants in the order they
// joined, or store.ErrNotFound for an unknown conversation.
func (s *Store) Participants(ctx context.Context, conversationID string) ([]store.Participant, error) {
	var out []store.Participant
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := conversationExists(ctx, tx, conversationID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT kind, name, joined_at FROM participants
			WHERE conversation_id = ? ORDER BY joined_at, kind, name`, conversationID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				p  = store.Participant{ConversationID: conversationID}
				at int64
			)
			if err := rows.Scan(&p.Kind, &p.Name, &at); err != nil {
				return err
			}
			p.JoinedAt = fromMicros(at)
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't read participants: %w", err)
	}
	return out, nil
}

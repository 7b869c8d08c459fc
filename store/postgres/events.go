package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
)

// AddEvent implements store.Store. Like a message, an event takes the
// conversation's row lock to number itself.
func (s *Store) AddEvent(ctx context.Context, e store.Event) error {
	if e.Kind == "" {
		return errors.New("couldn't add event: empty kind")
	}
	e.At = storedTime(e.At, s.now)
	data, err := rawJSONColumn(e.Data)
	if err != nil {
		return fmt.Errorf("couldn't add event: data: %w", err)
	}
	err = s.write(ctx, func(ctx context.Context, q querier) error {
		var one int
		err := q.QueryRow(ctx, `SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE`, e.ConversationID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("conversation %q: %w", e.ConversationID, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, `INSERT INTO events (conversation_id, seq, kind, data, at)
			SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM events WHERE conversation_id = $1`,
			e.ConversationID, e.Kind, data, micros(e.At))
		return err
	})
	if err != nil {
		return fmt.Errorf("couldn't add event: %w", err)
	}
	return nil
}

// Events implements store.Store.
func (s *Store) Events(ctx context.Context, conversationID string) ([]store.Event, error) {
	var out []store.Event
	err := s.readSnapshot(ctx, func(q querier) error {
		if err := conversationExists(ctx, q, conversationID); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT kind, data, at FROM events WHERE conversation_id = $1 ORDER BY seq`, conversationID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				e    = store.Event{ConversationID: conversationID}
				data nullString
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

// AddParticipant implements store.Store.
func (s *Store) AddParticipant(ctx context.Context, p store.Participant) error {
	if p.Kind == "" {
		return errors.New("couldn't add participant: empty kind")
	}
	p.JoinedAt = storedTime(p.JoinedAt, s.now)
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		if err := conversationExists(ctx, q, p.ConversationID); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `INSERT INTO participants (conversation_id, kind, name, joined_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (conversation_id, kind, name) DO NOTHING`,
			p.ConversationID, p.Kind, p.Name, micros(p.JoinedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("couldn't add participant: %w", err)
	}
	return nil
}

// Participants implements store.Store.
func (s *Store) Participants(ctx context.Context, conversationID string) ([]store.Participant, error) {
	var out []store.Participant
	err := s.readSnapshot(ctx, func(q querier) error {
		if err := conversationExists(ctx, q, conversationID); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT kind, name, joined_at FROM participants
			WHERE conversation_id = $1 ORDER BY joined_at, kind, name`, conversationID)
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

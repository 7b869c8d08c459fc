package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
)

const messageColumns = `conversation_id, seq, client_id, sender, author, text, sources, meta, at`

// AppendMessage implements store.Store. The conversation's row is locked
// for the transaction (FOR UPDATE): appends to one conversation from any
// instance take turns, so the next seq is last_seq + 1 without gaps, and a
// retry with the same client_id finds the first one committed.
func (s *Store) AppendMessage(ctx context.Context, m store.Message) (store.Message, bool, error) {
	if m.From == "" {
		return store.Message{}, false, errors.New("couldn't append message: empty from")
	}
	m.Seq = 0
	if !m.At.IsZero() {
		m.At = storedTime(m.At, s.now)
	}
	sources, err := jsonColumn(m.Sources, len(m.Sources) == 0)
	if err != nil {
		return store.Message{}, false, fmt.Errorf("couldn't encode sources: %w", err)
	}
	meta, err := rawJSONColumn(m.Meta)
	if err != nil {
		return store.Message{}, false, fmt.Errorf("couldn't append message: meta: %w", err)
	}
	var (
		stored    store.Message
		duplicate bool
	)
	err = s.write(ctx, func(ctx context.Context, q querier) error {
		var lastSeq int64
		err := q.QueryRow(ctx, `SELECT last_seq FROM conversations WHERE id = $1 FOR UPDATE`, m.ConversationID).Scan(&lastSeq)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("conversation %q: %w", m.ConversationID, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if m.ClientID != "" {
			orig, err := scanMessage(q.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages
				WHERE conversation_id = $1 AND client_id = $2`, m.ConversationID, m.ClientID))
			if err == nil {
				stored, duplicate = orig, true
				return nil
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		m.Seq = lastSeq + 1
		if m.At.IsZero() {
			// Taken under the row lock: times follow seq.
			m.At = storedTime(time.Time{}, s.now)
		}
		if _, err := q.Exec(ctx, `INSERT INTO messages (`+messageColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			m.ConversationID, m.Seq, nullable(m.ClientID), m.From, m.Author, m.Text, sources, meta, micros(m.At)); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE conversations SET last_seq = $1, updated_at = $2 WHERE id = $3`,
			m.Seq, micros(m.At), m.ConversationID); err != nil {
			return err
		}
		stored = m
		return nil
	})
	if err != nil {
		return store.Message{}, false, fmt.Errorf("couldn't append message: %w", err)
	}
	return stored, duplicate, nil
}

// Messages implements store.Store.
func (s *Store) Messages(ctx context.Context, conversationID string, afterSeq int64) ([]store.Message, error) {
	return s.queryMessages(ctx, conversationID, 0, `seq > $2 ORDER BY seq`, afterSeq)
}

// MessagesBefore implements store.Store.
func (s *Store) MessagesBefore(ctx context.Context, conversationID string, beforeSeq int64, limit int) ([]store.Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	if beforeSeq <= 0 {
		beforeSeq = math.MaxInt64
	}
	out, err := s.queryMessages(ctx, conversationID, 0, `seq < $2 ORDER BY seq DESC LIMIT $3`, beforeSeq, limit)
	slices.Reverse(out)
	return out, err
}

// MessagesAfter implements store.Store.
func (s *Store) MessagesAfter(ctx context.Context, conversationID string, afterSeq int64, limit, maxBytes int) ([]store.Message, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("couldn't read messages: limit %d must be positive", limit)
	}
	return s.queryMessages(ctx, conversationID, maxBytes, `seq > $2 ORDER BY seq LIMIT $3`, afterSeq, limit)
}

// queryMessages reads messages of one conversation, in one snapshot with
// the check that it exists; it stops after the message whose text brings
// the total to maxBytes (maxBytes > 0).
func (s *Store) queryMessages(ctx context.Context, conversationID string, maxBytes int, where string, args ...any) ([]store.Message, error) {
	var out []store.Message
	err := s.readSnapshot(ctx, func(q querier) error {
		if err := conversationExists(ctx, q, conversationID); err != nil {
			return err
		}
		rows, err := q.Query(ctx, `SELECT `+messageColumns+` FROM messages
				WHERE conversation_id = $1 AND `+where, append([]any{conversationID}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		size := 0
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
			if size += len(m.Text); maxBytes > 0 && size >= maxBytes {
				break
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't read messages: %w", err)
	}
	return out, nil
}

func scanMessage(row interface{ Scan(...any) error }) (store.Message, error) {
	var (
		m                       store.Message
		clientID, sources, meta nullString
		at                      int64
	)
	if err := row.Scan(&m.ConversationID, &m.Seq, &clientID, &m.From, &m.Author, &m.Text, &sources, &meta, &at); err != nil {
		return m, err
	}
	m.ClientID = clientID.String
	if err := decodeJSON(sources, &m.Sources); err != nil {
		return m, fmt.Errorf("couldn't decode sources of message %d: %w", m.Seq, err)
	}
	m.Meta = rawJSON(meta)
	m.At = fromMicros(at)
	return m, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/andon-chat/andon/store"
)

// appendLookupSQL finds, in one statement, the conversation's last seq and
// the message already stored under the same client_id, if any. A NULL
// client_id matches nothing, so a message without one is never a duplicate.
const appendLookupSQL = `SELECT c.last_seq, m.seq, m.sender, m.author, m.text, m.sources, m.meta, m.at
	FROM conversations c
	LEFT JOIN messages m ON m.conversation_id = c.id AND m.client_id = ?
	WHERE c.id = ?`

const insertMessageSQL = `INSERT INTO messages (conversation_id, seq, client_id, sender, author, text, sources, meta, at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// bumpSeqSQL moves last_seq in the same transaction as the insert, so a seq
// is never handed out twice and never skipped.
const bumpSeqSQL = `UPDATE conversations SET last_seq = ?, updated_at = ? WHERE id = ?`

const messageColumns = `conversation_id, seq, client_id, sender, author, text, sources, meta, at`

// AppendMessage stores m as the conversation's next message and returns it
// with its Seq (and At: when zero, the time it was written, which never runs
// backwards within a conversation). It returns when the transaction
// holding it has committed. A ClientID already stored in the conversation
// returns that message with duplicate = true and writes nothing.
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
	err = s.w.do(ctx, func(ctx context.Context, w *writer) error {
		msg := m
		if msg.At.IsZero() {
			// Taken here, in seq order, so that the times of a
			// conversation's messages never run backwards.
			msg.At = storedTime(time.Time{}, s.now)
		}
		var err error
		stored, duplicate, err = w.appendMessage(ctx, msg, sources, meta)
		return err
	})
	if err != nil {
		return store.Message{}, false, fmt.Errorf("couldn't append message: %w", err)
	}
	return stored, duplicate, nil
}

// appendMessage runs in the writer's transaction.
func (w *writer) appendMessage(ctx context.Context, m store.Message, sources, meta any) (store.Message, bool, error) {
	var (
		lastSeq int64
		dupSeq  sql.NullInt64
		dup     struct {
			sender, author, text sql.NullString
			sources, meta        sql.NullString
			at                   sql.NullInt64
		}
	)
	err := w.stmts.appendLookup.QueryRowContext(ctx, nullable(m.ClientID), m.ConversationID).Scan(
		&lastSeq, &dupSeq, &dup.sender, &dup.author, &dup.text, &dup.sources, &dup.meta, &dup.at)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Message{}, false, fmt.Errorf("conversation %q: %w", m.ConversationID, store.ErrNotFound)
	}
	if err != nil {
		return store.Message{}, false, err
	}
	if dupSeq.Valid {
		orig := store.Message{
			ConversationID: m.ConversationID,
			Seq:            dupSeq.Int64,
			ClientID:       m.ClientID,
			From:           dup.sender.String,
			Author:         dup.author.String,
			Text:           dup.text.String,
			Meta:           rawJSON(dup.meta),
			At:             fromMicros(dup.at.Int64),
		}
		if err := decodeJSON(dup.sources, &orig.Sources); err != nil {
			return store.Message{}, false, fmt.Errorf("couldn't decode sources: %w", err)
		}
		return orig, true, nil
	}
	m.Seq = lastSeq + 1
	if _, err := w.stmts.insertMessage.ExecContext(ctx,
		m.ConversationID, m.Seq, nullable(m.ClientID), m.From, m.Author, m.Text, sources, meta, micros(m.At)); err != nil {
		return store.Message{}, false, err
	}
	if _, err := w.stmts.bump.ExecContext(ctx, m.Seq, micros(m.At), m.ConversationID); err != nil {
		return store.Message{}, false, err
	}
	return m, false, nil
}

// Messages returns the conversation's messages with seq > afterSeq in seq
// order, or store.ErrNotFound for an unknown conversation.
func (s *Store) Messages(ctx context.Context, conversationID string, afterSeq int64) ([]store.Message, error) {
	return s.queryMessages(ctx, conversationID, `seq > ? ORDER BY seq`, afterSeq)
}

// MessagesBefore returns the latest limit messages with seq < beforeSeq
// (beforeSeq <= 0: the newest) in seq order.
func (s *Store) MessagesBefore(ctx context.Context, conversationID string, beforeSeq int64, limit int) ([]store.Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	if beforeSeq <= 0 {
		beforeSeq = math.MaxInt64
	}
	out, err := s.queryMessages(ctx, conversationID, `seq < ? ORDER BY seq DESC LIMIT ?`, beforeSeq, limit)
	slices.Reverse(out)
	return out, err
}

// queryMessages reads the conversation's messages WHERE conversation_id = ?
// AND where, or store.ErrNotFound for an unknown conversation.
func (s *Store) queryMessages(ctx context.Context, conversationID, where string, args ...any) ([]store.Message, error) {
	var out []store.Message
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := conversationExists(ctx, tx, conversationID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages
			WHERE conversation_id = ? AND `+where, append([]any{conversationID}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("couldn't read messages: %w", err)
	}
	return out, nil
}

// MessagesAfter returns one page of the messages with seq > afterSeq (see
// store.Store). The rows are read one at a time, so a page never holds more
// than its bounds, however long the log.
func (s *Store) MessagesAfter(ctx context.Context, conversationID string, afterSeq int64, limit, maxBytes int) ([]store.Message, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("couldn't read messages: limit %d must be positive", limit)
	}
	var out []store.Message
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := conversationExists(ctx, tx, conversationID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages
			WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`, conversationID, afterSeq, limit)
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
		clientID, sources, meta sql.NullString
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

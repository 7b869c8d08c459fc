package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
)

var _ store.Handoffs = (*Store)(nil)

const handoffColumns = `id, conversation_id, site, reason, team, priority, state, assignee_id, assignee_name, note,
	level, due_at, next_page_at, acked_at, claimed_at, created_at, updated_at, closed_at,
	outcome, category, summary, closed_by, version`

// optMicros stores a time that may be unset: zero is 0.
func optMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func optTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMicros(v)
}

// CreateHandoff stores h as a new handoff (State open when empty, zero
// CreatedAt now). A second open handoff of the conversation is
// store.ErrExists; an unknown conversation is store.ErrNotFound.
func (s *Store) CreateHandoff(ctx context.Context, h store.Handoff) error {
	if h.ID == "" {
		return errors.New("couldn't create handoff: empty id")
	}
	if h.State == "" {
		h.State = store.HandoffOpen
	}
	h.CreatedAt = storedTime(h.CreatedAt, s.now)
	if h.UpdatedAt.IsZero() {
		h.UpdatedAt = h.CreatedAt
	}
	h.UpdatedAt = storedTime(h.UpdatedAt, s.now)
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		if err := conversationExists(ctx, w.conn, h.ConversationID); err != nil {
			return err
		}
		if h.State == store.HandoffOpen {
			var one int
			err := w.conn.QueryRowContext(ctx, `SELECT 1 FROM handoffs WHERE conversation_id = ? AND state = 'open'`, h.ConversationID).Scan(&one)
			if err == nil {
				return fmt.Errorf("open handoff of conversation %q: %w", h.ConversationID, store.ErrExists)
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		res, err := w.conn.ExecContext(ctx, `INSERT INTO handoffs (`+handoffColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`, handoffArgs(h)...)
		if isUniqueViolation(err) {
			// Another instance opened one meanwhile (handoffs_one_open).
			return fmt.Errorf("open handoff of conversation %q: %w", h.ConversationID, store.ErrExists)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("handoff %q: %w", h.ID, store.ErrExists)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't create handoff: %w", err)
	}
	return nil
}

func handoffArgs(h store.Handoff) []any {
	return []any{h.ID, h.ConversationID, h.Site, h.Reason, h.Team, h.Priority, h.State, h.AssigneeID, h.AssigneeName, h.Note,
		h.Level, optMicros(h.DueAt), optMicros(h.NextPageAt), optMicros(h.AckedAt), optMicros(h.ClaimedAt),
		micros(h.CreatedAt), micros(h.UpdatedAt), optMicros(h.ClosedAt),
		h.Outcome, h.Category, h.Summary, h.ClosedBy, h.Version}
}

func scanHandoff(row interface{ Scan(...any) error }) (store.Handoff, error) {
	var (
		h                                                     store.Handoff
		due, next, acked, claimed, created, updated, closedAt int64
	)
	err := row.Scan(&h.ID, &h.ConversationID, &h.Site, &h.Reason, &h.Team, &h.Priority, &h.State, &h.AssigneeID, &h.AssigneeName, &h.Note,
		&h.Level, &due, &next, &acked, &claimed, &created, &updated, &closedAt,
		&h.Outcome, &h.Category, &h.Summary, &h.ClosedBy, &h.Version)
	if err != nil {
		return h, err
	}
	h.DueAt, h.NextPageAt, h.AckedAt, h.ClaimedAt = optTime(due), optTime(next), optTime(acked), optTime(claimed)
	h.CreatedAt, h.UpdatedAt, h.ClosedAt = fromMicros(created), fromMicros(updated), optTime(closedAt)
	return h, nil
}

// Handoff returns handoff id or store.ErrNotFound.
func (s *Store) Handoff(ctx context.Context, id string) (store.Handoff, error) {
	h, err := scanHandoff(s.reader().QueryRowContext(ctx, `SELECT `+handoffColumns+` FROM handoffs WHERE id = ?`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Handoff{}, fmt.Errorf("handoff %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Handoff{}, fmt.Errorf("couldn't read handoff %q: %w", id, err)
	}
	return h, nil
}

// OpenHandoff returns the open handoff of the conversation or
// store.ErrNotFound.
func (s *Store) OpenHandoff(ctx context.Context, conversationID string) (store.Handoff, error) {
	h, err := scanHandoff(s.reader().QueryRowContext(ctx, `SELECT `+handoffColumns+` FROM handoffs
		WHERE conversation_id = ? AND state = 'open'`, conversationID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Handoff{}, fmt.Errorf("open handoff of %q: %w", conversationID, store.ErrNotFound)
	}
	if err != nil {
		return store.Handoff{}, fmt.Errorf("couldn't read the open handoff of %q: %w", conversationID, err)
	}
	return h, nil
}

// UpdateHandoff stores h if the stored version is h.Version, and returns it
// with the next version; otherwise store.ErrConflict (or store.ErrNotFound).
func (s *Store) UpdateHandoff(ctx context.Context, h store.Handoff) (store.Handoff, error) {
	if h.State != store.HandoffOpen && h.State != store.HandoffClosed {
		return store.Handoff{}, fmt.Errorf("couldn't update handoff %q: state %q", h.ID, h.State)
	}
	h.UpdatedAt = storedTime(h.UpdatedAt, s.now)
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		res, err := w.conn.ExecContext(ctx, `UPDATE handoffs SET site = ?, reason = ?, team = ?, priority = ?, state = ?,
			assignee_id = ?, assignee_name = ?, note = ?, level = ?, due_at = ?, next_page_at = ?, acked_at = ?, claimed_at = ?,
			updated_at = ?, closed_at = ?, outcome = ?, category = ?, summary = ?, closed_by = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			h.Site, h.Reason, h.Team, h.Priority, h.State, h.AssigneeID, h.AssigneeName, h.Note, h.Level,
			optMicros(h.DueAt), optMicros(h.NextPageAt), optMicros(h.AckedAt), optMicros(h.ClaimedAt),
			micros(h.UpdatedAt), optMicros(h.ClosedAt), h.Outcome, h.Category, h.Summary, h.ClosedBy,
			h.ID, h.Version)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 1 {
			return nil
		}
		var one int
		err = w.conn.QueryRowContext(ctx, `SELECT 1 FROM handoffs WHERE id = ?`, h.ID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("handoff %q: %w", h.ID, store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("handoff %q at version %d: %w", h.ID, h.Version, store.ErrConflict)
	})
	if err != nil {
		return store.Handoff{}, fmt.Errorf("couldn't update handoff: %w", err)
	}
	h.Version++
	return h, nil
}

func (s *Store) queryHandoffs(ctx context.Context, query string, args ...any) ([]store.Handoff, error) {
	rows, err := s.reader().QueryContext(ctx, `SELECT `+handoffColumns+` FROM handoffs `+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Handoff
	for rows.Next() {
		h, err := scanHandoff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// OpenHandoffs returns every open handoff, oldest first.
func (s *Store) OpenHandoffs(ctx context.Context) ([]store.Handoff, error) {
	hs, err := s.queryHandoffs(ctx, `WHERE state = 'open' ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("couldn't list open handoffs: %w", err)
	}
	return hs, nil
}

// ConversationHandoffs returns the conversation's handoffs, oldest first.
func (s *Store) ConversationHandoffs(ctx context.Context, conversationID string) ([]store.Handoff, error) {
	hs, err := s.queryHandoffs(ctx, `WHERE conversation_id = ? ORDER BY created_at, id`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("couldn't list the handoffs of %q: %w", conversationID, err)
	}
	return hs, nil
}

// AckedHandoffs returns up to limit handoffs, the most recently
// acknowledged first.
func (s *Store) AckedHandoffs(ctx context.Context, limit int) ([]store.Handoff, error) {
	if limit <= 0 {
		limit = 100
	}
	hs, err := s.queryHandoffs(ctx, `WHERE acked_at > 0 ORDER BY acked_at DESC, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("couldn't list acknowledged handoffs: %w", err)
	}
	return hs, nil
}

func (s *Store) queryConversations(ctx context.Context, query string, args ...any) ([]store.Conversation, error) {
	rows, err := s.reader().QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations `+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Conversation
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// noLimit is "all rows" as a LIMIT: a large positive number, since
// PostgreSQL refuses SQLite's LIMIT -1.
const noLimit = math.MaxInt32

// conversationsByStateSQL is ConversationsByState's query after "FROM
// conversations".
const conversationsByStateSQL = `WHERE state = ? ORDER BY updated_at DESC, id DESC LIMIT ?`

// ConversationsByState returns the conversations in state, most recently
// updated first (ties by id, descending, so that the index on (state,
// updated_at, id) gives the order without a sort); limit 0 means all.
func (s *Store) ConversationsByState(ctx context.Context, state string, limit int) ([]store.Conversation, error) {
	if limit <= 0 {
		limit = noLimit
	}
	cs, err := s.queryConversations(ctx, conversationsByStateSQL, state, limit)
	if err != nil {
		return nil, fmt.Errorf("couldn't list %s conversations: %w", state, err)
	}
	return cs, nil
}

// VisitorConversations returns the conversations on q.Site whose user_id
// attribute is q.UserID (and, with q.VerifiedUserID, whose identity_verified
// attribute is "true") or whose e-mail is q.Email (case-insensitively),
// newest first. Attributes are kept as JSON text; ->> on its jsonb cast
// reads the key. The e-mail is looked
// up in conversations_site_email (0005); a user_id match reads the site's
// conversations.
func (s *Store) VisitorConversations(ctx context.Context, q store.VisitorQuery) ([]store.Conversation, error) {
	if q.UserID == "" && q.Email == "" {
		return nil, nil
	}
	query, args := visitorConversationsSQL(q)
	cs, err := s.queryConversations(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("couldn't list the visitor's conversations: %w", err)
	}
	return cs, nil
}

// visitorConversationsSQL is VisitorConversations' query after "FROM
// conversations", with its arguments. Each key is its own site-bound term,
// so that SQLite looks the e-mail up in conversations_site_email even when
// a user_id is asked for as well.
func visitorConversationsSQL(q store.VisitorQuery) (string, []any) {
	if q.Limit <= 0 {
		q.Limit = 20
	}
	var (
		conds []string
		args  []any
	)
	if q.UserID != "" {
		cond := `site = ? AND (attributes::jsonb ->> 'user_id') = ?`
		if q.VerifiedUserID {
			cond += ` AND (attributes::jsonb ->> 'identity_verified') = 'true'`
		}
		conds = append(conds, `(`+cond+`)`)
		args = append(args, q.Site, q.UserID)
	}
	if q.Email != "" {
		conds = append(conds, `(site = ? AND lower(email) = ?)`)
		args = append(args, q.Site, strings.ToLower(q.Email))
	}
	args = append(args, q.Exclude, q.Limit)
	return `WHERE (` + strings.Join(conds, " OR ") + `) AND id <> ? ORDER BY created_at DESC, id LIMIT ?`, args
}

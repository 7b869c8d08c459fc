package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
)

var _ store.Deliveries = (*Store)(nil)

const deliveryColumns = `id, event_id, event_type, channel, conversation_id, payload, status, attempts,
	last_error, last_status, next_attempt_at, created_at, updated_at, delivered_at`

// deliveryMicros stores an optional time: zero is 0, not year 1's micros.
func deliveryMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t.UTC().Truncate(time.Microsecond))
}

func deliveryTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMicros(v)
}

// validDeliveryStatus reports whether s is one the table's CHECK accepts, so
// that a wrong status is a clear error rather than a constraint failure.
func validDeliveryStatus(s string) bool {
	return s == store.DeliveryPending || s == store.DeliveryDelivered || s == store.DeliveryFailed
}

// AddDeliveries implements store.Deliveries.
func (s *Store) AddDeliveries(ctx context.Context, ds []store.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	type row struct {
		d       store.Delivery
		payload any
	}
	rows := make([]row, len(ds))
	now := storedTime(time.Time{}, s.now)
	for i, d := range ds {
		if d.ID == "" {
			return errors.New("couldn't add deliveries: empty ID")
		}
		if d.Status == "" {
			d.Status = store.DeliveryPending
		}
		if !validDeliveryStatus(d.Status) {
			return fmt.Errorf("couldn't add delivery %q: unknown status %q", d.ID, d.Status)
		}
		if d.CreatedAt.IsZero() {
			d.CreatedAt = now
		}
		if d.UpdatedAt.IsZero() {
			d.UpdatedAt = now
		}
		if d.NextAttemptAt.IsZero() && d.Status == store.DeliveryPending {
			d.NextAttemptAt = now
		}
		payload, err := rawJSONColumn(d.Payload)
		if err != nil {
			return fmt.Errorf("couldn't add delivery %q: payload: %w", d.ID, err)
		}
		rows[i] = row{d, payload}
	}
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		for _, r := range rows {
			d := r.d
			_, err := w.conn.ExecContext(ctx, `INSERT INTO deliveries (`+deliveryColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (id) DO NOTHING`,
				d.ID, d.EventID, d.EventType, d.Channel, d.ConversationID, r.payload, d.Status, d.Attempts,
				d.LastError, d.LastStatus, deliveryMicros(d.NextAttemptAt), deliveryMicros(d.CreatedAt),
				deliveryMicros(d.UpdatedAt), deliveryMicros(d.DeliveredAt))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't add deliveries: %w", err)
	}
	return nil
}

// UpdateDelivery implements store.Deliveries.
func (s *Store) UpdateDelivery(ctx context.Context, d store.Delivery) error {
	if !validDeliveryStatus(d.Status) {
		return fmt.Errorf("couldn't update delivery %q: unknown status %q", d.ID, d.Status)
	}
	updated := storedTime(time.Time{}, s.now)
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		res, err := w.conn.ExecContext(ctx, `UPDATE deliveries SET status = ?, attempts = ?, last_error = ?,
			last_status = ?, next_attempt_at = ?, delivered_at = ?, updated_at = ? WHERE id = ?`,
			d.Status, d.Attempts, d.LastError, d.LastStatus, deliveryMicros(d.NextAttemptAt),
			deliveryMicros(d.DeliveredAt), micros(updated), d.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("delivery %q: %w", d.ID, store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("couldn't update delivery: %w", err)
	}
	return nil
}

// Delivery implements store.Deliveries.
func (s *Store) Delivery(ctx context.Context, id string) (store.Delivery, error) {
	d, err := scanDelivery(s.reader().QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = ?`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Delivery{}, fmt.Errorf("couldn't read delivery: %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Delivery{}, fmt.Errorf("couldn't read delivery: %w", err)
	}
	return d, nil
}

// PendingDeliveries implements store.Deliveries.
func (s *Store) PendingDeliveries(ctx context.Context, limit int) ([]store.Delivery, error) {
	ds, err := s.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE status = ?
		ORDER BY next_attempt_at, created_at, id LIMIT ?`, store.DeliveryPending, deliveryLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("couldn't read pending deliveries: %w", err)
	}
	return ds, nil
}

// ListDeliveries implements store.Deliveries.
func (s *Store) ListDeliveries(ctx context.Context, limit int) ([]store.Delivery, error) {
	ds, err := s.queryDeliveries(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		ORDER BY created_at DESC, id DESC LIMIT ?`, deliveryLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("couldn't list deliveries: %w", err)
	}
	return ds, nil
}

// deliveryLimit maps "no limit" (0 or less) to a number both SQLite and
// PostgreSQL take in a LIMIT.
func deliveryLimit(limit int) int {
	if limit <= 0 {
		return math.MaxInt32
	}
	return limit
}

func (s *Store) queryDeliveries(ctx context.Context, query string, args ...any) ([]store.Delivery, error) {
	rows, err := s.reader().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanDelivery(row interface{ Scan(...any) error }) (store.Delivery, error) {
	var (
		d                                 store.Delivery
		payload                           sql.NullString
		next, created, updated, delivered int64
	)
	if err := row.Scan(&d.ID, &d.EventID, &d.EventType, &d.Channel, &d.ConversationID, &payload, &d.Status,
		&d.Attempts, &d.LastError, &d.LastStatus, &next, &created, &updated, &delivered); err != nil {
		return d, err
	}
	d.Payload = rawJSON(payload)
	d.NextAttemptAt, d.CreatedAt = deliveryTime(next), deliveryTime(created)
	d.UpdatedAt, d.DeliveredAt = deliveryTime(updated), deliveryTime(delivered)
	return d, nil
}

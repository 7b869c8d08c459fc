package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/andon-chat/andon/store"
	"github.com/jackc/pgx/v5"
)

var _ store.Incidents = (*Store)(nil)

const incidentColumns = `id, state, label, examples, count, usual, window_seconds, status, opened_at, closed_at`

// OpenIncident implements store.Incidents.
func (s *Store) OpenIncident(ctx context.Context, in store.Incident) (created bool, err error) {
	if in.ID == "" {
		return false, errors.New("couldn't open an incident: empty ID")
	}
	examples := in.Examples
	if examples == nil {
		examples = []string{}
	}
	ex, err := json.Marshal(examples)
	if err != nil {
		return false, fmt.Errorf("couldn't open incident %q: %w", in.ID, err)
	}
	at := storedTime(in.OpenedAt, s.now)
	err = s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		res, err := w.conn.ExecContext(ctx, `INSERT INTO incidents (`+incidentColumns+`)
			VALUES (?, 'open', ?, ?, ?, ?, ?, '', ?, 0) ON CONFLICT (id) DO NOTHING`,
			in.ID, in.Label, string(ex), in.Count, in.Usual, in.WindowSeconds, micros(at))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // already stored: left as it is
		}
		created = true
		_, err = w.conn.ExecContext(ctx, `INSERT INTO incident_entries (incident_id, n, kind, at) VALUES (?, 1, 'opened', ?)`,
			in.ID, micros(at))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("couldn't open incident %q: %w", in.ID, err)
	}
	return created, nil
}

// Incident implements store.Incidents.
func (s *Store) Incident(ctx context.Context, id string) (store.Incident, error) {
	in, err := scanIncident(s.reader().QueryRowContext(ctx, `SELECT `+incidentColumns+` FROM incidents WHERE id = ?`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Incident{}, fmt.Errorf("couldn't read incident %q: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Incident{}, fmt.Errorf("couldn't read incident %q: %w", id, err)
	}
	return in, nil
}

// ListIncidents implements store.Incidents.
func (s *Store) ListIncidents(ctx context.Context, limit int) ([]store.Incident, error) {
	rows, err := s.reader().QueryContext(ctx, `SELECT `+incidentColumns+` FROM incidents
		ORDER BY state = 'closed', opened_at DESC, id DESC LIMIT ?`, deliveryLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("couldn't list incidents: %w", err)
	}
	defer rows.Close()
	var out []store.Incident
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("couldn't list incidents: %w", err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("couldn't list incidents: %w", err)
	}
	return out, nil
}

// AddIncidentEntry implements store.Incidents.
func (s *Store) AddIncidentEntry(ctx context.Context, e store.IncidentEntry) (store.Incident, error) {
	switch e.Kind {
	case store.IncidentAcknowledged, store.IncidentClosedEntry:
	case store.IncidentStatus:
		if e.Text == "" {
			return store.Incident{}, fmt.Errorf("couldn't add to incident %q: a status entry without text", e.IncidentID)
		}
	default:
		return store.Incident{}, fmt.Errorf("couldn't add to incident %q: unknown entry kind %q", e.IncidentID, e.Kind)
	}
	at := storedTime(e.At, s.now)
	err := s.write(ctx, func(ctx context.Context, q querier) error {
		w := writer{conn: rebound{q}}
		var state string
		var n int
		// The incident's row lock orders its entries: n stays gap-free
		// and nothing follows a close, whichever instance adds.
		err := w.conn.QueryRowContext(ctx, `SELECT state FROM incidents WHERE id = ? FOR UPDATE`, e.IncidentID).Scan(&state)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := w.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0) FROM incident_entries WHERE incident_id = ?`, e.IncidentID).Scan(&n); err != nil {
			return err
		}
		if state == store.IncidentClosed {
			return fmt.Errorf("it is closed: %w", store.ErrConflict)
		}
		if _, err := w.conn.ExecContext(ctx, `INSERT INTO incident_entries (incident_id, n, kind, author, text, at) VALUES (?, ?, ?, ?, ?, ?)`,
			e.IncidentID, n+1, e.Kind, e.Author, e.Text, micros(at)); err != nil {
			return err
		}
		switch e.Kind {
		case store.IncidentStatus:
			_, err = w.conn.ExecContext(ctx, `UPDATE incidents SET status = ? WHERE id = ?`, e.Text, e.IncidentID)
		case store.IncidentClosedEntry:
			_, err = w.conn.ExecContext(ctx, `UPDATE incidents SET state = 'closed', closed_at = ? WHERE id = ?`, micros(at), e.IncidentID)
		}
		return err
	})
	if err != nil {
		return store.Incident{}, fmt.Errorf("couldn't add to incident %q: %w", e.IncidentID, err)
	}
	return s.Incident(ctx, e.IncidentID)
}

// IncidentTimeline implements store.Incidents.
func (s *Store) IncidentTimeline(ctx context.Context, id string) ([]store.IncidentEntry, error) {
	if _, err := s.Incident(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.reader().QueryContext(ctx, `SELECT kind, author, text, at FROM incident_entries WHERE incident_id = ? ORDER BY n`, id)
	if err != nil {
		return nil, fmt.Errorf("couldn't read the timeline of incident %q: %w", id, err)
	}
	defer rows.Close()
	var out []store.IncidentEntry
	for rows.Next() {
		e := store.IncidentEntry{IncidentID: id}
		var at int64
		if err := rows.Scan(&e.Kind, &e.Author, &e.Text, &at); err != nil {
			return nil, fmt.Errorf("couldn't read the timeline of incident %q: %w", id, err)
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanIncident(row interface{ Scan(...any) error }) (store.Incident, error) {
	var (
		in             store.Incident
		examples       string
		opened, closed int64
	)
	if err := row.Scan(&in.ID, &in.State, &in.Label, &examples, &in.Count, &in.Usual, &in.WindowSeconds,
		&in.Status, &opened, &closed); err != nil {
		return in, err
	}
	if err := json.Unmarshal([]byte(examples), &in.Examples); err != nil {
		return in, fmt.Errorf("examples of incident %q: %w", in.ID, err)
	}
	in.OpenedAt, in.ClosedAt = fromMicros(opened), deliveryTime(closed)
	return in, nil
}

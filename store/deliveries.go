package store

import (
	"context"
	"encoding/json"
	"time"
)

// Delivery statuses. A delivery is pending until it was accepted by its
// channel (delivered) or gave up (failed: a permanent refusal or too many
// attempts).
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one notification of one event through one channel (a webhook
// or an e-mail list). It is recorded before anything is sent, so that a
// restart resumes what was not delivered yet, and its ID stays the same on
// every attempt so that a receiver can drop repeats.
type Delivery struct {
	// ID is derived from the event and the channel: the same event through
	// the same channel is always the same delivery.
	ID             string `json:"id"`
	EventID        string `json:"event_id"`
	EventType      string `json:"event_type"`
	Channel        string `json:"channel"` // "webhook:NAME" or "email:NAME"
	ConversationID string `json:"conversation_id,omitempty"`
	// Payload is the event as it was when notified, JSON, so that a resumed
	// delivery sends what the first attempt would have sent.
	Payload    json.RawMessage `json:"payload,omitempty"`
	Status     string          `json:"status"`
	Attempts   int             `json:"attempts"`
	LastError  string          `json:"last_error,omitempty"`
	LastStatus int             `json:"last_status,omitempty"` // HTTP or SMTP status code of the last attempt, 0 when none
	// NextAttemptAt is when a pending delivery is tried next; zero once it
	// is no longer pending.
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	// DeliveredAt is when the channel accepted it; zero until then.
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
}

// Deliveries is the durable log of outgoing notifications: the notify
// package writes a row per channel before sending and updates it after each
// attempt; the console shows it to admins.
type Deliveries interface {
	// AddDeliveries stores new deliveries in one transaction (all or none).
	// A delivery whose ID is already stored is left as it is, so notifying
	// the same event again never makes a second delivery. Zero CreatedAt,
	// UpdatedAt and NextAttemptAt become now; an empty Status is pending.
	AddDeliveries(ctx context.Context, ds []Delivery) error
	// UpdateDelivery records the outcome of an attempt: Status, Attempts,
	// LastError, LastStatus, NextAttemptAt and DeliveredAt (UpdatedAt
	// becomes now). It returns ErrNotFound for an unknown ID.
	UpdateDelivery(ctx context.Context, d Delivery) error
	// Delivery returns one delivery or ErrNotFound.
	Delivery(ctx context.Context, id string) (Delivery, error)
	// PendingDeliveries returns up to limit (0: all) pending deliveries, the
	// one due first first (then in the order they were created).
	PendingDeliveries(ctx context.Context, limit int) ([]Delivery, error)
	// ListDeliveries returns up to limit (0: all) deliveries of any status,
	// the newest first (by CreatedAt, then ID).
	ListDeliveries(ctx context.Context, limit int) ([]Delivery, error)
}

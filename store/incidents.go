package store

import (
	"context"
	"time"
)

// Incident states.
const (
	IncidentOpen   = "open"
	IncidentClosed = "closed"
)

// Timeline entry kinds of an incident, in the order they usually come.
const (
	IncidentOpened       = "opened"
	IncidentAcknowledged = "acknowledged"
	IncidentStatus       = "status" // a status message was posted (Text)
	IncidentClosedEntry  = "closed"
)

// Incident is a burst of visitors asking about one thing, from the
// detector's alert until a decision maker closes it.
type Incident struct {
	ID    string `json:"id"`
	State string `json:"state"` // IncidentOpen or IncidentClosed
	// Label names the topic (a question near the cluster's centre);
	// Examples are questions from the burst.
	Label    string   `json:"label"`
	Examples []string `json:"examples"`
	// Count questions came in the window when it opened; Usual is the
	// baseline's mean for such a window.
	Count         int     `json:"count"`
	Usual         float64 `json:"usual"`
	WindowSeconds int     `json:"window_seconds"`
	// Status is the latest status message ("" before one is posted).
	Status   string    `json:"status"`
	OpenedAt time.Time `json:"opened_at"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// IncidentEntry is one step of an incident's timeline.
type IncidentEntry struct {
	IncidentID string    `json:"incident_id"`
	Kind       string    `json:"kind"`             // one of the Incident* entry kinds
	Author     string    `json:"author,omitempty"` // who acted; "" for the detector
	Text       string    `json:"text,omitempty"`   // the status message
	At         time.Time `json:"at"`
}

// Incidents keeps the incidents and their timelines.
type Incidents interface {
	// OpenIncident stores a new open incident with its "opened" entry (at
	// OpenedAt, zero: now) in one transaction and reports whether it was
	// new: an ID already stored is left as it is (created false), so an
	// alert stored twice is one incident.
	OpenIncident(ctx context.Context, in Incident) (created bool, err error)
	// Incident returns one incident or ErrNotFound.
	Incident(ctx context.Context, id string) (Incident, error)
	// ListIncidents returns at most limit incidents (0: all), the open
	// ones first, each group newest first.
	ListIncidents(ctx context.Context, limit int) ([]Incident, error)
	// AddIncidentEntry appends an acknowledged, status or closed entry (zero
	// At: now) and applies it in the same transaction: a status entry sets
	// Status, a closed entry closes the incident. It returns ErrNotFound for
	// an unknown incident and ErrConflict when it is already closed.
	AddIncidentEntry(ctx context.Context, e IncidentEntry) (Incident, error)
	// IncidentTimeline returns an incident's entries in order, or
	// ErrNotFound.
	IncidentTimeline(ctx context.Context, id string) ([]IncidentEntry, error)
}

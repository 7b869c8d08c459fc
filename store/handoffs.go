package store

import (
	"context"
	"errors"
	"time"
)

// ErrConflict is returned by UpdateHandoff when the handoff changed since it
// was read (its Version moved on): someone else claimed, transferred or
// closed it first. The caller re-reads and decides again.
var ErrConflict = errors.New("changed meanwhile")

// Handoff states. A conversation has at most one open handoff at a time.
const (
	HandoffOpen   = "open"
	HandoffClosed = "closed"
)

// Outcomes of a closed handoff.
const (
	OutcomeResolved   = "resolved"    // an agent resolved it with a category
	OutcomeHandedBack = "handed_back" // an agent gave the conversation back to the bot
	OutcomeDropped    = "dropped"     // the conversation left the queue by other means (reconciled)
)

// Handoff is one escalation of a conversation to people: who must take it
// (Team, AssigneeID), by when (DueAt), how far up the escalation chain it
// was paged (Level) and how it ended. It is the durable record that keeps an
// escalation from being dropped across restarts.
type Handoff struct {
	ID             string `json:"id"`
	ConversationID string `json:"conversation_id"`
	Site           string `json:"site"`
	// Reason is the escalation reason code ("sensitive:billing").
	Reason string `json:"reason"`
	// Team is the team it is routed to; "" means every agent.
	Team string `json:"team,omitempty"`
	// Priority: 0 most urgent, larger later.
	Priority int    `json:"priority"`
	State    string `json:"state"` // HandoffOpen or HandoffClosed
	// AssigneeID and AssigneeName are the user who owns it; "" while it
	// waits in the queue.
	AssigneeID   string `json:"assignee_id,omitempty"`
	AssigneeName string `json:"assignee_name,omitempty"`
	// Note is the handoff note of the latest transfer or return to the
	// queue, shown first to the next person.
	Note string `json:"note,omitempty"`
	// Level is how many decision makers of the chain were paged.
	Level int `json:"level"`
	// DueAt is the acknowledgement deadline (the SLA); NextPageAt is when
	// the next level of the chain is paged, zero when nobody is left to page
	// or it was acknowledged.
	DueAt      time.Time `json:"due_at"`
	NextPageAt time.Time `json:"next_page_at"`
	// AckedAt is the first claim (zero until acknowledged); ClaimedAt the
	// latest claim or assignment.
	AckedAt   time.Time `json:"acked_at"`
	ClaimedAt time.Time `json:"claimed_at"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	ClosedAt  time.Time `json:"closed_at"`
	// Outcome, Category and Summary say how it ended (closed only).
	Outcome  string `json:"outcome,omitempty"`
	Category string `json:"category,omitempty"`
	Summary  string `json:"summary,omitempty"`
	// ClosedBy is the user who resolved or handed back.
	ClosedBy string `json:"closed_by,omitempty"`
	// Version counts the updates; UpdateHandoff succeeds only on the
	// version it was read at.
	Version int64 `json:"version"`
}

// VisitorQuery finds a visitor's other conversations on a site, by a
// verified user_id attribute or by e-mail address (either may be empty; both
// empty finds nothing).
type VisitorQuery struct {
	Site   string
	UserID string
	// VerifiedUserID matches UserID only on conversations whose identity
	// the site proved (attribute identity_verified = "true"), so that an
	// unverified user_id from before the site had an identity secret does
	// not pass for the same customer.
	VerifiedUserID bool
	Email          string
	Exclude        string // a conversation to leave out (the current one)
	Limit          int    // 0 means 20
}

// Handoffs stores escalation records: what the handoff desk needs to keep
// every escalation owned across restarts. It is its own interface so that a
// store can grow it without touching store.Store.
type Handoffs interface {
	// CreateHandoff stores a new open handoff; ID must be set. A second open
	// handoff of the same conversation fails with ErrExists.
	CreateHandoff(ctx context.Context, h Handoff) error
	// Handoff returns one handoff or ErrNotFound.
	Handoff(ctx context.Context, id string) (Handoff, error)
	// OpenHandoff returns the conversation's open handoff or ErrNotFound.
	OpenHandoff(ctx context.Context, conversationID string) (Handoff, error)
	// UpdateHandoff stores every field of h but ID, ConversationID and
	// CreatedAt, provided the stored Version equals h.Version; it returns h
	// as stored, with Version one higher. Otherwise it fails with
	// ErrConflict (ErrNotFound when there is no such handoff). This
	// conditional update is what lets exactly one of concurrent claims win,
	// also across instances.
	UpdateHandoff(ctx context.Context, h Handoff) (Handoff, error)
	// OpenHandoffs returns every open handoff, oldest first.
	OpenHandoffs(ctx context.Context) ([]Handoff, error)
	// ConversationHandoffs returns the conversation's handoffs, oldest first.
	ConversationHandoffs(ctx context.Context, conversationID string) ([]Handoff, error)
	// AckedHandoffs returns up to limit handoffs most recently acknowledged,
	// newest first: the measured response times behind a visitor's wait.
	AckedHandoffs(ctx context.Context, limit int) ([]Handoff, error)
	// ConversationsByState returns conversations in state, most recently
	// updated first; limit 0 means all.
	ConversationsByState(ctx context.Context, state string, limit int) ([]Conversation, error)
	// VisitorConversations returns q's visitor's conversations, newest
	// first.
	VisitorConversations(ctx context.Context, q VisitorQuery) ([]Conversation, error)
}

// Package store is the source of truth: conversations, their message logs,
// participants and events, and the knowledge base's articles. The default is
// SQLite in the data directory (pure Go); the SQL is kept portable so that a
// PostgreSQL implementation can satisfy the same interface.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// ErrNotFound is returned when a conversation (or other record) does not exist.
var ErrNotFound = errors.New("not found")

// Conversation states, as the visitor protocol names them.
const (
	StateBot     = "bot"
	StateWaiting = "waiting"
	StateHuman   = "human"
	StateClosed  = "closed"
)

// Message authors, as the visitor protocol names them.
const (
	FromVisitor = "visitor"
	FromBot     = "bot"
	FromAgent   = "agent"
	FromSystem  = "system"
)

// Conversation is one visitor's thread with the bot and the people behind it.
type Conversation struct {
	ID         string            `json:"id"`
	Site       string            `json:"site"`
	State      string            `json:"state"`
	Reason     string            `json:"reason,omitempty"` // why it left the bot, e.g. "sensitive:billing"
	Locale     string            `json:"locale,omitempty"`
	Page       string            `json:"page,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Email      string            `json:"email,omitempty"`
	LastSeq    int64             `json:"last_seq"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// Source is an article a bot answer was taken from.
type Source struct {
	ArticleID string `json:"article_id,omitempty"`
	Title     string `json:"title"`
	URL       string `json:"url,omitempty"`
}

// Message is one entry of a conversation's log. Seq is assigned by the store:
// per conversation, starting at 1, gap-free and never reused.
type Message struct {
	ConversationID string          `json:"conversation_id"`
	Seq            int64           `json:"seq"`
	ClientID       string          `json:"client_id,omitempty"`
	From           string          `json:"from"`
	Author         string          `json:"author,omitempty"`
	Text           string          `json:"text"`
	Sources        []Source        `json:"sources,omitempty"`
	Meta           json.RawMessage `json:"meta,omitempty"` // e.g. the bot's decision record
	At             time.Time       `json:"at"`
}

// Event is an append-only record of something that happened to a
// conversation besides a message: state changes, feedback, contact details.
type Event struct {
	ConversationID string          `json:"conversation_id"`
	Kind           string          `json:"kind"` // "state", "feedback", "contact", "participant", ...
	Data           json.RawMessage `json:"data,omitempty"`
	At             time.Time       `json:"at"`
}

// Participant is someone connected to or responsible for a conversation.
type Participant struct {
	ConversationID string    `json:"conversation_id"`
	Kind           string    `json:"kind"` // "visitor", "bot", "agent"
	Name           string    `json:"name"`
	JoinedAt       time.Time `json:"joined_at"`
}

// Store is the narrow interface the rest of andon depends on.
type Store interface {
	// CreateConversation stores a new conversation; ID must be set by the caller.
	CreateConversation(ctx context.Context, c Conversation) error
	// Conversation returns one conversation or ErrNotFound.
	Conversation(ctx context.Context, id string) (Conversation, error)
	// UpdateConversation changes state, reason, locale, page, attributes and
	// email (not LastSeq, which only AppendMessage moves).
	UpdateConversation(ctx context.Context, c Conversation) error

	// AppendMessage durably stores m with the conversation's next seq and
	// returns it as stored. If m.ClientID is not empty and a message with that
	// ClientID is already stored in the conversation, nothing is written and
	// the original message is returned with duplicate = true. When it returns
	// without error the message survives a crash (it is committed).
	AppendMessage(ctx context.Context, m Message) (stored Message, duplicate bool, err error)
	// Messages returns the messages with seq > afterSeq in seq order.
	Messages(ctx context.Context, conversationID string, afterSeq int64) ([]Message, error)
	// MessagesAfter is one page of Messages: at most limit messages with
	// seq > afterSeq in seq order, and no more after the one whose text
	// brings the page to maxBytes or beyond (a page holds at least one
	// message, however large). maxBytes <= 0 means no byte bound. Replaying
	// a long log page by page keeps a reader's memory to one page.
	MessagesAfter(ctx context.Context, conversationID string, afterSeq int64, limit, maxBytes int) ([]Message, error)
	// DeleteEmptyConversations deletes up to limit conversations that never
	// had a message (LastSeq 0) created before createdBefore, with their
	// events and participants, and returns how many it deleted.
	DeleteEmptyConversations(ctx context.Context, createdBefore time.Time, limit int) (int, error)
	// MessagesBefore returns at most limit messages with seq < beforeSeq
	// (beforeSeq <= 0: the newest), the latest of them, in seq order: a
	// page of a transcript read backwards from its end.
	MessagesBefore(ctx context.Context, conversationID string, beforeSeq int64, limit int) ([]Message, error)

	AddEvent(ctx context.Context, e Event) error
	Events(ctx context.Context, conversationID string) ([]Event, error)
	AddParticipant(ctx context.Context, p Participant) error
	Participants(ctx context.Context, conversationID string) ([]Participant, error)

	// Ping reports whether the store is usable (for /readyz).
	Ping(ctx context.Context) error
	Close() error

	Grouper
}

// Grouper commits a group of writes together: a desk action (a claim, a
// transfer, a resolution) is a handoff update, events, a participant, a
// system message and a state change that must all land or none of them,
// so that a crash or a failing write in the middle leaves nothing to
// repair.
type Grouper interface {
	// Atomically runs fn with a context that joins every write made
	// through this store with it (ctx and contexts derived from it) into
	// one transaction: when fn returns nil they are committed together
	// before Atomically returns; when fn returns an error, or a write fails
	// and fn passes the error on, none of them is kept and the error is
	// returned. A write whose error fn ignores is undone alone. Reads
	// inside fn may or may not see fn's own writes (SQLite reads what was
	// committed before; a PostgreSQL store reads through the transaction),
	// so read before and write inside. fn must be short and must not wait
	// for anything that may itself wait for a write of this store (on
	// SQLite every other write waits for fn). A nested Atomically joins the
	// outer group. Using the context after Atomically has returned is an
	// error.
	Atomically(ctx context.Context, fn func(ctx context.Context) error) error
}

package handoff

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/store"
)

// Errors the console turns into stable codes. They may be wrapped: compare
// with errors.Is.
var (
	// ErrClaimed: someone else owns the conversation (another claim won).
	ErrClaimed = errors.New("claimed by someone else")
	// ErrNotOwner: only the agent who owns the conversation may do this.
	ErrNotOwner = errors.New("not the owner")
	// ErrNotFound: no such conversation, or it is not with the desk.
	ErrNotFound = errors.New("not found")
	// ErrBadCategory: a resolve category that the configuration does not list.
	ErrBadCategory = errors.New("unknown category")
	// ErrNoTarget: a transfer to nobody, an unknown or disabled agent, or
	// an unknown team.
	ErrNoTarget = errors.New("no such transfer target")
	// ErrNoteRequired: a transfer without a handoff note.
	ErrNoteRequired = errors.New("a handoff note is required")
	// ErrBadRequest: an empty text, an unknown presence status or learning
	// kind, and the like.
	ErrBadRequest = errors.New("bad request")
	// ErrClosed: the desk is shutting down.
	ErrClosed = errors.New("handoff desk closed")
)

// Presence statuses.
const (
	StatusOnline  = "online"
	StatusAway    = "away"
	StatusOffline = "offline"
)

// Event types a desk subscriber receives.
const (
	EventItem        = "item"         // a queue item was added or changed (Item)
	EventItemRemoved = "item_removed" // it left the desk: resolved, handed back (ConversationID)
	EventNote        = "note"         // an internal note was added (ConversationID, Note)
	EventPresence    = "presence"     // an agent's presence changed (Presence: everyone's)
	EventPage        = "page"         // the SLA was missed and the chain paged (Item, Level, Paged)
)

// Note kinds.
const (
	NoteInternal = "note"     // written by an agent
	NoteTransfer = "transfer" // the handoff note of a transfer
	NoteReturn   = "return"   // written by the desk when a conversation returns to the queue
	NoteHandBack = "handback" // written when an agent hands back to the bot
)

// Agent is the person acting at the desk: a store.User as the console
// knows them (IDs are store.User IDs).
type Agent struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Role  string   `json:"role"`
	Teams []string `json:"teams"`
}

// AgentFromUser is the desk's view of a console user.
func AgentFromUser(u store.User) Agent {
	return Agent{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Teams: u.Teams}
}

// Item is one row of the queue or of an agent's own conversations.
type Item struct {
	ConversationID string `json:"conversation_id"`
	HandoffID      string `json:"handoff_id"`
	Site           string `json:"site"`
	State          string `json:"state"` // the conversation's state: waiting, human, closed, bot
	Reason         string `json:"reason"`
	ReasonText     string `json:"reason_text"`
	Team           string `json:"team,omitempty"`
	// Priority: 0 most urgent (sensitive:*, frustration:*, personal_data:*),
	// 1 asked_for_human and negative_feedback, 2 the others.
	Priority int `json:"priority"`
	// AssigneeID and AssigneeName are "" while the item is in the queue.
	AssigneeID   string    `json:"assignee_id,omitempty"`
	AssigneeName string    `json:"assignee_name,omitempty"`
	EscalatedAt  time.Time `json:"escalated_at"`
	// DueAt is the deadline for someone to claim it; zero while it is owned.
	DueAt   time.Time `json:"due_at,omitzero"`
	AckedAt time.Time `json:"acked_at,omitzero"`
	// Level is how far up the escalation chain it was paged.
	Level   int    `json:"level"`
	Preview string `json:"preview,omitempty"` // the visitor's latest message
	// Question is what the visitor asked that escalated: two rows that both
	// end in "talk to a person" still say what each is about.
	Question     string `json:"question,omitempty"`
	VisitorName  string `json:"visitor_name,omitempty"`
	VisitorEmail string `json:"visitor_email,omitempty"`
	Locale       string `json:"locale,omitempty"`
	Page         string `json:"page,omitempty"`
	// Note is the handoff note of the latest transfer or return to the
	// queue, shown first to the next person.
	Note string `json:"note,omitempty"`
	// Unread counts visitor messages since the owner's last reply.
	Unread int `json:"unread"`
	// Outcome, Category and Summary are set for history items.
	Outcome  string    `json:"outcome,omitempty"`
	Category string    `json:"category,omitempty"`
	Summary  string    `json:"summary,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// Note is an internal note on a conversation: agents see it, the visitor
// never does. It is kept as a store event of kind "note".
type Note struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversation_id"`
	Kind           string    `json:"kind"` // NoteInternal, NoteTransfer, NoteReturn, NoteHandBack
	AuthorID       string    `json:"author_id,omitempty"`
	AuthorName     string    `json:"author_name,omitempty"`
	Text           string    `json:"text"`
	At             time.Time `json:"at"`
}

// Transfer passes a conversation on: to an agent (ToAgentID), to a team's
// queue (ToTeam), or to an agent as a member of a team (both). Note is
// required: the next person reads it first.
type Transfer struct {
	ToAgentID string `json:"to_agent_id,omitempty"`
	ToTeam    string `json:"to_team,omitempty"`
	Note      string `json:"note"`
}

// Resolution closes a conversation: Category must be one of the
// configuration's handoff.categories.
type Resolution struct {
	Category string    `json:"category"`
	Summary  string    `json:"summary,omitempty"`
	Learn    *Learning `json:"learn,omitempty"`
}

// Learning kinds.
const (
	LearnExample = "example" // add the visitor's question to an article's example questions
	LearnDraft   = "draft"   // save a reply as a draft article for the editors
)

// Learning is what a resolved conversation teaches the knowledge base.
// For LearnExample, ArticleID is required and Question defaults to the
// visitor's question before the escalation; for LearnDraft, Text defaults to
// the agent's last reply and Title to the visitor's question.
type Learning struct {
	Kind      string `json:"kind"`
	ArticleID string `json:"article_id,omitempty"`
	Question  string `json:"question,omitempty"`
	Title     string `json:"title,omitempty"`
	Text      string `json:"text,omitempty"`
	// DraftID is set by Resolve to the draft article it saved.
	DraftID string `json:"draft_id,omitempty"`
}

// AgentPresence is an agent's availability as the desk sees it.
type AgentPresence struct {
	Agent
	Status string `json:"status"` // online, away, offline
	// Connections counts the agent's open consoles.
	Connections int       `json:"connections"`
	Since       time.Time `json:"since"`
	// Open is how many conversations the agent owns.
	Open int `json:"open"`
}

// Event is something agents' consoles show live.
type Event struct {
	Type           string          `json:"type"`
	Item           *Item           `json:"item,omitempty"`
	ConversationID string          `json:"conversation_id,omitempty"`
	Note           *Note           `json:"note,omitempty"`
	Presence       []AgentPresence `json:"presence,omitempty"`
	Level          int             `json:"level,omitempty"`
	Paged          []string        `json:"paged,omitempty"`
}

// Filter selects conversations for the history list.
type Filter struct {
	// State is a conversation state; "" means closed.
	State string `json:"state,omitempty"`
	// Limit bounds the list; 0 means 50.
	Limit int `json:"limit,omitempty"`
}

// Context is everything an agent sees beside the chat.
type Context struct {
	Conversation store.Conversation `json:"conversation"`
	// Messages are a page of the transcript (Desk.ContextPage), in seq
	// order; HasMore is true when older ones exist.
	Messages []store.Message `json:"messages"`
	HasMore  bool            `json:"has_more"`
	// HandoffNote is the latest transfer or return note, shown first.
	HandoffNote string `json:"handoff_note,omitempty"`
	// Notes are the internal notes, oldest first.
	Notes []Note `json:"notes"`
	// Decision is why the bot escalated, with what it retrieved; nil when
	// the escalation carried no decision (the visitor asked for a person).
	Decision *Decision `json:"decision,omitempty"`
	Visitor  Visitor   `json:"visitor"`
	// Earlier are the visitor's other conversations, newest first: on a
	// site with an identity secret those of the verified user_id only (none
	// for an unverified visitor); on a site without one those with the
	// e-mail address the visitor gave, which nothing proves.
	Earlier []Earlier `json:"earlier"`
	// EarlierUnverified is true when any of Earlier was matched by an
	// unproven e-mail address: the console labels the section so that an
	// agent does not take it for this customer's history.
	EarlierUnverified bool `json:"earlier_unverified"`
	// Handoff is the open handoff, or the latest one; nil when never
	// escalated.
	Handoff *store.Handoff `json:"handoff,omitempty"`
	// Item is the conversation as a queue row.
	Item *Item `json:"item,omitempty"`
}

// Decision is the bot's decision at the escalation, in the words an agent
// reads.
type Decision struct {
	Action     bot.Action      `json:"action"`
	Reason     string          `json:"reason"`
	ReasonText string          `json:"reason_text"`
	Rule       string          `json:"rule,omitempty"`
	Confidence float64         `json:"confidence"`
	Candidates []bot.Candidate `json:"candidates,omitempty"`
	Raw        json.RawMessage `json:"raw,omitempty"`
}

// Visitor is what the site and the visitor told about themselves.
type Visitor struct {
	Name       string            `json:"name,omitempty"`
	Email      string            `json:"email,omitempty"`
	Locale     string            `json:"locale,omitempty"`
	Page       string            `json:"page,omitempty"`
	Device     string            `json:"device,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// Verified is true when the site vouched for the user_id attribute with
	// its identity HMAC: the widget stored identity_verified = "true".
	Verified bool `json:"verified"`
	// Online is whether the visitor has the chat open now.
	Online bool `json:"online"`
}

// How an earlier conversation was matched to the visitor (Earlier.MatchedBy).
const (
	MatchUserID = "user_id" // the same user_id, verified by the site's identity HMAC
	MatchEmail  = "email"   // the same e-mail address, as the visitor gave it: unproven
)

// attrIdentityVerified is the attribute the widget sets to "true" when the
// site's identity HMAC proved user_id (widget.AttrIdentityVerified).
const attrIdentityVerified = "identity_verified"

// Earlier is one of the visitor's other conversations.
type Earlier struct {
	ID string `json:"id"`
	// MatchedBy is MatchUserID or MatchEmail; Verified is true only for
	// MatchUserID, whose identity the site proved.
	MatchedBy string    `json:"matched_by"`
	Verified  bool      `json:"verified"`
	State     string    `json:"state"`
	Reason    string    `json:"reason,omitempty"`
	Category  string    `json:"category,omitempty"`
	Summary   string    `json:"summary,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

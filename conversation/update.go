package conversation

import "github.com/andon-chat/andon/store"

// Kind says what an Update carries.
type Kind string

// The kinds of update a conversation fans out. They mirror the visitor
// protocol's server frames so that an endpoint can translate one update into
// one frame without knowing how it came about.
const (
	KindMessage Kind = "message" // a committed message (Message is set)
	KindDelta   Kind = "delta"   // a streamed piece of the message Seq (Seq, Text)
	KindState   Kind = "state"   // the conversation changed state (State, Reason, ETASeconds, Author)
	KindTyping  Kind = "typing"  // someone started or stopped typing (From, Author, On); never stored
	// KindPresence: whether the visitor is there changed (Presence); for
	// agents, never stored and not sent to the visitor.
	KindPresence Kind = "presence"
)

// Whether the visitor is there, as agents see it.
const (
	PresenceHere = "here" // a tab of theirs is connected and visible
	PresenceAway = "away" // connected, but every tab is hidden (another tab, minimised)
	PresenceLeft = "left" // no tab connected to this instance
)

// Update is one thing that happened in a conversation, as every subscriber
// receives it. The hub hands the same *Update to all subscribers, so they
// must treat it as read-only. It is plain data with JSON tags so that a
// Bus can carry it between instances.
type Update struct {
	ConversationID string         `json:"conversation_id"`
	Kind           Kind           `json:"kind"`
	Message        *store.Message `json:"message,omitempty"`
	Seq            int64          `json:"seq,omitempty"`
	Text           string         `json:"text,omitempty"`
	// State is the new state on a state update, and the conversation's
	// state when the message was committed on a message update (so that
	// a subscriber such as the desk need not read the store for it).
	State  string `json:"state,omitempty"`
	Reason string `json:"reason,omitempty"`
	// ETASeconds is the expected wait for a person; nil when nobody is on
	// duty, which tells the widget to ask for an e-mail address instead.
	ETASeconds *int   `json:"eta_seconds,omitempty"`
	From       string `json:"from,omitempty"`
	On         bool   `json:"on,omitempty"`
	// Author is the display name of the person on the other side, as their
	// messages carry it: on a typing update from an agent, and on a state
	// update to human (the agent who took the conversation), so that the
	// visitor can be told who is there before that person writes. "" when
	// unknown: clients fall back to the latest agent message's author.
	Author string `json:"author,omitempty"`
	// Presence is the visitor's presence on a presence update.
	Presence string `json:"presence,omitempty"`
}

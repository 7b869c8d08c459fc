// Package bot makes the decision for each visitor message: answer from the
// knowledge base, ask one clarifying question, reply to small talk, or pull
// the cord and escalate to a person, and it records why.
package bot

import "github.com/andon-chat/andon/store"

// Action is what the bot does with a visitor's message.
type Action string

const (
	Answer    Action = "answer"    // a confident answer from one article
	Clarify   Action = "clarify"   // two or three close candidates: ask which one
	SmallTalk Action = "smalltalk" // hi, thanks, bye: a short friendly reply
	Escalate  Action = "escalate"  // pull the cord: a person takes over
)

// Turn is everything the bot knows when deciding about one visitor message.
type Turn struct {
	Text    string
	Locale  string   // the visitor's locale from hello, e.g. "sv-SE"; may be empty
	History []string // the visitor's earlier messages in this conversation, oldest first
}

// Candidate is one retrieved article with the scores that ranked it.
type Candidate struct {
	ArticleID       string  `json:"article_id"`
	Title           string  `json:"title"`
	URL             string  `json:"url,omitempty"`
	Score           float64 `json:"score"`   // fused score used for the decision
	Lexical         float64 `json:"lexical"` // BM25 score
	Vector          float64 `json:"vector"`  // cosine similarity
	MatchedQuestion string  `json:"matched_question,omitempty"`
	Chunk           string  `json:"chunk,omitempty"`
}

// Decision is the bot's verdict with its reasons: what a human sees on
// escalation and what `andon eval` scores.
type Decision struct {
	Action     Action         `json:"action"`
	Reason     string         `json:"reason,omitempty"` // escalation code: asked_for_human, sensitive:billing, personal_data:card, frustration:repeat, negative_feedback, low_confidence, ...
	Rule       string         `json:"rule,omitempty"`   // the rule or pattern that fired
	Reply      string         `json:"reply"`            // text for the visitor, in their language
	Lang       string         `json:"lang"`             // language of Reply
	Sources    []store.Source `json:"sources,omitempty"`
	Candidates []Candidate    `json:"candidates,omitempty"`
	Confidence float64        `json:"confidence"`
	ArticleID  string         `json:"article_id,omitempty"` // the answered article, for Answer
}

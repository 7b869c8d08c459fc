package console

import (
	"time"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

// The API's JSON shapes (docs/api.md). They are the console's own types,
// converted from the desk's, so that a rename inside the desk cannot change
// the documented API by accident.

// itemJSON is one row of the queue.
type itemJSON struct {
	ConversationID string `json:"conversation_id"`
	HandoffID      string `json:"handoff_id"`
	Site           string `json:"site"`
	State          string `json:"state"`
	Reason         string `json:"reason"`
	ReasonText     string `json:"reason_text"`
	// ReasonTexts says the reason in every console language: item frames
	// are encoded once for all agents, whatever language each one reads.
	ReasonTexts  map[string]string `json:"reason_texts"`
	Team         string            `json:"team"`
	Priority     int               `json:"priority"`
	AssigneeID   string            `json:"assignee_id"`
	AssigneeName string            `json:"assignee_name"`
	EscalatedAt  *time.Time        `json:"escalated_at,omitempty"`
	DueAt        *time.Time        `json:"due_at,omitempty"`
	AckedAt      *time.Time        `json:"acked_at,omitempty"`
	Level        int               `json:"level"`
	Preview      string            `json:"preview"`
	Question     string            `json:"question"`
	VisitorName  string            `json:"visitor_name"`
	VisitorEmail string            `json:"visitor_email"`
	Locale       string            `json:"locale"`
	Page         string            `json:"page"`
	Note         string            `json:"note"`
	Unread       int               `json:"unread"`
	// History only: how it ended.
	Outcome  string     `json:"outcome,omitempty"`
	Category string     `json:"category,omitempty"`
	Summary  string     `json:"summary,omitempty"`
	ClosedAt *time.Time `json:"closed_at,omitempty"`
}

// optTime is nil for the zero time, so an unset time is left out.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toItem(it handoff.Item) itemJSON {
	return itemJSON{
		ConversationID: it.ConversationID,
		HandoffID:      it.HandoffID,
		Site:           it.Site,
		State:          it.State,
		Reason:         it.Reason,
		ReasonText:     it.ReasonText,
		ReasonTexts:    reasonTexts(it.Reason),
		Team:           it.Team,
		Priority:       it.Priority,
		AssigneeID:     it.AssigneeID,
		AssigneeName:   it.AssigneeName,
		EscalatedAt:    optTime(it.EscalatedAt),
		DueAt:          optTime(it.DueAt),
		AckedAt:        optTime(it.AckedAt),
		Level:          it.Level,
		Preview:        it.Preview,
		Question:       it.Question,
		VisitorName:    it.VisitorName,
		VisitorEmail:   it.VisitorEmail,
		Locale:         it.Locale,
		Page:           it.Page,
		Note:           it.Note,
		Unread:         it.Unread,
		Outcome:        it.Outcome,
		Category:       it.Category,
		Summary:        it.Summary,
		ClosedAt:       optTime(it.ClosedAt),
	}
}

func toItems(its []handoff.Item) []itemJSON {
	out := make([]itemJSON, 0, len(its))
	for _, it := range its {
		out = append(out, toItem(it))
	}
	return out
}

// noteJSON is an internal note or a handoff note.
type noteJSON struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversation_id"`
	AuthorID       string    `json:"author_id"`
	AuthorName     string    `json:"author_name"`
	Kind           string    `json:"kind"`
	Text           string    `json:"text"`
	At             time.Time `json:"at"`
}

func toNote(n handoff.Note) noteJSON {
	return noteJSON{
		ID: n.ID, ConversationID: n.ConversationID, AuthorID: n.AuthorID, AuthorName: n.AuthorName,
		Kind: n.Kind, Text: n.Text, At: n.At.UTC(),
	}
}

// presenceJSON is one agent's presence.
type presenceJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Status    string   `json:"status"`
	Teams     []string `json:"teams"`
	Connected bool     `json:"connected"`
	Open      int      `json:"open"`
}

func toPresence(ps []handoff.AgentPresence) []presenceJSON {
	out := make([]presenceJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, presenceJSON{ID: p.ID, Name: p.Name, Status: p.Status, Teams: nonNil(p.Teams), Connected: p.Connections > 0, Open: p.Open})
	}
	return out
}

// userJSON is the signed-in agent as the WebSocket hello shows it.
type userJSON struct {
	ID    string   `json:"id"`
	Email string   `json:"email"`
	Name  string   `json:"name"`
	Role  string   `json:"role"`
	Teams []string `json:"teams"`
}

func toUser(u store.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Teams: nonNil(u.Teams)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// contextJSON is everything about one conversation (GET /api/conversations/{id}).
type contextJSON struct {
	Conversation store.Conversation `json:"conversation"`
	Item         *itemJSON          `json:"item,omitempty"`
	Messages     []store.Message    `json:"messages"`
	HasMore      bool               `json:"has_more"`
	Notes        []noteJSON         `json:"notes"`
	HandoffNote  string             `json:"handoff_note,omitempty"`
	Reason       string             `json:"reason,omitempty"`
	ReasonText   string             `json:"reason_text,omitempty"`
	ReasonTexts  map[string]string  `json:"reason_texts,omitempty"`
	Decision     *decisionJSON      `json:"decision,omitempty"`
	Visitor      visitorJSON        `json:"visitor"`
	Earlier      []earlierJSON      `json:"earlier"`
	// EarlierUnverified: some of Earlier were matched by an e-mail address
	// nothing proves (handoff.Context.EarlierUnverified).
	EarlierUnverified bool `json:"earlier_unverified"`
}

type decisionJSON struct {
	Action     string          `json:"action"`
	Reason     string          `json:"reason"`
	ReasonText string          `json:"reason_text"`
	Rule       string          `json:"rule,omitempty"`
	Confidence float64         `json:"confidence"`
	Candidates []candidateJSON `json:"candidates"`
}

type candidateJSON struct {
	ArticleID       string  `json:"article_id"`
	Title           string  `json:"title"`
	URL             string  `json:"url,omitempty"`
	Score           float64 `json:"score"`
	Lexical         float64 `json:"lexical"`
	Vector          float64 `json:"vector"`
	MatchedQuestion string  `json:"matched_question,omitempty"`
}

type visitorJSON struct {
	Name       string            `json:"name,omitempty"`
	Email      string            `json:"email,omitempty"`
	Locale     string            `json:"locale,omitempty"`
	Page       string            `json:"page,omitempty"`
	Device     string            `json:"device,omitempty"`
	Attributes map[string]string `json:"attributes"`
	Verified   bool              `json:"verified"`
	Online     bool              `json:"online"`
}

type earlierJSON struct {
	ID string `json:"id"`
	// MatchedBy is "user_id" (verified by the site) or "email" (as the
	// visitor gave it: unproven); Verified is true only for the first.
	MatchedBy string    `json:"matched_by"`
	Verified  bool      `json:"verified"`
	State     string    `json:"state"`
	Reason    string    `json:"reason,omitempty"`
	Category  string    `json:"category,omitempty"`
	Summary   string    `json:"summary,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func toContext(c handoff.Context) contextJSON {
	out := contextJSON{
		Conversation: c.Conversation,
		Messages:     c.Messages,
		HasMore:      c.HasMore,
		Notes:        make([]noteJSON, 0, len(c.Notes)),
		HandoffNote:  c.HandoffNote,
		Reason:       c.Conversation.Reason,
		Visitor: visitorJSON{
			Name: c.Visitor.Name, Email: c.Visitor.Email, Locale: c.Visitor.Locale, Page: c.Visitor.Page,
			Device: c.Visitor.Device, Attributes: c.Visitor.Attributes, Verified: c.Visitor.Verified, Online: c.Visitor.Online,
		},
		Earlier:           make([]earlierJSON, 0, len(c.Earlier)),
		EarlierUnverified: c.EarlierUnverified,
	}
	if out.Messages == nil {
		out.Messages = []store.Message{}
	}
	if out.Visitor.Attributes == nil {
		out.Visitor.Attributes = map[string]string{}
	}
	if c.Item != nil {
		it := toItem(*c.Item)
		out.Item = &it
		out.Reason, out.ReasonText = it.Reason, it.ReasonText
	}
	for _, n := range c.Notes {
		out.Notes = append(out.Notes, toNote(n))
	}
	if d := c.Decision; d != nil {
		dj := &decisionJSON{Action: string(d.Action), Reason: d.Reason, ReasonText: d.ReasonText, Rule: d.Rule,
			Confidence: d.Confidence, Candidates: make([]candidateJSON, 0, len(d.Candidates))}
		for _, k := range d.Candidates {
			dj.Candidates = append(dj.Candidates, candidateJSON{ArticleID: k.ArticleID, Title: k.Title, URL: k.URL,
				Score: k.Score, Lexical: k.Lexical, Vector: k.Vector, MatchedQuestion: k.MatchedQuestion})
		}
		out.Decision = dj
		if out.ReasonText == "" {
			out.Reason, out.ReasonText = d.Reason, d.ReasonText
		}
	}
	if out.ReasonText == "" && out.Reason != "" {
		out.ReasonText = handoff.ReasonText(out.Reason, "en")
	}
	if out.Reason != "" {
		out.ReasonTexts = reasonTexts(out.Reason)
	}
	for _, e := range c.Earlier {
		out.Earlier = append(out.Earlier, earlierJSON{ID: e.ID, MatchedBy: e.MatchedBy, Verified: e.Verified, State: e.State, Reason: e.Reason,
			Category: e.Category, Summary: e.Summary, CreatedAt: e.CreatedAt.UTC()})
	}
	return out
}

// consoleLangs are the languages the console's UI speaks.
var consoleLangs = []string{"en", "sv"}

// reasonTexts is a reason code in words in every console language.
func reasonTexts(code string) map[string]string {
	if code == "" {
		return nil
	}
	out := make(map[string]string, len(consoleLangs))
	for _, l := range consoleLangs {
		out[l] = handoff.ReasonText(code, l)
	}
	return out
}

package handoff

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/andon-chat/andon/bot"
	"github.com/andon-chat/andon/store"
)

// Context gathers what an agent needs beside the chat: the transcript, the
// internal notes with the latest handoff note first, why the bot escalated
// (in words, with the articles it retrieved and their scores), what the
// site and visitor told about themselves (with whether the identity is
// verified), the visitor's earlier conversations and the handoff record.
//
// Context carries the newest DefaultPageSize messages; ContextPage another
// page of them.
func (d *Desk) Context(ctx context.Context, convID string) (Context, error) {
	return d.ContextPage(ctx, convID, Page{})
}

// Page selects a window of a transcript: the Limit latest messages with
// seq < Before (Before 0: the newest). Limit 0 is DefaultPageSize; more
// than MaxPageSize is MaxPageSize.
type Page struct {
	Before int64
	Limit  int
}

// DefaultPageSize and MaxPageSize bound the messages one Context carries.
const (
	DefaultPageSize = 100
	MaxPageSize     = 500
)

// ContextPage is Context with the messages of page p; HasMore says whether
// older ones exist.
func (d *Desk) ContextPage(ctx context.Context, convID string, p Page) (Context, error) {
	if p.Limit <= 0 {
		p.Limit = DefaultPageSize
	}
	p.Limit = min(p.Limit, MaxPageSize)
	conv, err := d.st.Conversation(ctx, convID)
	if errors.Is(err, store.ErrNotFound) {
		return Context{}, fmt.Errorf("conversation %s: %w", convID, ErrNotFound)
	}
	if err != nil {
		return Context{}, err
	}
	out := Context{Conversation: conv, Notes: []Note{}, Earlier: []Earlier{}}
	// One more than asked tells whether there are older ones.
	if out.Messages, err = d.st.MessagesBefore(ctx, convID, p.Before, p.Limit+1); err != nil {
		return Context{}, err
	}
	if len(out.Messages) > p.Limit {
		out.Messages, out.HasMore = out.Messages[1:], true
	}
	evs, err := d.st.Events(ctx, convID)
	if err != nil {
		return Context{}, err
	}
	for _, e := range evs {
		if e.Kind != "note" {
			continue
		}
		var n Note
		if json.Unmarshal(e.Data, &n) == nil {
			out.Notes = append(out.Notes, n)
		}
	}
	if out.Decision, err = d.lastDecision(ctx, convID); err != nil {
		return Context{}, err
	}

	hs, err := d.st.ConversationHandoffs(ctx, convID)
	if err != nil {
		return Context{}, err
	}
	if len(hs) > 0 {
		h := hs[len(hs)-1]
		out.Handoff = &h
		out.HandoffNote = h.Note
		if it := d.entryItem(convID); it != nil {
			out.Item = it
		} else {
			out.Item = d.makeItem(h, conv, "", 0)
		}
	}
	if out.Decision == nil && conv.Reason != "" && out.Handoff != nil {
		out.Decision = &Decision{Action: bot.Escalate, Reason: out.Handoff.Reason, ReasonText: ReasonText(out.Handoff.Reason, "en")}
	}

	out.Visitor = d.visitor(conv)
	// Whose history the agent sees must not be the visitor's to choose. A
	// site with an identity secret proves its customers: only the verified
	// user_id's conversations count, never an e-mail address the visitor
	// typed. Without one, the e-mail is all there is: those conversations
	// are shown marked unverified.
	q := store.VisitorQuery{Site: conv.Site, Exclude: conv.ID, Limit: 20}
	matchedBy := MatchEmail
	if d.cfg.VerifiedSites[conv.Site] {
		if out.Visitor.Verified {
			q.UserID, q.VerifiedUserID, matchedBy = conv.Attributes["user_id"], true, MatchUserID
		}
	} else {
		q.Email = visitorEmail(conv)
	}
	earlier, err := d.st.VisitorConversations(ctx, q)
	if err != nil {
		return Context{}, err
	}
	for _, c := range earlier {
		e := Earlier{ID: c.ID, State: c.State, Reason: c.Reason, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
			MatchedBy: matchedBy, Verified: matchedBy == MatchUserID}
		if !e.Verified {
			out.EarlierUnverified = true
		}
		if hs, err := d.st.ConversationHandoffs(ctx, c.ID); err == nil && len(hs) > 0 {
			last := hs[len(hs)-1]
			e.Reason, e.Category, e.Summary = last.Reason, last.Category, last.Summary
		}
		out.Earlier = append(out.Earlier, e)
	}
	return out, nil
}

// visitor is what the conversation tells about its visitor. The user_id
// attribute is verified when the widget stored identity_verified = "true"
// with it: the site signed it with its identity secret (the widget removes
// an identity_verified the visitor sent).
func (d *Desk) visitor(c store.Conversation) Visitor {
	v := Visitor{
		Name: visitorName(c), Email: visitorEmail(c), Locale: c.Locale, Page: c.Page,
		Attributes: c.Attributes, Online: d.hub.VisitorConnected(c.ID),
	}
	for _, k := range []string{"device", "user_agent", "browser"} {
		if s := c.Attributes[k]; s != "" {
			v.Device = s
			break
		}
	}
	v.Verified = c.Attributes[attrIdentityVerified] == "true" && c.Attributes["user_id"] != ""
	return v
}

// lastDecision is the bot's decision at the latest escalation, read
// backwards a page at a time, so that a long transcript is never held whole.
func (d *Desk) lastDecision(ctx context.Context, convID string) (*Decision, error) {
	for before := int64(0); ; {
		ms, err := d.st.MessagesBefore(ctx, convID, before, MaxPageSize)
		if err != nil || len(ms) == 0 {
			return nil, err
		}
		if dec := lastEscalation(ms); dec != nil {
			return dec, nil
		}
		before = ms[0].Seq
	}
}

// lastEscalation finds the bot's decision recorded with the latest
// escalation (the hub keeps it in the Meta of the hand-over message).
func lastEscalation(ms []store.Message) *Decision {
	for i := len(ms) - 1; i >= 0; i-- {
		if len(ms[i].Meta) == 0 {
			continue
		}
		var dec bot.Decision
		if json.Unmarshal(ms[i].Meta, &dec) != nil || dec.Action != bot.Escalate {
			continue
		}
		return &Decision{
			Action: dec.Action, Reason: dec.Reason, ReasonText: ReasonText(dec.Reason, "en"), Rule: dec.Rule,
			Confidence: dec.Confidence, Candidates: dec.Candidates, Raw: ms[i].Meta,
		}
	}
	return nil
}

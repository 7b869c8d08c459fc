package console

import (
	"github.com/andon-chat/andon/internal/apierr"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

// The desk's routes: each reads its input strictly, calls the desk once
// and answers the documented JSON. Errors go back to Routes, which turns
// them into the error body with a stable code.

// queryInt reads an optional integer query parameter within [lo, hi].
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("Query parameter %q must be a whole number from %d to %d.", name, lo, hi)
	}
	return n, nil
}

func (s *Server) getQueue(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ctx := r.Context()
	items, err := s.desk.Queue(ctx, a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": toItems(items)})
	return nil
}

func (s *Server) getConversations(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ctx := r.Context()
	state := r.URL.Query().Get("state")
	switch state {
	case "", store.StateClosed, store.StateHuman, store.StateWaiting, store.StateBot:
	default:
		return badRequest("Query parameter \"state\" must be closed, human, waiting or bot.")
	}
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	items, err := s.desk.Conversations(ctx, handoff.Filter{State: state, Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": toItems(items)})
	return nil
}

func (s *Server) getContext(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ctx := r.Context()
	before, err := queryInt(r, "before_seq", 0, 1, math.MaxInt)
	if err != nil {
		return err
	}
	limit, err := queryInt(r, "limit", handoff.DefaultPageSize, 1, handoff.MaxPageSize)
	if err != nil {
		return err
	}
	c, err := s.desk.ContextPage(ctx, r.PathValue("id"), handoff.Page{Before: int64(before), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toContext(c))
	return nil
}

// getMessages is how a console that reconnected fills the gap: a page of
// the messages after the last seq it has (has_more: ask again from the
// page's last seq).
func (s *Server) getMessages(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ctx := r.Context()
	after := int64(0)
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badRequest("Query parameter \"after\" must be a seq, a whole number of 0 or more.")
		}
		after = n
	}
	limit, err := queryInt(r, "limit", handoff.DefaultPageSize, 1, handoff.MaxPageSize)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.hub.Conversation(ctx, id); err != nil {
		return err
	}
	// One more than asked tells whether there are more.
	msgs, err := s.hub.MessagesAfter(ctx, id, after, limit+1, 0)
	if err != nil {
		return err
	}
	more := len(msgs) > limit
	if more {
		msgs = msgs[:limit]
	}
	if msgs == nil {
		msgs = []store.Message{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": msgs, "has_more": more})
	return nil
}

func (s *Server) postClaim(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var body struct{}
	if err := decode(w, r, &body, true); err != nil {
		return err
	}
	ctx := r.Context()
	it, err := s.desk.Claim(ctx, r.PathValue("id"), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"item": toItem(it)})
	return nil
}

// required refuses a missing or blank text field.
func required(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return apiErr(http.StatusBadRequest, apierr.CodeEmptyText, "Field %q is required and must not be blank.", name)
	}
	return nil
}

func (s *Server) postReply(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var body struct {
		Text     string `json:"text"`
		ClientID string `json:"client_id"`
	}
	if err := decode(w, r, &body, false); err != nil {
		return err
	}
	if err := required("text", body.Text); err != nil {
		return err
	}
	if len(body.ClientID) > 100 {
		return badRequest("Field \"client_id\" is longer than 100 characters.")
	}
	ctx := r.Context()
	m, err := s.desk.Reply(ctx, r.PathValue("id"), a, body.Text, body.ClientID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": m})
	return nil
}

func (s *Server) postNote(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var body struct {
		Text string `json:"text"`
	}
	if err := decode(w, r, &body, false); err != nil {
		return err
	}
	if err := required("text", body.Text); err != nil {
		return err
	}
	ctx := r.Context()
	n, err := s.desk.Note(ctx, r.PathValue("id"), a, body.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"note": toNote(n)})
	return nil
}

func (s *Server) postTransfer(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var body struct {
		ToAgentID string `json:"to_agent_id"`
		ToTeam    string `json:"to_team"`
		Note      string `json:"note"`
	}
	if err := decode(w, r, &body, false); err != nil {
		return err
	}
	if body.ToAgentID == "" && body.ToTeam == "" {
		return apiErr(http.StatusBadRequest, apierr.CodeNoTarget, "Name who takes over: to_agent_id or to_team.")
	}
	if strings.TrimSpace(body.Note) == "" {
		return badRequest("Field \"note\" is required: the next person reads it first.")
	}
	ctx := r.Context()
	it, err := s.desk.Transfer(ctx, r.PathValue("id"), a, handoff.Transfer{ToAgentID: body.ToAgentID, ToTeam: body.ToTeam, Note: body.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"item": toItem(it)})
	return nil
}

func (s *Server) postHandBack(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var body struct {
		Note string `json:"note"`
	}
	if err := decode(w, r, &body, true); err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.desk.HandBack(ctx, r.PathValue("id"), a, body.Note); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type learnBody struct {
	Kind      string `json:"kind"`
	ArticleID string `json:"article_id"`
	Question  string `json:"question"`
	Title     string `json:"title"`
	Text      string `json:"text"`
}

func (s *Server) postResolve(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var body struct {
		Category string     `json:"category"`
		Summary  string     `json:"summary"`
		Learn    *learnBody `json:"learn"`
	}
	if err := decode(w, r, &body, false); err != nil {
		return err
	}
	if body.Category == "" {
		return apiErr(http.StatusBadRequest, apierr.CodeBadCategory, "Field \"category\" is required: one of GET /api/categories.")
	}
	res := handoff.Resolution{Category: body.Category, Summary: body.Summary}
	if l := body.Learn; l != nil {
		switch l.Kind {
		case handoff.LearnExample:
			if l.ArticleID == "" {
				return badRequest("Field \"learn.article_id\" is required for kind example.")
			}
		case handoff.LearnDraft:
		default:
			return badRequest("Field \"learn.kind\" must be example or draft.")
		}
		res.Learn = &handoff.Learning{Kind: l.Kind, ArticleID: l.ArticleID, Question: l.Question, Title: l.Title, Text: l.Text}
	}
	ctx := r.Context()
	if err := s.desk.Resolve(ctx, r.PathValue("id"), a, res); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) postPresence(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var body struct {
		Status string `json:"status"`
	}
	if err := decode(w, r, &body, false); err != nil {
		return err
	}
	switch body.Status {
	case handoff.StatusOnline, handoff.StatusAway, handoff.StatusOffline:
	default:
		return badRequest("Field \"status\" must be online, away or offline.")
	}
	ctx := r.Context()
	if err := s.desk.SetPresence(ctx, a, body.Status); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": body.Status})
	return nil
}

package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/andon-chat/andon/handoff"
)

// The lookup routes: who and what an agent can pick in the dialogs.

type agentJSON struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Email  string   `json:"email"`
	Role   string   `json:"role"`
	Teams  []string `json:"teams"`
	Status string   `json:"status"`
	Open   int      `json:"open"`
}

// getAgents lists everyone who can take a transfer (active agents and
// admins), with their presence.
func (s *Server) getAgents(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	ctx := r.Context()
	users, err := s.auth.Users(ctx)
	if err != nil {
		return err
	}
	pres := make(map[string]handoff.AgentPresence)
	for _, p := range s.desk.Presence() {
		pres[p.ID] = p
	}
	out := make([]agentJSON, 0, len(users))
	for _, u := range users {
		if u.Disabled || !allowsAgent(u.Role) {
			continue
		}
		a := agentJSON{ID: u.ID, Name: u.Name, Email: u.Email, Role: u.Role, Teams: nonNil(u.Teams), Status: handoff.StatusOffline}
		if p, ok := pres[u.ID]; ok {
			a.Status, a.Open = p.Status, p.Open
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"agents": out})
	return nil
}

type teamJSON struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Open  bool   `json:"open"`
}

// getTeams lists the configured teams and whether each works now.
func (s *Server) getTeams(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	out := make([]teamJSON, 0, len(s.cfg.Teams))
	now := s.now()
	for _, t := range s.cfg.Teams {
		out = append(out, teamJSON{Name: t.Name, Title: t.Title, Open: t.Hours.Open(now)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"teams": out})
	return nil
}

func (s *Server) getCategories(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	writeJSON(w, http.StatusOK, map[string]any{"categories": nonNil(s.cfg.Categories)})
	return nil
}

type articleJSON struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	URL   string  `json:"url,omitempty"`
	Lang  string  `json:"lang,omitempty"`
	Score float64 `json:"score"`
}

// getArticles searches the knowledge base, for picking the article a
// visitor's question is added to.
func (s *Server) getArticles(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 1000 {
		return badRequest("Query parameter \"q\" is longer than 1000 characters.")
	}
	out := []articleJSON{}
	if q != "" && s.kb != nil {
		ctx := r.Context()
		res, err := s.kb.Search(ctx, q, 10)
		if err != nil {
			return err
		}
		for _, a := range res {
			out = append(out, articleJSON{ID: a.ArticleID, Title: a.Title, URL: a.URL, Lang: a.Lang, Score: a.Score})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"articles": out})
	return nil
}

type deliveryJSON struct {
	ID             string     `json:"id"`
	Channel        string     `json:"channel"`
	EventType      string     `json:"event_type"`
	ConversationID string     `json:"conversation_id,omitempty"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	LastError      string     `json:"last_error,omitempty"`
	LastStatus     int        `json:"last_status,omitempty"`
	NextAttemptAt  *time.Time `json:"next_attempt_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	DeliveredAt    *time.Time `json:"delivered_at,omitempty"`
}

// getDeliveries is the notification delivery log (admins).
func (s *Server) getDeliveries(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	limit, err := queryInt(r, "limit", 100, 1, 1000)
	if err != nil {
		return err
	}
	out := []deliveryJSON{}
	if s.notify != nil {
		ctx := r.Context()
		ds, err := s.notify.Deliveries(ctx, limit)
		if err != nil {
			return err
		}
		for _, d := range ds {
			out = append(out, deliveryJSON{
				ID: d.ID, Channel: d.Channel, EventType: d.EventType, ConversationID: d.ConversationID,
				Status: d.Status, Attempts: d.Attempts, LastError: d.LastError, LastStatus: d.LastStatus,
				NextAttemptAt: optTime(d.NextAttemptAt), CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
				DeliveredAt: optTime(d.DeliveredAt),
			})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": out})
	return nil
}

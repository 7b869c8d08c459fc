package console

import (
	"context"
	"errors"
	"net/http"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/handoff"
)

// route is one API route: its pattern, the role it needs and its handler.
// Every API route is in this list, which Routes mounts behind
// auth.Require and the security tests walk, so that a new route cannot be
// left open by forgetting it.
type route struct {
	pattern string
	role    string
	handle  func(w http.ResponseWriter, r *http.Request, a handoff.Agent) error
}

func (s *Server) routes() []route {
	agent, admin, editor := auth.RoleAgent, auth.RoleAdmin, auth.RoleEditor
	return []route{
		{"GET /api/queue", agent, s.getQueue},
		{"GET /api/conversations", agent, s.getConversations},
		{"GET /api/conversations/{id}", agent, s.getContext},
		{"GET /api/conversations/{id}/messages", agent, s.getMessages},
		{"POST /api/conversations/{id}/claim", agent, s.postClaim},
		{"POST /api/conversations/{id}/messages", agent, s.postReply},
		{"POST /api/conversations/{id}/notes", agent, s.postNote},
		{"POST /api/conversations/{id}/transfer", agent, s.postTransfer},
		{"POST /api/conversations/{id}/handback", agent, s.postHandBack},
		{"POST /api/conversations/{id}/resolve", agent, s.postResolve},
		{"POST /api/presence", agent, s.postPresence},
		{"GET /api/agents", agent, s.getAgents},
		{"GET /api/teams", agent, s.getTeams},
		{"GET /api/canned", agent, s.getCanned},
		{"GET /api/categories", agent, s.getCategories},
		{"GET /api/articles", agent, s.getArticles},
		{"GET /api/deliveries", admin, s.getDeliveries},
		{"POST /api/import", editor, s.postImport},
		{"GET /api/export", editor, s.getExport},
		{"GET /api/editor/articles", editor, s.getEditorArticles},
		{"POST /api/editor/articles", editor, s.postEditorArticle},
		{"GET /api/editor/articles/{id}", editor, s.getEditorArticle},
		{"PUT /api/editor/articles/{id}", editor, s.putEditorArticle},
		{"POST /api/editor/articles/{id}/archive", editor, s.postArchive},
		{"GET /api/editor/articles/{id}/versions", editor, s.getVersions},
		{"GET /api/editor/articles/{id}/diff", editor, s.getDiff},
		{"POST /api/editor/articles/{id}/restore", editor, s.postRestore},
		{"GET /api/incidents", agent, s.getIncidents},
		{"GET /api/incidents/{id}", agent, s.getIncident},
		{"POST /api/incidents/{id}/acknowledge", agent, s.postIncidentAcknowledge},
		{"POST /api/incidents/{id}/status", agent, s.postIncidentStatus},
		{"POST /api/incidents/{id}/close", agent, s.postIncidentClose},
	}
}

// Routes mounts the console on mux: the API routes above (each behind
// auth.Require with its role, which also checks CSRF and Origin on every
// change), the agent WebSocket and the UI. The login and user routes are
// auth's (auth.Service.Routes).
func (s *Server) Routes(mux *http.ServeMux) {
	for _, rt := range s.routes() {
		h := rt.handle
		mux.Handle(rt.pattern, s.auth.Require(rt.role, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, ok := auth.UserFrom(r.Context())
			if !ok {
				// auth.Require always sets the user; without one this is a wiring bug.
				s.fail(w, r, errors.New("no user in the request context"))
				return
			}
			// Every request's work with the desk and the store is bounded.
			ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
			defer cancel()
			if err := h(w, r.WithContext(ctx), agentOf(u)); err != nil {
				s.fail(w, r, err)
			}
		})))
	}
	mux.HandleFunc("GET /ws/agent", s.handleAgentWS)
	mux.HandleFunc("GET /console/", s.serveStatic)
	mux.Handle("GET /console", http.RedirectHandler("/console/", http.StatusMovedPermanently))
}

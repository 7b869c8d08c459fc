package console

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

func TestIncidentRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	at := time.Date(2026, 12, 2, 10, 7, 0, 0, time.UTC)
	if _, err := e.st.OpenIncident(t.Context(), store.Incident{ID: "inc_1", Label: "cannot log in",
		Examples: []string{"I cannot log in"}, Count: 14, Usual: 1.2, WindowSeconds: 600, OpenedAt: at}); err != nil {
		t.Fatal(err)
	}
	agent := e.login(t, "agent")
	var list struct{ Incidents []incidentJSON }
	agent.must(t, "GET", "/api/incidents", nil, http.StatusOK, &list)
	if len(list.Incidents) != 1 || list.Incidents[0].ID != "inc_1" || len(list.Incidents[0].Timeline) != 1 {
		t.Fatalf("incidents = %+v", list.Incidents)
	}
	var got struct{ Incident incidentJSON }
	agent.must(t, "POST", "/api/incidents/inc_1/acknowledge", nil, http.StatusOK, &got)
	agent.wantError(t, "POST", "/api/incidents/inc_1/status", map[string]any{"text": "  "}, http.StatusBadRequest, "empty_text")
	agent.wantError(t, "POST", "/api/incidents/inc_1/status", map[string]any{"text": strings.Repeat("x", 1001)}, http.StatusRequestEntityTooLarge, "too_large")
	agent.wantError(t, "POST", "/api/incidents/inc_1/status", map[string]any{"txt": "x"}, http.StatusBadRequest, "bad_request")
	agent.must(t, "POST", "/api/incidents/inc_1/status", map[string]any{"text": "Logging in is down; we are on it."}, http.StatusOK, &got)
	if got.Incident.Status != "Logging in is down; we are on it." {
		t.Errorf("status = %q", got.Incident.Status)
	}
	agent.must(t, "POST", "/api/incidents/inc_1/close", nil, http.StatusOK, &got)
	var kinds []string
	for _, en := range got.Incident.Timeline {
		kinds = append(kinds, en.Kind)
		if en.Kind != "opened" && en.Author == "" {
			t.Errorf("entry %+v names nobody", en)
		}
	}
	if got.Incident.State != "closed" || strings.Join(kinds, ",") != "opened,acknowledged,status,closed" {
		t.Errorf("closed incident = %+v", got.Incident)
	}
	agent.wantError(t, "POST", "/api/incidents/inc_1/close", nil, http.StatusConflict, "closed")
	agent.wantError(t, "POST", "/api/incidents/nope/acknowledge", nil, http.StatusNotFound, "not_found")
	agent.wantError(t, "GET", "/api/incidents/nope", nil, http.StatusNotFound, "not_found")
	agent.wantError(t, "GET", "/api/incidents?limit=1000", nil, http.StatusBadRequest, "bad_request")
}

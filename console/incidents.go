package console

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/internal/apierr"
	"github.com/andon-chat/andon/store"
)

// maxStatusRunes bounds an incident's status message: visitors read it
// first, so it is a few sentences, not an article.
const maxStatusRunes = 1000

// incidentJSON is an incident with its timeline.
type incidentJSON struct {
	store.Incident
	Timeline []store.IncidentEntry `json:"timeline"`
}

func (s *Server) incidentWithTimeline(r *http.Request, in store.Incident) (incidentJSON, error) {
	tl, err := s.incidents.IncidentTimeline(r.Context(), in.ID)
	if err != nil {
		return incidentJSON{}, err
	}
	if in.Examples == nil {
		in.Examples = []string{}
	}
	return incidentJSON{in, tl}, nil
}

func (s *Server) getIncidents(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	out := []incidentJSON{}
	if s.incidents != nil {
		ins, err := s.incidents.ListIncidents(r.Context(), limit)
		if err != nil {
			return err
		}
		for _, in := range ins {
			j, err := s.incidentWithTimeline(r, in)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": out})
	return nil
}

func (s *Server) getIncident(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	if s.incidents == nil {
		return noIncident()
	}
	in, err := s.incidents.Incident(r.Context(), r.PathValue("id"))
	if err != nil {
		return incidentErr(err)
	}
	return s.writeIncident(w, r, in)
}

// writeIncident answers {incident} with its timeline.
func (s *Server) writeIncident(w http.ResponseWriter, r *http.Request, in store.Incident) error {
	j, err := s.incidentWithTimeline(r, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"incident": j})
	return nil
}

func (s *Server) postIncidentAcknowledge(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	if err := decode(w, r, &struct{}{}, true); err != nil {
		return err
	}
	return s.addIncidentEntry(w, r, store.IncidentEntry{Kind: store.IncidentAcknowledged, Author: a.Name})
}

func (s *Server) postIncidentStatus(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	var body struct {
		Text string `json:"text"`
	}
	if err := decode(w, r, &body, false); err != nil {
		return err
	}
	text := strings.TrimSpace(body.Text)
	if text == "" {
		return apiErr(http.StatusBadRequest, apierr.CodeEmptyText, "Field \"text\" is required: the status message visitors will read.")
	}
	if n := utf8.RuneCountInString(text); n > maxStatusRunes {
		return apiErr(http.StatusRequestEntityTooLarge, apierr.CodeTooLarge, "The status message is %d characters; at most %d.", n, maxStatusRunes)
	}
	return s.addIncidentEntry(w, r, store.IncidentEntry{Kind: store.IncidentStatus, Author: a.Name, Text: text})
}

func (s *Server) postIncidentClose(w http.ResponseWriter, r *http.Request, a handoff.Agent) error {
	if err := decode(w, r, &struct{}{}, true); err != nil {
		return err
	}
	return s.addIncidentEntry(w, r, store.IncidentEntry{Kind: store.IncidentClosedEntry, Author: a.Name})
}

func (s *Server) addIncidentEntry(w http.ResponseWriter, r *http.Request, e store.IncidentEntry) error {
	if s.incidents == nil {
		return noIncident()
	}
	e.IncidentID = r.PathValue("id")
	in, err := s.incidents.AddIncidentEntry(r.Context(), e)
	if err != nil {
		return incidentErr(err)
	}
	return s.writeIncident(w, r, in)
}

func noIncident() error {
	return apiErr(http.StatusNotFound, apierr.CodeNotFound, "There is no such incident.")
}

// incidentErr says what the store's refusals mean for an incident.
func incidentErr(err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return noIncident()
	case errors.Is(err, store.ErrConflict):
		return apiErr(http.StatusConflict, apierr.CodeClosed, "This incident is closed; a new burst opens a new one.")
	}
	return err
}

package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// RunIncidents runs the store.Incidents conformance suite. open must
// return an empty store.
func RunIncidents(t *testing.T, open func(t *testing.T) store.Incidents) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Incidents)
	}{
		{"Lifecycle", testIncidentLifecycle},
		{"OpenTwiceIsOne", testIncidentOpenTwice},
		{"Refusals", testIncidentRefusals},
		{"ListOrder", testIncidentListOrder},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

var incidentAt = time.Date(2026, 12, 2, 10, 7, 0, 0, time.UTC)

func sampleIncident(id string, at time.Time) store.Incident {
	return store.Incident{ID: id, Label: "cannot log in", Examples: []string{"I cannot log in", "login broken"},
		Count: 14, Usual: 1.2, WindowSeconds: 600, OpenedAt: at}
}

func testIncidentLifecycle(t *testing.T, s store.Incidents) {
	ctx := t.Context()
	created, err := s.OpenIncident(ctx, sampleIncident("inc1", incidentAt))
	if err != nil || !created {
		t.Fatalf("OpenIncident = %v, %v", created, err)
	}
	in, err := s.Incident(ctx, "inc1")
	if err != nil {
		t.Fatal(err)
	}
	if in.State != store.IncidentOpen || in.Label != "cannot log in" || !slices.Equal(in.Examples, []string{"I cannot log in", "login broken"}) ||
		in.Count != 14 || in.Usual != 1.2 || in.WindowSeconds != 600 || in.Status != "" || !sameTime(in.OpenedAt, incidentAt) || !in.ClosedAt.IsZero() {
		t.Fatalf("stored incident = %+v", in)
	}
	steps := []store.IncidentEntry{
		{IncidentID: "inc1", Kind: store.IncidentAcknowledged, Author: "Ada", At: incidentAt.Add(time.Minute)},
		{IncidentID: "inc1", Kind: store.IncidentStatus, Author: "Ada", Text: "Logging in is down; we are on it.", At: incidentAt.Add(2 * time.Minute)},
		{IncidentID: "inc1", Kind: store.IncidentClosedEntry, Author: "Bob", At: incidentAt.Add(30 * time.Minute)},
	}
	for i, e := range steps {
		in, err = s.AddIncidentEntry(ctx, e)
		if err != nil {
			t.Fatalf("AddIncidentEntry %d: %v", i, err)
		}
	}
	if in.State != store.IncidentClosed || in.Status != "Logging in is down; we are on it." || !sameTime(in.ClosedAt, incidentAt.Add(30*time.Minute)) {
		t.Fatalf("after the timeline: %+v", in)
	}
	tl, err := s.IncidentTimeline(ctx, "inc1")
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{}
	for _, e := range tl {
		kinds = append(kinds, e.Kind)
	}
	if !slices.Equal(kinds, []string{"opened", "acknowledged", "status", "closed"}) || tl[1].Author != "Ada" ||
		tl[2].Text != steps[1].Text || !sameTime(tl[0].At, incidentAt) || !sameTime(tl[3].At, steps[2].At) {
		t.Fatalf("timeline = %+v", tl)
	}
	if _, err := s.AddIncidentEntry(ctx, store.IncidentEntry{IncidentID: "inc1", Kind: store.IncidentStatus, Text: "late"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a status on a closed incident: %v; want ErrConflict", err)
	}
}

func testIncidentOpenTwice(t *testing.T, s store.Incidents) {
	ctx := t.Context()
	if _, err := s.OpenIncident(ctx, sampleIncident("inc1", incidentAt)); err != nil {
		t.Fatal(err)
	}
	again := sampleIncident("inc1", incidentAt.Add(time.Hour))
	again.Count = 99
	created, err := s.OpenIncident(ctx, again)
	if err != nil || created {
		t.Fatalf("OpenIncident again = %v, %v; want not created", created, err)
	}
	in, _ := s.Incident(ctx, "inc1")
	tl, _ := s.IncidentTimeline(ctx, "inc1")
	if in.Count != 14 || len(tl) != 1 {
		t.Fatalf("after a second open: %+v, timeline %+v", in, tl)
	}
}

func testIncidentRefusals(t *testing.T, s store.Incidents) {
	ctx := t.Context()
	if _, err := s.Incident(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Incident(unknown) = %v", err)
	}
	if _, err := s.IncidentTimeline(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("IncidentTimeline(unknown) = %v", err)
	}
	if _, err := s.AddIncidentEntry(ctx, store.IncidentEntry{IncidentID: "nope", Kind: store.IncidentAcknowledged}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AddIncidentEntry(unknown) = %v", err)
	}
	if _, err := s.OpenIncident(ctx, store.Incident{}); err == nil {
		t.Error("an incident without ID was stored")
	}
	if _, err := s.OpenIncident(ctx, sampleIncident("inc1", incidentAt)); err != nil {
		t.Fatal(err)
	}
	for _, e := range []store.IncidentEntry{
		{IncidentID: "inc1", Kind: store.IncidentOpened},
		{IncidentID: "inc1", Kind: "burned"},
		{IncidentID: "inc1", Kind: store.IncidentStatus},
	} {
		if _, err := s.AddIncidentEntry(ctx, e); err == nil {
			t.Errorf("AddIncidentEntry(%+v) was accepted", e)
		}
	}
	if tl, _ := s.IncidentTimeline(ctx, "inc1"); len(tl) != 1 {
		t.Errorf("refused entries were stored: %+v", tl)
	}
}

func testIncidentListOrder(t *testing.T, s store.Incidents) {
	ctx := t.Context()
	for i, id := range []string{"old", "closed", "new"} {
		if _, err := s.OpenIncident(ctx, sampleIncident(id, incidentAt.Add(time.Duration(i)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddIncidentEntry(ctx, store.IncidentEntry{IncidentID: "closed", Kind: store.IncidentClosedEntry}); err != nil {
		t.Fatal(err)
	}
	all, err := s.ListIncidents(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, in := range all {
		ids = append(ids, in.ID)
	}
	if !slices.Equal(ids, []string{"new", "old", "closed"}) {
		t.Errorf("ListIncidents = %v; want the open ones newest first, then the closed", ids)
	}
	if two, _ := s.ListIncidents(ctx, 2); len(two) != 2 {
		t.Errorf("ListIncidents(2) returned %d", len(two))
	}
}

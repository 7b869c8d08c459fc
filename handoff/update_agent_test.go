package handoff_test

import (
	"slices"
	"testing"

	"github.com/andon-chat/andon/handoff"
)

// An admin moving an online agent into a team changes what visitors are
// told at once, not at the agent's next login.
func TestUpdateAgentChangesWhoVisitorsHearOf(t *testing.T) {
	e := newEnv(t)
	newcomer := handoff.Agent{ID: "u-nora", Name: "Nora Lind", Email: "nora@example.com", Role: "agent"}
	defer e.desk.Connect(newcomer)()
	defer e.desk.Connect(cleo)()
	if s := e.desk.Staffing(e.ctx, "default", "sensitive:billing"); s.Team != "" || !slices.Equal(s.Names, []string{"Cleo", "Nora"}) {
		t.Fatalf("before: %+v, want anyone online and no team", s)
	}
	newcomer.Teams = []string{"billing"}
	e.desk.UpdateAgent(newcomer)
	if s := e.desk.Staffing(e.ctx, "default", "sensitive:billing"); s.Team != "the billing team" || !slices.Equal(s.Names, []string{"Nora"}) {
		t.Fatalf("after joining billing: %+v, want Nora of the billing team", s)
	}
	// An agent the desk has never seen is not made up.
	e.desk.UpdateAgent(handoff.Agent{ID: "u-ghost", Name: "Ghost", Teams: []string{"billing"}})
	if s := e.desk.Staffing(e.ctx, "default", "sensitive:billing"); !slices.Equal(s.Names, []string{"Nora"}) {
		t.Fatalf("an unseen agent appeared: %+v", s)
	}
}

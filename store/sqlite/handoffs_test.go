package sqlite

import (
	"strings"

	"github.com/andon-chat/andon/store"
	"testing"

	"github.com/andon-chat/andon/store/storetest"
)

func TestHandoffConformance(t *testing.T) {
	t.Parallel()
	storetest.RunHandoffs(t, func(t *testing.T) storetest.HandoffStore { return openTest(t, Options{}) })
}

// TestDeskQueriesUseIndexes checks with EXPLAIN QUERY PLAN that the
// history (closed conversations, newest first) and a visitor's earlier
// conversations by e-mail are index lookups, not a scan and sort of every
// conversation (migration 0005).
func TestDeskQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	s := openTest(t, Options{})
	plan := func(query string, args ...any) string {
		t.Helper()
		rows, err := s.readDB.QueryContext(t.Context(), `EXPLAIN QUERY PLAN SELECT `+conversationColumns+` FROM conversations `+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, detail)
		}
		return strings.Join(lines, "; ")
	}
	history := plan(conversationsByStateSQL, store.StateClosed, 50)
	t.Logf("history: %s", history)
	if !strings.Contains(history, "USING INDEX conversations_state_updated") || strings.Contains(history, "TEMP B-TREE") {
		t.Errorf("history plan: %s", history)
	}
	for _, q := range []store.VisitorQuery{
		{Site: "default", Email: "Vera@example.org", Exclude: "c1"},
		{Site: "default", Email: "vera@example.org", UserID: "42", Exclude: "c1"},
	} {
		query, args := visitorConversationsSQL(q)
		p := plan(query, args...)
		t.Logf("visitor %+v: %s", q, p)
		if !strings.Contains(p, "USING INDEX conversations_site_email") || strings.Contains(p, "SCAN conversations") {
			t.Errorf("visitor conversations plan for %+v: %s", q, p)
		}
	}
}

package console

import (
	"context"
	"net/http"
	"testing"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/conversation"
)

// The context tells how each earlier conversation was found, so the
// console can mark the ones matched only by an e-mail address the visitor
// typed (handoff.Earlier.MatchedBy reaches the JSON).
func TestContextEarlierSaysHowMatched(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	agent := e.login(t, auth.RoleAgent, "billing")
	var ids []string
	for range 2 {
		id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en", Attributes: map[string]string{"name": "Olle"}})
		if err := e.hub.SetContact(context.Background(), id, "olle@example.com"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	var c struct {
		Earlier []struct {
			ID        string `json:"id"`
			MatchedBy string `json:"matched_by"`
			Verified  bool   `json:"verified"`
		} `json:"earlier"`
		EarlierUnverified bool `json:"earlier_unverified"`
	}
	agent.must(t, "GET", "/api/conversations/"+ids[1], nil, http.StatusOK, &c)
	if len(c.Earlier) != 1 || c.Earlier[0].ID != ids[0] || c.Earlier[0].MatchedBy != "email" || c.Earlier[0].Verified || !c.EarlierUnverified {
		t.Fatalf("earlier %+v, earlier_unverified %v: want the first conversation, matched by e-mail, unverified", c.Earlier, c.EarlierUnverified)
	}
}

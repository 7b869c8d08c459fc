package console

import (
	"context"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/knowledge"
	"github.com/andon-chat/andon/store"
)

type queueBody struct {
	Items []itemJSON `json:"items"`
}

func findItem(items []itemJSON, id string) (itemJSON, bool) {
	for _, it := range items {
		if it.ConversationID == id {
			return it, true
		}
	}
	return itemJSON{}, false
}

func TestQueueAndContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent, "billing")
	id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en-GB", Page: "https://shop.example.com/checkout",
		Attributes: map[string]string{"name": "Vera", "plan": "pro"}})

	var q queueBody
	anna.must(t, "GET", "/api/queue", nil, http.StatusOK, &q)
	it, ok := findItem(q.Items, id)
	if !ok {
		t.Fatalf("escalated conversation not in the queue: %+v", q.Items)
	}
	if it.Reason != "sensitive:billing" || it.ReasonText == "" || it.ReasonText == it.Reason || it.Priority != 0 || it.AssigneeID != "" || it.EscalatedAt == nil || it.DueAt == nil {
		t.Fatalf("queue item = %+v", it)
	}
	// Every console language gets the reason in its own words.
	if it.ReasonTexts["en"] != "Sensitive topic: billing" || it.ReasonTexts["sv"] != "Känsligt ämne: fakturering" {
		t.Fatalf("queue item reason_texts = %v", it.ReasonTexts)
	}

	var c contextJSON
	anna.must(t, "GET", "/api/conversations/"+id, nil, http.StatusOK, &c)
	if c.Conversation.ID != id || len(c.Messages) < 2 || c.Messages[0].Text != "billing: I was charged twice" {
		t.Fatalf("context conversation/messages = %+v / %+v", c.Conversation, c.Messages)
	}
	if c.ReasonText == "" || c.ReasonTexts["sv"] != "Känsligt ämne: fakturering" || c.Item == nil || c.Item.ConversationID != id {
		t.Fatalf("context reason/item = %q %+v", c.ReasonText, c.Item)
	}
	if c.Decision == nil || len(c.Decision.Candidates) != 1 || c.Decision.Candidates[0].Title != "Refunds" || c.Decision.Candidates[0].Score != 0.41 {
		t.Fatalf("context decision = %+v", c.Decision)
	}
	if c.Visitor.Page != "https://shop.example.com/checkout" || c.Visitor.Locale != "en-GB" || c.Visitor.Attributes["plan"] != "pro" || c.Visitor.Verified {
		t.Fatalf("context visitor = %+v", c.Visitor)
	}
	if c.Notes == nil || c.Earlier == nil {
		t.Fatalf("lists must be [] not null: notes %v earlier %v", c.Notes, c.Earlier)
	}

	anna.wantError(t, "GET", "/api/conversations/nope", nil, http.StatusNotFound, apierr.CodeNotFound)
	anna.wantError(t, "GET", "/api/conversations?limit=0", nil, http.StatusBadRequest, apierr.CodeBadRequest)
	anna.wantError(t, "GET", "/api/conversations?state=weird", nil, http.StatusBadRequest, apierr.CodeBadRequest)
}

func TestClaimRaceOneWins(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	id := e.escalate(t, conversation.Visit{Site: "default"})
	const n = 8
	agents := make([]*client, n)
	for i := range agents {
		agents[i] = e.login(t, auth.RoleAgent)
	}
	var wg sync.WaitGroup
	statuses := make([]int, n)
	bodies := make([]string, n)
	start := make(chan struct{})
	for i, a := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st, raw := a.do(t, "POST", "/api/conversations/"+id+"/claim", nil)
			statuses[i], bodies[i] = st, string(raw)
		}()
	}
	close(start)
	wg.Wait()
	won := -1
	for i, st := range statuses {
		switch st {
		case http.StatusOK:
			if won >= 0 {
				t.Fatalf("two claims won: %d and %d", won, i)
			}
			won = i
		case http.StatusConflict:
			if !strings.Contains(bodies[i], `"claimed"`) {
				t.Fatalf("loser's body: %s", bodies[i])
			}
		default:
			t.Fatalf("claim %d: status %d: %s", i, st, bodies[i])
		}
	}
	if won < 0 {
		t.Fatal("no claim won")
	}
	// The winner owns it; the visitor was told who joined.
	var c contextJSON
	agents[won].must(t, "GET", "/api/conversations/"+id, nil, http.StatusOK, &c)
	if c.Item == nil || c.Item.AssigneeID != agents[won].user.ID || c.Conversation.State != store.StateHuman {
		t.Fatalf("after claim: item %+v state %s", c.Item, c.Conversation.State)
	}
	joined := false
	for _, m := range c.Messages {
		if m.From == store.FromSystem && strings.Contains(m.Text, "Anna") {
			joined = true
		}
	}
	if !joined {
		t.Fatalf("no 'joined' message: %+v", c.Messages)
	}
	// Claiming again is harmless for the owner, refused for the others.
	agents[won].must(t, "POST", "/api/conversations/"+id+"/claim", map[string]any{}, http.StatusOK, nil)
	agents[(won+1)%n].wantError(t, "POST", "/api/conversations/"+id+"/claim", nil, http.StatusConflict, apierr.CodeClaimed)
	agents[0].wantError(t, "POST", "/api/conversations/nope/claim", nil, http.StatusNotFound, apierr.CodeNotFound)
	agents[0].wantError(t, "POST", "/api/conversations/"+id+"/claim", `{"x":1}`, http.StatusBadRequest, apierr.CodeBadRequest)
}

// claimed escalates a conversation and lets c claim it.
func claimed(t *testing.T, e *env, c *client) string {
	t.Helper()
	id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en", Attributes: map[string]string{"name": "Vera", "plan": "pro"}})
	c.must(t, "POST", "/api/conversations/"+id+"/claim", nil, http.StatusOK, nil)
	return id
}

// TestReplyOverTheGrowthCap: an agent's send over the conversation's
// growth cap is HTTP 429 rate_limited and stores nothing.
func TestReplyOverTheGrowthCap(t *testing.T) {
	t.Parallel()
	cfg := config.Defaults()
	cfg.Limits.ConversationMessagesPerMinute = 0.001
	cfg.Limits.ConversationMessageBurst = 1
	e := newEnv(t, envOptions{cfg: &cfg})
	anna := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	path := "/api/conversations/" + id + "/messages"
	// The escalating visitor message took the one message of the burst.
	anna.wantError(t, "POST", path, map[string]string{"text": "Hi!", "client_id": "r1"}, http.StatusTooManyRequests, apierr.CodeRateLimited)
	msgs, _ := e.hub.Messages(context.Background(), id, 0)
	for _, m := range msgs {
		if m.From == store.FromAgent {
			t.Fatalf("the refused reply was stored: %+v", m)
		}
	}
}

func TestReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	bob := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	path := "/api/conversations/" + id + "/messages"

	var r1, r2 struct {
		Message store.Message `json:"message"`
	}
	anna.must(t, "POST", path, map[string]string{"text": "Hi, looking at it now.", "client_id": "r1"}, http.StatusOK, &r1)
	if r1.Message.From != store.FromAgent || r1.Message.Seq == 0 || r1.Message.Author == "" {
		t.Fatalf("reply = %+v", r1.Message)
	}
	anna.must(t, "POST", path, map[string]string{"text": "Hi, looking at it now.", "client_id": "r1"}, http.StatusOK, &r2)
	if r2.Message.Seq != r1.Message.Seq {
		t.Fatalf("retried client_id stored twice: seq %d and %d", r1.Message.Seq, r2.Message.Seq)
	}
	msgs, _ := e.hub.Messages(context.Background(), id, 0)
	n := 0
	for _, m := range msgs {
		if m.From == store.FromAgent {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d agent messages stored, want 1", n)
	}

	bob.wantError(t, "POST", path, map[string]string{"text": "me too"}, http.StatusForbidden, apierr.CodeNotOwner)
	for _, tc := range []struct {
		name, body, code, mention string
	}{
		{"empty", `{"text":"  "}`, apierr.CodeEmptyText, "text"},
		{"missing", `{}`, apierr.CodeEmptyText, "text"},
		{"unknown field", `{"text":"x","bcc":"y"}`, apierr.CodeBadRequest, "bcc"},
		{"wrong type", `{"text":42}`, apierr.CodeBadRequest, "text"},
		{"not an object", `[1]`, apierr.CodeBadRequest, "object"},
		{"trailing", `{"text":"x"} {}`, apierr.CodeBadRequest, "one JSON object"},
		{"broken", `{"text":`, apierr.CodeBadRequest, "JSON"},
		{"no body", ``, apierr.CodeBadRequest, "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, raw := anna.do(t, "POST", path, tc.body)
			checkError(t, tc.name, st, raw, http.StatusBadRequest, tc.code)
			if !strings.Contains(string(raw), tc.mention) {
				t.Fatalf("message does not mention %q: %s", tc.mention, raw)
			}
		})
	}
	st, raw := anna.do(t, "POST", path, `{"text":"`+strings.Repeat("x", maxBody)+`"}`)
	checkError(t, "too large", st, raw, http.StatusRequestEntityTooLarge, apierr.CodeTooLarge)
	anna.wantError(t, "POST", "/api/conversations/nope/messages", map[string]string{"text": "x"}, http.StatusNotFound, apierr.CodeNotFound)

	// A reconnecting console fills its gap from a seq.
	var after struct {
		Messages []store.Message `json:"messages"`
	}
	anna.must(t, "GET", "/api/conversations/"+id+"/messages?after="+itoa(r1.Message.Seq-1), nil, http.StatusOK, &after)
	if len(after.Messages) != 1 || after.Messages[0].Seq != r1.Message.Seq {
		t.Fatalf("messages after %d = %+v", r1.Message.Seq-1, after.Messages)
	}
	anna.wantError(t, "GET", "/api/conversations/"+id+"/messages?after=-1", nil, http.StatusBadRequest, apierr.CodeBadRequest)
	anna.wantError(t, "GET", "/api/conversations/nope/messages", nil, http.StatusNotFound, apierr.CodeNotFound)

	// The gap comes in pages: walking them from 0 gives every message once.
	all, _ := e.hub.Messages(context.Background(), id, 0)
	var walked []int64
	for after, pages := int64(0), 0; ; pages++ {
		var page struct {
			Messages []store.Message `json:"messages"`
			HasMore  bool            `json:"has_more"`
		}
		anna.must(t, "GET", "/api/conversations/"+id+"/messages?limit=2&after="+itoa(after), nil, http.StatusOK, &page)
		if len(page.Messages) > 2 || pages > len(all) {
			t.Fatalf("page of %d messages (limit 2), page %d", len(page.Messages), pages)
		}
		for _, m := range page.Messages {
			walked = append(walked, m.Seq)
		}
		if !page.HasMore {
			break
		}
		after = page.Messages[len(page.Messages)-1].Seq
	}
	if len(walked) != len(all) || len(all) < 3 {
		t.Fatalf("walked %v, the log has %d messages", walked, len(all))
	}
	anna.wantError(t, "GET", "/api/conversations/"+id+"/messages?limit=501", nil, http.StatusBadRequest, apierr.CodeBadRequest)
}

func TestNotesStayInternal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	bob := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	var res struct {
		Note noteJSON `json:"note"`
	}
	// Anyone may note, not only the owner.
	bob.must(t, "POST", "/api/conversations/"+id+"/notes", map[string]string{"text": "Customer is a reseller"}, http.StatusOK, &res)
	if res.Note.ID == "" || res.Note.Text != "Customer is a reseller" || res.Note.AuthorID != bob.user.ID || res.Note.Kind != "note" {
		t.Fatalf("note = %+v", res.Note)
	}
	var c contextJSON
	anna.must(t, "GET", "/api/conversations/"+id, nil, http.StatusOK, &c)
	found := false
	for _, n := range c.Notes {
		found = found || n.ID == res.Note.ID
	}
	if !found {
		t.Fatalf("note not in context: %+v", c.Notes)
	}
	for _, m := range c.Messages {
		if strings.Contains(m.Text, "reseller") {
			t.Fatalf("note leaked into the visitor's messages: %+v", m)
		}
	}
	anna.wantError(t, "POST", "/api/conversations/"+id+"/notes", map[string]string{"text": ""}, http.StatusBadRequest, apierr.CodeEmptyText)
	anna.wantError(t, "POST", "/api/conversations/"+id+"/notes", map[string]any{"text": true}, http.StatusBadRequest, apierr.CodeBadRequest)
	anna.wantError(t, "POST", "/api/conversations/nope/notes", map[string]string{"text": "x"}, http.StatusNotFound, apierr.CodeNotFound)
}

func TestTransfer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent, "billing")
	bob := e.login(t, auth.RoleAgent, "billing")
	carl := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	path := "/api/conversations/" + id + "/transfer"

	anna.wantError(t, "POST", path, map[string]string{"to_agent_id": bob.user.ID}, http.StatusBadRequest, apierr.CodeBadRequest)
	anna.wantError(t, "POST", path, map[string]string{"note": "over to you"}, http.StatusBadRequest, apierr.CodeNoTarget)
	anna.wantError(t, "POST", path, map[string]string{"to_agent_id": "ghost", "note": "x"}, http.StatusBadRequest, apierr.CodeNoTarget)
	anna.wantError(t, "POST", path, map[string]string{"to_team": "nosuch", "note": "x"}, http.StatusBadRequest, apierr.CodeNoTarget)
	carl.wantError(t, "POST", path, map[string]string{"to_agent_id": carl.user.ID, "note": "mine now"}, http.StatusForbidden, apierr.CodeNotOwner)

	var res struct {
		Item itemJSON `json:"item"`
	}
	anna.must(t, "POST", path, map[string]string{"to_agent_id": bob.user.ID, "note": "Refund approved, send the form"}, http.StatusOK, &res)
	if res.Item.AssigneeID != bob.user.ID || res.Item.Note != "Refund approved, send the form" {
		t.Fatalf("transferred item = %+v", res.Item)
	}
	// Bob sees the note first; Anna is no longer the owner.
	var c contextJSON
	bob.must(t, "GET", "/api/conversations/"+id, nil, http.StatusOK, &c)
	if c.HandoffNote != "Refund approved, send the form" || c.Item == nil || c.Item.Note != "Refund approved, send the form" {
		t.Fatalf("bob's context: handoff note %q item %+v", c.HandoffNote, c.Item)
	}
	anna.wantError(t, "POST", "/api/conversations/"+id+"/messages", map[string]string{"text": "still me?"}, http.StatusForbidden, apierr.CodeNotOwner)
	bob.must(t, "POST", "/api/conversations/"+id+"/messages", map[string]string{"text": "Hi, Bob here."}, http.StatusOK, nil)

	// To a team: back in the queue for that team, with the note.
	bob.must(t, "POST", path, map[string]string{"to_team": "technical", "note": "Looks like a bug"}, http.StatusOK, &res)
	if res.Item.AssigneeID != "" || res.Item.Team != "technical" || res.Item.Note != "Looks like a bug" {
		t.Fatalf("team transfer item = %+v", res.Item)
	}
	var q queueBody
	carl.must(t, "GET", "/api/queue", nil, http.StatusOK, &q)
	if it, ok := findItem(q.Items, id); !ok || it.Note != "Looks like a bug" {
		t.Fatalf("carl's queue = %+v", q.Items)
	}
}

func TestHandBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	bob := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	path := "/api/conversations/" + id + "/handback"
	bob.wantError(t, "POST", path, nil, http.StatusForbidden, apierr.CodeNotOwner)
	anna.wantError(t, "POST", path, map[string]int{"note": 1}, http.StatusBadRequest, apierr.CodeBadRequest)
	if st, raw := anna.do(t, "POST", path, map[string]string{"note": "answered, the bot can take follow-ups"}); st != http.StatusNoContent {
		t.Fatalf("handback: %d %s", st, raw)
	}
	conv, _ := e.hub.Conversation(context.Background(), id)
	if conv.State != store.StateBot {
		t.Fatalf("state after hand back = %s", conv.State)
	}
	var q queueBody
	anna.must(t, "GET", "/api/queue", nil, http.StatusOK, &q)
	if _, ok := findItem(q.Items, id); ok {
		t.Fatal("handed back conversation still in the queue")
	}
	anna.wantError(t, "POST", path, nil, http.StatusNotFound, apierr.CodeNotFound)
}

func TestResolve(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	bob := e.login(t, auth.RoleAgent)
	id := claimed(t, e, anna)
	path := "/api/conversations/" + id + "/resolve"

	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"no category", map[string]string{}, http.StatusBadRequest, apierr.CodeBadCategory},
		{"unknown category", map[string]string{"category": "astrology"}, http.StatusBadRequest, apierr.CodeBadCategory},
		{"bad learn kind", map[string]any{"category": "billing", "learn": map[string]string{"kind": "poem"}}, http.StatusBadRequest, apierr.CodeBadRequest},
		{"example without article", map[string]any{"category": "billing", "learn": map[string]string{"kind": "example"}}, http.StatusBadRequest, apierr.CodeBadRequest},
		{"unknown learn field", map[string]any{"category": "billing", "learn": map[string]string{"kind": "draft", "body": "x"}}, http.StatusBadRequest, apierr.CodeBadRequest},
		{"summary not a string", map[string]any{"category": "billing", "summary": []int{1}}, http.StatusBadRequest, apierr.CodeBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) { anna.wantError(t, "POST", path, tc.body, tc.status, tc.code) })
	}
	bob.wantError(t, "POST", path, map[string]string{"category": "billing"}, http.StatusForbidden, apierr.CodeNotOwner)
	if st, raw := anna.do(t, "POST", path, map[string]string{"category": "billing", "summary": "Refunded the double charge"}); st != http.StatusNoContent {
		t.Fatalf("resolve: %d %s", st, raw)
	}
	conv, _ := e.hub.Conversation(context.Background(), id)
	if conv.State != store.StateClosed {
		t.Fatalf("state after resolve = %s", conv.State)
	}
	var hist queueBody
	anna.must(t, "GET", "/api/conversations?state=closed&limit=10", nil, http.StatusOK, &hist)
	it, ok := findItem(hist.Items, id)
	if !ok || it.Category != "billing" || it.Summary != "Refunded the double charge" {
		t.Fatalf("history = %+v", hist.Items)
	}
	anna.wantError(t, "POST", path, map[string]string{"category": "billing"}, http.StatusNotFound, apierr.CodeNotFound)
}

func TestPresenceAndAgents(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent, "billing")
	e.login(t, auth.RoleEditor)
	anna.must(t, "POST", "/api/presence", map[string]string{"status": "away"}, http.StatusOK, nil)
	anna.wantError(t, "POST", "/api/presence", map[string]string{"status": "busy"}, http.StatusBadRequest, apierr.CodeBadRequest)
	anna.wantError(t, "POST", "/api/presence", map[string]any{"status": "online", "until": 5}, http.StatusBadRequest, apierr.CodeBadRequest)
	var res struct {
		Agents []agentJSON `json:"agents"`
	}
	anna.must(t, "GET", "/api/agents", nil, http.StatusOK, &res)
	if len(res.Agents) != 1 || res.Agents[0].ID != anna.user.ID || res.Agents[0].Status != "away" || res.Agents[0].Teams[0] != "billing" {
		t.Fatalf("agents = %+v (the editor must not be listed)", res.Agents)
	}
}

func TestLookups(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)
	var teams struct {
		Teams []teamJSON `json:"teams"`
	}
	anna.must(t, "GET", "/api/teams", nil, http.StatusOK, &teams)
	if len(teams.Teams) != 2 || teams.Teams[0].Name != "billing" || teams.Teams[0].Title != "the billing team" || !teams.Teams[0].Open {
		t.Fatalf("teams = %+v", teams.Teams)
	}
	var cats struct {
		Categories []string `json:"categories"`
	}
	anna.must(t, "GET", "/api/categories", nil, http.StatusOK, &cats)
	if len(cats.Categories) == 0 || cats.Categories[0] != "question" {
		t.Fatalf("categories = %v", cats.Categories)
	}

	var canned struct {
		Replies []cannedJSON `json:"replies"`
	}
	anna.must(t, "GET", "/api/canned", nil, http.StatusOK, &canned)
	if len(canned.Replies) != 3 || !strings.Contains(canned.Replies[0].Text, "{{visitor.name}}") {
		t.Fatalf("unfilled canned = %+v", canned.Replies)
	}
	id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en-US", Attributes: map[string]string{"name": "Vera", "plan": "pro"}})
	var filled struct {
		Replies []cannedJSON `json:"replies"`
	}
	anna.must(t, "GET", "/api/canned?conversation_id="+id, nil, http.StatusOK, &filled)
	got := map[string]string{}
	for _, c := range filled.Replies {
		got[c.Name] = c.Text
	}
	if len(got) != 2 || got["hello"] != "Hi Vera, I am Anna from Support." || got["plan"] != "Your plan is pro." {
		t.Fatalf("filled canned = %+v", filled.Replies)
	}
	anna.wantError(t, "GET", "/api/canned?conversation_id=nope", nil, http.StatusNotFound, apierr.CodeNotFound)

	var arts struct {
		Articles []articleJSON `json:"articles"`
	}
	anna.must(t, "GET", "/api/articles?q=refund", nil, http.StatusOK, &arts)
	if len(arts.Articles) == 0 || arts.Articles[0].ID != "refunds" || arts.Articles[0].Score <= 0 {
		t.Fatalf("articles for 'refund' = %+v", arts.Articles)
	}
	anna.must(t, "GET", "/api/articles?q=", nil, http.StatusOK, &arts)
	if arts.Articles == nil || len(arts.Articles) != 0 {
		t.Fatalf("articles for an empty query = %+v", arts.Articles)
	}
}

func TestFillVars(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"visitor.name": "", "agent.first_name": "Anna", "attributes.plan": "pro"}
	for in, want := range map[string]string{
		"Hi {{visitor.name}}, I am {{ agent.first_name }}.": "Hi, I am Anna.",
		"Plan: {{attributes.plan}}":                         "Plan: pro",
		"{{unknown}} stays out":                             " stays out",
		"no variables : kept":                               "no variables : kept",
	} {
		if got := fillVars(in, vars); got != want {
			t.Errorf("fillVars(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeliveriesForAdmins(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	admin := e.login(t, auth.RoleAdmin)
	var res struct {
		Deliveries []deliveryJSON `json:"deliveries"`
	}
	admin.must(t, "GET", "/api/deliveries?limit=5", nil, http.StatusOK, &res)
	if res.Deliveries == nil {
		t.Fatal("deliveries must be [] without a dispatcher")
	}
	admin.wantError(t, "GET", "/api/deliveries?limit=x", nil, http.StatusBadRequest, apierr.CodeBadRequest)
	e.login(t, auth.RoleAgent).wantError(t, "GET", "/api/deliveries", nil, http.StatusForbidden, apierr.CodeForbidden)
}

// TestResolveTeaches: resolving can add the visitor's question to an
// article or save the reply as a draft article.
func TestResolveTeaches(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent)

	id := claimed(t, e, anna)
	anna.wantError(t, "POST", "/api/conversations/"+id+"/resolve",
		map[string]any{"category": "billing", "learn": map[string]string{"kind": "example", "article_id": "ghost"}}, http.StatusBadRequest, apierr.CodeBadRequest)
	if st, raw := anna.do(t, "POST", "/api/conversations/"+id+"/resolve",
		map[string]any{"category": "billing", "learn": map[string]string{"kind": "example", "article_id": "refunds", "question": "why was I charged twice"}}); st != http.StatusNoContent {
		t.Fatalf("resolve with example: %d %s", st, raw)
	}
	a, _ := e.kb.Article("refunds")
	if !slices.Contains(a.Questions, "why was I charged twice") {
		t.Fatalf("refunds questions = %v", a.Questions)
	}

	id = claimed(t, e, anna)
	anna.must(t, "POST", "/api/conversations/"+id+"/messages", map[string]string{"text": "Double charges are refunded automatically within a day."}, http.StatusOK, nil)
	if st, raw := anna.do(t, "POST", "/api/conversations/"+id+"/resolve",
		map[string]any{"category": "billing", "learn": map[string]string{"kind": "draft", "title": "Charged twice"}}); st != http.StatusNoContent {
		t.Fatalf("resolve with draft: %d %s", st, raw)
	}
	found := false
	for _, a := range e.kb.Articles() {
		if a.Title == "Charged twice" && a.Status == knowledge.Draft && strings.Contains(a.Body, "refunded automatically") {
			found = true
		}
	}
	if !found {
		t.Fatal("no draft article saved from the reply")
	}
}

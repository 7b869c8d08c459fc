package handoff_test

import (
	"testing"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

// TestVisitorHearsWhoIsThereBeforeTheyWrite: from the claim on, and after
// every change of hands, the visitor's state and typing updates name the
// agent who has the conversation, before that agent writes a word; a
// resumed visitor is told the same.
func TestVisitorHearsWhoIsThereBeforeTheyWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, q, stop := e.visitor("en")
	defer stop()
	e.escalate(c, "sensitive:billing")
	e.queued(c.ID)
	drain(q)

	humanBy := func(step string) string {
		t.Helper()
		var got []string
		for _, u := range drain(q) {
			if u.Kind == conversation.KindMessage && u.Message.From == store.FromAgent {
				t.Fatalf("%s: an agent wrote: %+v", step, u.Message)
			}
			if u.Kind == conversation.KindState && u.State == store.StateHuman {
				got = append(got, u.Author)
			}
		}
		if len(got) != 1 {
			t.Fatalf("%s: state updates to human naming %q, want one", step, got)
		}
		return got[0]
	}
	typingBy := func(a handoff.Agent) string {
		t.Helper()
		e.desk.Typing(e.ctx, c.ID, a, true)
		for _, u := range drain(q) {
			if u.Kind == conversation.KindTyping && u.From == store.FromAgent && u.On {
				return u.Author
			}
		}
		t.Fatalf("no typing update from %s", a.Name)
		return ""
	}
	resumedBy := func() string {
		t.Helper()
		conv, err := e.hub.Conversation(e.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return e.hub.StateUpdate(e.ctx, conv).Author
	}

	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	if got := humanBy("claim"); got != anna.Name {
		t.Errorf("after Anna's claim the state names %q, want %q", got, anna.Name)
	}
	if got := typingBy(anna); got != anna.Name {
		t.Errorf("Anna's typing names %q", got)
	}
	if got := resumedBy(); got != anna.Name {
		t.Errorf("a resumed visitor is told %q is there, want %q", got, anna.Name)
	}

	if _, err := e.desk.Transfer(e.ctx, c.ID, anna, handoff.Transfer{ToAgentID: bert.ID, Note: "over to you"}); err != nil {
		t.Fatal(err)
	}
	if got := humanBy("transfer to Bert"); got != bert.Name {
		t.Errorf("after the transfer the state names %q, want %q", got, bert.Name)
	}
	if got := typingBy(bert); got != bert.Name {
		t.Errorf("Bert's typing names %q", got)
	}
	if got := resumedBy(); got != bert.Name {
		t.Errorf("a resumed visitor is told %q is there, want %q", got, bert.Name)
	}

	// Through the team's queue: nobody is named while it waits, the one
	// who takes it from the queue is.
	if _, err := e.desk.Transfer(e.ctx, c.ID, bert, handoff.Transfer{ToTeam: "billing", Note: "back to the team"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range drain(q) {
		if u.Kind == conversation.KindState && (u.State != store.StateWaiting || u.Author != "") {
			t.Errorf("transfer to the team: state update %+v", u)
		}
	}
	if got := resumedBy(); got != "" {
		t.Errorf("waiting in the team's queue, a resumed visitor is told %q is there", got)
	}
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	if got := humanBy("claim from the team's queue"); got != anna.Name {
		t.Errorf("after the claim from the queue the state names %q, want %q", got, anna.Name)
	}
}

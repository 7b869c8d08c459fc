package widget

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

// rawFrame reads the next frame, typing frames included, as its fields.
func (c *client) rawFrame() map[string]any {
	c.t.Helper()
	c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		c.t.Fatalf("bad frame %s: %v", data, err)
	}
	return f
}

// TestFramesNameTheAgent: the state frame of a claim and an agent's typing
// frames carry author before the agent writes, a transfer is a new state
// frame with the new name, and a resumed visitor's state frame names the
// owner of the open handoff. Frames without a name have no author field,
// as before.
func TestFramesNameTheAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{}, echoBot{})
	ctx := context.Background()
	c := e.mustDial()
	w := c.hello("", 0)
	c.message("m1", "a billing question")
	c.expect("message") // the ack
	c.expect("message") // the escalation notice
	if f := c.rawFrame(); f["type"] != "state" || f["state"] != store.StateWaiting {
		t.Fatalf("escalation: %v", f)
	} else if _, ok := f["author"]; ok {
		t.Fatalf("a waiting state frame names someone: %v", f)
	}
	// The visitor's own typing elsewhere is not shown; the bot's has no name.
	e.hub.Typing(ctx, w.ConversationID, store.FromBot, true)
	if f := c.rawFrame(); f["type"] != "typing" || f["from"] != store.FromBot {
		t.Fatalf("bot typing: %v", f)
	} else if _, ok := f["author"]; ok {
		t.Fatalf("the bot's typing frame has an author: %v", f)
	}

	hs := e.st.(store.Handoffs)
	ho := store.Handoff{ID: "h1", ConversationID: w.ConversationID, Site: "default", Reason: "sensitive:billing",
		AssigneeID: "u-anna", AssigneeName: "Anna Berg"}
	if err := hs.CreateHandoff(ctx, ho); err != nil {
		t.Fatal(err)
	}
	if err := e.hub.SetStateBy(ctx, w.ConversationID, store.StateHuman, "agent_joined", "Anna Berg"); err != nil {
		t.Fatal(err)
	}
	if f := c.rawFrame(); f["type"] != "state" || f["state"] != store.StateHuman || f["author"] != "Anna Berg" {
		t.Fatalf("claim: %v", f)
	}
	e.hub.TypingAs(ctx, w.ConversationID, store.FromAgent, "Anna Berg", true)
	if f := c.rawFrame(); f["type"] != "typing" || f["from"] != store.FromAgent || f["author"] != "Anna Berg" || f["on"] != true {
		t.Fatalf("Anna typing: %v", f)
	}

	// Anna passes it to Bob, who has not written yet.
	ho, err := hs.OpenHandoff(ctx, w.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	ho.AssigneeID, ho.AssigneeName = "u-bob", "Bob Ek"
	if _, err := hs.UpdateHandoff(ctx, ho); err != nil {
		t.Fatal(err)
	}
	if err := e.hub.SetStateBy(ctx, w.ConversationID, store.StateHuman, "agent_joined", "Bob Ek"); err != nil {
		t.Fatal(err)
	}
	if f := c.rawFrame(); f["type"] != "state" || f["state"] != store.StateHuman || f["author"] != "Bob Ek" {
		t.Fatalf("transfer: %v", f)
	}
	c.ws.Close()

	// A resumed tab hears Bob's name right after the welcome.
	c2 := e.mustDial()
	if w2 := c2.hello(w.Token, 99); w2.State != store.StateHuman {
		t.Fatalf("resumed: %+v", w2)
	}
	if f := c2.rawFrame(); f["type"] != "state" || f["state"] != store.StateHuman || f["author"] != "Bob Ek" {
		t.Fatalf("resumed state: %v", f)
	}
}

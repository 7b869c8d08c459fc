package handoff_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

func TestReplyIsMailedWhenTheVisitorLeft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _, stop := e.visitor("sv-SE")
	if err := e.hub.SetContact(e.ctx, c.ID, "vera@example.org"); err != nil {
		t.Fatal(err)
	}
	e.escalate(c, conversation.ReasonAskedForHuman)
	e.queued(c.ID)
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	// While the chat is open, the reply goes there only.
	if _, err := e.desk.Reply(e.ctx, c.ID, anna, "Hej! Jag kollar.", ""); err != nil {
		t.Fatal(err)
	}
	stop()
	m, err := e.desk.Reply(e.ctx, c.ID, anna, "Pengarna är tillbaka på kontot.", "")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-e.rec.mailed:
	case <-time.After(5 * time.Second):
		t.Fatal("no mail sent")
	}
	e.rec.mu.Lock()
	mails := e.rec.mails
	e.rec.mu.Unlock()
	if len(mails) != 1 {
		t.Fatalf("mails: %+v", mails)
	}
	if got := mails[0]; got.To != "vera@example.org" || got.Text != m.Text || got.AgentName != "Anna" || got.Locale != "sv-SE" ||
		got.ChatURL != "https://help.example/chat#"+c.ID || got.ConversationID != c.ID {
		t.Fatalf("mail: %+v", got)
	}
}

func TestContext(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *config.Config) { c.Sites[0].IdentitySecret = "s3cret" })
	start := func(attrs map[string]string, email string) store.Conversation {
		c, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default", Locale: "en-US", Page: "https://shop.example/billing", Attributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		if email != "" {
			if err := e.hub.SetContact(e.ctx, c.ID, email); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	// As the widget stores them: a verified user_id carries identity_verified.
	earlierByUser := start(map[string]string{"user_id": "42", "identity_verified": "true"}, "")
	start(nil, "vera@example.org")                                             // same e-mail, unproven: not hers on this site
	start(map[string]string{"user_id": "42"}, "")                              // user_id from before the site had a secret
	start(map[string]string{"user_id": "43", "identity_verified": "true"}, "") // someone else
	c := start(map[string]string{"user_id": "42", "identity_verified": "true", "name": "Vera", "device": "iPhone"}, "vera@example.org")
	q := conversation.NewQueue(64)
	defer e.hub.Subscribe(c.ID, q)()
	e.escalate(c, "low_confidence")
	e.queued(c.ID)
	cx, err := e.desk.Context(e.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cx.Conversation.ID != c.ID || len(cx.Messages) != 3 || cx.Messages[1].Text != "escalate low_confidence" {
		t.Fatalf("transcript: %+v", cx.Messages)
	}
	d := cx.Decision
	if d == nil || d.Reason != "low_confidence" || d.ReasonText != "The bot was not sure of the answer" || d.Confidence != 0.2 ||
		len(d.Candidates) != 1 || d.Candidates[0].ArticleID != "refunds" || d.Candidates[0].Score != 0.41 {
		t.Fatalf("decision: %+v", d)
	}
	v := cx.Visitor
	if !v.Verified || !v.Online || v.Name != "Vera" || v.Email != "vera@example.org" || v.Device != "iPhone" ||
		v.Locale != "en-US" || v.Page != "https://shop.example/billing" || v.Attributes["user_id"] != "42" {
		t.Fatalf("visitor: %+v", v)
	}
	if len(cx.Earlier) != 1 || cx.Earlier[0].ID != earlierByUser.ID || !cx.Earlier[0].Verified ||
		cx.Earlier[0].MatchedBy != handoff.MatchUserID || cx.EarlierUnverified {
		t.Fatalf("earlier conversations: %+v (unverified %v)", cx.Earlier, cx.EarlierUnverified)
	}
	if cx.Handoff == nil || cx.Handoff.Team != "technical" || cx.Item == nil || cx.Item.ConversationID != c.ID {
		t.Fatalf("handoff %+v, item %+v", cx.Handoff, cx.Item)
	}
	if _, err := e.desk.Context(e.ctx, "no-such"); !errors.Is(err, handoff.ErrNotFound) {
		t.Fatalf("unknown conversation: %v", err)
	}
}

func TestContextUnverifiedIdentity(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // no identity secret: user_id is whatever the page says
	other, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default", Attributes: map[string]string{"user_id": "42"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default", Attributes: map[string]string{"user_id": "42"}})
	if err != nil {
		t.Fatal(err)
	}
	cx, err := e.desk.Context(e.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cx.Visitor.Verified || len(cx.Earlier) != 0 {
		t.Fatalf("an unverified user_id showed %d earlier conversations (%s): %+v", len(cx.Earlier), other.ID, cx.Visitor)
	}
}

func TestResolveSavesADraft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _, stop := e.visitor("sv")
	defer stop()
	e.escalate(c, "low_confidence")
	e.queued(c.ID)
	if _, err := e.desk.Claim(e.ctx, c.ID, cleo); err != nil {
		t.Fatal(err)
	}
	if _, err := e.desk.Reply(e.ctx, c.ID, cleo, "Du byter lösenord under Inställningar.", ""); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []*handoff.Learning{{Kind: "poem"}, {Kind: handoff.LearnExample}} {
		if err := e.desk.Resolve(e.ctx, c.ID, cleo, handoff.Resolution{Category: "question", Learn: bad}); !errors.Is(err, handoff.ErrBadRequest) {
			t.Fatalf("learning %+v: %v", bad, err)
		}
	}
	if e.conv(c.ID).State != store.StateHuman {
		t.Fatal("a failed learning closed the conversation")
	}
	if err := e.desk.Resolve(e.ctx, c.ID, cleo, handoff.Resolution{Category: "question", Learn: &handoff.Learning{Kind: handoff.LearnDraft}}); err != nil {
		t.Fatal(err)
	}
	if got := e.rec.drafts; len(got) != 1 || got[0] != [3]string{"escalate low_confidence", "Du byter lösenord under Inställningar.", "sv"} {
		t.Fatalf("drafts: %q", got)
	}
	evs, _ := e.st.Events(context.Background(), c.ID)
	found := false
	for _, ev := range evs {
		if ev.Kind == "handoff" && len(ev.Data) > 0 && containsAll(string(ev.Data), `"resolved"`, `"draft_id":"draft-1"`) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no resolve event with the draft: %+v", evs)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !contains(s, sub) {
			return false
		}
	}
	return true
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

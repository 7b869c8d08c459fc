package handoff_test

import (
	"testing"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

// resolvedWithEmail is a resolved conversation of a customer who gave
// address email, with a summary an impostor must not read.
func (e *env) resolvedWithEmail(email string, attrs map[string]string) store.Conversation {
	e.t.Helper()
	c, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default", Locale: "en", Attributes: attrs})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.hub.SetContact(e.ctx, c.ID, email); err != nil {
		e.t.Fatal(err)
	}
	e.escalate(c, "sensitive:billing")
	e.queued(c.ID)
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		e.t.Fatal(err)
	}
	if err := e.desk.Resolve(e.ctx, c.ID, anna, handoff.Resolution{Category: e.cfg.Handoff.Categories[0], Summary: "Refunded order 8812 to card ending 4242"}); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// On a site with an identity secret, a visitor who types someone else's
// e-mail address (or sends it, or a user_id, as unsigned attributes) is
// not shown that person's conversations, and is not marked verified.
func TestEarlierConversationsNeedAProvenIdentity(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *config.Config) { c.Sites[0].IdentitySecret = "s3cret" })
	victim := e.resolvedWithEmail("victim@example.org", map[string]string{"user_id": "7", "identity_verified": "true"})
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		email string
	}{
		{"typed e-mail", nil, "victim@example.org"},
		{"e-mail attribute", map[string]string{"email": "victim@example.org"}, ""},
		{"unsigned user_id", map[string]string{"user_id": "7"}, "victim@example.org"},
	} {
		c, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default", Attributes: tc.attrs})
		if err != nil {
			t.Fatal(err)
		}
		if tc.email != "" {
			if err := e.hub.SetContact(e.ctx, c.ID, tc.email); err != nil {
				t.Fatal(err)
			}
		}
		cx, err := e.desk.Context(e.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cx.Earlier) != 0 || cx.Visitor.Verified {
			t.Errorf("%s: the impostor sees %+v (verified %v; the victim's is %s)", tc.name, cx.Earlier, cx.Visitor.Verified, victim.ID)
		}
	}
	// The customer, signed in, sees their own, marked verified.
	c, err := e.hub.Start(e.ctx, conversation.Visit{Site: "default", Attributes: map[string]string{"user_id": "7", "identity_verified": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	cx, err := e.desk.Context(e.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !cx.Visitor.Verified || len(cx.Earlier) != 1 || cx.Earlier[0].ID != victim.ID || !cx.Earlier[0].Verified ||
		cx.Earlier[0].MatchedBy != handoff.MatchUserID || cx.EarlierUnverified {
		t.Fatalf("the verified customer's context: verified %v, earlier %+v, unverified %v", cx.Visitor.Verified, cx.Earlier, cx.EarlierUnverified)
	}
}

// On a site without an identity secret an e-mail address is all there is:
// the earlier conversations it finds are shown, each marked unverified.
func TestEarlierConversationsByEmailAreMarkedUnverified(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	earlier := e.resolvedWithEmail("vera@example.org", nil)
	c, _, stop := e.visitor("en")
	defer stop()
	if err := e.hub.SetContact(e.ctx, c.ID, "Vera@Example.org"); err != nil {
		t.Fatal(err)
	}
	cx, err := e.desk.Context(e.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cx.Earlier) != 1 || cx.Earlier[0].ID != earlier.ID || cx.Earlier[0].Verified || cx.Earlier[0].MatchedBy != handoff.MatchEmail ||
		!cx.EarlierUnverified || cx.Visitor.Verified {
		t.Fatalf("earlier %+v, section unverified %v, visitor verified %v", cx.Earlier, cx.EarlierUnverified, cx.Visitor.Verified)
	}
}

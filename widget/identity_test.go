package widget

import (
	"context"
	"github.com/andon-chat/andon/internal/apierr"
	"maps"
	"strings"
	"testing"

	"github.com/andon-chat/andon/store"
)

const testIdentitySecret = "identity secret of the shop, 32+ chars"

// identityEnv serves a default site that verifies identities and a site
// "open" that does not.
func identityEnv(t *testing.T) *env {
	return newEnv(t, Options{Sites: []Site{
		{Name: "default", IdentitySecret: testIdentitySecret},
		{Name: "open", AllowedOrigins: []string{"https://open.example.com"}},
	}}, echoBot{})
}

// conversations counts the stored conversations, whatever their state.
func (e *env) conversations() int {
	e.t.Helper()
	n := 0
	for _, state := range []string{store.StateBot, store.StateWaiting, store.StateHuman, store.StateClosed} {
		cs, err := e.st.(store.Handoffs).ConversationsByState(context.Background(), state, 1000)
		if err != nil {
			e.t.Fatal(err)
		}
		n += len(cs)
	}
	return n
}

func (e *env) attributes(id string) map[string]string {
	e.t.Helper()
	c, err := e.st.Conversation(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Attributes
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	good := IdentityHash(testIdentitySecret, "42")
	tests := []struct {
		name  string
		site  string // "" default (verifies), "open"
		attrs map[string]string
		code  string            // the refusal, or "" for a welcome
		want  map[string]string // stored attributes
	}{
		{"verified", "", map[string]string{"user_id": "42", "user_hash": good, "plan": "pro"},
			"", map[string]string{"user_id": "42", "plan": "pro", "identity_verified": "true"}},
		{"hex in capitals", "", map[string]string{"user_id": "42", "user_hash": strings.ToUpper(good)},
			"", map[string]string{"user_id": "42", "identity_verified": "true"}},
		{"forged", "", map[string]string{"user_id": "42", "user_hash": IdentityHash("another secret", "42")}, apierr.CodeForbiddenIdentity, nil},
		{"another customer's hash", "", map[string]string{"user_id": "43", "user_hash": good}, apierr.CodeForbiddenIdentity, nil},
		{"missing hash", "", map[string]string{"user_id": "42", "email": "a@example.com"}, apierr.CodeForbiddenIdentity, nil},
		{"hash that is not hex", "", map[string]string{"user_id": "42", "user_hash": "zz" + good[2:]}, apierr.CodeForbiddenIdentity, nil},
		{"forged hash claiming verified", "", map[string]string{"user_id": "42", "user_hash": "00", "identity_verified": "true"}, apierr.CodeForbiddenIdentity, nil},
		{"visitor sets identity_verified", "", map[string]string{"identity_verified": "true", "plan": "pro"},
			"", map[string]string{"plan": "pro"}},
		{"only identity_verified", "", map[string]string{"identity_verified": "true"}, "", nil},
		{"anonymous", "", nil, "", nil},
		{"site without a secret stores user_id unverified", "open",
			map[string]string{"user_id": "42", "user_hash": good, "identity_verified": "true"},
			"", map[string]string{"user_id": "42"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := identityEnv(t)
			query, origin := "", e.srv.URL
			if tt.site == "open" {
				query, origin = "?site=open", "https://open.example.com"
			}
			c, _, err := e.dial(query, origin)
			if err != nil {
				t.Fatal(err)
			}
			c.send(map[string]any{"type": "hello", "attributes": tt.attrs})
			if tt.code != "" {
				f := c.expectError(tt.code, "attributes")
				if f.Message == "" {
					t.Error("the refusal does not say why")
				}
				if n := e.conversations(); n != 0 {
					t.Fatalf("%d conversations stored after a refused hello", n)
				}
				// The connection stays open: an anonymous hello is welcome.
				c.send(map[string]any{"type": "hello"})
				w := c.expect("welcome")
				c.message("m1", "hi")
				c.expect("message")
				if got := e.attributes(w.ConversationID); len(got) != 0 {
					t.Errorf("anonymous hello after a refusal stored %v", got)
				}
				return
			}
			w := c.expect("welcome")
			c.message("m1", "hi") // the conversation is stored with its first message
			c.expect("message")
			if got := e.attributes(w.ConversationID); !maps.Equal(got, tt.want) {
				t.Errorf("stored attributes %v, want %v", got, tt.want)
			}
		})
	}
}

// TestIdentityResumeForged checks that a returning visitor cannot swap a
// verified identity for a forged one: the resume is refused and the stored
// attributes stay as they were.
func TestIdentityResumeForged(t *testing.T) {
	t.Parallel()
	e := identityEnv(t)
	c := e.mustDial()
	c.send(map[string]any{"type": "hello", "attributes": map[string]string{"user_id": "42", "user_hash": IdentityHash(testIdentitySecret, "42")}})
	w := c.expect("welcome")
	c.message("m1", "hi")
	c.expect("message")
	c.ws.Close()

	c2 := e.mustDial()
	c2.send(map[string]any{"type": "hello", "token": w.Token, "attributes": map[string]string{"user_id": "43", "identity_verified": "true"}})
	c2.expectError(apierr.CodeForbiddenIdentity, "attributes")
	want := map[string]string{"user_id": "42", "identity_verified": "true"}
	if got := e.attributes(w.ConversationID); !maps.Equal(got, want) {
		t.Fatalf("after a forged resume the attributes are %v, want %v", got, want)
	}
	// Resuming without attributes keeps the verified identity.
	c2.send(map[string]any{"type": "hello", "token": w.Token})
	if w2 := c2.expect("welcome"); w2.ConversationID != w.ConversationID {
		t.Fatalf("resumed %s, want %s", w2.ConversationID, w.ConversationID)
	}
	if got := e.attributes(w.ConversationID); !maps.Equal(got, want) {
		t.Fatalf("after resuming the attributes are %v, want %v", got, want)
	}
}

func TestVerifyIdentityDoesNotChangeInput(t *testing.T) {
	t.Parallel()
	in := map[string]string{"user_id": "42", "user_hash": IdentityHash("s", "42"), "identity_verified": "x"}
	before := maps.Clone(in)
	if _, perr := verifyIdentity("s", in); perr != nil {
		t.Fatal(perr)
	}
	if !maps.Equal(in, before) {
		t.Errorf("the hello's attributes were changed: %v", in)
	}
}

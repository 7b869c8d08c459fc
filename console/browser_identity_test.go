package console

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
)

// identityBadges is what the context panel shows about the identity check:
// the texts of the verified/unverified badges, the fact (dt) each one sits
// on, and whether one is in a heading (vouching for a whole section).
type identityBadges struct {
	Texts     []string `json:"texts"`
	Facts     []string `json:"facts"`
	InHeading bool     `json:"in_heading"`
}

const identityBadgesJS = `JSON.stringify((() => {
	const bs = [...document.querySelectorAll('#ctx .badge.verified, #ctx .badge.unverified')];
	return {
		texts: bs.map((b) => b.textContent),
		facts: bs.map((b) => { const dd = b.closest('dd'); return dd && dd.previousElementSibling ? dd.previousElementSibling.textContent : ''; }),
		in_heading: !!document.querySelector('#ctx h3 .badge.verified, #ctx h3 .badge.unverified'),
	};
})())`

// The site's identity HMAC vouches for the user_id attribute and nothing
// else: the "identity verified" badge is on the user_id line only, never
// on the visitor section (name, e-mail and the other attributes are what
// the page or the visitor typed). Without a user_id there is no badge.
// (identity_verified is what the widget stores when the HMAC checked out.)
func TestBrowserIdentityBadgeOnUserIDOnly(t *testing.T) {
	cfg := config.Defaults()
	cfg.Teams = []config.Team{{Name: "billing", Title: "the billing team"}}
	signed := cfg.Sites[0]
	signed.Name, signed.IdentitySecret = "signed", "0123456789abcdef0123456789abcdef-identity"
	cfg.Sites = append(cfg.Sites, signed)
	e := newEnv(t, envOptions{cfg: &cfg})
	email := "anna@example.com"
	if _, _, err := e.auth.AddUser(context.Background(), auth.NewUser{Email: email, Name: "Anna Berg", Role: auth.RoleAgent, Teams: []string{"billing"}, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		visit conversation.Visit
		want  identityBadges
	}{
		{"signed site, user_id", conversation.Visit{Site: "signed", Locale: "en", Attributes: map[string]string{"name": "Vera", "email": "vera@example.com", "user_id": "u-42", "identity_verified": "true", "plan": "pro"}},
			identityBadges{Texts: []string{"✓ identity verified"}, Facts: []string{"user_id"}}},
		{"unsigned site, user_id", conversation.Visit{Site: "default", Locale: "en", Attributes: map[string]string{"name": "Olle", "email": "olle@example.com", "user_id": "u-43"}},
			identityBadges{Texts: []string{"not verified"}, Facts: []string{"user_id"}}},
		{"signed site, no user_id", conversation.Visit{Site: "signed", Locale: "en", Attributes: map[string]string{"name": "Nils", "email": "nils@example.com"}},
			identityBadges{}},
	}
	ids := make([]string, len(tests))
	for i, tc := range tests {
		ids[i] = e.escalate(t, tc.visit)
	}
	// The same people again: Olle by the e-mail he typed (unproven), Vera
	// by her verified user_id.
	olleAgain := e.escalate(t, conversation.Visit{Site: "default", Locale: "en", Attributes: map[string]string{"name": "Olle", "email": "olle@example.com"}})
	veraAgain := e.escalate(t, conversation.Visit{Site: "signed", Locale: "en", Attributes: map[string]string{"name": "Vera", "email": "vera@example.com", "user_id": "u-42", "identity_verified": "true"}})
	for _, id := range []string{ids[1], olleAgain} { // Olle left his address both times
		if err := e.hub.SetContact(context.Background(), id, "olle@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	ctx := browser(t, 1280, 800)
	logIn(ctx, t, e, email)
	until(ctx, t, "the queue", `document.querySelector('#queue-waiting li[data-id="`+ids[0]+`"]')`)
	for i, tc := range tests {
		eval[string](ctx, t, `location.hash = '#c/`+ids[i]+`'`)
		until(ctx, t, tc.name+": the visitor facts", `document.querySelector('#ctx .facts') && document.querySelector('#ctx').textContent.includes(`+jsString(tc.visit.Attributes["email"])+`)`)
		var got identityBadges
		if err := json.Unmarshal([]byte(eval[string](ctx, t, identityBadgesJS)), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Texts) != len(tc.want.Texts) || len(got.Texts) > 0 && (got.Texts[0] != tc.want.Texts[0] || got.Facts[0] != tc.want.Facts[0]) || got.InHeading {
			shot(ctx, t, "identity-"+ids[i])
			t.Errorf("%s: badges %+v, want %+v and none in a heading", tc.name, got, tc.want)
		}
	}
	shot(ctx, t, "identity-badge")

	// Earlier conversations found by an e-mail address say so; those of
	// the verified user_id do not.
	for _, tc := range []struct {
		name, id  string
		wantLabel bool
	}{
		{"matched by e-mail", olleAgain, true},
		{"matched by verified user_id", veraAgain, false},
	} {
		eval[string](ctx, t, `location.hash = '#c/`+tc.id+`'`)
		until(ctx, t, tc.name+": the earlier conversation", `document.querySelector('#ctx .earlier li') && location.hash.endsWith(`+jsString(tc.id)+`)`)
		text := eval[string](ctx, t, `document.querySelector('#ctx .earlier').textContent`)
		if got := strings.Contains(text, "matched by e-mail (unverified)"); got != tc.wantLabel {
			shot(ctx, t, "identity-earlier-"+tc.id)
			t.Errorf("%s: earlier conversations %q, want the e-mail label: %v", tc.name, text, tc.wantLabel)
		}
	}
	shot(ctx, t, "identity-earlier")
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

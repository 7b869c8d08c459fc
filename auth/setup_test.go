package auth

import (
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// tokenOf returns the token in a link's #setup= fragment.
func tokenOf(t *testing.T, link string) string {
	t.Helper()
	_, token, ok := strings.Cut(link, "/console/#setup=")
	if !ok || token == "" {
		t.Fatalf("link %q has no #setup= token", link)
	}
	return token
}

func TestFirstAdminSetup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	link, err := e.svc.EnsureSetup(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, "http://localhost:8080/console/#setup=") {
		t.Fatalf("setup link %q, want it on LocalURL", link)
	}
	token := tokenOf(t, link)

	r := e.do("POST", "/api/setup/check", map[string]string{"token": token}, nil)
	if r.status != 200 || r.body["kind"] != "setup" {
		t.Fatalf("check: %d %s", r.status, r.raw)
	}
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": token, "password": "the boss password"}, nil), 400, apierr.CodeInvalidEmail)
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": token, "email": "boss@example.com", "password": "short"}, nil), 400, apierr.CodeWeakPassword)
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": token + "x", "email": "boss@example.com", "password": "the boss password"}, nil), 404, apierr.CodeTokenInvalid)
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": token, "email": "boss@example.com", "password": "the boss password"}, nil, "Origin", "https://evil.example"), 403, apierr.CodeBadOrigin)

	r = e.do("POST", "/api/setup", map[string]string{"token": token, "email": "Boss@Example.com", "name": "The Boss", "password": "the boss password"}, nil)
	if r.status != 200 {
		t.Fatalf("setup: %d %s", r.status, r.raw)
	}
	boss := sessionFrom(t, r)
	user := r.body["user"].(map[string]any)
	if user["role"] != RoleAdmin || user["email"] != "boss@example.com" || user["name"] != "The Boss" {
		t.Fatalf("first admin %v", user)
	}
	e.expect(e.do("GET", "/api/test/admin", nil, boss), 200, "")

	e.expect(e.do("POST", "/api/setup", map[string]string{"token": token, "email": "mallory@example.com", "password": "mallory's password"}, nil), 410, apierr.CodeTokenUsed)
	e.expect(e.do("POST", "/api/setup/check", map[string]string{"token": token}, nil), 410, apierr.CodeTokenUsed)
	if again, err := e.svc.EnsureSetup(t.Context()); err != nil || again != "" {
		t.Fatalf("EnsureSetup with a user = %q, %v; want no link", again, err)
	}
	e.login("boss@example.com", "the boss password")
}

func TestOlderSetupLinkUselessAfterSetup(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	first, _ := e.svc.EnsureSetup(t.Context())
	second, _ := e.svc.EnsureSetup(t.Context()) // a restart before anyone used the first
	if first == second {
		t.Fatal("two setup links are equal")
	}
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": tokenOf(t, second), "email": "boss@example.com", "password": "the boss password"}, nil), 200, "")
	r := e.do("POST", "/api/setup", map[string]string{"token": tokenOf(t, first), "email": "mallory@example.com", "password": "mallory's password"}, nil)
	e.expect(r, 410, apierr.CodeTokenUsed)
	if !strings.Contains(r.message(), "already done") {
		t.Fatalf("message %q", r.message())
	}
}

func TestSetupLinkExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.SetupTTL = time.Hour })
	link, _ := e.svc.EnsureSetup(t.Context())
	e.clock.Advance(time.Hour)
	r := e.do("POST", "/api/setup", map[string]string{"token": tokenOf(t, link), "email": "boss@example.com", "password": "the boss password"}, nil)
	e.expect(r, 410, apierr.CodeTokenExpired)
	if !strings.Contains(r.message(), "2026-11-26 23:00 UTC") {
		t.Fatalf("message %q should say when it expired", r.message())
	}
}

// TestSetupRace: many browsers submit the same link at once; exactly one
// becomes the user, the others are told the link was used.
func TestSetupRace(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"setup", "invite"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, func(o *Options) { o.PerIP = Rate{Every: time.Second, Burst: 1000} })
			var link string
			var err error
			if kind == "setup" {
				link, err = e.svc.EnsureSetup(t.Context())
			} else {
				e.addUser("admin@example.com", RoleAdmin, "admin password")
				_, link, err = e.svc.AddUser(t.Context(), NewUser{Email: "anna@example.com", Role: RoleAgent})
			}
			if err != nil {
				t.Fatal(err)
			}
			token := tokenOf(t, link)
			const n = 16
			results := make([]response, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					results[i] = e.do("POST", "/api/setup", map[string]string{
						"token": token, "email": "racer" + string(rune('a'+i)) + "@example.com", "password": "racer password " + string(rune('a'+i)),
					}, nil)
				})
			}
			close(start)
			wg.Wait()
			won := -1
			for i, r := range results {
				switch {
				case r.status == http.StatusOK && won >= 0:
					t.Fatalf("requests %d and %d both used the link", won, i)
				case r.status == http.StatusOK:
					won = i
				case r.status != http.StatusGone || r.code() != apierr.CodeTokenUsed:
					t.Fatalf("request %d: %d %s, want 410 token_used", i, r.status, r.raw)
				}
			}
			if won < 0 {
				t.Fatal("nobody used the link")
			}
			email := "anna@example.com"
			if kind == "setup" {
				email = "racer" + string(rune('a'+won)) + "@example.com"
			}
			e.login(email, "racer password "+string(rune('a'+won)))
			for i := range n {
				if i == won {
					continue
				}
				r := e.do("POST", "/api/login", map[string]string{"email": email, "password": "racer password " + string(rune('a'+i))}, nil)
				if r.status == 200 {
					t.Fatalf("the password of losing request %d works", i)
				}
			}
		})
	}
}

func TestInviteFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("admin@example.com", RoleAdmin, "admin password")
	admin := e.login("admin@example.com", "admin password")

	r := e.do("POST", "/api/users", map[string]any{"email": "Anna@Example.com", "name": "Anna", "role": "agent", "teams": []string{"billing"}}, admin)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	invite, _ := r.body["invite_url"].(string)
	if !strings.HasPrefix(invite, e.srv.URL+"/console/#setup=") {
		t.Fatalf("invite_url %q, want it on the request's origin %s", invite, e.srv.URL)
	}
	user := r.body["user"].(map[string]any)
	if user["has_password"] != false || user["email"] != "anna@example.com" {
		t.Fatalf("invited user %v", user)
	}
	token := tokenOf(t, invite)

	r = e.do("POST", "/api/setup/check", map[string]string{"token": token}, nil)
	if r.status != 200 || r.body["kind"] != "invite" || r.body["email"] != "anna@example.com" || r.body["name"] != "Anna" {
		t.Fatalf("check: %d %s", r.status, r.raw)
	}
	r = e.do("POST", "/api/setup", map[string]string{"token": token, "name": "Anna Berg", "password": "anna's password"}, nil)
	if r.status != 200 {
		t.Fatalf("accept: %d %s", r.status, r.raw)
	}
	anna := sessionFrom(t, r)
	if u := r.body["user"].(map[string]any); u["name"] != "Anna Berg" || u["role"] != "agent" || u["has_password"] != true {
		t.Fatalf("after accepting %v", u)
	}
	e.expect(e.do("GET", "/api/test/agent", nil, anna), 200, "")
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": token, "password": "another password"}, nil), 410, apierr.CodeTokenUsed)
	e.login("anna@example.com", "anna's password")
}

func TestInviteExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.InviteTTL = 48 * time.Hour })
	_, link, err := e.svc.AddUser(t.Context(), NewUser{Email: "anna@example.com", Role: RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(47 * time.Hour)
	e.expect(e.do("POST", "/api/setup/check", map[string]string{"token": tokenOf(t, link)}, nil), 200, "")
	e.clock.Advance(time.Hour)
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": tokenOf(t, link), "password": "anna's password"}, nil), 410, apierr.CodeTokenExpired)
}

func TestResetFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("admin@example.com", RoleAdmin, "admin password")
	anna := e.addUser("anna@example.com", RoleAgent, "anna's password")
	admin := e.login("admin@example.com", "admin password")
	old := e.login("anna@example.com", "anna's password")

	first := e.do("POST", "/api/users/"+anna.ID+"/reset", nil, admin)
	e.expect(first, 200, "")
	second := e.do("POST", "/api/users/"+anna.ID+"/reset", nil, admin)
	e.expect(second, 200, "")
	if exp, _ := second.body["expires_at"].(string); exp != e.clock.Now().Add(24*time.Hour).Format(time.RFC3339) {
		t.Fatalf("expires_at %q", exp)
	}
	// Only the newest link works, and until it is used the old password does.
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": tokenOf(t, first.body["reset_url"].(string)), "password": "a new password"}, nil), 404, apierr.CodeTokenInvalid)
	e.expect(e.do("GET", "/api/me", nil, old), 200, "")
	r := e.do("POST", "/api/setup/check", map[string]string{"token": tokenOf(t, second.body["reset_url"].(string))}, nil)
	if r.body["kind"] != "reset" || r.body["email"] != "anna@example.com" {
		t.Fatalf("check: %s", r.raw)
	}
	r = e.do("POST", "/api/setup", map[string]string{"token": tokenOf(t, second.body["reset_url"].(string)), "password": "a new password"}, nil)
	e.expect(r, 200, "")
	fresh := sessionFrom(t, r)

	e.expect(e.do("GET", "/api/me", nil, old), 401, apierr.CodeUnauthorized)
	e.expect(e.do("GET", "/api/me", nil, fresh), 200, "")
	e.expect(e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "anna's password"}, nil), 401, apierr.CodeInvalidCredentials)
	e.login("anna@example.com", "a new password")

	e.expect(e.do("POST", "/api/users/"+store404+"/reset", nil, admin), 404, apierr.CodeNotFound)
}

const store404 = "no-such-user"

func TestResetLinkOfDisabledUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	anna := e.addUser("anna@example.com", RoleAgent, "anna's password")
	link, _, err := e.svc.ResetLink(t.Context(), anna.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetDisabled(t.Context(), anna.ID, true); err != nil {
		t.Fatal(err)
	}
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": tokenOf(t, link), "password": "a new password"}, nil), 403, apierr.CodeUserDisabled)
	if _, _, err := e.svc.ResetLink(t.Context(), anna.ID, ""); err == nil {
		t.Fatal("a reset link was made for a disabled user")
	}
}

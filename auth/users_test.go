package auth

import (
	"errors"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestUserAdministration(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.Teams = []string{"billing", "technical"} })
	boss := e.addUser("boss@example.com", RoleAdmin, "the boss password")
	admin := e.login("boss@example.com", "the boss password")

	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"bad e-mail", map[string]any{"email": "anna", "role": "agent"}, 400, apierr.CodeInvalidEmail},
		{"bad role", map[string]any{"email": "anna@example.com", "role": "boss"}, 400, apierr.CodeInvalidRole},
		{"unknown team", map[string]any{"email": "anna@example.com", "role": "agent", "teams": []string{"sales"}}, 400, apierr.CodeInvalidTeam},
		{"ok", map[string]any{"email": "anna@example.com", "role": "agent", "teams": []string{"billing", "billing", "technical"}}, 201, ""},
		{"e-mail taken", map[string]any{"email": "ANNA@example.com", "role": "editor"}, 409, apierr.CodeEmailTaken},
	}
	var anna map[string]any
	for _, tc := range tests {
		r := e.do("POST", "/api/users", tc.body, admin)
		if r.status != tc.status || r.code() != tc.code {
			t.Fatalf("%s: %d %q, want %d %q (%s)", tc.name, r.status, r.code(), tc.status, tc.code, r.raw)
		}
		if r.status == 201 {
			anna = r.body["user"].(map[string]any)
		}
	}
	if anna["name"] != "Anna" || strings.Join(toStrings(anna["teams"]), ",") != "billing,technical" {
		t.Fatalf("created %v: want the name from the e-mail and the teams once each", anna)
	}
	id := anna["id"].(string)

	r := e.do("PATCH", "/api/users/"+id, map[string]any{"name": "Anna Berg", "role": "editor", "teams": []string{"technical"}}, admin)
	e.expect(r, 200, "")
	u := r.body["user"].(map[string]any)
	if u["name"] != "Anna Berg" || u["role"] != "editor" || strings.Join(toStrings(u["teams"]), ",") != "technical" {
		t.Fatalf("after patch %v", u)
	}
	e.expect(e.do("PATCH", "/api/users/"+id, map[string]any{"role": "root"}, admin), 400, apierr.CodeInvalidRole)
	e.expect(e.do("PATCH", "/api/users/"+id, map[string]any{"teams": []string{"sales"}}, admin), 400, apierr.CodeInvalidTeam)
	e.expect(e.do("PATCH", "/api/users/"+id, map[string]any{"name": "  "}, admin), 400, apierr.CodeBadRequest)
	e.expect(e.do("PATCH", "/api/users/nobody", map[string]any{"name": "X"}, admin), 404, apierr.CodeNotFound)

	// The last active admin can be neither demoted nor disabled...
	e.expect(e.do("PATCH", "/api/users/"+boss.ID, map[string]any{"role": "agent"}, admin), 409, apierr.CodeLastAdmin)
	e.expect(e.do("PATCH", "/api/users/"+boss.ID, map[string]any{"disabled": true}, admin), 409, apierr.CodeLastAdmin)
	// ...until there is another.
	e.expect(e.do("PATCH", "/api/users/"+id, map[string]any{"role": "admin"}, admin), 200, "")
	e.expect(e.do("PATCH", "/api/users/"+boss.ID, map[string]any{"role": "agent"}, admin), 200, "")
	// Now boss is an agent: the admin routes are closed to them at once.
	e.expect(e.do("GET", "/api/users", nil, admin), 403, apierr.CodeForbidden)
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("boss@example.com", RoleAdmin, "the boss password")
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	admin := e.login("boss@example.com", "the boss password")
	r := e.do("GET", "/api/users", nil, admin)
	e.expect(r, 200, "")
	users := r.body["users"].([]any)
	if len(users) != 2 || users[0].(map[string]any)["email"] != "anna@example.com" {
		t.Fatalf("users %v", users)
	}
	if strings.Contains(r.raw, "argon2") || strings.Contains(r.raw, "failed_logins") {
		t.Fatalf("the list leaks secrets: %s", r.raw)
	}
	if teams, ok := users[0].(map[string]any)["teams"].([]any); !ok || len(teams) != 0 {
		t.Fatalf("teams %v, want [] rather than null", users[0].(map[string]any)["teams"])
	}
	all, err := e.svc.Users(t.Context())
	if err != nil || len(all) != 2 {
		t.Fatalf("Users = %d, %v", len(all), err)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.MaxFailures = 2 })
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	here := e.login("anna@example.com", "anna's password")
	elsewhere := e.login("anna@example.com", "anna's password")

	e.expect(e.do("POST", "/api/password", map[string]string{"current": "not it at all", "new": "a new password"}, here), http.StatusForbidden, apierr.CodeWrongPassword)
	e.expect(e.do("POST", "/api/password", map[string]string{"current": "anna's password", "new": "short"}, here), 400, apierr.CodeWeakPassword)
	r := e.do("POST", "/api/password", map[string]string{"current": "anna's password", "new": "a new password"}, here)
	e.expect(r, 200, "")
	if r.body["csrf_token"] != here.csrf {
		t.Fatal("the session's CSRF token changed with the password")
	}
	e.expect(e.do("GET", "/api/me", nil, here), 200, "")
	e.expect(e.do("GET", "/api/me", nil, elsewhere), 401, apierr.CodeUnauthorized)
	e.expect(e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "anna's password"}, nil), 401, apierr.CodeInvalidCredentials)
	e.login("anna@example.com", "a new password")
}

func TestChangePasswordGuessesCountTowardLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.MaxFailures = 2 })
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	stolen := e.login("anna@example.com", "anna's password")
	e.expect(e.do("POST", "/api/password", map[string]string{"current": "guess guess", "new": "a new password"}, stolen), 403, apierr.CodeWrongPassword)
	// The guess that locks says so, as the login's does.
	e.expect(e.do("POST", "/api/password", map[string]string{"current": "guess guess", "new": "a new password"}, stolen), 423, apierr.CodeLocked)
	e.expect(e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "anna's password"}, nil), 423, apierr.CodeLocked)
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// A stolen session must not be a way around the lockout: once wrong
// current passwords have locked the account, even the right one is refused
// until the lock ends.
func TestChangePasswordRefusedWhileLocked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.MaxFailures = 3; o.LockFor = time.Hour })
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	stolen := e.login("anna@example.com", "anna's password")
	guess := map[string]string{"current": "guess guess", "new": "a brand new passphrase"}
	for range 2 {
		e.expect(e.do("POST", "/api/password", guess, stolen), http.StatusForbidden, apierr.CodeWrongPassword)
	}
	r := e.do("POST", "/api/password", guess, stolen)
	e.expect(r, http.StatusLocked, apierr.CodeLocked)
	if until := r.body["error"].(map[string]any)["until"]; until != e.clock.Now().Add(time.Hour).Format(time.RFC3339) {
		t.Fatalf("the locking guess says until %v", until)
	}
	for range 10 {
		e.expect(e.do("POST", "/api/password", guess, stolen), http.StatusLocked, apierr.CodeLocked)
	}
	right := map[string]string{"current": "anna's password", "new": "a brand new passphrase"}
	e.expect(e.do("POST", "/api/password", right, stolen), http.StatusLocked, apierr.CodeLocked)
	e.expect(e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "anna's password"}, nil), http.StatusLocked, apierr.CodeLocked)

	e.clock.Advance(time.Hour)
	e.expect(e.do("POST", "/api/password", right, stolen), http.StatusOK, "")
	e.login("anna@example.com", "a brand new passphrase")
}

// Two admins who demote or disable each other at the same moment must not
// leave the console without an active admin: exactly one change wins and
// the other is refused with last_admin.
func TestLastAdminRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	a := e.addUser("a@example.com", RoleAdmin, "a's password!")
	b := e.addUser("b@example.com", RoleAdmin, "b's password!")
	agent, disabled := RoleAgent, true
	changes := map[string]UserChange{
		"demote":  {Role: &agent},
		"disable": {Disabled: &disabled},
	}
	for name, ch := range changes {
		for round := range 20 {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, id := range []string{a.ID, b.ID} {
				wg.Go(func() { _, errs[i] = e.svc.UpdateUser(t.Context(), id, ch) })
			}
			wg.Wait()
			refused := 0
			for _, err := range errs {
				var ae *Error
				switch {
				case err == nil:
				case errors.As(err, &ae) && ae.Code == apierr.CodeLastAdmin:
					refused++
				default:
					t.Fatalf("%s round %d: %v", name, round, err)
				}
			}
			us, err := e.svc.Users(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			active := 0
			for _, u := range us {
				if u.Role == RoleAdmin && !u.Disabled {
					active++
				}
			}
			if active != 1 || refused != 1 {
				t.Fatalf("%s round %d: %d active admins and %d refusals after two admins changed each other at once, want 1 and 1", name, round, active, refused)
			}
			// Both admins again for the next round.
			admin, enabled := RoleAdmin, false
			for _, id := range []string{a.ID, b.ID} {
				if _, err := e.svc.UpdateUser(t.Context(), id, UserChange{Role: &admin, Disabled: &enabled}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

package auth

import (
	"database/sql"
	"errors"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRequire(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("admin@example.com", RoleAdmin, "admin password")
	e.addUser("agent@example.com", RoleAgent, "agent password")
	e.addUser("editor@example.com", RoleEditor, "editor password")
	admin := e.login("admin@example.com", "admin password")
	agent := e.login("agent@example.com", "agent password")
	editor := e.login("editor@example.com", "editor password")
	forged := &session{cookie: &http.Cookie{Name: CookieName, Value: randomToken()}}
	noCSRF := &session{cookie: agent.cookie}
	wrongCSRF := &session{cookie: agent.cookie, csrf: "x" + agent.csrf[1:]}
	othersCSRF := &session{cookie: agent.cookie, csrf: admin.csrf}

	tests := []struct {
		name         string
		method, path string
		s            *session
		status       int
		code         string
	}{
		{"no session, me", "GET", "/api/me", nil, 401, apierr.CodeUnauthorized},
		{"no session, agent route", "GET", "/api/test/agent", nil, 401, apierr.CodeUnauthorized},
		{"no session, agent route POST", "POST", "/api/test/agent", nil, 401, apierr.CodeUnauthorized},
		{"no session, users", "GET", "/api/users", nil, 401, apierr.CodeUnauthorized},
		{"no session, create user", "POST", "/api/users", nil, 401, apierr.CodeUnauthorized},
		{"no session, logout", "POST", "/api/logout", nil, 401, apierr.CodeUnauthorized},
		{"no session, logout-all", "POST", "/api/logout-all", nil, 401, apierr.CodeUnauthorized},
		{"no session, password", "POST", "/api/password", nil, 401, apierr.CodeUnauthorized},
		{"no session, patch user", "PATCH", "/api/users/x", nil, 401, apierr.CodeUnauthorized},
		{"no session, reset", "POST", "/api/users/x/reset", nil, 401, apierr.CodeUnauthorized},
		{"forged cookie", "GET", "/api/test/agent", forged, 401, apierr.CodeUnauthorized},
		{"agent on admin route", "GET", "/api/test/admin", agent, 403, apierr.CodeForbidden},
		{"agent lists users", "GET", "/api/users", agent, 403, apierr.CodeForbidden},
		{"agent creates user", "POST", "/api/users", agent, 403, apierr.CodeForbidden},
		{"agent resets someone", "POST", "/api/users/x/reset", agent, 403, apierr.CodeForbidden},
		{"editor on agent route", "GET", "/api/test/agent", editor, 403, apierr.CodeForbidden},
		{"agent on agent route", "GET", "/api/test/agent", agent, 200, ""},
		{"admin on agent route", "GET", "/api/test/agent", admin, 200, ""},
		{"admin on admin route", "POST", "/api/test/admin", admin, 200, ""},
		{"GET needs no CSRF", "GET", "/api/test/agent", noCSRF, 200, ""},
		{"CSRF missing", "POST", "/api/test/agent", noCSRF, 403, apierr.CodeCSRF},
		{"CSRF missing on DELETE", "DELETE", "/api/test/agent", noCSRF, 403, apierr.CodeCSRF},
		{"CSRF wrong", "POST", "/api/test/agent", wrongCSRF, 403, apierr.CodeCSRF},
		{"CSRF of another session", "POST", "/api/test/agent", othersCSRF, 403, apierr.CodeCSRF},
		{"CSRF missing on logout", "POST", "/api/logout", noCSRF, 403, apierr.CodeCSRF},
		{"CSRF missing on logout-all", "POST", "/api/logout-all", noCSRF, 403, apierr.CodeCSRF},
		{"CSRF missing on password", "POST", "/api/password", noCSRF, 403, apierr.CodeCSRF},
		{"agent with CSRF", "POST", "/api/test/agent", agent, 200, ""},
	}
	for _, tc := range tests {
		r := e.do(tc.method, tc.path, map[string]string{}, tc.s)
		if r.status != tc.status || r.code() != tc.code {
			t.Errorf("%s: %d %q, want %d %q (%s)", tc.name, r.status, r.code(), tc.status, tc.code, r.raw)
		}
	}
	// A state change from another site is refused even with the token.
	r := e.do("POST", "/api/test/agent", nil, agent, "Origin", "https://evil.example")
	e.expect(r, 403, apierr.CodeBadOrigin)
	// The CSRF token in /api/me is the one from login.
	me := e.do("GET", "/api/me", nil, agent)
	if me.status != 200 || me.body["csrf_token"] != agent.csrf || me.body["user"].(map[string]any)["email"] != "agent@example.com" {
		t.Fatalf("me: %d %s", me.status, me.raw)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	s := e.login("anna@example.com", "anna's password")
	other := e.login("anna@example.com", "anna's password")
	r := e.do("POST", "/api/logout", nil, s)
	e.expect(r, 200, "")
	if c := r.sessionCookie(); c == nil || c.MaxAge >= 0 {
		t.Fatalf("logout cookie %+v, want it cleared", c)
	}
	e.expect(e.do("GET", "/api/me", nil, s), 401, apierr.CodeUnauthorized)
	e.expect(e.do("GET", "/api/me", nil, other), 200, "")
}

func TestLogoutAllKillsOtherSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	e.addUser("bo@example.com", RoleAgent, "bo's password!")
	laptop := e.login("anna@example.com", "anna's password")
	phone := e.login("anna@example.com", "anna's password")
	tablet := e.login("anna@example.com", "anna's password")
	bo := e.login("bo@example.com", "bo's password!")
	r := e.do("POST", "/api/logout-all", nil, phone)
	e.expect(r, 200, "")
	if r.body["ended"] != float64(3) {
		t.Fatalf("ended %v, want 3", r.body["ended"])
	}
	for name, s := range map[string]*session{"laptop": laptop, "phone": phone, "tablet": tablet} {
		if r := e.do("GET", "/api/me", nil, s); r.status != 401 {
			t.Errorf("%s still logged in after logout-all: %d", name, r.status)
		}
	}
	e.expect(e.do("GET", "/api/me", nil, bo), 200, "")
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.SessionIdle = 2 * time.Hour; o.SessionMax = 5 * time.Hour })
	e.addUser("anna@example.com", RoleAgent, "anna's password")

	idle := e.login("anna@example.com", "anna's password")
	active := e.login("anna@example.com", "anna's password")
	// Activity keeps a session alive past the idle timeout...
	for range 2 {
		e.clock.Advance(90 * time.Minute)
		e.expect(e.do("GET", "/api/me", nil, active), 200, "")
	}
	// ...but not the unused one (3 hours idle).
	r := e.do("GET", "/api/me", nil, idle)
	e.expect(r, 401, apierr.CodeUnauthorized)
	if !strings.Contains(r.message(), "without activity") {
		t.Fatalf("idle message %q", r.message())
	}
	e.clock.Advance(90 * time.Minute)
	e.expect(e.do("GET", "/api/me", nil, active), 200, "")
	// And not past the absolute limit (5.5 hours after login).
	e.clock.Advance(time.Hour)
	r = e.do("GET", "/api/me", nil, active)
	e.expect(r, 401, apierr.CodeUnauthorized)
	if !strings.Contains(r.message(), "at most 5 hours") {
		t.Fatalf("absolute expiry message %q", r.message())
	}
	if _, err := e.st.Session(t.Context(), tokenID(active.cookie.Value)); err == nil {
		t.Fatal("an expired session is still stored")
	}
}

func TestDisabledUsersSessionRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("admin@example.com", RoleAdmin, "admin password")
	agent := e.addUser("agent@example.com", RoleAgent, "agent password")
	admin := e.login("admin@example.com", "admin password")
	s := e.login("agent@example.com", "agent password")
	e.expect(e.do("GET", "/api/test/agent", nil, s), 200, "")

	r := e.do("PATCH", "/api/users/"+agent.ID, map[string]any{"disabled": true}, admin)
	e.expect(r, 200, "")
	e.expect(e.do("GET", "/api/test/agent", nil, s), 401, apierr.CodeUnauthorized)
	e.expect(e.do("POST", "/api/login", map[string]string{"email": "agent@example.com", "password": "agent password"}, nil), 403, apierr.CodeUserDisabled)

	// Even a session the store kept (a user disabled by another process
	// between the checks) is refused: the flag is read on every request.
	e.do("PATCH", "/api/users/"+agent.ID, map[string]any{"disabled": false}, admin)
	s = e.login("agent@example.com", "agent password")
	db, err := sql.Open("sqlite", e.dbPath+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), `UPDATE users SET disabled = 1 WHERE id = ?`, agent.ID); err != nil {
		t.Fatal(err)
	}
	e.expect(e.do("GET", "/api/test/agent", nil, s), 401, apierr.CodeUserDisabled)
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	s := e.login("anna@example.com", "anna's password")
	req := func(origin string, withCookie bool) *http.Request {
		r := httptest.NewRequest("GET", "/ws/agent", nil)
		r.Host = "chat.example.com"
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if withCookie {
			r.AddCookie(s.cookie)
		}
		return r.WithContext(t.Context())
	}
	if u, err := e.svc.Authenticate(req("http://chat.example.com", true)); err != nil || u.Email != "anna@example.com" {
		t.Fatalf("same origin: %+v, %v", u, err)
	}
	if _, err := e.svc.Authenticate(req("", true)); err != nil {
		t.Fatalf("no Origin: %v", err)
	}
	for name, r := range map[string]*http.Request{
		"other site": req("https://evil.example", true),
		"no cookie":  req("http://chat.example.com", false),
	} {
		_, err := e.svc.Authenticate(r)
		var ae *Error
		if err == nil || !errors.As(err, &ae) || ae.Status < 401 || ae.Status > 403 {
			t.Errorf("%s: %v, want a 401/403 *Error", name, err)
		}
	}
}

// Check is how a long-lived connection finds out that its session ended:
// it answers the user while the session lasts and a 401 *Error once it is
// logged out, expired or its user disabled.
func TestCheckSessionByToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.SessionIdle = time.Hour })
	e.addUser("admin@example.com", RoleAdmin, "admin password")
	agent := e.addUser("agent@example.com", RoleAgent, "agent password")
	admin := e.login("admin@example.com", "admin password")

	wantEnded := func(what, token, code string) {
		t.Helper()
		_, err := e.svc.Check(t.Context(), token)
		var ae *Error
		if !errors.As(err, &ae) || ae.Status != http.StatusUnauthorized || ae.Code != code {
			t.Fatalf("%s: Check = %v, want 401 %s", what, err, code)
		}
	}
	wantEnded("no token", "", apierr.CodeUnauthorized)
	wantEnded("unknown token", "not-a-session", apierr.CodeUnauthorized)

	s := e.login("agent@example.com", "agent password")
	if u, err := e.svc.Check(t.Context(), s.cookie.Value); err != nil || u.ID != agent.ID || u.Role != RoleAgent {
		t.Fatalf("Check of a live session: %+v, %v", u, err)
	}
	// The user is read fresh: a demotion shows at once.
	e.expect(e.do("PATCH", "/api/users/"+agent.ID, map[string]any{"role": RoleEditor}, admin), 200, "")
	if u, err := e.svc.Check(t.Context(), s.cookie.Value); err != nil || u.Role != RoleEditor {
		t.Fatalf("Check after demotion: %+v, %v", u, err)
	}
	// Checks count as use: the session outlives its idle time while checked.
	for range 3 {
		e.clock.Advance(50 * time.Minute)
		if _, err := e.svc.Check(t.Context(), s.cookie.Value); err != nil {
			t.Fatalf("Check of a session checked every 50 minutes: %v", err)
		}
	}
	e.expect(e.do("POST", "/api/logout-all", nil, s), 200, "")
	wantEnded("after logout-all", s.cookie.Value, apierr.CodeUnauthorized)

	s = e.login("agent@example.com", "agent password")
	admin = e.login("admin@example.com", "admin password") // the first one idled out meanwhile
	e.expect(e.do("PATCH", "/api/users/"+agent.ID, map[string]any{"disabled": true}, admin), 200, "")
	wantEnded("after disabling", s.cookie.Value, apierr.CodeUnauthorized)

	idle := e.login("admin@example.com", "admin password")
	e.clock.Advance(time.Hour)
	wantEnded("idle", idle.cookie.Value, apierr.CodeUnauthorized)
}

// An origin is scheme, host and port: the console at http://chat:8080
// refuses a page on another port or over the other scheme of the same
// host, and accepts its own origin however it is spelt (case, default
// port written out). With a public URL, that origin is accepted too.
func TestOriginComparesSchemeHostAndPort(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.PublicURL = "https://chat.example.com" })
	tests := []struct {
		host, origin string
		ok           bool
	}{
		{"chat.internal:8080", "http://chat.internal:8080", true},
		{"chat.internal:8080", "HTTP://Chat.Internal:8080", true},
		{"chat.internal:8080", "http://chat.internal:8081", false},
		{"chat.internal:8080", "https://chat.internal:8080", false},
		{"chat.internal:8080", "http://chat.internal", false},
		{"chat.internal", "http://chat.internal:80", true},
		{"chat.internal", "https://chat.internal", false},
		{"chat.internal", "ws://chat.internal", false},
		{"chat.internal", "null", false},
		{"chat.internal", "https://chat.example.com", true},
		{"chat.internal", "https://chat.example.com:443", true},
		{"chat.internal", "http://chat.example.com", false},
		{"chat.internal", "https://chat.example.com:8443", false},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("POST", "/api/login", nil)
		r.Host = tc.host
		r.Header.Set("Origin", tc.origin)
		err := e.svc.checkOrigin(r)
		if (err == nil) != tc.ok {
			t.Errorf("Host %s, Origin %s: %v, want accepted %v", tc.host, tc.origin, err, tc.ok)
		}
	}
}

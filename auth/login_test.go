package auth

import (
	"errors"
	"fmt"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
)

func TestLoginSetsSafeCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	u := e.addUser("anna@example.com", RoleAgent, "anna's password")
	r := e.do("POST", "/api/login", map[string]string{"email": " Anna@Example.com ", "password": "anna's password"}, nil)
	if r.status != http.StatusOK {
		t.Fatalf("login: %d %s", r.status, r.raw)
	}
	c := r.sessionCookie()
	if c == nil {
		t.Fatal("no session cookie")
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Secure {
		t.Fatalf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/, not Secure over plain http", c)
	}
	if c.MaxAge != int((7 * 24 * time.Hour).Seconds()) {
		t.Fatalf("cookie MaxAge %d, want the session's 7 days", c.MaxAge)
	}
	user := r.body["user"].(map[string]any)
	if user["id"] != u.ID || user["role"] != RoleAgent || user["email"] != "anna@example.com" {
		t.Fatalf("user in the answer: %v", user)
	}
	if strings.Contains(r.raw, "argon2") || strings.Contains(r.raw, "password_hash") {
		t.Fatalf("the answer leaks the hash: %s", r.raw)
	}
	// The store keeps the token's hash, never the token.
	if _, err := e.st.Session(t.Context(), c.Value); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the raw cookie token is a session id in the store: %v", err)
	}
	sess, err := e.st.Session(t.Context(), tokenID(c.Value))
	if err != nil || sess.UserID != u.ID || sess.IP != "127.0.0.1" {
		t.Fatalf("stored session %+v, %v", sess, err)
	}
	if got, _ := e.st.User(t.Context(), u.ID); !got.LastLoginAt.Equal(e.clock.Now()) {
		t.Fatalf("LastLoginAt %v, want %v", got.LastLoginAt, e.clock.Now())
	}
}

func TestCookieSecure(t *testing.T) {
	t.Parallel()
	t.Run("https public URL", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *Options) { o.PublicURL = "https://chat.example.com" })
		e.addUser("anna@example.com", RoleAgent, "anna's password")
		r := e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "anna's password"}, nil)
		if c := r.sessionCookie(); r.status != 200 || c == nil || !c.Secure {
			t.Fatalf("%d, cookie %+v: want Secure behind an https public URL", r.status, c)
		}
	})
	t.Run("TLS request", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, nil)
		e.addUser("anna@example.com", RoleAgent, "anna's password")
		srv := httptest.NewTLSServer(e.srv.Config.Handler)
		defer srv.Close()
		resp, err := srv.Client().Post(srv.URL+"/api/login", "application/json",
			strings.NewReader(`{"email":"anna@example.com","password":"anna's password"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cs := resp.Cookies()
		if resp.StatusCode != 200 || len(cs) != 2 {
			t.Fatalf("%d, cookies %+v: want the session and the known-device cookie", resp.StatusCode, cs)
		}
		for _, c := range cs {
			if !c.Secure || !c.HttpOnly {
				t.Fatalf("cookie %+v: want Secure and HttpOnly over TLS", c)
			}
		}
	})
	t.Run("https from a trusted proxy", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, func(o *Options) { o.TrustedProxies = mustTrusted(t, "127.0.0.0/8") })
		e.addUser("anna@example.com", RoleAgent, "anna's password")
		r := e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "anna's password"}, nil, "X-Forwarded-Proto", "https")
		if c := r.sessionCookie(); c == nil || !c.Secure {
			t.Fatalf("cookie %+v: want Secure when the proxy says https", c)
		}
	})
}

func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	disabled := e.addUser("bo@example.com", RoleAgent, "bo's password!")
	if _, err := e.svc.SetDisabled(t.Context(), disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.AddUser(t.Context(), NewUser{Email: "invited@example.com", Role: RoleAgent}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		body    any
		headers []string
		status  int
		code    string
	}{
		{"wrong password", map[string]string{"email": "anna@example.com", "password": "not anna's"}, nil, 401, apierr.CodeInvalidCredentials},
		{"unknown e-mail", map[string]string{"email": "nobody@example.com", "password": "anna's password"}, nil, 401, apierr.CodeInvalidCredentials},
		{"invited, no password yet", map[string]string{"email": "invited@example.com", "password": "anything at all"}, nil, 401, apierr.CodeInvalidCredentials},
		{"disabled", map[string]string{"email": "bo@example.com", "password": "bo's password!"}, nil, 403, apierr.CodeUserDisabled},
		{"no password", map[string]string{"email": "anna@example.com"}, nil, 400, apierr.CodeBadRequest},
		{"not JSON", "nope", nil, 400, apierr.CodeBadRequest},
		{"other site", map[string]string{"email": "anna@example.com", "password": "anna's password"}, []string{"Origin", "https://evil.example"}, 403, apierr.CodeBadOrigin},
	}
	for _, tc := range tests {
		r := e.do("POST", "/api/login", tc.body, nil, tc.headers...)
		if r.status != tc.status || r.code() != tc.code {
			t.Errorf("%s: %d %q, want %d %q (%s)", tc.name, r.status, r.code(), tc.status, tc.code, r.raw)
		}
		if r.sessionCookie() != nil {
			t.Errorf("%s: a refused login set a cookie", tc.name)
		}
	}
	// Same origin passes the origin check.
	e.login("anna@example.com", "anna's password", "Origin", e.srv.URL)
}

func TestRateLimitPerIP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) {
		o.PerIP = Rate{Every: time.Minute, Burst: 3}
		o.TrustedProxies = mustTrusted(t, "127.0.0.0/8")
	})
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	body := func(i int) map[string]string {
		return map[string]string{"email": fmt.Sprintf("user%d@example.com", i), "password": "some password"}
	}
	for i := range 3 {
		e.expect(e.do("POST", "/api/login", body(i), nil, "X-Forwarded-For", "203.0.113.7"), 401, apierr.CodeInvalidCredentials)
	}
	r := e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "anna's password"}, nil, "X-Forwarded-For", "203.0.113.7")
	e.expect(r, http.StatusTooManyRequests, apierr.CodeRateLimited)
	if r.header.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q, want 60", r.header.Get("Retry-After"))
	}
	// Another client is not affected, and the first gets one attempt back
	// per minute.
	e.login("anna@example.com", "anna's password", "X-Forwarded-For", "203.0.113.8")
	e.clock.Advance(time.Minute)
	e.login("anna@example.com", "anna's password", "X-Forwarded-For", "203.0.113.7")
	e.expect(e.do("POST", "/api/login", body(9), nil, "X-Forwarded-For", "203.0.113.7"), http.StatusTooManyRequests, apierr.CodeRateLimited)
}

func TestForwardedForIgnoredFromUntrustedPeer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.PerIP = Rate{Every: time.Minute, Burst: 2} })
	for i := range 2 {
		// A client that is not a trusted proxy cannot pick a new IP per attempt.
		e.expect(e.do("POST", "/api/login", map[string]string{"email": "a@example.com", "password": "some password"}, nil, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)), 401, apierr.CodeInvalidCredentials)
	}
	e.expect(e.do("POST", "/api/login", map[string]string{"email": "a@example.com", "password": "some password"}, nil, "X-Forwarded-For", "203.0.113.99"), 429, apierr.CodeRateLimited)
}

package auth

import (
	"errors"
	"fmt"
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
		if resp.StatusCode != 200 || len(cs) != 1 || !cs[0].Secure || !cs[0].HttpOnly {
			t.Fatalf("%d, cookies %+v: want one Secure HttpOnly cookie over TLS", resp.StatusCode, cs)
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
		{"wrong password", map[string]string{"email": "anna@example.com", "password": "not anna's"}, nil, 401, CodeInvalidCredentials},
		{"unknown e-mail", map[string]string{"email": "nobody@example.com", "password": "anna's password"}, nil, 401, CodeInvalidCredentials},
		{"invited, no password yet", map[string]string{"email": "invited@example.com", "password": "anything at all"}, nil, 401, CodeInvalidCredentials},
		{"disabled", map[string]string{"email": "bo@example.com", "password": "bo's password!"}, nil, 403, CodeUserDisabled},
		{"no password", map[string]string{"email": "anna@example.com"}, nil, 400, CodeBadRequest},
		{"not JSON", "nope", nil, 400, CodeBadRequest},
		{"other site", map[string]string{"email": "anna@example.com", "password": "anna's password"}, []string{"Origin", "https://evil.example"}, 403, CodeBadOrigin},
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

func TestLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.MaxFailures = 3; o.LockFor = 10 * time.Minute })
	u := e.addUser("anna@example.com", RoleAgent, "anna's password")
	wrong := map[string]string{"email": "anna@example.com", "password": "guess guess"}
	right := map[string]string{"email": "anna@example.com", "password": "anna's password"}
	for range 2 {
		e.expect(e.do("POST", "/api/login", wrong, nil), 401, CodeInvalidCredentials)
	}
	r := e.do("POST", "/api/login", wrong, nil)
	e.expect(r, http.StatusLocked, CodeLocked)
	until := e.clock.Now().Add(10 * time.Minute)
	if got := r.body["error"].(map[string]any)["until"]; got != until.Format(time.RFC3339) {
		t.Fatalf("until %v, want %v", got, until.Format(time.RFC3339))
	}
	if r.header.Get("Retry-After") != "600" || !strings.Contains(r.message(), "22:10 UTC") {
		t.Fatalf("Retry-After %q, message %q", r.header.Get("Retry-After"), r.message())
	}
	// Locked: even the right password is refused, and says when it ends.
	e.clock.Advance(9 * time.Minute)
	r = e.do("POST", "/api/login", right, nil)
	e.expect(r, http.StatusLocked, CodeLocked)
	if r.header.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q a minute before the end", r.header.Get("Retry-After"))
	}
	e.clock.Advance(time.Minute)
	e.login("anna@example.com", "anna's password")
	if got, _ := e.st.User(t.Context(), u.ID); got.FailedLogins != 0 || !got.LockedUntil.IsZero() {
		t.Fatalf("after a good login: %d failures, locked until %v", got.FailedLogins, got.LockedUntil)
	}
	// The count starts over after a success: two more failures do not lock.
	for range 2 {
		e.expect(e.do("POST", "/api/login", wrong, nil), 401, CodeInvalidCredentials)
	}
	e.login("anna@example.com", "anna's password")
}

func TestAdminResetUnlocks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.MaxFailures = 1 })
	u := e.addUser("anna@example.com", RoleAgent, "anna's password")
	e.expect(e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "guess guess"}, nil), http.StatusLocked, CodeLocked)
	link, _, err := e.svc.ResetLink(t.Context(), u.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(link, "http://localhost:8080/console/#setup=")
	e.expect(e.do("POST", "/api/setup", map[string]string{"token": token, "password": "a new password"}, nil), 200, "")
	e.login("anna@example.com", "a new password")
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
		e.expect(e.do("POST", "/api/login", body(i), nil, "X-Forwarded-For", "203.0.113.7"), 401, CodeInvalidCredentials)
	}
	r := e.do("POST", "/api/login", map[string]string{"email": "anna@example.com", "password": "anna's password"}, nil, "X-Forwarded-For", "203.0.113.7")
	e.expect(r, http.StatusTooManyRequests, CodeRateLimited)
	if r.header.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q, want 60", r.header.Get("Retry-After"))
	}
	// Another client is not affected, and the first gets one attempt back
	// per minute.
	e.login("anna@example.com", "anna's password", "X-Forwarded-For", "203.0.113.8")
	e.clock.Advance(time.Minute)
	e.login("anna@example.com", "anna's password", "X-Forwarded-For", "203.0.113.7")
	e.expect(e.do("POST", "/api/login", body(9), nil, "X-Forwarded-For", "203.0.113.7"), http.StatusTooManyRequests, CodeRateLimited)
}

func TestForwardedForIgnoredFromUntrustedPeer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.PerIP = Rate{Every: time.Minute, Burst: 2} })
	for i := range 2 {
		// A client that is not a trusted proxy cannot pick a new IP per attempt.
		e.expect(e.do("POST", "/api/login", map[string]string{"email": "a@example.com", "password": "some password"}, nil, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)), 401, CodeInvalidCredentials)
	}
	e.expect(e.do("POST", "/api/login", map[string]string{"email": "a@example.com", "password": "some password"}, nil, "X-Forwarded-For", "203.0.113.99"), 429, CodeRateLimited)
}

func TestRateLimitPerEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) {
		o.PerEmail = Rate{Every: 30 * time.Second, Burst: 2}
		o.MaxFailures = 100 // this test is about the limit, not the lockout
		o.TrustedProxies = mustTrusted(t, "127.0.0.0/8")
	})
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	e.addUser("bo@example.com", RoleAgent, "bo's password!")
	wrong := map[string]string{"email": "anna@example.com", "password": "guess guess"}
	// Spread over many addresses: the per-e-mail limit still holds.
	for i := range 2 {
		e.expect(e.do("POST", "/api/login", wrong, nil, "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)), 401, CodeInvalidCredentials)
	}
	r := e.do("POST", "/api/login", map[string]string{"email": "ANNA@example.com", "password": "anna's password"}, nil, "X-Forwarded-For", "198.51.100.50")
	e.expect(r, http.StatusTooManyRequests, CodeRateLimited)
	if !strings.Contains(r.message(), "this e-mail address") || r.header.Get("Retry-After") != "30" {
		t.Fatalf("message %q, Retry-After %q", r.message(), r.header.Get("Retry-After"))
	}
	e.login("bo@example.com", "bo's password!", "X-Forwarded-For", "198.51.100.51")
	e.clock.Advance(30 * time.Second)
	e.login("anna@example.com", "anna's password", "X-Forwarded-For", "198.51.100.52")
}

// From outside, an e-mail without an account must behave exactly like one
// with an account: the same answers, in the same order, with the same lock
// end, or the lockout tells who has a console login.
func TestLockoutSameForUnknownEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) {
		o.MaxFailures = 3
		o.LockFor = 10 * time.Minute
		o.PerEmail = Rate{Every: time.Second, Burst: 100} // this test is about the lockout
	})
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	type answer struct {
		status        int
		code, until   string
		retryAfter    string
		sayUntilInMsg bool
	}
	probe := func(email string) []answer {
		var out []answer
		for range 5 {
			r := e.do("POST", "/api/login", map[string]string{"email": email, "password": "x-guess-x"}, nil)
			until, _ := r.body["error"].(map[string]any)["until"].(string)
			out = append(out, answer{r.status, r.code(), until, r.header.Get("Retry-After"), strings.Contains(r.message(), "22:10 UTC")})
		}
		return out
	}
	known := probe("anna@example.com")
	unknown := probe("Nobody@Example.com ")
	if fmt.Sprint(known) != fmt.Sprint(unknown) {
		t.Fatalf("an account answers\n%v\nan unknown e-mail answers\n%v", known, unknown)
	}
	if known[2].status != http.StatusLocked || known[2].code != CodeLocked || known[2].until == "" || !known[2].sayUntilInMsg {
		t.Fatalf("the 3rd failure does not lock with a clear end: %+v", known[2])
	}
	// After the lock both start over with invalid_credentials.
	e.clock.Advance(10 * time.Minute)
	for _, email := range []string{"anna@example.com", "nobody@example.com"} {
		e.expect(e.do("POST", "/api/login", map[string]string{"email": email, "password": "x-guess-x"}, nil), http.StatusUnauthorized, CodeInvalidCredentials)
	}
}

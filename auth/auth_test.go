package auth

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testParams keep argon2id cheap in tests; one test checks DefaultParams.
var testParams = Params{Memory: 64, Time: 1, Threads: 1}

// clock is a settable Now, so expiry, lockout and rate limits are tested
// without sleeping and without depending on the machine's speed.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a Service over real SQLite behind a real HTTP server, with two
// routes that only exist to test Require.
type env struct {
	t     *testing.T
	svc   *Service
	st    *sqlite.Store
	srv   *httptest.Server
	clock *clock
	// dbPath lets a test change the database behind the service's back.
	dbPath string
}

func newEnv(t *testing.T, mod func(*Options)) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "andon.db")
	st, err := sqlite.Open(t.Context(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)}
	opts := Options{
		Store:    st,
		Secret:   []byte("0123456789abcdef0123456789abcdef"),
		Now:      c.Now,
		Params:   testParams,
		LocalURL: "http://localhost:8080",
	}
	if mod != nil {
		mod(&opts)
	}
	svc, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	svc.Routes(mux)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := UserFrom(r.Context())
		writeJSON(w, http.StatusOK, map[string]string{"user": u.Email})
	})
	mux.Handle("/api/test/admin", svc.Require(RoleAdmin, ok))
	mux.Handle("/api/test/agent", svc.Require(RoleAgent, ok))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{t: t, svc: svc, st: st, srv: srv, clock: c, dbPath: path}
}

// addUser creates a user with a password, as the CLI does.
func (e *env) addUser(email, role, password string) store.User {
	e.t.Helper()
	u, _, err := e.svc.AddUser(e.t.Context(), NewUser{Email: email, Role: role, Password: password})
	if err != nil {
		e.t.Fatalf("AddUser(%s): %v", email, err)
	}
	return u
}

// session is one logged-in browser: its cookie and CSRF token.
type session struct {
	cookie *http.Cookie
	csrf   string
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (r response) code() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		c, _ := e["code"].(string)
		return c
	}
	return ""
}

func (r response) message() string {
	if e, ok := r.body["error"].(map[string]any); ok {
		m, _ := e["message"].(string)
		return m
	}
	return ""
}

func (r response) sessionCookie() *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	return nil
}

// do sends a request; s (may be nil) adds the cookie and, on a state change,
// the CSRF header. Extra headers come in pairs.
func (e *env) do(method, path string, body any, s *session, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if s != nil {
		req.AddCookie(s.cookie)
		if method != http.MethodGet && s.csrf != "" {
			req.Header.Set(CSRFHeader, s.csrf)
		}
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			e.t.Fatalf("%s %s answered non-JSON %q", method, path, raw)
		}
	}
	if r.status >= 400 && (r.code() == "" || r.message() == "") {
		e.t.Fatalf("%s %s: error %d without code and message: %s", method, path, r.status, raw)
	}
	return r
}

// login logs in and fails the test unless it works.
func (e *env) login(email, password string, headers ...string) *session {
	e.t.Helper()
	r := e.do("POST", "/api/login", map[string]string{"email": email, "password": password}, nil, headers...)
	if r.status != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", email, r.status, r.raw)
	}
	return sessionFrom(e.t, r)
}

func sessionFrom(t *testing.T, r response) *session {
	t.Helper()
	c := r.sessionCookie()
	csrf, _ := r.body["csrf_token"].(string)
	if c == nil || c.Value == "" || csrf == "" {
		t.Fatalf("no session cookie or csrf_token in %d %s", r.status, r.raw)
	}
	return &session{cookie: c, csrf: csrf}
}

func (e *env) expect(r response, status int, code string) {
	e.t.Helper()
	if r.status != status || r.code() != code {
		e.t.Fatalf("got %d %q (%s), want %d %q", r.status, r.code(), r.raw, status, code)
	}
}

func mustTrusted(t *testing.T, s string) []netip.Prefix {
	t.Helper()
	p, err := netip.ParsePrefix(s)
	if err != nil {
		t.Fatal(err)
	}
	return []netip.Prefix{p}
}

func TestNewRefusesBadOptions(t *testing.T) {
	t.Parallel()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "andon.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	secret := []byte(strings.Repeat("s", 32))
	for name, opts := range map[string]Options{
		"no store":       {Secret: secret},
		"short secret":   {Store: st, Secret: []byte("short")},
		"bad public url": {Store: st, Secret: secret, PublicURL: "chat.example.com"},
		"half params":    {Store: st, Secret: secret, Params: Params{Memory: 64}},
	} {
		if _, err := New(opts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestAllows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		user, needed string
		want         bool
	}{
		{RoleAdmin, RoleAdmin, true},
		{RoleAdmin, RoleAgent, true},
		{RoleAdmin, RoleEditor, true},
		{RoleAgent, RoleAgent, true},
		{RoleAgent, RoleAdmin, false},
		{RoleAgent, RoleEditor, false},
		{RoleEditor, RoleEditor, true},
		{RoleEditor, RoleAgent, false},
		{RoleEditor, "", true},
		{"", RoleAgent, false},
	}
	for _, tc := range tests {
		if got := Allows(tc.user, tc.needed); got != tc.want {
			t.Errorf("Allows(%q, %q) = %v, want %v", tc.user, tc.needed, got, tc.want)
		}
	}
}

package auth

import (
	"context"
	"fmt"
	"github.com/andon-chat/andon/internal/apierr"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// guardEnv trusts the test's loopback peer as a proxy, so each request can
// come from the address its X-Forwarded-For names.
func guardEnv(t *testing.T, mod func(*Options)) *env {
	return newEnv(t, func(o *Options) {
		o.TrustedProxies = mustTrusted(t, "127.0.0.0/8")
		o.PerIP = Rate{Every: time.Millisecond, Burst: 1000} // these tests are about the account limits
		if mod != nil {
			mod(o)
		}
	})
}

func from(ip string, extra ...string) []string {
	return append([]string{"X-Forwarded-For", ip}, extra...)
}

// deviceCookie is the known-device cookie a login answered with.
func deviceCookie(t *testing.T, r response) string {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if strings.HasPrefix(c.Name, deviceCookiePrefix) {
			if c.Path != "/api/login" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.MaxAge < 24*3600 {
				t.Fatalf("device cookie %+v, want HttpOnly, SameSite=Strict, Path=/api/login, lasting", c)
			}
			return c.Name + "=" + c.Value
		}
	}
	t.Fatalf("no known-device cookie in %v", r.header["Set-Cookie"])
	return ""
}

func wrongFor(email string) map[string]string {
	return map[string]string{"email": email, "password": "x-guess-x"}
}

func rightFor(email, password string) map[string]string {
	return map[string]string{"email": email, "password": password}
}

// One address guessing one account: the first PairFailures failures are
// free, then each doubles the wait before the next try, up to
// PairMaxDelay. Another address is not slowed by it, and the right password
// after the wait logs in and starts the count over.
func TestFailuresFromOneAddressGrowTheirOwnDelay(t *testing.T) {
	t.Parallel()
	e := guardEnv(t, func(o *Options) { o.PairFailures = 3; o.PairMaxDelay = 8 * time.Second })
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	const attacker = "203.0.113.7"
	for range 3 {
		e.expect(e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from(attacker)...), 401, apierr.CodeInvalidCredentials)
	}
	for _, wantWait := range []string{"1", "2", "4", "8", "8"} {
		e.expect(e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from(attacker)...), 401, apierr.CodeInvalidCredentials)
		r := e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from(attacker)...)
		e.expect(r, http.StatusTooManyRequests, apierr.CodeRateLimited)
		if got := r.header.Get("Retry-After"); got != wantWait || !strings.Contains(r.message(), "from your browser or address") {
			t.Fatalf("Retry-After %q (%s), want %s", got, r.message(), wantWait)
		}
		sv, _ := r.body["error"].(map[string]any)["messages"].(map[string]any)["sv"].(string)
		if !strings.Contains(sv, "försök igen om "+wantWait+" sekund") {
			t.Fatalf("the Swedish message %q does not give the wait of %s s", sv, wantWait)
		}
		// Anna, elsewhere, is not slowed down at all.
		e.login("anna@example.com", "anna's password", from("198.51.100.1")...)
		e.clock.Advance(8 * time.Second)
	}
	// The right password from that address, once its wait is over, logs in
	// and forgets the failures.
	e.login("anna@example.com", "anna's password", from(attacker)...)
	for range 3 {
		e.expect(e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from(attacker)...), 401, apierr.CodeInvalidCredentials)
	}
}

// Item 9.7's test: a stranger's failures, from one address or from a
// thousand, do not lock Anna out of the browser she logged in from before.
// Guessing from many addresses still runs dry at PerAccount, for new
// browsers, even with the right password.
func TestLockoutFromOneAddressDoesNotLockAKnownDevice(t *testing.T) {
	t.Parallel()
	e := guardEnv(t, func(o *Options) { o.PerAccount = Rate{Every: time.Minute, Burst: 20} })
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	r := e.do("POST", "/api/login", rightFor("anna@example.com", "anna's password"), nil, from("198.51.100.1")...)
	e.expect(r, 200, "")
	device := deviceCookie(t, r)

	// One address: slowed after a few failures, Anna is not.
	for range 10 {
		e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from("203.0.113.7")...)
	}
	e.expect(e.do("POST", "/api/login", rightFor("anna@example.com", "anna's password"), nil, from("203.0.113.7")...), http.StatusTooManyRequests, apierr.CodeRateLimited)
	e.login("anna@example.com", "anna's password", from("198.51.100.1", "Cookie", device)...)

	// Many addresses, one failure each: the account-wide limit runs dry.
	var accepted int
	for i := range 200 {
		r := e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from(fmt.Sprintf("10.%d.%d.1", i/250, i%250))...)
		if r.status == http.StatusUnauthorized {
			accepted++
		}
	}
	if accepted > 20 {
		t.Fatalf("%d guesses from 200 addresses were checked, want at most the burst of 20", accepted)
	}
	// A new browser is slowed down too, even with the right password, and
	// told why and what still works.
	r = e.do("POST", "/api/login", rightFor("anna@example.com", "anna's password"), nil, from("192.0.2.50")...)
	e.expect(r, http.StatusTooManyRequests, apierr.CodeRateLimited)
	if !strings.Contains(r.message(), "from many addresses") || r.header.Get("Retry-After") == "" {
		t.Fatalf("the account-wide refusal says %q (Retry-After %q)", r.message(), r.header.Get("Retry-After"))
	}
	// The address Anna logged in from before works without the cookie too
	// (a browser that lost it, or another one in her office).
	e.login("anna@example.com", "anna's password", from("198.51.100.1")...)
	// Anna's known browser logs in, from her address or from the
	// attacker's (a shared NAT); a forged or other account's cookie does not help.
	e.login("anna@example.com", "anna's password", from("198.51.100.1", "Cookie", device)...)
	e.login("anna@example.com", "anna's password", from("203.0.113.7", "Cookie", device)...)
	name, value, _ := strings.Cut(device, "=")
	forged := name + "=" + value[:len(value)-2] + "xx"
	e.expect(e.do("POST", "/api/login", rightFor("anna@example.com", "anna's password"), nil, from("192.0.2.51", "Cookie", forged)...), http.StatusTooManyRequests, apierr.CodeRateLimited)

	// Over time the account-wide limit lets guesses through at its rate
	// only: one a minute.
	e.clock.Advance(time.Minute)
	e.expect(e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from("10.9.9.9")...), 401, apierr.CodeInvalidCredentials)
	e.expect(e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from("10.9.9.10")...), http.StatusTooManyRequests, apierr.CodeRateLimited)
}

// A known device also has its own growing delay: a stolen cookie is no
// way around the limits, only around other people's failures.
func TestKnownDeviceHasItsOwnDelay(t *testing.T) {
	t.Parallel()
	e := guardEnv(t, func(o *Options) { o.PairFailures = 2 })
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	r := e.do("POST", "/api/login", rightFor("anna@example.com", "anna's password"), nil, from("198.51.100.1")...)
	device := deviceCookie(t, r)
	for range 3 {
		e.expect(e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from("198.51.100.1", "Cookie", device)...), 401, apierr.CodeInvalidCredentials)
	}
	e.expect(e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from("198.51.100.1", "Cookie", device)...), http.StatusTooManyRequests, apierr.CodeRateLimited)
	// The same address without the cookie is another source.
	e.login("anna@example.com", "anna's password", from("198.51.100.1")...)
}

// The known-device cookie is for one account and lasts DeviceTTL.
func TestKnownDeviceCookieIsPerAccountAndExpires(t *testing.T) {
	t.Parallel()
	e := guardEnv(t, func(o *Options) { o.DeviceTTL = 30 * 24 * time.Hour })
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	r := e.do("POST", "/api/login", rightFor("anna@example.com", "anna's password"), nil)
	name, value, _ := strings.Cut(deviceCookie(t, r), "=")
	req, _ := http.NewRequest("POST", "/api/login", nil)
	req.Header.Set("Cookie", name+"="+value)
	if e.svc.knownDevice(req, "anna@example.com") == "" {
		t.Fatal("the cookie just set is not a known device")
	}
	bo, _ := http.NewRequest("POST", "/api/login", nil)
	bo.Header.Set("Cookie", e.svc.deviceCookieName("bo@example.com")+"="+value)
	if e.svc.knownDevice(bo, "bo@example.com") != "" {
		t.Fatal("Anna's device cookie counts for Bo")
	}
	e.clock.Advance(31 * 24 * time.Hour)
	if e.svc.knownDevice(req, "anna@example.com") != "" {
		t.Fatal("the device cookie outlived DeviceTTL")
	}
}

// From outside, an e-mail without an account must behave exactly like one
// with an account under the same guessing: the same answers in the same
// order with the same waits, or the limits tell who has a console login.
func TestLimitsSameForUnknownEmail(t *testing.T) {
	t.Parallel()
	e := guardEnv(t, func(o *Options) { o.PairFailures = 3; o.PerAccount = Rate{Every: time.Minute, Burst: 6} })
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	probe := func(email string) []string {
		var out []string
		for i := range 12 {
			r := e.do("POST", "/api/login", wrongFor(email), nil, from(fmt.Sprintf("203.0.113.%d", i%2))...)
			out = append(out, fmt.Sprint(r.status, r.code(), r.header.Get("Retry-After"), r.message()))
		}
		return out
	}
	known := probe("anna@example.com")
	unknown := probe("Nobody@Example.com ")
	if strings.Join(known, "\n") != strings.Join(unknown, "\n") {
		t.Fatalf("an account answers\n%s\nan unknown e-mail answers\n%s", strings.Join(known, "\n"), strings.Join(unknown, "\n"))
	}
}

// fakeMailer records the alerts.
type fakeMailer struct {
	mu   sync.Mutex
	sent []string
	got  chan struct{}
}

func (m *fakeMailer) MailText(_ context.Context, to, subject, text string) error {
	m.mu.Lock()
	m.sent = append(m.sent, to+"\n"+subject+"\n"+text)
	m.mu.Unlock()
	m.got <- struct{}{}
	return nil
}

// When an account runs dry at PerAccount its user is mailed, in English and
// Swedish, once per AlertEvery however long the attack goes on; an e-mail
// without an account mails nobody.
func TestAccountUnderAttackIsMailedOnce(t *testing.T) {
	t.Parallel()
	m := &fakeMailer{got: make(chan struct{}, 10)}
	e := guardEnv(t, func(o *Options) {
		o.PerAccount = Rate{Every: time.Minute, Burst: 5}
		o.Alerts = m
		o.AlertEvery = 24 * time.Hour
	})
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	attack := func(email string) {
		for i := range 20 {
			e.do("POST", "/api/login", wrongFor(email), nil, from(fmt.Sprintf("10.0.0.%d", i))...)
		}
	}
	attack("anna@example.com")
	attack("nobody@example.com")
	select {
	case <-m.got:
	case <-time.After(5 * time.Second):
		t.Fatal("no alert mailed")
	}
	e.clock.Advance(time.Hour)
	attack("anna@example.com")
	e.clock.Advance(23 * time.Hour)
	attack("anna@example.com")
	select {
	case <-m.got:
	case <-time.After(5 * time.Second):
		t.Fatal("no second alert a day later")
	}
	// Every send was waited for above; wait for any extra one the
	// semaphore would still let out.
	for range maxAlertsInFlight {
		e.svc.alerting <- struct{}{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.sent) != 2 {
		t.Fatalf("%d alerts mailed, want 2 (one a day):\n%s", len(m.sent), strings.Join(m.sent, "\n---\n"))
	}
	for _, mail := range m.sent {
		if !strings.HasPrefix(mail, "anna@example.com\n") || !strings.Contains(mail, "at least 5 wrong passwords") ||
			!strings.Contains(mail, "still work") || !strings.Contains(mail, "minst 5 felaktiga lösenord") {
			t.Fatalf("the alert:\n%s", mail)
		}
	}
}

// Made-up e-mails or addresses cannot grow the pairs without bound: when
// full, the least recently failed pair goes, and the pair being slowed
// now stays slowed.
func TestPairsAreBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	g := newPairGuard(100, 1, time.Second, time.Minute)
	for i := range 1000 {
		g.failed(fmt.Sprint("nobody", i, "@example.com\x00ip:203.0.113.7"), now.Add(time.Duration(i)*time.Millisecond))
	}
	if n := g.size(); n > 100 {
		t.Fatalf("%d pairs held, want at most 100", n)
	}
	last := now.Add(time.Second)
	g.failed("anna@example.com\x00ip:203.0.113.7", last)
	g.failed("anna@example.com\x00ip:203.0.113.7", last)
	if g.wait("anna@example.com\x00ip:203.0.113.7", last).IsZero() {
		t.Fatal("the pair failing now was evicted")
	}
}

// Without a Mailer (no [smtp]) an attack is logged as such, and nothing
// claims that the user was told.
func TestAccountUnderAttackWithoutSMTPIsOnlyLogged(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	var mu sync.Mutex
	e := guardEnv(t, func(o *Options) {
		o.PerAccount = Rate{Every: time.Minute, Burst: 3}
		o.Logger = slog.New(slog.NewTextHandler(&lockedWriter{mu: &mu, w: &logs}, nil))
	})
	e.addUser("anna@example.com", RoleAgent, "anna's password")
	for i := range 5 {
		r := e.do("POST", "/api/login", wrongFor("anna@example.com"), nil, from(fmt.Sprintf("10.0.0.%d", i))...)
		if strings.Contains(r.message(), "mailed") || strings.Contains(r.message(), "sent you") {
			t.Fatalf("the answer mentions a mail: %q", r.message())
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "no [smtp] to tell the user") || strings.Contains(logs.String(), "alerted by mail") {
		t.Fatalf("logs:\n%s", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

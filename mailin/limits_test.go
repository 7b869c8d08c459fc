package mailin_test

import (
	"bufio"
	"fmt"
	"net"
	"net/smtp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andon-chat/andon/mailin"
	"github.com/andon-chat/andon/store"
)

// fakeClock is the rate limits' clock, moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)} }

// A flood into one conversation, each mail on its own connection and with
// its own Message-ID, is accepted up to the conversation's burst and then
// refused at RCPT with 451 4.7.1, so a real mail server queues and retries;
// nothing over the cap is stored, and the rate comes back with time.
func TestMailFloodIntoOneConversationIsRefusedWith4xx(t *testing.T) {
	t.Parallel()
	clock := newClock()
	r := newRigWith(t, func(o *mailin.Options) {
		o.PerConversation = mailin.Rate{Every: time.Minute, Burst: 5}
		o.PerSender = mailin.Rate{Every: time.Second, Burst: 1000}
		o.Now = clock.Now
	})
	id := r.conversation(t, "besokare@example.se", store.StateHuman)
	to := r.signer.Address(id)
	var accepted, limited int
	for i := range 50 {
		got := send(t, r.addr, "besokare@example.se", to, answer("besokare@example.se", to, fmt.Sprintf("m%d@example.se", i), fmt.Sprintf("Answer %d", i)))
		switch {
		case got.stage == "":
			accepted++
		case got.stage == "rcpt" && got.code == 451 && strings.HasPrefix(got.msg, "4.7.1 "):
			limited++
		default:
			t.Fatalf("mail %d: %+v, want accepted or 451 4.7.1 at RCPT", i, got)
		}
	}
	if accepted != 5 || limited != 45 {
		t.Fatalf("%d accepted and %d refused with 451, want 5 and 45", accepted, limited)
	}
	if n := len(r.visitorMessages(t, id)); n != 5 {
		t.Fatalf("%d messages stored, want 5", n)
	}
	clock.Advance(time.Minute)
	if got := send(t, r.addr, "besokare@example.se", to, answer("besokare@example.se", to, "later@example.se", "Later")); got.stage != "" {
		t.Fatalf("a mail a minute later: %+v, want accepted", got)
	}
}

// One envelope sender gets its burst, then 451 4.7.1 at MAIL FROM, into any
// conversation; another sender is not held back by it.
func TestMailPerSenderRate(t *testing.T) {
	t.Parallel()
	r := newRigWith(t, func(o *mailin.Options) {
		o.PerSender = mailin.Rate{Every: time.Hour, Burst: 3}
		o.Now = newClock().Now
	})
	for i := range 3 {
		id := r.conversation(t, "flood@example.se", store.StateHuman)
		to := r.signer.Address(id)
		if got := send(t, r.addr, "Flood@Example.se", to, answer("flood@example.se", to, fmt.Sprintf("s%d@x", i), "Hi")); got.stage != "" {
			t.Fatalf("mail %d: %+v, want accepted", i, got)
		}
	}
	id := r.conversation(t, "flood@example.se", store.StateHuman)
	to := r.signer.Address(id)
	if got := send(t, r.addr, "flood@example.se", to, answer("flood@example.se", to, "s4@x", "Hi")); got.stage != "mail" || got.code != 451 || !strings.HasPrefix(got.msg, "4.7.1 ") {
		t.Fatalf("the fourth mail from one sender: %+v, want 451 4.7.1 at MAIL", got)
	}
	other := r.conversation(t, "other@example.se", store.StateHuman)
	oto := r.signer.Address(other)
	if got := send(t, r.addr, "other@example.se", oto, answer("other@example.se", oto, "o1@x", "Hi")); got.stage != "" {
		t.Fatalf("another sender: %+v, want accepted", got)
	}
}

// The mails of one connection are capped: the next MAIL gets 421 4.7.0 and
// the server closes the connection.
func TestMailPerConnectionCap(t *testing.T) {
	t.Parallel()
	r := newRigWith(t, func(o *mailin.Options) { o.MaxMailsPerConnection = 3 })
	id := r.conversation(t, "besokare@example.se", store.StateHuman)
	to := r.signer.Address(id)
	c, err := smtp.Dial(r.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("mx.visitor.example"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := c.Mail("besokare@example.se"); err != nil {
			t.Fatalf("MAIL %d: %v", i+1, err)
		}
		if err := c.Rcpt(to); err != nil {
			t.Fatalf("RCPT %d: %v", i+1, err)
		}
		w, err := c.Data()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(w, strings.ReplaceAll(answer("besokare@example.se", to, fmt.Sprintf("c%d@x", i), "Hi"), "\n", "\r\n"))
		if err := w.Close(); err != nil {
			t.Fatalf("mail %d: %v", i+1, err)
		}
	}
	got := refused(t, "mail", c.Mail("besokare@example.se"))
	if got.code != 421 || !strings.HasPrefix(got.msg, "4.7.0 ") {
		t.Fatalf("the fourth MAIL: %+v, want 421 4.7.0", got)
	}
	if err := c.Noop(); err == nil {
		t.Fatal("the connection is still open after 421")
	}
	if n := len(r.visitorMessages(t, id)); n != 3 {
		t.Fatalf("%d messages stored, want 3", n)
	}
}

// greeting dials addr and returns the first reply line.
func greeting(t *testing.T, addr string) (net.Conn, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the greeting: %v", err)
	}
	return c, line
}

// Connections over the cap are answered 421 4.7.0 and closed; when one of
// the open ones ends, its slot is free again.
func TestMailConnectionCap(t *testing.T) {
	t.Parallel()
	r := newRigWith(t, func(o *mailin.Options) { o.MaxConnections = 2 })
	a, line := greeting(t, r.addr)
	if !strings.HasPrefix(line, "220 ") {
		t.Fatalf("first connection: %q", line)
	}
	b, line := greeting(t, r.addr)
	defer b.Close()
	if !strings.HasPrefix(line, "220 ") {
		t.Fatalf("second connection: %q", line)
	}
	over, line := greeting(t, r.addr)
	over.Close()
	if !strings.HasPrefix(line, "421 4.7.0 ") {
		t.Fatalf("third connection: %q, want 421 4.7.0", line)
	}
	fmt.Fprint(a, "QUIT\r\n")
	a.Close()
	// The server frees the slot when it has seen the QUIT; until then a
	// new connection may still be turned away.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, line := greeting(t, r.addr)
		c.Close()
		if strings.HasPrefix(line, "220 ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a connection after one closed: %q, want 220", line)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Every From header counts: a mail with two is refused, even when the
// first is the visitor's.
func TestMailWithTwoFromHeadersIsRefused(t *testing.T) {
	t.Parallel()
	r := newRig(t, 0)
	id := r.conversation(t, "besokare@example.se", store.StateHuman)
	to := r.signer.Address(id)
	raw := strings.Replace(answer("besokare@example.se", to, "two@x", "Hi"), "To: ", "From: Boss <ceo@example.com>\nTo: ", 1)
	got := send(t, r.addr, "besokare@example.se", to, raw)
	if got.stage != "data" || got.code != 550 || !strings.Contains(got.msg, "exactly one From header (it has 2)") {
		t.Fatalf("two From headers: %+v, want 550 at DATA", got)
	}
	if n := len(r.visitorMessages(t, id)); n != 0 {
		t.Fatalf("%d messages stored, want none", n)
	}
}

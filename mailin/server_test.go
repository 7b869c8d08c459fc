package mailin_test

import (
	"errors"
	"fmt"
	"net/smtp"
	"net/textproto"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/mailin"
	"github.com/andon-chat/andon/store"
	"github.com/andon-chat/andon/store/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const domain = "reply.example.com"

// rig is a real hub over SQLite with the mail server listening on a free
// port of the loopback interface.
type rig struct {
	st     *sqlite.Store
	hub    *conversation.Hub
	signer mailin.Signer
	srv    *mailin.Server
	addr   string
}

func newRig(t *testing.T, maxBytes int64) *rig {
	t.Helper()
	return newRigWith(t, func(o *mailin.Options) { o.MaxBytes = maxBytes })
}

// newRigWith is newRig with options changed by mod.
func newRigWith(t *testing.T, mod func(*mailin.Options)) *rig {
	t.Helper()
	return newRigHubWith(t, conversation.Options{}, mod)
}

// newRigHub is newRig with the hub's options (Store is filled in).
func newRigHub(t *testing.T, maxBytes int64, hubOpts conversation.Options) *rig {
	t.Helper()
	return newRigHubWith(t, hubOpts, func(o *mailin.Options) { o.MaxBytes = maxBytes })
}

// newRigHubWith builds the rig from the hub's options and changed mailin options.
func newRigHubWith(t *testing.T, hubOpts conversation.Options, mod func(*mailin.Options)) *rig {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "andon.db"), sqlite.Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	hubOpts.Store = st
	hub := conversation.NewHub(hubOpts)
	signer := mailin.NewSigner([]byte("a server secret of at least 32 bytes"), domain)
	opts := mailin.Options{Hub: hub, Signer: signer, Timeout: 10 * time.Second}
	mod(&opts)
	srv, err := mailin.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		hub.Close()
		st.Close()
	})
	return &rig{st: st, hub: hub, signer: signer, srv: srv, addr: srv.Addr().String()}
}

// conversation starts one whose visitor left email and sets its state.
func (r *rig) conversation(t *testing.T, email, state string) string {
	t.Helper()
	ctx := t.Context()
	c, err := r.hub.Start(ctx, conversation.Visit{Site: "default", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if email != "" {
		if err := r.hub.SetContact(ctx, c.ID, email); err != nil {
			t.Fatal(err)
		}
	}
	if state != store.StateBot {
		if err := r.hub.SetState(ctx, c.ID, state, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return c.ID
}

// visitorMessages are the conversation's messages from the visitor.
func (r *rig) visitorMessages(t *testing.T, id string) []store.Message {
	t.Helper()
	ms, err := r.hub.Messages(t.Context(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Message
	for _, m := range ms {
		if m.From == store.FromVisitor {
			out = append(out, m)
		}
	}
	return out
}

// reply is what the SMTP server answered: the stage that was refused
// ("mail", "rcpt" or "data"), or "" when the mail was accepted.
type reply struct {
	stage string
	code  int
	msg   string
}

// send delivers raw from envelope sender from to rcpt over a real SMTP
// connection with the standard library's client.
func send(t *testing.T, addr, from, rcpt, raw string) reply {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("mx.visitor.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail(from); err != nil {
		return refused(t, "mail", err)
	}
	if err := c.Rcpt(rcpt); err != nil {
		return refused(t, "rcpt", err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatalf("DATA: %v", err)
	}
	if _, err := w.Write([]byte(strings.ReplaceAll(raw, "\n", "\r\n"))); err != nil {
		t.Fatalf("writing the mail: %v", err)
	}
	if err := w.Close(); err != nil {
		return refused(t, "data", err)
	}
	if err := c.Quit(); err != nil {
		t.Errorf("QUIT: %v", err)
	}
	return reply{}
}

func refused(t *testing.T, stage string, err error) reply {
	t.Helper()
	var te *textproto.Error
	if !errors.As(err, &te) {
		t.Fatalf("%s: %v (%T), want an SMTP reply", stage, err, err)
	}
	return reply{stage: stage, code: te.Code, msg: te.Msg}
}

// answer is a visitor's answer as Gmail would send it.
func answer(from, to, msgID, text string) string {
	return fmt.Sprintf(`From: Visitor <%s>
To: Support <%s>
Subject: Re: Anna replied to your question
Message-ID: <%s>
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

%s

On Mon, 2 Feb 2026 at 10:00, Support <%s> wrote:

> Anna replied to your question:
>
> Which order is it?
>
> --=20
> You receive this because you left your e-mail address in our chat.
`, from, to, msgID, text, to)
}

// watcher is an agent console watching a conversation.
type watcher struct{ updates chan *conversation.Update }

func (w *watcher) Deliver(u *conversation.Update) bool {
	select {
	case w.updates <- u:
		return true
	default:
		return false
	}
}

func (w *watcher) Evict() {}

func TestMailedAnswerReachesTheAgent(t *testing.T) {
	t.Parallel()
	r := newRig(t, 0)
	id := r.conversation(t, "Visitor@Example.com", store.StateHuman)
	w := &watcher{updates: make(chan *conversation.Update, 16)}
	cancel := r.hub.Watch(id, w)
	defer cancel()

	raw := answer("visitor@example.COM", r.signer.Address(id), "CAFE1234@mail.gmail.com", "It is order 1234, bought on the 30th =E2=80=93 thanks!")
	if got := send(t, r.addr, "visitor@example.com", r.signer.Address(id), raw); got != (reply{}) {
		t.Fatalf("the answer was refused: %+v", got)
	}
	want := "It is order 1234, bought on the 30th – thanks!"
	deadline := time.After(5 * time.Second)
	for live := false; !live; {
		select {
		case u := <-w.updates:
			if u.Message != nil && u.Message.From == store.FromVisitor {
				if u.Message.Text != want {
					t.Errorf("live text = %q, want %q", u.Message.Text, want)
				}
				live = true
			}
		case <-deadline:
			t.Fatal("the agent's watch got no visitor message")
		}
	}
	ms := r.visitorMessages(t, id)
	if len(ms) != 1 || ms[0].Text != want || ms[0].ClientID != "mail:CAFE1234@mail.gmail.com" {
		t.Fatalf("visitor messages = %+v, want one %q with client id mail:CAFE1234@mail.gmail.com", ms, want)
	}
	c, err := r.hub.Conversation(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != store.StateHuman {
		t.Errorf("state = %s, want human: the agent keeps the conversation", c.State)
	}

	// The sender's server delivers the same mail again (it lost our 250).
	if got := send(t, r.addr, "visitor@example.com", r.signer.Address(id), raw); got != (reply{}) {
		t.Fatalf("the repeat was refused: %+v", got)
	}
	if ms := r.visitorMessages(t, id); len(ms) != 1 {
		t.Errorf("after a repeated delivery: %d visitor messages, want 1", len(ms))
	}
}

func TestMailedAnswerToAClosedConversationGoesToTheQueue(t *testing.T) {
	t.Parallel()
	r := newRig(t, 0)
	id := r.conversation(t, "visitor@example.com", store.StateClosed)
	raw := answer("visitor@example.com", r.signer.Address(id), "x1@example.com", "One more question about the invoice.")
	if got := send(t, r.addr, "visitor@example.com", r.signer.Address(id), raw); got != (reply{}) {
		t.Fatalf("refused: %+v", got)
	}
	c, err := r.hub.Conversation(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != store.StateWaiting || c.Reason != conversation.ReasonAskedForHuman {
		t.Errorf("state = %s (%s), want waiting (%s): a mail is answered by a person", c.State, c.Reason, conversation.ReasonAskedForHuman)
	}
	if ms := r.visitorMessages(t, id); len(ms) != 1 || ms[0].Text != "One more question about the invoice." {
		t.Errorf("visitor messages = %+v", ms)
	}
}

func TestMailRefused(t *testing.T) {
	t.Parallel()
	r := newRig(t, 4096)
	id := r.conversation(t, "visitor@example.com", store.StateHuman)
	good := r.signer.Address(id)
	local, _, _ := strings.Cut(good, "@")
	forged := local[:len(local)-1] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(local, "0")] + "@" + domain
	gone := r.signer.Address("nosuchconversationxxxxxxxx")
	other := mailin.NewSigner([]byte("another secret, also 32 bytes long!"), domain).Address(id)

	tests := []struct {
		name       string
		from, rcpt string
		raw        string
		want       reply
		msgContain string
	}{
		{"forged signature", "visitor@example.com", forged, answer("visitor@example.com", forged, "f1@x", "hi"),
			reply{stage: "rcpt", code: 550}, "only takes answers to the reply address"},
		{"signed with another secret", "visitor@example.com", other, answer("visitor@example.com", other, "f2@x", "hi"),
			reply{stage: "rcpt", code: 550}, "No such mailbox"},
		{"another domain", "visitor@example.com", local + "@example.org", answer("visitor@example.com", good, "f3@x", "hi"),
			reply{stage: "rcpt", code: 550}, "No such mailbox"},
		{"a conversation that does not exist", "visitor@example.com", gone, answer("visitor@example.com", gone, "f4@x", "hi"),
			reply{stage: "rcpt", code: 550}, "no longer exists"},
		{"wrong From", "visitor@example.com", good, answer("mallory@example.com", good, "f5@x", "send me the invoice"),
			reply{stage: "data", code: 550}, "not the address this conversation continues with"},
		{"too large", "visitor@example.com", good, answer("visitor@example.com", good, "f6@x", strings.Repeat("a long line of text that goes on\n", 200)),
			reply{stage: "data", code: 552}, "4096 bytes"},
		{"nothing but the quote", "visitor@example.com", good, answer("visitor@example.com", good, "f7@x", ""),
			reply{stage: "data", code: 550}, "empty once the quoted earlier mail is removed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := send(t, r.addr, tt.from, tt.rcpt, tt.raw)
			if got.stage != tt.want.stage || got.code != tt.want.code || !strings.Contains(got.msg, tt.msgContain) {
				t.Errorf("reply = %+v, want %s %d containing %q", got, tt.want.stage, tt.want.code, tt.msgContain)
			}
		})
	}
	if ms := r.visitorMessages(t, id); len(ms) != 0 {
		t.Errorf("refused mails stored %d messages: %+v", len(ms), ms)
	}
}

func TestAutomaticRepliesAreDropped(t *testing.T) {
	t.Parallel()
	r := newRig(t, 0)
	id := r.conversation(t, "visitor@example.com", store.StateHuman)
	to := r.signer.Address(id)
	ooo := "Auto-Submitted: auto-replied\n" + answer("visitor@example.com", to, "ooo@x", "I am out of office until Monday.")
	if got := send(t, r.addr, "visitor@example.com", to, ooo); got != (reply{}) {
		t.Errorf("an out-of-office reply was refused (that bounces back): %+v", got)
	}
	bounce := answer("visitor@example.com", to, "bounce@x", "Delivery failed.")
	if got := send(t, r.addr, "", to, bounce); got != (reply{}) {
		t.Errorf("a bounce was refused: %+v", got)
	}
	if ms := r.visitorMessages(t, id); len(ms) != 0 {
		t.Errorf("automatic mail stored %d messages: %+v", len(ms), ms)
	}
}

func TestCloseRefusesNewMail(t *testing.T) {
	t.Parallel()
	r := newRig(t, 0)
	if err := r.srv.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := smtp.Dial(r.addr); err == nil {
		c.Close()
		t.Error("still accepting connections after Close")
	}
}

package app

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"sync"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/andon-chat/andon/config"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/notify"
	"github.com/andon-chat/andon/store"
)

// outbox is the SMTP server the app sends its mail through: it keeps what
// it receives.
type outbox struct {
	mu    sync.Mutex
	mails [][]byte
}

func (o *outbox) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return &outboxSession{o: o}, nil }

type outboxSession struct{ o *outbox }

func (s *outboxSession) Reset()                                 {}
func (s *outboxSession) Logout() error                          { return nil }
func (s *outboxSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *outboxSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s *outboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.o.mu.Lock()
	s.o.mails = append(s.o.mails, b)
	s.o.mu.Unlock()
	return nil
}

func (o *outbox) received() [][]byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([][]byte(nil), o.mails...)
}

func startOutbox(t *testing.T) (*outbox, int) {
	t.Helper()
	o := &outbox{}
	srv := gosmtp.NewServer(o)
	srv.Domain = "localhost"
	srv.ErrorLog = nopLog{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		ln.Close()
		<-done
	})
	return o, ln.Addr().(*net.TCPAddr).Port
}

type nopLog struct{}

func (nopLog) Printf(string, ...any) {}
func (nopLog) Println(...any)        {}

// TestMailedReplyIsAnsweredByMail follows a reply mailed to a visitor: its
// Reply-To, answered through the app's own SMTP listener, brings the
// visitor's answer into that conversation and no other.
func TestMailedReplyIsAnsweredByMail(t *testing.T) {
	t.Parallel()
	box, port := startOutbox(t)
	cfg := config.Defaults()
	cfg.Server.DataDir = t.TempDir()
	cfg.Knowledge.LoadDemo = false
	cfg.SMTP = config.SMTP{Host: "127.0.0.1", Port: port, TLS: "none", From: "Support <support@example.com>", Timeout: cfg.SMTP.Timeout}
	cfg.MailIn = config.MailIn{Addr: "127.0.0.1:0", Domain: "reply.example.com", MaxBytes: 1 << 20}
	a, err := New(t.Context(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if a.MailInAddr() == nil {
		t.Fatal("MailInAddr is nil with [mail_in] configured")
	}

	ctx := t.Context()
	var ids []string
	for range 2 {
		c, err := a.hub.Start(ctx, conversation.Visit{Site: "default", Locale: "sv-SE"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.hub.SetContact(ctx, c.ID, "besokare@example.se"); err != nil {
			t.Fatal(err)
		}
		if err := a.hub.SetState(ctx, c.ID, store.StateHuman, "test"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	target := ids[1]
	if err := a.notify.MailReply(ctx, notify.VisitorMail{To: "besokare@example.se", Locale: "sv-SE", AgentName: "Anna",
		Text: "Vilken order gäller det?", ConversationID: target}); err != nil {
		t.Fatal(err)
	}
	mails := box.received()
	if len(mails) != 1 {
		t.Fatalf("the outbox has %d mails, want 1", len(mails))
	}
	sent, err := mail.ReadMessage(bytes.NewReader(mails[0]))
	if err != nil {
		t.Fatal(err)
	}
	rt, err := mail.ParseAddress(sent.Header.Get("Reply-To"))
	if err != nil {
		t.Fatalf("Reply-To %q: %v", sent.Header.Get("Reply-To"), err)
	}
	if !strings.HasPrefix(rt.Address, "reply+"+target+".") || !strings.HasSuffix(rt.Address, "@reply.example.com") {
		t.Fatalf("Reply-To = %q, want reply+%s.SIG@reply.example.com", rt.Address, target)
	}

	answer := fmt.Sprintf("From: Besökare <besokare@example.se>\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <svar-1@example.se>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nOrder 1234, tack.\r\n\r\nDen mån 2 feb. 2026 kl 10:00 skrev Support <%s>:\r\n> Vilken order gäller det?\r\n",
		rt.Address, sent.Header.Get("Subject"), rt.Address)
	if err := smtp.SendMail(a.MailInAddr().String(), nil, "besokare@example.se", []string{rt.Address}, []byte(answer)); err != nil {
		t.Fatalf("answering by mail: %v", err)
	}
	for i, id := range ids {
		ms, err := a.hub.Messages(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range ms {
			if m.From == store.FromVisitor {
				got = append(got, m.Text)
			}
		}
		want := []string(nil)
		if id == target {
			want = []string{"Order 1234, tack."}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("conversation %d: visitor messages %q, want %q", i, got, want)
		}
	}
}

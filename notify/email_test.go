package notify

import (
	"crypto/tls"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/store"
	"github.com/emersion/go-smtp"
)

// mailConfig points cfg's SMTP at srv.
func mailConfig(cfg Settings, srv *mailServer, tlsMode string) Settings {
	cfg.SMTP = SMTP{
		Host: srv.host, Port: srv.port, From: "Andon Support <support@example.com>",
		TLS: tlsMode, Timeout: time.Duration(10 * time.Second),
	}
	return cfg
}

// An e-mail channel mails its own addresses only; the person the event
// pages gets the separate page mail, not a copy through the channel.
func TestEmailNotify(t *testing.T) {
	t.Parallel()
	srv := startMailServer(t, nil, false)
	cfg := mailConfig(testConfig(nil, []EmailChannel{
		{Name: "oncall", To: []string{"oncall@example.com", "desk@example.com"}},
	}), srv, "none")
	st := openStore(t, "")
	d := newDispatcher(t, cfg, st)
	d.Start(t.Context())

	e := sampleEvent("ev")
	e.Type, e.Reason, e.ReasonText, e.Level = EventHandoffSLAMissed, "sensitive:security", "Sensitive topic: security", 1
	e.Paged = []string{"cto@example.com"}
	d.Notify(t.Context(), e)
	row := waitDelivery(t, st, deliveryID(e.ID, "email:oncall"), isStatus(store.DeliveryDelivered))
	if row.Channel != "email:oncall" || row.Attempts != 1 || row.LastStatus != 250 {
		t.Fatalf("row = %+v", row)
	}
	waitDelivery(t, st, deliveryID(e.ID, pageKey), isStatus(store.DeliveryDelivered))
	mails := srv.received()
	if len(mails) != 2 {
		t.Fatalf("server got %d mails, want 2 (the channel's and the page)", len(mails))
	}
	var m gotMail
	for _, got := range mails {
		if parseMail(t, got.Data).Header.Get(HeaderDelivery) == row.ID {
			m = got
		} else if !slices.Equal(got.To, []string{"cto@example.com"}) {
			t.Fatalf("the page went to %v, want only the paged person", got.To)
		}
	}
	if want := []string{"oncall@example.com", "desk@example.com"}; !slices.Equal(m.To, want) {
		t.Fatalf("channel recipients = %v, want %v (its own addresses, not the paged person)", m.To, want)
	}
	if m.From != "support@example.com" {
		t.Fatalf("envelope from = %q", m.From)
	}
	p := parseMail(t, m.Data)
	if want := "[andon] Nobody answered in time (escalation level 1): Sensitive topic: security"; p.Subject != want {
		t.Fatalf("subject = %q, want %q", p.Subject, want)
	}
	text := p.Parts["text/plain"]
	for _, want := range []string{
		"Reason: Sensitive topic: security", "Team: billing", "Escalation level: 1",
		"Paged: cto@example.com", "> I was charged twice <b>this</b> month",
		"Open it in the console: https://support.example.com/console/#conversation=conv-ev",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	html := p.Parts["text/html"]
	for _, want := range []string{
		"<strong>Sensitive topic: security</strong>", "I was charged twice &lt;b&gt;this&lt;/b&gt; month",
		`<a href="https://support.example.com/console/#conversation=conv-ev">`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q:\n%s", want, html)
		}
	}
}

func TestEmailNotifyRefusalAndRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		code     int
		status   string
		attempts int
	}{
		{"mailbox unknown", 550, store.DeliveryFailed, 1},
		{"try later", 451, store.DeliveryFailed, 3}, // retried until MaxAttempts
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startMailServer(t, nil, false)
			srv.rcpt = func(string) error {
				return &smtp.SMTPError{Code: tc.code, EnhancedCode: smtp.EnhancedCode{tc.code / 100, 1, 1}, Message: "no"}
			}
			cfg := mailConfig(testConfig(nil, []EmailChannel{{Name: "x", To: []string{"x@example.com"}}}), srv, "none")
			st := openStore(t, "")
			d := newDispatcher(t, cfg, st, func(o *Options) { o.MaxAttempts = 3 })
			d.Start(t.Context())
			d.Notify(t.Context(), sampleEvent("ev"))
			row := waitDelivery(t, st, onlyDelivery(t, st).ID, isStatus(tc.status))
			if row.Attempts != tc.attempts || row.LastStatus != tc.code || row.LastError == "" {
				t.Fatalf("row = %+v, want %s after %d attempts with code %d", row, tc.status, tc.attempts, tc.code)
			}
		})
	}
}

func TestEmailNotifyRetriesWhenTheServerIsDown(t *testing.T) {
	t.Parallel()
	srv := startMailServer(t, nil, false)
	cfg := mailConfig(testConfig(nil, []EmailChannel{{Name: "x", To: []string{"x@example.com"}}}), srv, "none")
	cfg.SMTP.Port = 1 // nothing listens there
	st := openStore(t, "")
	d := newDispatcher(t, cfg, st, func(o *Options) { o.MaxAttempts = 2 })
	d.Start(t.Context())
	d.Notify(t.Context(), sampleEvent("ev"))
	row := waitDelivery(t, st, onlyDelivery(t, st).ID, isStatus(store.DeliveryFailed))
	if row.Attempts != 2 || row.LastStatus != 0 || row.LastError == "" {
		t.Fatalf("row = %+v, want failed after 2 attempts (a connection error is retried)", row)
	}
}

func TestMailReply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		locale  string
		subject string
		text    []string
		html    []string
	}{
		{"en-GB", "Anna replied to your question",
			[]string{"Anna replied to your question:", "Yes, we refund within 5 days.\n\nRegards <3", "Continue the conversation: https://shop.example.com/?andon_resume=tok"},
			[]string{`<html lang="en">`, "Regards &lt;3", `<a href="https://shop.example.com/?andon_resume=tok">Continue the conversation</a>`}},
		{"sv-SE", "Anna har svarat på din fråga",
			[]string{"Anna har svarat på din fråga:", "Fortsätt konversationen: https://shop.example.com/?andon_resume=tok"},
			[]string{`<html lang="sv">`, ">Fortsätt konversationen</a>"}},
		{"de", "Anna replied to your question", []string{"Anna replied to your question:"}, []string{`<html lang="en">`}},
	}
	srv := startMailServer(t, nil, false)
	cfg := mailConfig(testConfig(nil, nil), srv, "none")
	d := newDispatcher(t, cfg, openStore(t, ""))
	for i, tc := range tests {
		err := d.MailReply(t.Context(), VisitorMail{
			To: "visitor@example.org", Locale: tc.locale, AgentName: "Anna",
			Text: "Yes, we refund within 5 days.\n\nRegards <3", ChatURL: "https://shop.example.com/?andon_resume=tok", ConversationID: "c1",
		})
		if err != nil {
			t.Fatalf("%s: MailReply: %v", tc.locale, err)
		}
		mails := srv.received()
		if len(mails) != i+1 {
			t.Fatalf("%s: server has %d mails, want %d", tc.locale, len(mails), i+1)
		}
		m := mails[i]
		if !slices.Equal(m.To, []string{"visitor@example.org"}) {
			t.Fatalf("%s: recipients = %v", tc.locale, m.To)
		}
		p := parseMail(t, m.Data)
		if p.Subject != tc.subject {
			t.Errorf("%s: subject = %q, want %q", tc.locale, p.Subject, tc.subject)
		}
		if p.Header.Get("X-Andon-Conversation") != "c1" {
			t.Errorf("%s: X-Andon-Conversation = %q", tc.locale, p.Header.Get("X-Andon-Conversation"))
		}
		for _, w := range tc.text {
			if !strings.Contains(p.Parts["text/plain"], w) {
				t.Errorf("%s: text lacks %q:\n%s", tc.locale, w, p.Parts["text/plain"])
			}
		}
		for _, w := range tc.html {
			if !strings.Contains(p.Parts["text/html"], w) {
				t.Errorf("%s: html lacks %q:\n%s", tc.locale, w, p.Parts["text/html"])
			}
		}
		if strings.Contains(p.Parts["text/html"], "Regards <3") {
			t.Errorf("%s: the reply reached the HTML unescaped", tc.locale)
		}
	}
	// MailReply keeps no delivery log: it is the desk's synchronous call.
	if ds, err := d.Deliveries(t.Context(), 10); err != nil || len(ds) != 0 {
		t.Fatalf("Deliveries = %v, %v", ds, err)
	}
}

func TestMailReplyErrors(t *testing.T) {
	t.Parallel()
	srv := startMailServer(t, nil, false)
	srv.rcpt = func(to string) error {
		if strings.HasPrefix(to, "gone@") {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}
	d := newDispatcher(t, mailConfig(testConfig(nil, nil), srv, "none"), openStore(t, ""))
	if err := d.MailReply(t.Context(), VisitorMail{To: "gone@example.org", Text: "hi"}); err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("MailReply to a refused address = %v, want the 550", err)
	}
	if err := d.MailReply(t.Context(), VisitorMail{Text: "hi"}); err == nil {
		t.Fatal("MailReply without an address succeeded")
	}
	noSMTP := newDispatcher(t, testConfig(nil, nil), openStore(t, ""))
	if err := noSMTP.MailReply(t.Context(), VisitorMail{To: "v@example.org", Text: "hi"}); !errors.Is(err, ErrNoSMTP) {
		t.Fatalf("MailReply without SMTP = %v, want ErrNoSMTP", err)
	}
	if len(srv.received()) != 0 {
		t.Fatalf("server got %d mails", len(srv.received()))
	}
}

// The TLS modes reach a server that offers STARTTLS or speaks TLS, verify
// its certificate, and authenticate over the encrypted connection.
func TestMailTLSModes(t *testing.T) {
	t.Parallel()
	cert, pool := selfSigned(t)
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			srv := startMailServer(t, &cert, mode == "tls")
			cfg := mailConfig(testConfig(nil, nil), srv, mode)
			cfg.SMTP.Username, cfg.SMTP.Password = "andon", "pw"
			d := newDispatcher(t, cfg, openStore(t, ""), func(o *Options) { o.TLSConfig = &tls.Config{RootCAs: pool} })
			if err := d.MailReply(t.Context(), VisitorMail{To: "v@example.org", AgentName: "Anna", Text: "hi"}); err != nil {
				t.Fatalf("MailReply over %s: %v", mode, err)
			}
			srv.mu.Lock()
			auths := slices.Clone(srv.auths)
			srv.mu.Unlock()
			if len(srv.received()) != 1 || !slices.Equal(auths, []string{"andon:pw"}) {
				t.Fatalf("server got %d mails, auths %v", len(srv.received()), auths)
			}

			// Without trusting the certificate the mail is not sent.
			untrusting := newDispatcher(t, cfg, openStore(t, ""))
			if err := untrusting.MailReply(t.Context(), VisitorMail{To: "v@example.org", Text: "hi"}); err == nil {
				t.Fatal("MailReply succeeded against an untrusted certificate")
			}
		})
	}
}

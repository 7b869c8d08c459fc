package notify

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// MailText sends one plain-text mail through [smtp] (the security alert
// of auth), and says so when there is no SMTP server to send through.
func TestMailText(t *testing.T) {
	t.Parallel()
	srv := startMailServer(t, nil, false)
	d := newDispatcher(t, mailConfig(testConfig(nil, nil), srv, "none"), openStore(t, ""))
	if err := d.MailText(t.Context(), "anna@example.com", "Många misslyckade inloggningar", "Hello Anna,\n\nsince 20:00 ...\n"); err != nil {
		t.Fatal(err)
	}
	mails := srv.received()
	if len(mails) != 1 || !slices.Equal(mails[0].To, []string{"anna@example.com"}) {
		t.Fatalf("received %+v", mails)
	}
	p := parseMail(t, mails[0].Data)
	if p.Subject != "Många misslyckade inloggningar" || !strings.Contains(p.Parts["text/plain"], "since 20:00") {
		t.Fatalf("subject %q, text %q", p.Subject, p.Parts["text/plain"])
	}

	none := newDispatcher(t, testConfig(nil, nil), openStore(t, ""))
	if err := none.MailText(t.Context(), "anna@example.com", "s", "t"); !errors.Is(err, ErrNoSMTP) {
		t.Fatalf("without [smtp]: %v, want ErrNoSMTP", err)
	}
}

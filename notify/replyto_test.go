package notify

import (
	"testing"
)

// TestMailReplyReplyTo checks that a reply mailed to a visitor carries the
// Reply-To that Options.ReplyTo gives for its conversation, and none
// without it (answers then go to smtp.from).
func TestMailReplyReplyTo(t *testing.T) {
	t.Parallel()
	srv := startMailServer(t, nil, false)
	cfg := mailConfig(testConfig(nil, nil), srv, "none")
	with := newDispatcher(t, cfg, openStore(t, ""), func(o *Options) {
		o.ReplyTo = func(id string) string { return "reply+" + id + ".0123456789abcdef@reply.example.com" }
	})
	without := newDispatcher(t, cfg, openStore(t, ""))
	vm := VisitorMail{To: "visitor@example.org", AgentName: "Anna", Text: "Which order?", ConversationID: "c1"}
	if err := with.MailReply(t.Context(), vm); err != nil {
		t.Fatal(err)
	}
	if err := without.MailReply(t.Context(), vm); err != nil {
		t.Fatal(err)
	}
	mails := srv.received()
	if len(mails) != 2 {
		t.Fatalf("server has %d mails, want 2", len(mails))
	}
	if got, want := parseMail(t, mails[0].Data).Header.Get("Reply-To"), "<reply+c1.0123456789abcdef@reply.example.com>"; got != want {
		t.Errorf("Reply-To = %q, want %q", got, want)
	}
	if got := parseMail(t, mails[1].Data).Header.Get("Reply-To"); got != "" {
		t.Errorf("Reply-To without Options.ReplyTo = %q, want none", got)
	}
}

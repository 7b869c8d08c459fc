package handoff_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

// When a reply to a visitor who left cannot be e-mailed, the agents are
// told (a note event, kept in the conversation's notes) instead of the
// failure going only to the log.
func TestFailedReplyMailTellsTheAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.rec.mu.Lock()
	e.rec.mailErr = errors.New("550 mailbox unavailable")
	e.rec.mu.Unlock()
	c := replyToAGoneVisitor(t, e)
	select {
	case <-e.rec.mailed:
	case <-time.After(5 * time.Second):
		t.Fatal("no mail attempted")
	}
	ev := e.waitEvent(handoff.EventNote, c.ID)
	want := "Couldn't e-mail the reply to vera@example.org: 550 mailbox unavailable; the visitor will see it when they return."
	if ev.Note == nil || ev.Note.Text != want || ev.Note.Kind != handoff.NoteInternal {
		t.Fatalf("note event: %+v", ev.Note)
	}
	cx, err := e.desk.Context(e.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range cx.Notes {
		found = found || strings.HasPrefix(n.Text, "Couldn't e-mail the reply")
	}
	if !found {
		t.Fatalf("the note is not kept: %+v", cx.Notes)
	}
}

// Without a mail server a reply to a visitor who left is not attempted by
// mail, and the agents read plainly that it waits in the conversation.
func TestReplyToAGoneVisitorWithoutSMTPTellsTheAgent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.rec.mu.Lock()
	e.rec.noSMTP = true
	e.rec.mu.Unlock()
	c := replyToAGoneVisitor(t, e)
	ev := e.waitEvent(handoff.EventNote, c.ID)
	if ev.Note == nil || !strings.HasPrefix(ev.Note.Text, "The visitor has left and can't be e-mailed (no SMTP server is configured)") {
		t.Fatalf("note event: %+v", ev.Note)
	}
	e.rec.mu.Lock()
	n := len(e.rec.mails)
	e.rec.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d mails attempted without SMTP", n)
	}
	ms, err := e.hub.Messages(e.ctx, c.ID, 0)
	if err != nil || ms[len(ms)-1].Text != "Your refund is on its way." {
		t.Fatalf("the reply is not kept in the conversation: %v %+v", err, ms)
	}
}

// replyToAGoneVisitor has Anna claim a conversation whose visitor left an
// address, the visitor leave, and Anna reply.
func replyToAGoneVisitor(t *testing.T, e *env) store.Conversation {
	t.Helper()
	c, _, stop := e.visitor("en")
	if err := e.hub.SetContact(e.ctx, c.ID, "vera@example.org"); err != nil {
		t.Fatal(err)
	}
	e.escalate(c, conversation.ReasonAskedForHuman)
	e.queued(c.ID)
	if _, err := e.desk.Claim(e.ctx, c.ID, anna); err != nil {
		t.Fatal(err)
	}
	stop() // the visitor left
	if _, err := e.desk.Reply(e.ctx, c.ID, anna, "Your refund is on its way.", ""); err != nil {
		t.Fatal(err)
	}
	return c
}

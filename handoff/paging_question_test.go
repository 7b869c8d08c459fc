package handoff_test

import (
	"fmt"
	"testing"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/handoff"
	"github.com/andon-chat/andon/store"
)

// Issue 8 item 10: two conversations that both end in "talk to a person"
// still say in the queue what each is about.
func TestQueueRowSaysWhatEscalated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	say := func(c store.Conversation, text string) {
		t.Helper()
		if _, _, err := e.hub.PostVisitorMessage(e.ctx, c.ID, "", text); err != nil {
			t.Fatal(err)
		}
	}
	// Asked for a person in words: the question is the message before.
	a, _, stopA := e.visitor("en")
	defer stopA()
	say(a, "I was charged twice")
	say(a, "escalate asked_for_human")
	// Escalated by the bot on the question itself.
	b, _, stopB := e.visitor("en")
	defer stopB()
	say(b, "escalate sensitive:billing")
	// The widget's button: no decision is recorded.
	c, _, stopC := e.visitor("en")
	defer stopC()
	say(c, "Where is my parcel?")
	e.escalate(c, conversation.ReasonAskedForHuman)

	for _, tc := range []struct {
		id, question, preview string
	}{
		{a.ID, "I was charged twice", "escalate asked_for_human"},
		{b.ID, "escalate sensitive:billing", "escalate sensitive:billing"},
		{c.ID, "Where is my parcel?", "Where is my parcel?"},
	} {
		if it := e.queued(tc.id); it.Question != tc.question || it.Preview != tc.preview {
			t.Errorf("item %s: question %q, preview %q; want %q, %q", tc.id, it.Question, it.Preview, tc.question, tc.preview)
		}
	}
	// A later message moves the preview, never the question.
	say(a, "hello? anyone?")
	it := e.waitItem(a.ID, func(it *handoff.Item) bool { return it.Preview == "hello? anyone?" })
	if it.Question != "I was charged twice" {
		t.Errorf("after a new message the question is %q", it.Question)
	}
	// After a restart the item is rebuilt from the store with the same texts.
	e.restart()
	if it := e.queued(a.ID); it.Question != "I was charged twice" || it.Preview != "hello? anyone?" {
		t.Errorf("after a restart: question %q, preview %q", it.Question, it.Preview)
	}
}

// Issue 9 item 1: a context carries a page of the transcript, never all of
// it, and the escalation's decision is found however far back it is.
func TestContextPagesMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c, _, stop := e.visitor("en")
	defer stop()
	if _, _, err := e.hub.PostVisitorMessage(e.ctx, c.ID, "", "escalate sensitive:billing"); err != nil {
		t.Fatal(err)
	}
	e.queued(c.ID)
	for i := range 2*handoff.MaxPageSize + 10 {
		if _, _, err := e.st.AppendMessage(e.ctx, store.Message{ConversationID: c.ID, From: store.FromVisitor, Text: fmt.Sprint("m", i)}); err != nil {
			t.Fatal(err)
		}
	}
	last := e.conv(c.ID).LastSeq
	cx, err := e.desk.Context(e.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(cx.Messages) != handoff.DefaultPageSize || !cx.HasMore || cx.Messages[len(cx.Messages)-1].Seq != last {
		t.Fatalf("first page: %d messages ending at %d, has_more %v; want %d ending at %d", len(cx.Messages), cx.Messages[len(cx.Messages)-1].Seq, cx.HasMore, handoff.DefaultPageSize, last)
	}
	if cx.Decision == nil || cx.Decision.Reason != "sensitive:billing" {
		t.Fatalf("decision %+v: the escalation more than two pages back is lost", cx.Decision)
	}
	// Paging back reads every message once, the last page says so.
	seen := int64(0)
	for before, pages := cx.Messages[0].Seq, 1; ; pages++ {
		p, err := e.desk.ContextPage(e.ctx, c.ID, handoff.Page{Before: before, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Messages) > handoff.MaxPageSize {
			t.Fatalf("a page of %d messages, above the maximum %d", len(p.Messages), handoff.MaxPageSize)
		}
		if p.Messages[len(p.Messages)-1].Seq != before-1 {
			t.Fatalf("page before %d ends at %d", before, p.Messages[len(p.Messages)-1].Seq)
		}
		seen += int64(len(p.Messages))
		before = p.Messages[0].Seq
		if !p.HasMore {
			if before != 1 || seen+int64(len(cx.Messages)) != last {
				t.Fatalf("the last page starts at %d after reading %d of %d", before, seen+int64(len(cx.Messages)), last)
			}
			break
		}
		if pages > 10 {
			t.Fatal("paging never ends")
		}
	}
}

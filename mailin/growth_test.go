package mailin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// TestMailFloodIntoOneConversationIsDeferred: mailed answers count towards
// the conversation's growth cap; over it, a mail gets 451 4.7.0 (the
// sending server retries later) and nothing is stored.
func TestMailFloodIntoOneConversationIsDeferred(t *testing.T) {
	t.Parallel()
	r := newRigHub(t, 0, conversation.Options{MessagesPerMinute: 0.001, MessageBurst: 3})
	id := r.conversation(t, "visitor@example.com", store.StateHuman)
	to := r.signer.Address(id)
	for i := range 3 {
		if got := send(t, r.addr, "visitor@example.com", to, answer("visitor@example.com", to, fmt.Sprintf("m%d@x", i), "answer")); got.stage != "" {
			t.Fatalf("mail %d refused: %+v", i, got)
		}
	}
	got := send(t, r.addr, "visitor@example.com", to, answer("visitor@example.com", to, "m3@x", "one more"))
	if got.stage != "data" || got.code != 451 || !strings.Contains(got.msg, "Too many messages") {
		t.Fatalf("the mail over the cap: %+v, want 451 at data", got)
	}
	if ms := r.visitorMessages(t, id); len(ms) != 3 {
		t.Fatalf("%d mailed answers stored, want 3", len(ms))
	}
}

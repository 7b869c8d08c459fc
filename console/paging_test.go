package console

import (
	"fmt"
	"github.com/andon-chat/andon/internal/apierr"
	"net/http"
	"testing"

	"github.com/andon-chat/andon/auth"
	"github.com/andon-chat/andon/conversation"
	"github.com/andon-chat/andon/store"
)

// Issue 9 item 1: GET /api/conversations/{id} carries a page of the
// transcript, and ?before_seq= reads the older ones.
func TestContextPagesItsMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	anna := e.login(t, auth.RoleAgent, "billing")
	id := e.escalate(t, conversation.Visit{Site: "default", Locale: "en"})
	for i := range 230 {
		if _, _, err := e.st.AppendMessage(t.Context(), store.Message{ConversationID: id, From: store.FromVisitor, Text: fmt.Sprint("m", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var first contextJSON
	anna.must(t, "GET", "/api/conversations/"+id, nil, http.StatusOK, &first)
	n := len(first.Messages)
	if n != 100 || !first.HasMore || first.Messages[n-1].Text != "m229" {
		t.Fatalf("default page: %d messages ending %q, has_more %v", n, first.Messages[n-1].Text, first.HasMore)
	}
	var total int
	before := first.Messages[0].Seq
	for {
		var p contextJSON
		anna.must(t, "GET", fmt.Sprintf("/api/conversations/%s?before_seq=%d&limit=80", id, before), nil, http.StatusOK, &p)
		if len(p.Messages) == 0 || len(p.Messages) > 80 || p.Messages[len(p.Messages)-1].Seq != before-1 {
			t.Fatalf("page before %d: %d messages", before, len(p.Messages))
		}
		total += len(p.Messages)
		before = p.Messages[0].Seq
		if !p.HasMore {
			break
		}
	}
	if before != 1 || total+n != int(first.Conversation.LastSeq) {
		t.Fatalf("paging read %d of %d messages, ending at seq %d", total+n, first.Conversation.LastSeq, before)
	}
	for _, q := range []string{"limit=0", "limit=501", "limit=x", "before_seq=0", "before_seq=-3", "before_seq=abc"} {
		anna.wantError(t, "GET", "/api/conversations/"+id+"?"+q, nil, http.StatusBadRequest, apierr.CodeBadRequest)
	}
}
